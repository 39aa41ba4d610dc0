from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from k360.mail import email_send
from k360.models import OutgoingEmail

from . import privacy
from .models import ContactMessage, MembershipApplication, Municipality, User

CONTACT_LIMIT_PER_DAY = 10
INVITATION_SALT = "network.invitation"
INVITATION_MAX_AGE = timedelta(days=14)
# The consent text of the application form; a new wording gets a new version.
CONSENT_VERSION = "2026-11"


class RateLimited(Exception):
    """The member has used up a limit; the view answers 429."""


def member_welcome(*, user: User) -> None:
    """Greet a member once their email address is confirmed."""
    email_send(
        template="network/welcome",
        to=[user.email],
        context={"user": user, "contact_email": settings.K360_CONTACT_EMAIL},
    )


def member_contact(*, sender: User, recipient: User, subject: str, message: str) -> None:
    """Email a member without showing the sender their address; replies go to the sender."""
    if sender.pk == recipient.pk:
        raise ValidationError(_("Sie können sich nicht selbst schreiben."))
    with transaction.atomic():
        # Lock the sender's row so parallel requests cannot both pass the daily limit.
        User.objects.select_for_update().get(pk=sender.pk)
        since = timezone.now() - timedelta(days=1)
        if ContactMessage.objects.filter(sender=sender, created_at__gte=since).count() >= (
            CONTACT_LIMIT_PER_DAY
        ):
            raise RateLimited(
                _(
                    "Sie haben heute bereits %(limit)d Nachrichten geschrieben. "
                    "Bitte versuchen Sie es morgen wieder."
                )
                % {"limit": CONTACT_LIMIT_PER_DAY}
            )
        ContactMessage.objects.create(sender=sender, recipient=recipient)
        email_send(
            template="network/contact",
            to=[recipient.email],
            reply_to=[sender.email],
            context={
                "sender": sender,
                "recipient": recipient,
                "subject": subject,
                "message": message,
            },
        )


def application_submit(
    *,
    name: str,
    email: str,
    organisation: str,
    municipality: Municipality | None,
    municipality_name: str,
    function: str,
    sector: str,
    motivation: str,
) -> MembershipApplication:
    email = email.strip().lower()
    with transaction.atomic():
        if MembershipApplication.objects.open().filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "Für diese E-Mail-Adresse liegt bereits ein offener Antrag vor. "
                    "Wir melden uns, sobald er entschieden ist."
                ),
                code="duplicate",
            )
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "Mit dieser E-Mail-Adresse gibt es schon ein Konto. "
                    "Bitte melden Sie sich an oder setzen Sie Ihr Passwort zurück."
                ),
                code="member",
            )
        application = MembershipApplication.objects.create(
            name=name,
            email=email,
            organisation=organisation,
            municipality=municipality,
            municipality_name="" if municipality else municipality_name,
            function=function,
            sector=sector,
            motivation=motivation,
            consent_version=CONSENT_VERSION,
            consent_at=timezone.now(),
        )
        email_send(
            template="network/application_received",
            to=[application.email],
            context={"application": application},
        )
    return application


def invitation_token(application: MembershipApplication) -> str:
    return signing.dumps({"application": application.pk}, salt=INVITATION_SALT)


def invitation_application(token: str) -> MembershipApplication:
    """The approved, not yet accepted application a signed invitation link stands for."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(_("Diese Einladung ist abgelaufen."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("Dieser Einladungslink ist ungültig."), code="invalid") from exc
    application = MembershipApplication.objects.filter(
        pk=data.get("application"), status=MembershipApplication.Status.APPROVED
    ).first()
    if application is None:
        raise ValidationError(_("Dieser Einladungslink ist ungültig."), code="invalid")
    if application.member_id is not None:
        raise ValidationError(
            _("Diese Einladung wurde bereits angenommen. Bitte melden Sie sich an."),
            code="used",
        )
    return application


def _decide_open(applications, *, decided_by: User, status: str) -> list[MembershipApplication]:
    """Decide the open ones among the given applications; locked, so a double click counts once."""
    decided = list(
        MembershipApplication.objects.select_for_update()
        .filter(pk__in=list(applications.values_list("pk", flat=True)))
        .filter(status=MembershipApplication.Status.OPEN)
        .order_by("pk")
    )
    for application in decided:
        application.status = status
        application.decided_at = timezone.now()
        application.decided_by = decided_by
        application.save(update_fields=["status", "decided_at", "decided_by"])
    return decided


def applications_approve(*, applications, decided_by: User) -> int:
    """Approve open applications and email each an invitation link; returns how many."""
    with transaction.atomic():
        approved = _decide_open(
            applications, decided_by=decided_by, status=MembershipApplication.Status.APPROVED
        )
        for application in approved:
            url = settings.SITE_URL + reverse(
                "network:invitation", kwargs={"token": invitation_token(application)}
            )
            email_send(
                template="network/application_approved",
                to=[application.email],
                context={
                    "application": application,
                    "invitation_url": url,
                    "valid_days": INVITATION_MAX_AGE.days,
                },
            )
    return len(approved)


def applications_reject(*, applications, decided_by: User) -> int:
    """Reject open applications with a polite email; returns how many."""
    with transaction.atomic():
        rejected = _decide_open(
            applications, decided_by=decided_by, status=MembershipApplication.Status.REJECTED
        )
        for application in rejected:
            email_send(
                template="network/application_rejected",
                to=[application.email],
                context={"application": application},
            )
    return len(rejected)


def invitation_accept(*, application: MembershipApplication, password: str) -> User:
    """Create the member's account from the application, with a verified email address."""
    with transaction.atomic():
        application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
        if application.member_id is not None:
            raise ValidationError(_("Diese Einladung wurde bereits angenommen."), code="used")
        if User.objects.filter(email__iexact=application.email).exists():
            raise ValidationError(
                _("Mit dieser E-Mail-Adresse gibt es schon ein Konto."), code="member"
            )
        user = User(
            email=application.email,
            name=application.name,
            function=application.function,
            sector=application.sector,
            organisation_name=application.organisation,
            municipality=application.municipality,
        )
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        application.member = user
        application.save(update_fields=["member"])
        member_welcome(user=user)
    return user


def user_export(*, user: User) -> dict[str, Any]:
    """Everything stored about a member, each app contributing its part."""
    data: dict[str, Any] = {
        "exportiert_am": timezone.now().isoformat(),
        "profil": {
            "email": user.email,
            "name": user.name,
            "funktion": user.function,
            "bereich": user.get_sector_display(),
            "organisation": user.organisation.name if user.organisation else "",
            "organisation_frei": user.organisation_name,
            "kommune": user.municipality.name if user.municipality else "",
            "koordination": user.is_coordinator,
            "themen": sorted(tag.name for tag in user.topics.all()),
            "kurzvorstellung": user.bio,
            "profilbild": user.avatar.url if user.avatar else "",
            "sichtbarkeit": user.get_profile_visibility_display(),
            "email_sichtbar": user.show_email,
            "benachrichtigungen": {
                "antworten": user.notify_replies,
                "foren": user.notify_forums,
                "veranstaltungen": user.notify_events,
            },
            "mitglied_seit": user.date_joined.isoformat(),
            "letzte_anmeldung": user.last_login.isoformat() if user.last_login else None,
        },
        "email_adressen": [
            {"email": address.email, "bestaetigt": address.verified, "primaer": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "mitgliedsantraege": [
            {
                "eingegangen_am": application.created_at.isoformat(),
                "status": application.get_status_display(),
                "organisation": application.organisation,
                "kommune": application.municipality_label,
                "funktion": application.function,
                "motivation": application.motivation,
                "einwilligung_version": application.consent_version,
                "einwilligung_am": application.consent_at.isoformat(),
            }
            for application in MembershipApplication.objects.filter(
                Q(member=user) | Q(email__iexact=user.email)
            ).select_related("municipality")
        ],
        "kontaktnachrichten_gesendet": ContactMessage.objects.filter(sender=user).count(),
    }
    for key, exporter in privacy.exporters().items():
        data[key] = exporter(user)
    return data


def user_delete(*, user: User, password: str) -> None:
    """Delete a member's account and personal data; their contributions stay anonymous."""
    if not user.check_password(password):
        raise PermissionDenied(_("Das Passwort ist nicht korrekt."))
    with transaction.atomic():
        emails = {user.email.lower()} | {
            address.lower()
            for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        }
        for eraser in privacy.erasers().values():
            eraser(user)
        MembershipApplication.objects.filter(Q(member=user) | Q(email__in=emails)).delete()
        # Mails not yet sent to the member are dropped with the rest of their data.
        for address in emails:
            OutgoingEmail.objects.filter(to__icontains=address).delete()
            OutgoingEmail.objects.filter(reply_to__icontains=address).delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=_("gelöschtes Mitglied"), change_message="")
        if user.avatar:
            avatar = user.avatar
            transaction.on_commit(lambda: avatar.storage.delete(avatar.name))
        for session in UserSession.objects.filter(user=user):
            session.end()
        user.delete()
