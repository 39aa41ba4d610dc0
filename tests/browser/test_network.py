import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from network.models import MembershipApplication, Sector
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_directory_with_filters(page, axe, login):
    osnabrueck = MunicipalityFactory(
        name="Landkreis Osnabrück", slug="lk-osnabrueck", bundesland="03", ags="03459000"
    )
    planner = UserFactory(
        name="Hanna Hase", function="Jugendhilfeplanerin", municipality=osnabrueck
    )
    planner.topics.add("Präventionsketten")
    UserFactory(name="Bernd Bayer", sector=Sector.POLITIK)
    login(UserFactory(name="Suchende Susi"))

    page.goto("/netzwerk/mitglieder/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitglieder des Netzwerks")
    axe(page)
    page.get_by_label("Suche").fill("Präventionsketten")
    page.get_by_label("Bundesland").select_option(label="Niedersachsen")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_text("1 Mitglied gefunden")).to_be_visible()
    expect(page.get_by_role("link", name="Hanna Hase")).to_be_visible()
    expect(page.get_by_role("link", name="Bernd Bayer")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="Hanna Hase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hanna Hase")
    axe(page)


def test_profile_editing_with_a_validation_error(page, axe, login):
    login(UserFactory(name="Paula Profil"))
    page.get_by_role("link", name="Mein Profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Profil")
    axe(page)
    page.get_by_label("Vor- und Nachname").fill("")
    page.get_by_label("Funktion").fill("Sozialplanerin")
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_text("Bitte korrigieren Sie die markierten Angaben.")).to_be_visible()
    name = page.get_by_label("Vor- und Nachname")
    expect(name).to_have_attribute("aria-invalid", "true")
    axe(page)
    name.fill("Paula Profil-Neu")
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_text("Ihr Profil wurde gespeichert.")).to_be_visible()
    expect(page.get_by_text("Angemeldet als Paula Profil-Neu")).to_be_visible()


def test_municipality_map_page(page, axe):
    MunicipalityFactory(
        name="Kiel",
        slug="kiel",
        bundesland="01",
        ags="01002000",
        latitude="54.32330",
        longitude="10.12280",
    )
    MunicipalityFactory(
        name="Jena",
        slug="jena",
        bundesland="16",
        ags="16053000",
        latitude="50.92710",
        longitude="11.58920",
    )
    page.goto("/netzwerk/")
    expect(
        page.get_by_role("img", name=re.compile("Karte")).or_(page.locator("svg[aria-labelledby]"))
    ).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Kiel")
    axe(page)
    # The marker on the map is a keyboard-reachable link.
    marker = (
        page.locator("svg a", has=page.locator("title", has_text="Jena"))
        .or_(page.locator('svg a[aria-label="Jena"]'))
        .first
    )
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jena")
    axe(page)


def test_joining_through_application_and_invitation(page, axe, live_server):
    MunicipalityFactory(name="Jena", slug="jena", bundesland="16", ags="16053000")
    page.goto("/netzwerk/mitmachen/")
    axe(page)
    page.get_by_role("button", name="Antrag senden").click()
    expect(
        page.get_by_text("Ohne Ihre Einwilligung können wir den Antrag nicht prüfen.")
    ).to_be_visible()
    axe(page)
    page.get_by_label("Vor- und Nachname").fill("Jana Neu")
    page.get_by_label("E-Mail-Adresse").fill("jana.neu@example.org")
    page.get_by_label("Organisation").fill("Stadt Jena")
    page.get_by_role("combobox", name=re.compile(r"^Kommune")).select_option(label="Jena")
    page.get_by_label("Funktion / Rolle").fill("Jugendhilfeplanerin")
    page.get_by_label("Bereich").select_option(label="Verwaltung")
    page.get_by_label("Was möchten Sie ins Netzwerk einbringen?").fill(
        "Erfahrungen mit Präventionsketten."
    )
    page.get_by_label(re.compile("Ich willige ein")).check()
    page.get_by_role("button", name="Antrag senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihren Antrag!")
    axe(page)

    from network.services import applications_approve

    staff = UserFactory(is_staff=True)
    applications_approve(applications=MembershipApplication.objects.all(), decided_by=staff)
    invitation = mail.outbox[-1]
    link = re.search(r"https?://\S+(/netzwerk/mitmachen/einladung/\S+/)", invitation.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen, Jana Neu!")
    axe(page)
    page.get_by_label("Passwort", exact=True).fill("ein-langes-Passwort-2026")
    page.get_by_label("Passwort (Wiederholung)").fill("ein-langes-Passwort-2026")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_text("Angemeldet als Jana Neu")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Profil")
