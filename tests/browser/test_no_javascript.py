import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_js(browser, live_server, axe):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_login_and_logout_work_without_javascript(page_without_js, password):
    page = page_without_js
    UserFactory(email="ohne-js@example.org", name="Olga Ohnejs")
    page.goto("/")
    page.get_by_role("link", name="Anmelden").first.click()
    page.get_by_label("E-Mail").fill("ohne-js@example.org")
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    expect(page.get_by_text("Angemeldet als Olga Ohnejs")).to_be_visible()
    page.get_by_role("button", name="Abmelden").click()
    expect(page).to_have_url(re.compile(r"/konto/logout/|/$"))
