import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Room, Session, SessionVote, TimeSlot
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BOARD = "/veranstaltungen/barcamp/sessions/"


@pytest.fixture
def barcamp():
    """A barcamp with two rooms, two slots and three proposals, one placed with notes."""
    event = EventFactory(kind="barcamp", title="Barcamp Kinderarmut", slug="barcamp")
    start = timezone.localtime(event.starts_at).replace(hour=10, minute=0, second=0)
    rooms = [Room.objects.create(event=event, name=name, order=n) for n, name in enumerate("AB")]
    slots = [
        TimeSlot.objects.create(
            event=event,
            starts_at=start + timedelta(hours=h),
            ends_at=start + timedelta(hours=h + 1),
        )
        for h in (0, 1)
    ]
    host = UserFactory(name="Hanna Host")
    for title, room, slot in [
        ("Präventionsketten", rooms[0], slots[0]),
        ("Daten teilen", None, None),
        ("Jugendhilfeplanung", None, None),
    ]:
        Session.objects.create(
            event=event,
            title=title,
            description=f"Worum es bei {title} geht.",
            proposer=host,
            room=room,
            slot=slot,
            notes="Ergebnis: **mehr** Austausch." if room else "",
        )
    SessionVote.objects.create(session=Session.objects.get(title="Daten teilen"), user=host)
    return event


def test_board_shows_schedule_and_toggles_interest_in_place(page, axe, login, barcamp):
    login(UserFactory(name="Bernd Beteiligt"))
    page.goto(BOARD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions: Barcamp Kinderarmut")
    schedule = page.get_by_role("table")
    expect(schedule.get_by_role("columnheader", name="A")).to_be_visible()
    expect(schedule.get_by_role("row", name=re.compile("10:00–11:00"))).to_contain_text(
        "Präventionsketten"
    )
    schedule.get_by_text("Notizen").click()
    expect(schedule.get_by_text("Austausch")).to_be_visible()
    axe(page)

    card = page.locator("li", has=page.get_by_role("heading", name="Daten teilen"))
    expect(card).to_contain_text("1 Person interessiert")
    card.get_by_role("button", name="Interesse an „Daten teilen“").click()
    expect(card).to_contain_text("2 Personen interessiert")
    withdraw = card.get_by_role("button", name="Interesse zurücknehmen „Daten teilen“")
    expect(withdraw).to_be_focused()
    assert page.url.endswith(BOARD)  # swapped in place by htmx, no reload
    assert SessionVote.objects.filter(session__title="Daten teilen").count() == 2
    axe(page)
    withdraw.click()
    expect(card).to_contain_text("1 Person interessiert")
    expect(card.get_by_role("button", name="Interesse an „Daten teilen“")).to_be_visible()


def test_interest_without_javascript(browser, live_server, password, barcamp):
    member = UserFactory()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    page.goto(BOARD)
    page.get_by_role("button", name="Interesse an „Jugendhilfeplanung“").click()
    expect(page).to_have_url(re.compile(r"/sessions/#session-\d+$"))
    card = page.locator("li", has=page.get_by_role("heading", name="Jugendhilfeplanung"))
    expect(card).to_contain_text("1 Person interessiert")
    assert SessionVote.objects.filter(user=member).count() == 1
    context.close()


def test_participant_proposes_and_organiser_places(page, axe, login, barcamp):
    participant = UserFactory(name="Paula Plan")
    RegistrationFactory(event=barcamp, user=participant, email=participant.email)
    login(participant)
    page.goto(BOARD)
    page.get_by_role("link", name="Session vorschlagen").click()
    page.get_by_role("button", name="Vorschlag einreichen").click()
    expect(page.get_by_text("Bitte geben Sie Ihrer Session einen Titel.")).to_be_visible()
    axe(page)
    page.get_by_label("Titel").fill("Offene Daten im Sozialraum")
    page.get_by_label("Worum geht es?").fill("Welche Daten helfen bei der Planung?")
    page.get_by_label("Workshop").check()
    page.get_by_role("button", name="Vorschlag einreichen").click()
    expect(page.get_by_text("Ihr Vorschlag steht jetzt auf dem Board")).to_be_visible()
    expect(page.get_by_role("heading", name="Offene Daten im Sozialraum")).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    olga = UserFactory(name="Olga Orga")
    barcamp.organisers.add(olga)  # groups from migrations are gone after a transactional flush
    login(olga)
    page.goto(BOARD)
    page.get_by_role("link", name="Raster bearbeiten").click()
    axe(page)
    card = page.locator("li", has=page.get_by_role("heading", name="Offene Daten im Sozialraum"))
    card.get_by_label("Raum").select_option(label="A")
    card.get_by_label("Zeitfenster").select_option(label="10:00–11:00")
    card.get_by_role("button", name=re.compile("Platzierung speichern")).click()
    expect(
        page.get_by_text("In A ist um 10:00–11:00 schon „Präventionsketten“ geplant.")
    ).to_be_visible()
    axe(page)
    card = page.locator("li", has=page.get_by_role("heading", name="Offene Daten im Sozialraum"))
    card.get_by_label("Raum").select_option(label="B")
    card.get_by_label("Zeitfenster").select_option(label="10:00–11:00")
    card.get_by_role("button", name=re.compile("Platzierung speichern")).click()
    expect(
        page.get_by_text("„Offene Daten im Sozialraum“ ist eingeplant: B, 10:00–11:00.")
    ).to_be_visible()
    page.goto(BOARD)
    expect(page.get_by_role("row", name=re.compile("10:00–11:00"))).to_contain_text(
        "Offene Daten im Sozialraum"
    )
