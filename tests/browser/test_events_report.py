import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from events.models import Contribution, Report, ReportAttachment, ReportPhoto
from forums.models import Comment
from forums.services import comment_insert
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (40, 90, 160)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


@pytest.fixture
def report():
    event = EventFactory(title="Herbstforum 2025", slug="herbstforum-2025", kind="herbstforum")
    report = Report.objects.create(
        event=event,
        title="Vertrauen als Schlüssel",
        lead="Was die Partnerkommunen im Herbstforum erarbeitet haben.",
        body="**Drei Erkenntnisse**\n\n- klein anfangen\n- Verbündete suchen",
        status=Report.Status.PUBLISHED,
    )
    for n, (speaker, title) in enumerate(
        [
            ("Prof. Dr. Eva Beispiel", "Steuerung braucht Daten"),
            ("Dr. Jonas Muster", "Beteiligung von Kindern"),
        ]
    ):
        Contribution.objects.create(
            report=report,
            speaker=speaker,
            affiliation="Hochschule Musterstadt",
            title=title,
            summary="Eine kurze Zusammenfassung des Impulses.",
            order=n,
        )
    photo = ReportPhoto(
        report=report,
        alt_text="Teilnehmende diskutieren an Stehtischen",
        caption="Arbeitsphase am Nachmittag",
        credit="Kommune 360°",
    )
    photo.image.save("foto.png", _png(), save=False)
    photo.save()
    attachment = ReportAttachment(report=report, title="Folien zum Impuls")
    attachment.file.save("folien.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 1000), save=False)
    attachment.save()
    return report


def test_report_with_contributions_photo_and_comment(page, axe, report):
    comment_insert(target=report, author=UserFactory(name="Anna Amt"), source="Sehr *hilfreich*.")
    page.goto(report.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Vertrauen als Schlüssel")
    expect(page.get_by_role("link", name=re.compile("Zurück zur Veranstaltung"))).to_have_attribute(
        "href", "/veranstaltungen/herbstforum-2025/"
    )
    contributions = page.get_by_role("region", name="Impulse und Vorträge")
    expect(contributions.get_by_role("heading", level=3)).to_have_text(
        ["Steuerung braucht Daten", "Beteiligung von Kindern"]
    )
    expect(contributions).to_contain_text("Prof. Dr. Eva Beispiel, Hochschule Musterstadt")
    expect(page.get_by_role("img", name="Teilnehmende diskutieren an Stehtischen")).to_have_count(1)
    expect(page.locator("figcaption")).to_contain_text("Foto: Kommune 360°")
    expect(page.get_by_role("link", name="Folien zum Impuls")).to_be_visible()
    expect(page.locator(".comment").first).to_contain_text("Sehr hilfreich.")
    expect(page.get_by_role("link", name="Melden Sie sich an")).to_be_visible()


def test_member_comments_on_a_report(page, report, password):
    member = UserFactory(name="Bernd Beteiligt")
    page.goto(f"/konto/login/?next={report.get_absolute_url()}")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text(re.compile("Angemeldet als"))).to_be_visible()
    page.goto(report.get_absolute_url())
    page.get_by_label("Ihr Beitrag").fill("Die Folien nehmen wir für unser **Team** mit.")
    page.get_by_role("button", name="Beitrag veröffentlichen").click()
    expect(page).to_have_url(re.compile(r"/dokumentation/#kommentar-\d+$"))
    expect(page.get_by_text("Die Folien nehmen wir für unser Team mit.")).to_be_visible()
    assert Comment.objects.filter(author=member).count() == 1


def test_organiser_sees_the_draft_without_comment_form(page, report, password):
    report.status = Report.Status.DRAFT
    report.save()
    # Transactional tests lose the migrations' groups: an organiser named on the event.
    organiser = UserFactory(name="Olga Organisation")
    report.event.organisers.add(organiser)
    page.goto(f"/konto/login/?next={report.get_absolute_url()}")
    page.get_by_label("E-Mail").fill(organiser.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vertrauen als Schlüssel")
    expect(page.get_by_text("Entwurf – nur für das Organisationsteam sichtbar")).to_be_visible()
    expect(page.get_by_role("button", name="Beitrag veröffentlichen")).to_have_count(0)


def test_aktuelles_lists_the_report(page, report):
    page.goto("/blog/")
    section = page.get_by_role("region", name="Dokumentationen")
    section.get_by_role("link", name="Vertrauen als Schlüssel").click()
    expect(page).to_have_url(re.compile(r"/veranstaltungen/herbstforum-2025/dokumentation/$"))
    page.go_back()
