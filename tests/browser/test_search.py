from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import Thesis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def thesis(db):
    return Thesis.objects.create(
        number=1,
        title="Integrierte Planung",
        slug="these-1",
        lead="Kommunen planen gemeinsam.",
        body="Die Jugendhilfeplanung verbindet Ämter, Schulen und Vereine.",
        opens_at=timezone.now() - timedelta(days=1),
    )


def test_search_with_results(page, axe, thesis):
    page.goto("/suche/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suche")
    axe(page)
    page.get_by_label("Suchbegriff").fill("Jugendhilfe")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("status")).to_have_text("1 Treffer für „Jugendhilfe“")
    expect(page.locator(".search-result mark").first).to_have_text("Jugendhilfeplanung")
    page.get_by_role("link", name="These #1: Integrierte Planung").click()
    expect(page).to_have_url(f"{page.url.split('/thesen/')[0]}/thesen/these-1/")
    page.go_back()
    axe(page)


def test_search_without_results(page, axe, thesis):
    page.goto("/suche/?q=Raumfahrt")
    expect(page.get_by_text("Keine Treffer für „Raumfahrt“.")).to_be_visible()
    expect(page.get_by_label("Suchbegriff")).to_have_value("Raumfahrt")
    axe(page)
