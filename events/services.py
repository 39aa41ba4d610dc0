"""Every write to events with a side effect: registrations and the waitlist, mails, barcamps."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from k360.mail import email_send

from .calendars import event_calendar
from .models import (
    CONFIRMATION_VALID,
    NEEDS_KEPT_AFTER_EVENT,
    REMINDER_BEFORE,
    REMINDER_QUIET_AFTER_CONFIRMATION,
    Event,
    Registration,
    Room,
    Session,
    SessionVote,
    TimeSlot,
)

Status = Registration.Status
ICS_MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"
# The consent text of the visitor registration form; a new wording gets a new version.
CONSENT_VERSION = "2026-11"
# Unconfirmed visitor registrations are deleted this long after their link expired.
PENDING_KEPT = timedelta(days=7)


def _ics_attachment(event: Event) -> tuple[str, bytes, str]:
    return (f"{event.slug}.ics", event_calendar(event), ICS_MIMETYPE)


def _mail(registration: Registration, template: str, *, ics: bool = False, **context) -> None:
    event = registration.event
    email_send(
        template=f"events/{template}",
        to=[registration.email],
        context={"registration": registration, "event": event, **context},
        attachments=[_ics_attachment(event)] if ics else (),
    )


def _refusal(event: Event, *, user, now: datetime) -> str | None:
    """Why nobody (or this person) can register now; None when registration is open."""
    state = event.registration_state(now)
    if event.status == Event.Status.DRAFT:
        return _("Diese Veranstaltung ist noch nicht veröffentlicht.")
    if state == "cancelled":
        return _("Diese Veranstaltung wurde abgesagt. Eine Anmeldung ist nicht mehr möglich.")
    if state == "none":
        return _("Für diese Veranstaltung ist keine Anmeldung über die Plattform vorgesehen.")
    if state == "not_yet":
        return _("Die Anmeldung öffnet am %(date)s Uhr.") % {
            "date": timezone.localtime(event.registration_opens_at).strftime("%d.%m.%Y, %H:%M")
        }
    if state == "closed":
        return _("Die Anmeldefrist ist abgelaufen. Eine Anmeldung ist nicht mehr möglich.")
    if event.is_members_only and user is None:
        return _(
            "Diese Veranstaltung ist nur für Mitglieder des Netzwerks. "
            "Bitte melden Sie sich mit Ihrem Konto an."
        )
    return None


def registration_refusal(event: Event, user=None) -> str | None:
    """The message a registration form shows instead of itself (None: the form is open)."""
    member = user if user is not None and user.is_authenticated else None
    return _refusal(event, user=member, now=timezone.now())


def _take_seat_or_queue(event: Event, registration: Registration, now: datetime) -> None:
    """Confirm or waitlist; the caller holds the event's row lock, so counts cannot race."""
    registration.queued_at = now
    if event.capacity is None or (
        Registration.objects.filter(event=event, status=Status.CONFIRMED).count() < event.capacity
    ):
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Status.WAITLISTED


def _notify_placed(registration: Registration) -> None:
    if registration.status == Status.CONFIRMED:
        _mail(registration, "registration_confirmed", ics=True)
    else:
        _mail(registration, "registration_waitlisted", position=registration_position(registration))


def registration_position(registration: Registration) -> int | None:
    """The place on the waitlist, counting from 1; None when not waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Status.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _already_registered(event: Event, *, user, email: str) -> Registration | None:
    same_person = Q(email__iexact=email)
    if user is not None:
        same_person |= Q(user=user)
    return Registration.objects.active().filter(same_person, event=event).first()


def registration_create(
    *,
    event: Event,
    user=None,
    name: str = "",
    email: str = "",
    organisation: str = "",
    accessibility_needs: str = "",
    dietary_needs: str = "",
    consent: bool = False,
) -> Registration:
    """Register a member (one step) or a visitor (who confirms by email before a seat counts)."""
    now = timezone.now()
    if user is not None:
        if not (user.is_authenticated and user.is_active):
            raise PermissionDenied(_("Bitte melden Sie sich an."))
        name, email = user.display_name, user.email
        organisation = (
            organisation
            or user.organisation_name
            or (str(user.organisation) if user.organisation_id else "")
        )
    elif not consent:
        raise ValidationError(
            _("Ohne Ihre Einwilligung können wir Ihre Anmeldung nicht speichern."), code="consent"
        )
    with transaction.atomic():
        # The event row is the lock every seat decision of this event goes through.
        event = Event.objects.select_for_update().get(pk=event.pk)
        refusal = _refusal(event, user=user, now=now)
        if refusal:
            code = "members_only" if event.is_members_only and user is None else "closed"
            raise ValidationError(refusal, code=code)
        existing = _already_registered(event, user=user, email=email)
        if existing is not None:
            if existing.status == Status.PENDING and existing.confirmation_expires_at < now:
                existing.delete()  # a link nobody followed holds nothing
            elif existing.status == Status.PENDING:
                raise ValidationError(
                    _(
                        "Für diese E-Mail-Adresse liegt bereits eine Anmeldung vor. Bitte "
                        "bestätigen Sie sie über den Link, den wir Ihnen geschickt haben."
                    ),
                    code="duplicate",
                )
            else:
                raise ValidationError(
                    _("Sie sind für diese Veranstaltung bereits angemeldet."), code="duplicate"
                )
        registration = Registration(
            event=event,
            user=user,
            name=name.strip(),
            email=email.strip(),
            organisation=organisation.strip(),
            accessibility_needs=accessibility_needs.strip(),
            dietary_needs=dietary_needs.strip(),
            consent_at=now if user is None else None,
            status=Status.PENDING,
        )
        if user is not None:
            _take_seat_or_queue(event, registration, now)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # a parallel request of the same person won
            raise ValidationError(
                _("Sie sind für diese Veranstaltung bereits angemeldet."), code="duplicate"
            ) from exc
        if user is None:
            _mail(registration, "registration_confirm_email")
        else:
            _notify_placed(registration)
    return registration


def registration_by_token(token: str) -> Registration:
    # PostgreSQL refuses a NUL in a query: such a link is as unknown as any other.
    registration = (
        Registration.objects.select_related("event").filter(token=token).first()
        if token and "\x00" not in token
        else None
    )
    if registration is None:
        raise ValidationError(
            _("Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben."),
            code="invalid",
        )
    return registration


def registration_confirm_email(*, token: str) -> Registration:
    """A visitor followed the link in their email: now their registration takes a seat."""
    now = timezone.now()
    with transaction.atomic():
        registration = registration_by_token(token)
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status != Status.PENDING:
            if registration.status == Status.CANCELLED:
                raise ValidationError(
                    _("Diese Anmeldung wurde abgesagt. Sie können sich neu anmelden."),
                    code="cancelled",
                )
            return registration  # the link was followed twice: nothing changes
        if registration.confirmation_expires_at < now:
            raise ValidationError(
                _(
                    "Dieser Bestätigungslink ist abgelaufen (er gilt 48 Stunden). Bitte melden "
                    "Sie sich erneut an."
                ),
                code="expired",
            )
        refusal = _refusal(event, user=None, now=now)
        if refusal:
            raise ValidationError(refusal, code="closed")
        _take_seat_or_queue(event, registration, now)
        registration.save(update_fields=["status", "queued_at", "confirmed_at"])
        _notify_placed(registration)
    return registration


def _promote_waitlisted(event: Event, now: datetime) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served; caller holds the lock."""
    if event.capacity is None:
        free = None
    else:
        taken = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
        free = max(event.capacity - taken, 0)
        if free == 0:
            return []
    waiting = Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by(
        "queued_at", "pk"
    )
    promoted = list(waiting[:free] if free is not None else waiting)
    for registration in promoted:
        registration.event = event
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _mail(registration, "registration_promoted", ics=True)
    return promoted


def registration_cancel(*, registration: Registration, notify: bool = True) -> list[Registration]:
    """Cancel; a freed seat goes to the first on the waitlist in the same transaction."""
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.event = event
        if registration.status == Status.CANCELLED:
            return []
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if notify:
            _mail(registration, "registration_cancelled")
        promoted = _promote_waitlisted(event, now) if held_seat and not event.is_past else []
    return promoted


def event_fill_from_waitlist(*, event: Event) -> list[Registration]:
    """After the organisers add seats: move people up from the waitlist."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled or event.is_past:
            return []
        return _promote_waitlisted(event, timezone.now())


def event_cancel(*, event: Event, message: str = "") -> int:
    """Cancel an event and tell everybody registered (with the calendar's cancellation)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.is_cancelled:
            return 0
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        registrations = list(
            Registration.objects.filter(
                event=event, status__in=[Status.CONFIRMED, Status.WAITLISTED]
            )
        )
        for registration in registrations:
            registration.event = event
            _mail(registration, "event_cancelled", ics=True, message=message)
    return len(registrations)


def event_message_send(
    *, event: Event, sender, subject: str, body: str, include_waitlist: bool = False
) -> int:
    """An organiser writes to all participants; replies go to the organiser."""
    if not sender.has_perm("events.manage_event", event):
        raise PermissionDenied
    statuses = [Status.CONFIRMED, Status.WAITLISTED] if include_waitlist else [Status.CONFIRMED]
    with transaction.atomic():
        registrations = list(
            Registration.objects.filter(event=event, status__in=statuses).order_by("pk")
        )
        for registration in registrations:
            registration.event = event
            email_send(
                template="events/event_message",
                to=[registration.email],
                reply_to=[sender.email],
                context={
                    "registration": registration,
                    "event": event,
                    "subject": subject,
                    "body": body,
                    "sender": sender,
                },
            )
    return len(registrations)


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed participants of events starting in the next two days, once each
    (not those whose confirmation arrived in the last hours: it carried the same news)."""
    now = now or timezone.now()
    sent = 0
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
        confirmed_at__lt=now - REMINDER_QUIET_AFTER_CONFIRMATION,
    ).values_list("pk", flat=True)
    for pk in list(due[:2000]):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(skip_locked=True)
                .select_related("event")
                .filter(pk=pk, reminded_at__isnull=True, status=Status.CONFIRMED)
                .first()
            )
            if registration is None:
                continue
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            _mail(registration, "event_reminder", ics=True)
            sent += 1
    return sent


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Erase accessibility and dietary needs 30 days after the event; drop stale pending rows."""
    now = now or timezone.now()
    erased = (
        Registration.objects.filter(event__ends_at__lt=now - NEEDS_KEPT_AFTER_EVENT)
        .filter(~Q(accessibility_needs="") | ~Q(dietary_needs=""))
        .update(accessibility_needs="", dietary_needs="", needs_erased_at=now)
    )
    stale, _deleted = Registration.objects.filter(
        status=Status.PENDING, created_at__lt=now - CONFIRMATION_VALID - PENDING_KEPT
    ).delete()
    return {"needs_erased": erased, "pending_deleted": stale}


def member_export(user) -> list[dict[str, Any]]:
    return [
        {
            "veranstaltung": registration.event.title,
            "beginn": registration.event.starts_at.isoformat(),
            "status": registration.get_status_display(),
            "organisation": registration.organisation,
            "barrierefreiheit": registration.accessibility_needs,
            "ernaehrung": registration.dietary_needs,
            "angemeldet_am": registration.created_at.isoformat(),
        }
        for registration in Registration.objects.filter(user=user).select_related("event")
    ]


def member_erase(user) -> None:
    """Before an account goes: free its seats (the waitlist moves up) and forget the rest."""
    for registration in Registration.objects.active().filter(user=user):
        registration_cancel(registration=registration, notify=False)
    Registration.objects.filter(user=user).delete()


# --- Barcamps ---------------------------------------------------------------------------


def can_propose_session(event: Event, user) -> bool:
    if not (user.is_authenticated and user.is_active) or event.kind != Event.Kind.BARCAMP:
        return False
    if user.has_perm("events.manage_event", event):
        return True
    return Registration.objects.filter(
        event=event, user=user, status__in=[Status.CONFIRMED, Status.WAITLISTED]
    ).exists()


def session_planning_closed(event: Event) -> str | None:
    """Why proposals and interest marks are closed; None while the barcamp is still ahead."""
    if event.is_cancelled:
        return _("Die Veranstaltung ist abgesagt; die Session-Planung ist geschlossen.")
    if event.is_past:
        return _("Die Veranstaltung ist vorbei; die Session-Planung ist geschlossen.")
    return None


def session_propose(*, event: Event, user, title: str, description: str, format: str) -> Session:
    """A participant proposes a session for the barcamp's board."""
    if event.kind != Event.Kind.BARCAMP:
        raise ValidationError(_("Für diese Veranstaltung gibt es keine Session-Planung."))
    if closed := session_planning_closed(event):
        raise ValidationError(closed)
    if not can_propose_session(event, user):
        raise PermissionDenied(
            _("Sessions schlagen angemeldete Teilnehmende vor. Bitte melden Sie sich zuerst an.")
        )
    return Session.objects.create(
        event=event,
        proposer=user,
        title=title.strip(),
        description=description.strip(),
        format=format,
    )


def session_vote_toggle(*, session: Session, user) -> bool:
    """Mark or unmark interest; True when the member is now interested."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if closed := session_planning_closed(session.event):
        raise ValidationError(closed)
    with transaction.atomic():
        deleted, _rows = SessionVote.objects.filter(session=session, user=user).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                SessionVote.objects.create(session=session, user=user)
        except IntegrityError:  # a double click: the first one counted
            pass
    return True


def session_place(*, session: Session, room: Room | None, slot: TimeSlot | None) -> Session:
    """Put a session into the grid (or take it out with room and slot None)."""
    if (room is None) != (slot is None):
        raise ValidationError(_("Bitte wählen Sie Raum und Zeitfenster."))
    if room is not None and (
        room.event_id != session.event_id or slot.event_id != session.event_id
    ):
        raise ValidationError(_("Raum und Zeitfenster gehören zu einer anderen Veranstaltung."))
    old_room, old_slot = session.room, session.slot
    with transaction.atomic():
        taken = (
            Session.objects.select_for_update()
            .filter(room=room, slot=slot)
            .exclude(pk=session.pk)
            .first()
            if room is not None
            else None
        )
        if taken is not None:
            raise ValidationError(
                _("In %(room)s ist um %(slot)s schon „%(title)s“ geplant.")
                % {"room": room, "slot": slot, "title": taken.title}
            )
        session.room, session.slot = room, slot
        try:
            with transaction.atomic():
                session.save(update_fields=["room", "slot", "updated_at"])
        except IntegrityError as error:  # two organisers filled the same cell at once
            session.room, session.slot = old_room, old_slot
            raise ValidationError(
                _("In %(room)s ist um %(slot)s gerade eine andere Session eingeplant worden.")
                % {"room": room, "slot": slot}
            ) from error
    return session


def session_notes_update(*, session: Session, user, notes: str) -> Session:
    """The host (or an organiser) adds notes after the session."""
    if not (
        user.is_authenticated
        and (session.proposer_id == user.pk or user.has_perm("events.manage_event", session.event))
    ):
        raise PermissionDenied
    session.notes = notes
    session.save(update_fields=["notes", "notes_html", "updated_at"])
    return session
