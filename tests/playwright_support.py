"""What every test in a real Chromium shares (tests/browser/ against the live server,
tests/system/ against gunicorn): the launch of Debian's Chromium, axe-core with the WCAG 2.1 A
and AA rules, and a guard that records requests to other origins and CSP violations."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls of a live server and
# of the test itself are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, closed on leaving."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} fehlt: 'make test' installiert Debians Chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} fehlt: 'make test' installiert axe-core mit npm.")
    return AXE_JS.read_text()


def assert_axe_clean(page: Page, source: str, *, preload: bool = True) -> None:
    """Run axe-core on the page as it is now; any WCAG 2.1 A/AA violation fails.

    `preload=False` for Django's own admin forms: their forms.css @imports widgets.css, and
    axe's preloading of style sheets copies that into a <style> element, which our CSP
    (rightly) refuses. Without the preload every WCAG rule but css-orientation-lock runs."""
    # evaluate() runs outside the page's CSP, so axe needs no inline script.
    page.evaluate(source)
    result = page.evaluate(
        "([tags, preload]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload})",
        [WCAG_TAGS, preload],
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], f"axe-Verstöße auf {page.url}:\n" + "\n".join(violations)


class OriginGuard:
    """Records every request of a page to another origin than `base_url`'s, and every
    Content-Security-Policy violation the page reports; `check()` fails on any."""

    def __init__(self, page: Page, base_url: str):
        origin = urlsplit(base_url)
        self.origin = (origin.scheme, origin.netloc)
        self.foreign: list[str] = []
        self.csp_violations: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"data", "blob", "about"}:
            return
        if (url.scheme, url.netloc) != self.origin:
            self.foreign.append(request.url)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def check(self) -> None:
        assert self.foreign == [], f"Anfragen an fremde Hosts: {self.foreign}"
        assert self.csp_violations == [], f"CSP-Verstöße: {self.csp_violations}"
