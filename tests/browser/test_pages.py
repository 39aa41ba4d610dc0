import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "Kommunale Planung weiterdenken – gemeinsam für Kinder"),
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_page_is_accessible(page, axe, url, heading):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    axe(page)


def test_skip_link_moves_keyboard_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhalt$"))


def test_home_is_usable_at_320_pixels(page, axe):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"horizontal scrolling at 320 px: {width}px"
    axe(page)


def test_footer_links_work_by_keyboard(page):
    page.goto("/")
    page.get_by_role("link", name="Barrierefreiheit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erklärung zur Barrierefreiheit")
