"""Browser tests: Playwright drives Debian's Chromium against a live server.

Every browser test uses two guards: `page` fails the test on any request to another origin
(and on any Content-Security-Policy violation), and `axe` runs axe-core with the WCAG 2.1 A and
AA rules and fails on any violation; it also runs on the last page a test leaves open.
"""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.playwright_support import (
    WCAG_TAGS,  # noqa: F401  (imported from here by browser tests)
    OriginGuard,
    assert_axe_clean,
    axe_source,
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser: Browser, live_server, axe) -> Iterator[Page]:
    """A page on the live server that records every request; other origins fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    guard = OriginGuard(page, live_server.url)
    yield page
    try:
        if not page.is_closed() and page.url.startswith(live_server.url):
            axe(page)
    finally:
        context.close()
    guard.check()


@pytest.fixture(scope="session")
def _axe_source() -> str:
    return axe_source()


@pytest.fixture
def axe(_axe_source: str) -> Callable[[Page], None]:
    """Run axe-core on the page as it is now; any WCAG 2.1 A/AA violation fails the test."""

    def check(page: Page) -> None:
        assert_axe_clean(page, _axe_source)

    return check


@pytest.fixture
def login(page: Page, password: str) -> Callable:
    """Log a user in through the real login form; the page then shows them logged in."""

    def log_in(user) -> Page:
        page.goto("/konto/login/")
        page.get_by_label("E-Mail").fill(user.email)
        page.get_by_label("Passwort", exact=True).fill(password)
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_text(re.compile("Angemeldet als"))).to_be_visible()
        return page

    return log_in
