"""The list and the event page: filters, visibility, empty states, and constant query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import AgendaItem, Event, Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def seed(events: int, registrations_each: int) -> Event:
    """Many events (half of them past) and registrations, created in bulk; returns the last."""
    now = timezone.now()
    rows = Event.objects.bulk_create(
        Event(
            kind=Event.Kind.WERKSTATTGESPRAECH if n % 2 else Event.Kind.BARCAMP,
            title=f"Veranstaltung {n}",
            slug=f"massen-{n}",
            lead="Kurz gesagt.",
            starts_at=now + timedelta(days=n - events // 2),
            ends_at=now + timedelta(days=n - events // 2, hours=3),
            capacity=registrations_each,
            status=Event.Status.PUBLISHED,
        )
        for n in range(events)
    )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name=f"Gast {n}",
            email=f"gast{event.pk}-{n}@example.org",
            status=Registration.Status.CONFIRMED if n % 3 else Registration.Status.WAITLISTED,
            queued_at=now,
            token=f"t-{event.pk}-{n}",
        )
        for event in rows
        # The page's event gets them all; every other one a single registration.
        for n in range(registrations_each if event is rows[-1] else 1)
    )
    target = rows[-1]
    organiser = UserFactory()
    target.organisers.add(organiser)
    AgendaItem.objects.bulk_create(
        AgendaItem(event=target, starts_at=target.starts_at + timedelta(minutes=n), title=f"P{n}")
        for n in range(min(registrations_each, 50))
    )
    return target


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_member", [False, True])
def test_list_and_event_page_queries_do_not_grow(client, as_member):
    if as_member:
        client.force_login(UserFactory())
    small = seed(10, 10)
    counts_small = [
        count_queries(client, "/veranstaltungen/"),
        count_queries(client, "/veranstaltungen/?zeit=vergangen"),
        count_queries(client, small.get_absolute_url()),
    ]
    Registration.objects.all().delete()
    Event.objects.all().delete()
    large = seed(500, 500)
    counts_large = [
        count_queries(client, "/veranstaltungen/"),
        count_queries(client, "/veranstaltungen/?zeit=vergangen"),
        count_queries(client, large.get_absolute_url()),
    ]
    assert counts_small == counts_large
    assert max(counts_large) <= 10


def test_list_shows_upcoming_first_and_past_on_request(client):
    EventFactory(title="Barcamp Nord", kind="barcamp", starts_at=timezone.now() + timedelta(days=3))
    EventFactory(title="Werkstatt später", starts_at=timezone.now() + timedelta(days=30))
    EventFactory(
        title="Herbstforum 2025",
        kind="herbstforum",
        starts_at=datetime(2025, 11, 6, 10, tzinfo=BERLIN),
        ends_at=datetime(2025, 11, 6, 17, tzinfo=BERLIN),
    )
    html = client.get("/veranstaltungen/").content.decode()
    assert html.index("Barcamp Nord") < html.index("Werkstatt später")
    assert "Herbstforum 2025" not in html
    html = client.get("/veranstaltungen/?zeit=vergangen").content.decode()
    assert "Herbstforum 2025" in html and "Barcamp Nord" not in html
    html = client.get("/veranstaltungen/?zeit=vergangen&jahr=2025&art=herbstforum").content.decode()
    assert "Herbstforum 2025" in html
    html = client.get("/veranstaltungen/?art=barcamp").content.decode()
    assert "Barcamp Nord" in html and "Werkstatt später" not in html


def test_bad_filters_give_an_empty_state_not_an_error(client):
    EventFactory(title="Barcamp Nord")
    for query in ("art=quatsch", "jahr=abc", "jahr=1999", "seite=999", "zeit=morgen"):
        response = client.get(f"/veranstaltungen/?{query}")
        assert response.status_code in {200, 404}, query
        assert "Barcamp Nord" not in response.content.decode(), query


def test_empty_list_says_so(client):
    html = client.get("/veranstaltungen/").content.decode()
    assert "Zurzeit sind keine Veranstaltungen angekündigt." in html


def test_drafts_and_members_only_events_are_hidden_from_visitors(client, member):
    EventFactory(title="Geheimer Entwurf", slug="entwurf", status="draft")
    EventFactory(title="Mitgliedertreffen", slug="intern", audience="members")
    html = client.get("/veranstaltungen/").content.decode()
    assert "Geheimer Entwurf" not in html and "Mitgliedertreffen" not in html
    assert client.get("/veranstaltungen/entwurf/").status_code == 404
    assert client.get("/veranstaltungen/intern/").status_code == 302
    client.force_login(member)
    html = client.get("/veranstaltungen/").content.decode()
    assert "Mitgliedertreffen" in html and "Geheimer Entwurf" not in html
    assert client.get("/veranstaltungen/entwurf/").status_code == 404
    organiser = UserFactory(groups=["Organisation"])
    client.force_login(organiser)
    response = client.get("/veranstaltungen/entwurf/")
    assert response.status_code == 200
    assert "Entwurf: Diese Veranstaltung ist noch nicht veröffentlicht" in response.content.decode()


def test_event_page_shows_place_agenda_seats_and_waitlist(client):
    event = EventFactory(
        title="Werkstattgespräch Daten",
        capacity=2,
        accessibility_notes="Stufenloser Zugang über den Hof.",
    )
    AgendaItem.objects.create(
        event=event, starts_at=event.starts_at, title="Ankommen", speakers="Team Kommune 360°"
    )
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status="waitlisted")
    html = client.get(event.get_absolute_url()).content.decode()
    for text in (
        "Rathaus Musterstadt",
        "Stufenloser Zugang über den Hof.",
        "Ankommen",
        "Team Kommune 360°",
        "ausgebucht",
        "1 Person auf der Warteliste",
        "Auf die Warteliste",
        "In meinen Kalender (iCal)",
    ):
        assert text in html, text


def test_home_shows_the_next_events(client):
    EventFactory(title="Nächstes Barcamp")
    assert "Nächstes Barcamp" in client.get("/").content.decode()


def test_sitemap_lists_public_events_only(client):
    EventFactory(slug="offen")
    EventFactory(slug="intern", audience="members")
    xml = client.get("/sitemap.xml").content.decode()
    assert "/veranstaltungen/offen/" in xml
    assert "/veranstaltungen/intern/" not in xml
