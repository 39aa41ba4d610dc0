"""Browser tests: Playwright drives Debian's Chromium against a live server.

Every browser test uses two guards: `page` fails the test on any request to another origin
(and on any Content-Security-Policy violation), and `axe` runs axe-core with the WCAG 2.1 A and
AA rules and fails on any violation; it also runs on the last page a test leaves open.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls of the live server
# and of the test itself are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} fehlt: 'make test' installiert Debians Chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, axe) -> Iterator[Page]:
    """A page on the live server that records every request; other origins fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    origin = urlsplit(live_server.url)
    foreign: list[str] = []
    csp_violations: list[str] = []

    def on_request(request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"data", "blob", "about"}:
            return
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            foreign.append(request.url)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    yield page
    try:
        if not page.is_closed() and page.url.startswith(live_server.url):
            axe(page)
    finally:
        context.close()
    assert foreign == [], f"Anfragen an fremde Hosts: {foreign}"
    assert csp_violations == [], f"CSP-Verstöße: {csp_violations}"


@pytest.fixture(scope="session")
def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} fehlt: 'make test' installiert axe-core mit npm.")
    return AXE_JS.read_text()


@pytest.fixture
def axe(_axe_source: str) -> Callable[[Page], None]:
    """Run axe-core on the page as it is now; any WCAG 2.1 A/AA violation fails the test."""

    def check(page: Page) -> None:
        # evaluate() runs outside the page's CSP, so axe needs no inline script.
        page.evaluate(_axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert violations == [], f"axe-Verstöße auf {page.url}:\n" + "\n".join(violations)

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
