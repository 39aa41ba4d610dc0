"""Subscriptions: double opt-in, one-click for members, unsubscribing, topics.

Nothing else in the site changes a subscription: only these functions write Subscriber.status.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from k360.mail import email_send

from .models import Subscriber, normalise_email
from .tokens import confirm_url

# The consent text of the signup form; a new wording gets a new version.
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = (
    "Ich möchte den Newsletter von Kommune 360° per E-Mail erhalten. Meine Adresse wird nur "
    "dafür verwendet; ich kann mich jederzeit über den Link in jedem Newsletter abmelden."
)


def _send_confirmation(subscriber: Subscriber) -> None:
    email_send(
        template="newsletters/confirm",
        to=[subscriber.email],
        context={"subscriber": subscriber, "confirm_url": confirm_url(subscriber.email)},
    )


def subscription_request(*, email: str, name: str = "", topics=(), source: str = "") -> Subscriber:
    """Sign up (or up again): pending until the emailed link is followed. A confirmed address
    only gets its topics updated; nobody learns from the answer whether it was on the list."""
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        subscriber.name = name.strip() or subscriber.name
        subscriber.status = Subscriber.Status.PENDING
        subscriber.signed_up_at = now
        subscriber.confirmed_at = None
        subscriber.consent_version = CONSENT_VERSION
        subscriber.consent_text = CONSENT_TEXT
        subscriber.signup_source = source[:300]
        subscriber.save()
        subscriber.topics.set(topics)
        _send_confirmation(subscriber)
    return subscriber


def subscription_confirm(*, email: str) -> Subscriber:
    """The signed link was followed (the caller checked signature and age)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(email=normalise_email(email)).first()
        )
        if subscriber is None or subscriber.status in {
            Subscriber.Status.UNSUBSCRIBED,
            Subscriber.Status.INACTIVE,
        }:
            raise ValidationError(
                _("Zu diesem Link gibt es keine offene Anmeldung. Bitte melden Sie sich neu an."),
                code="no_pending",
            )
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.hard_bounces = 0
            subscriber.save(update_fields=["status", "confirmed_at", "hard_bounces"])
    return subscriber


def subscription_resend(*, email: str) -> None:
    """A new confirmation link for a pending address (after an expired or broken one)."""
    subscriber = Subscriber.objects.filter(
        email=normalise_email(email), status=Subscriber.Status.PENDING
    ).first()
    if subscriber is not None:
        with transaction.atomic():
            _send_confirmation(subscriber)


def member_subscribe(*, user, topics=()) -> Subscriber:
    """A member subscribes in one click: their address is verified already."""
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        raise ValidationError(_("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse."))
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=normalise_email(user.email)
        )
        subscriber.user = user
        subscriber.name = subscriber.name or user.display_name
        if subscriber.status != Subscriber.Status.CONFIRMED:
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.signed_up_at = now
            subscriber.confirmed_at = now
            subscriber.consent_version = CONSENT_VERSION
            subscriber.consent_text = CONSENT_TEXT
            subscriber.signup_source = "/profil/"
            subscriber.hard_bounces = 0
        subscriber.save()
        if topics:
            subscriber.topics.set(topics)
    return subscriber


def unsubscribe(*, email: str) -> Subscriber:
    """Unsubscribe an address (also one that only got newsletters as a member: it is then kept
    as unsubscribed, so that no audience reaches it again)."""
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=normalise_email(email)
        )
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def topics_update(*, subscriber: Subscriber, topics) -> Subscriber:
    subscriber.topics.set(topics)
    return subscriber


def member_export(user) -> list[dict]:
    return [
        {
            "email": subscriber.email,
            "status": subscriber.get_status_display(),
            "themen": [topic.name for topic in subscriber.topics.all()],
            "angemeldet_am": subscriber.signed_up_at.isoformat() if subscriber.signed_up_at else "",
            "bestaetigt_am": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
            "einwilligung_version": subscriber.consent_version,
        }
        for subscriber in Subscriber.objects.filter(user=user).prefetch_related("topics")
    ]
