"""Calendars: RFC 5545 files parsed back with icalendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events import services
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def fetch(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_event_ics_is_valid_with_berlin_times_and_a_timezone(client):
    event = EventFactory(
        title="Herbstforum 2026",
        slug="herbstforum-2026",
        starts_at=datetime(2027, 11, 5, 9, 30, tzinfo=BERLIN),
        ends_at=datetime(2027, 11, 5, 17, 0, tzinfo=BERLIN),
        venue="Umweltforum",
        address="Pufendorfstraße 11\n10249 Berlin",
    )
    calendar = fetch(client, "/veranstaltungen/herbstforum-2026.ics")
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"veranstaltung-{event.pk}@kommune360.de"
    assert vevent["SUMMARY"] == "Herbstforum 2026"
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["LOCATION"] == "Umweltforum, Pufendorfstraße 11 10249 Berlin"
    start = vevent.decoded("DTSTART")
    assert start == datetime(2027, 11, 5, 9, 30, tzinfo=BERLIN)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert b"DTSTART;TZID=Europe/Berlin:20271105T093000" in calendar.to_ical()
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"
    assert vtimezone.walk("STANDARD") and vtimezone.walk("DAYLIGHT")
    assert "http://testserver/veranstaltungen/herbstforum-2026/" in str(vevent["URL"])


def test_uid_stays_and_sequence_rises_with_every_change(client):
    event = EventFactory(slug="netzwerktreffen")
    first = fetch(client, "/veranstaltungen/netzwerktreffen.ics").walk("VEVENT")[0]
    event.title = "Netzwerktreffen (neuer Raum)"
    event.save()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.save()
    second = fetch(client, "/veranstaltungen/netzwerktreffen.ics").walk("VEVENT")[0]
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 2
    assert second["SUMMARY"] == "Netzwerktreffen (neuer Raum)"


def test_cancelled_event_says_so_in_the_calendar(client):
    event = EventFactory(slug="abgesagt")
    before = int(fetch(client, "/veranstaltungen/abgesagt.ics").walk("VEVENT")[0]["SEQUENCE"])
    services.event_cancel(event=event)
    vevent = fetch(client, "/veranstaltungen/abgesagt.ics").walk("VEVENT")[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert int(vevent["SEQUENCE"]) > before
    assert "abgesagt" in client.get("/veranstaltungen/abgesagt/").content.decode()


def test_subscribable_calendar_lists_upcoming_events_visible_to_the_reader(client, member):
    EventFactory(title="Kommt bald", slug="bald")
    EventFactory(title="Nur Mitglieder", slug="intern", audience="members")
    EventFactory(title="Entwurf", slug="entwurf", status="draft")
    EventFactory(
        title="Vorbei",
        slug="vorbei",
        starts_at=datetime(2024, 3, 1, 10, tzinfo=BERLIN),
        ends_at=datetime(2024, 3, 1, 12, tzinfo=BERLIN),
    )
    summaries = {
        str(v["SUMMARY"]) for v in fetch(client, "/veranstaltungen/kalender.ics").walk("VEVENT")
    }
    assert summaries == {"Kommt bald"}
    client.force_login(member)
    summaries = {
        str(v["SUMMARY"]) for v in fetch(client, "/veranstaltungen/kalender.ics").walk("VEVENT")
    }
    assert summaries == {"Kommt bald", "Nur Mitglieder"}


def test_calendar_of_no_events_is_still_valid(client):
    calendar = fetch(client, "/veranstaltungen/kalender.ics")
    assert calendar.walk("VEVENT") == []


def test_draft_and_members_only_ics_are_not_for_everybody(client):
    EventFactory(slug="entwurf", status="draft")
    EventFactory(slug="intern", audience="members")
    assert client.get("/veranstaltungen/entwurf.ics").status_code == 404
    response = client.get("/veranstaltungen/intern.ics")
    assert response.status_code == 302 and "/konto/login/" in response.url
