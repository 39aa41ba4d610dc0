import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_a_wrong_password_shows_the_error(page, axe, password):
    UserFactory(email="planerin@example.org")
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill("planerin@example.org")
    page.get_by_label("Passwort", exact=True).fill("ganz-falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(
        page.get_by_text("Die E-Mail-Adresse und/oder das Passwort sind leider falsch.")
    ).to_be_visible()
    axe(page)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text(re.compile("Angemeldet als"))).to_be_visible()


def test_signup_through_the_emailed_link_to_a_logged_in_page(page, axe):
    page.goto("/konto/signup/")
    axe(page)
    page.get_by_label("Vor- und Nachname").fill("Jana Neu")
    page.get_by_label("E-Mail").fill("jana.neu@example.org")
    page.get_by_label("Passwort", exact=True).fill("ein-langes-Passwort-2026")
    page.get_by_label("Passwort (Wiederholung)").fill("ein-langes-Passwort-2026")
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail")
    axe(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    axe(page)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Angemeldet als Jana Neu")).to_be_visible()
    axe(page)
