import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import AgendaItem, Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def werkstatt():
    event = EventFactory(
        title="Werkstattgespräch: Daten für die Planung",
        slug="werkstatt-daten",
        capacity=3,
        accessibility_notes="Stufenloser Zugang, Induktionsschleife im Saal.",
    )
    AgendaItem.objects.create(
        event=event, starts_at=event.starts_at, title="Ankommen und Kaffee", speakers="Team"
    )
    return event


def test_event_list_filters_and_calendar_link(page, axe, werkstatt):
    EventFactory(
        title="Barcamp Partnerkommunen",
        kind="barcamp",
        starts_at=timezone.now() + timedelta(days=40),
    )
    page.goto("/veranstaltungen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltungen")
    expect(
        page.get_by_role("link", name="Werkstattgespräch: Daten für die Planung")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("als Kalender"))).to_be_visible()
    axe(page)
    page.get_by_label("Art").select_option(label="Barcamp")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("link", name="Barcamp Partnerkommunen")).to_be_visible()
    expect(page.get_by_role("link", name="Werkstattgespräch: Daten für die Planung")).to_have_count(
        0
    )


def test_event_page_and_the_registration_form_with_an_error(page, axe, werkstatt):
    page.goto("/veranstaltungen/werkstatt-daten/")
    expect(page.get_by_role("heading", level=1)).to_have_text(werkstatt.title)
    expect(page.get_by_text("Induktionsschleife im Saal.")).to_be_visible()
    expect(page.get_by_role("cell", name="Ankommen und Kaffee")).to_be_visible()
    axe(page)
    # By keyboard: fill in, forget the consent, send.
    page.get_by_label("Vor- und Nachname").fill("Gesa Gast")
    page.get_by_label("E-Mail-Adresse").fill("gesa@example.org")
    page.get_by_label("Organisation", exact=True).fill("Landkreis Beispiel")
    page.get_by_label("Organisation", exact=True).press("Enter")
    expect(
        page.get_by_text("Ohne Ihre Einwilligung können wir Ihre Anmeldung nicht speichern.").first
    ).to_be_visible()
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Gesa Gast")
    axe(page)
    assert not Registration.objects.exists()
    page.get_by_label(re.compile("Ich willige ein")).check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bitte bestätigen Sie")
    assert Registration.objects.get().status == "pending"


def test_member_registers_and_lands_on_the_waitlist_when_full(page, axe, password, werkstatt):
    RegistrationFactory.create_batch(3, event=werkstatt)
    member = UserFactory(name="Mia Mitglied")
    page.goto("/konto/login/?next=/veranstaltungen/werkstatt-daten/")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(werkstatt.title)
    expect(page.get_by_text("Alle Plätze sind vergeben.")).to_be_visible()
    page.get_by_role("button", name="Auf die Warteliste").click()
    expect(
        page.get_by_text(re.compile("Sie stehen auf der Warteliste, auf Platz 1")).first
    ).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Von der Warteliste abmelden").click()
    expect(page.get_by_text("Ihre Anmeldung ist abgesagt.")).to_be_visible()
