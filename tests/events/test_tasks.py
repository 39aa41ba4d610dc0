"""Periodic work: reminders two days before, erasing needs 30 days after; organisers' mail."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from events import services, tasks
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_beat_runs_the_reminders_and_the_purge():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"events.tasks.send_event_reminders", "events.tasks.purge_registration_data"} <= (
        tasks_scheduled
    )


def test_reminder_goes_out_once_two_days_before(django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    soon = EventFactory(
        title="Werkstatt morgen",
        starts_at=now + timedelta(days=1, hours=20),
        online_url="https://konferenz.example.org/werkstatt",
    )
    later = EventFactory(starts_at=now + timedelta(days=5))
    confirmed = RegistrationFactory(event=soon, name="Rita Rechtzeitig")
    RegistrationFactory(event=soon, status="waitlisted")
    RegistrationFactory(event=soon, status="cancelled")
    RegistrationFactory(event=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_event_reminders() == 1
    (mail,) = mailoutbox
    assert mail.to == [confirmed.email]
    assert mail.subject.startswith("Erinnerung: Werkstatt morgen am")
    assert "https://konferenz.example.org/werkstatt" in mail.body
    assert confirmed.manage_url() in mail.body  # the way to cancel
    assert Calendar.from_ical(mail.attachments[0][1]).walk("VEVENT")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_event_reminders() == 0  # the next hour: nobody twice
    assert len(mailoutbox) == 1


def test_no_reminder_right_after_the_confirmation(mailoutbox):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    services.registration_create(event=event, user=UserFactory())  # confirmed just now
    assert tasks.send_event_reminders() == 0
    Registration.objects.update(confirmed_at=timezone.now() - timedelta(hours=13))
    assert tasks.send_event_reminders() == 1


def test_no_reminder_for_a_cancelled_event(mailoutbox):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1), status="cancelled")
    RegistrationFactory(event=event)
    assert tasks.send_event_reminders() == 0


def test_needs_are_erased_thirty_days_after_the_event():
    now = timezone.now()
    old = EventFactory(starts_at=now - timedelta(days=32), ends_at=now - timedelta(days=31))
    recent = EventFactory(starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=10))
    gone = RegistrationFactory(event=old, accessibility_needs="Rollstuhl", dietary_needs="vegan")
    kept = RegistrationFactory(event=recent, accessibility_needs="Rollstuhl")
    result = tasks.purge_registration_data()
    assert result["needs_erased"] == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.accessibility_needs, gone.dietary_needs) == ("", "")
    assert gone.needs_erased_at is not None
    assert gone.name  # the registration itself stays
    assert kept.accessibility_needs == "Rollstuhl"


def test_unconfirmed_visitor_registrations_are_deleted_after_a_week():
    event = EventFactory()
    stale = services.registration_create(
        event=event, name="Nie bestätigt", email="nie@example.org", consent=True
    )
    fresh = services.registration_create(
        event=event, name="Frisch", email="frisch@example.org", consent=True
    )
    Registration.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=10))
    assert tasks.purge_registration_data()["pending_deleted"] == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_organiser_writes_to_all_participants(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    organiser = UserFactory(name="Olga Orga", email="olga@example.org")
    event = EventFactory(title="Herbstforum", organisers=[organiser])
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status="waitlisted", email="warte@example.org")
    client.force_login(organiser)
    url = f"/veranstaltungen/{event.slug}/teilnehmende/nachricht/"
    assert "3 bestätigte Teilnehmende" in client.get(url).content.decode()
    response = client.post(url, {"subject": "", "body": ""})
    assert response.status_code == 400
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"subject": "Raumänderung", "body": "Wir sind in Saal 2."})
    assert response.status_code == 302
    assert len(mailoutbox) == 3
    assert "warte@example.org" not in [m.to[0] for m in mailoutbox]
    mail = mailoutbox[0]
    assert mail.subject == "Raumänderung – Herbstforum"
    assert mail.reply_to == ["olga@example.org"]
    assert "Wir sind in Saal 2." in mail.body
    assert "/veranstaltungen/anmeldung/" in mail.body  # each has its cancellation link


def test_checkin_list_is_printable_and_lists_confirmed_only(client):
    organiser = UserFactory(groups=["Organisation"])
    event = EventFactory()
    RegistrationFactory(event=event, name="Clara Check", dietary_needs="vegan")
    RegistrationFactory(event=event, name="Wanda Warteliste", status="waitlisted")
    client.force_login(organiser)
    html = client.get(f"/veranstaltungen/{event.slug}/teilnehmende/checkin/").content.decode()
    assert "Clara Check" in html and "vegan" in html
    assert "Wanda Warteliste" not in html
    assert "1 bestätigte Anmeldung" in html
