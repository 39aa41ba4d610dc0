"""Event mail end to end: beat's reminder task on a real worker, out through real SMTP."""

import time
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar

from events import tasks
from events.models import Registration
from k360.models import OutgoingEmail
from tests.factories import EventFactory, RegistrationFactory


def test_reminder_reaches_the_smtp_server_with_its_calendar_entry(smtp_server, celery_worker):
    inbox, _port = smtp_server
    event = EventFactory(
        title="Werkstattgespräch Übergänge", starts_at=timezone.now() + timedelta(days=1)
    )
    registration = RegistrationFactory(event=event, email="rita@example.org")
    tasks.send_event_reminders.delay()
    (message,) = inbox.wait_for(1)
    assert message["To"] == "rita@example.org"
    assert message["Subject"].strip().startswith("Erinnerung: Werkstattgespräch Übergänge am")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert registration.manage_url() in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    assert str(calendar.walk("VEVENT")[0]["UID"]) == event.uid
    registration.refresh_from_db()
    assert registration.reminded_at is not None
    deadline = time.monotonic() + 10
    while not OutgoingEmail.objects.filter(state="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT
    # The next hourly run finds nobody left to remind.
    assert tasks.send_event_reminders.apply().result == 0
    assert len(inbox.messages) == 1
    assert Registration.objects.get().reminded_at == registration.reminded_at
