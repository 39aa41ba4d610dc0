import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_reach_the_admin_through_the_site_login(page, password):
    UserFactory(email="leitung@example.org", name="Lea Leitung", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    page.get_by_label("E-Mail").fill("leitung@example.org")
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")
    page.get_by_role("link", name="Kommunen").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kommune")
