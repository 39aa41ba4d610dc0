"""Dokumentation: who sees a report, what the page shows, comments, teaser and /blog/."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from events.models import Contribution, Report, ReportAttachment, ReportPhoto
from forums.models import Comment, Thesis
from forums.services import comment_insert
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

DRAFT_NOTICE = "Entwurf – nur für das Organisationsteam sichtbar"
COMMENT_FORM = 'id="beitrag-schreiben"'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 80, 40)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="foto.png")


def make_report(event=None, *, status=Report.Status.PUBLISHED, **fields) -> Report:
    fields.setdefault("title", "Dokumentation: Vertrauen als Schlüssel")
    fields.setdefault("lead", "Was wir im Herbstforum gelernt haben.")
    fields.setdefault("body", "Die Partnerkommunen arbeiteten an **eigenen Fällen**.")
    return Report.objects.create(event=event or EventFactory(), status=status, **fields)


def add_material(report: Report, count: int) -> None:
    """Contributions, photos, attachments and linked theses, `count` of each."""
    start = report.contributions.count()
    Contribution.objects.bulk_create(
        Contribution(
            report=report,
            speaker=f"Prof. Dr. Referentin {n}",
            affiliation="Hochschule Musterstadt",
            title=f"Impuls {n}",
            summary="Daten allein steuern nichts.",
            order=n,
        )
        for n in range(start, start + count)
    )
    for n in range(start, start + count):
        photo = ReportPhoto(report=report, alt_text=f"Gruppe am Stehtisch {n}", credit="dkjs")
        photo.image.save(f"foto-{n}.png", png(), save=False)
        photo.save()
        attachment = ReportAttachment(report=report, title=f"Folien {n}")
        attachment.file.save(
            f"folien-{n}.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2000), save=False
        )
        attachment.save()
    theses = Thesis.objects.bulk_create(
        Thesis(number=100 + n, title=f"These {n}", slug=f"these-{n}", lead="x", body="x")
        for n in range(start, start + count)
    )
    report.theses.add(*theses)


# Who sees a report


def test_draft_report_only_for_organisers(client):
    report = make_report(status=Report.Status.DRAFT)
    url = report.get_absolute_url()
    assert url == f"/veranstaltungen/{report.event.slug}/dokumentation/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    named_organiser = UserFactory()
    report.event.organisers.add(named_organiser)
    for organiser in (UserFactory(groups=["Organisation"]), named_organiser):
        client.force_login(organiser)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert DRAFT_NOTICE in html
        assert COMMENT_FORM not in html
        assert '<meta name="robots" content="noindex">' in html


def test_published_report_for_everybody_without_draft_notice(client, member):
    report = make_report()
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert DRAFT_NOTICE not in html and "noindex" not in html
    assert "Melden Sie sich an" in html  # the discussion, for a visitor without the form
    client.force_login(member)
    html = client.get(report.get_absolute_url()).content.decode()
    assert COMMENT_FORM in html


def test_report_of_a_members_only_event_asks_visitors_to_log_in(client, member):
    report = make_report(EventFactory(audience="members"))
    url = report.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={url}"
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_report_of_a_draft_event_is_a_draft(client, member):
    report = make_report(EventFactory(status="draft"))
    assert client.get(report.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(report.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(groups=["Organisation"]))
    assert DRAFT_NOTICE in client.get(report.get_absolute_url()).content.decode()


def test_no_report_no_page(client):
    event = EventFactory()
    client.force_login(UserFactory(groups=["Organisation"]))
    assert client.get(f"/veranstaltungen/{event.slug}/dokumentation/").status_code == 404
    assert client.get("/veranstaltungen/gibt-es-nicht/dokumentation/").status_code == 404


def test_report_of_a_cancelled_event_stays_public(client):
    report = make_report(EventFactory(status="cancelled"))
    html = client.get(report.get_absolute_url()).content.decode()
    assert "abgesagt" in html


# What the page shows


def test_page_shows_contributions_photos_attachments_and_theses(client):
    event = EventFactory(title="Herbstforum 2025", slug="herbstforum-2025")
    report = make_report(event)
    Contribution.objects.create(
        report=report,
        speaker="Prof. Dr. Eva Beispiel",
        affiliation="Hochschule Niederrhein",
        title="Steuerung braucht Daten",
        summary="Erster Absatz.\n\nZweiter <Absatz>.",
    )
    photo = ReportPhoto(report=report, alt_text="Menschen an Stehtischen", credit="© dkjs")
    photo.image.save("foto.png", png(), save=False)
    photo.save()
    attachment = ReportAttachment(report=report, title="Folien Beispiel")
    attachment.file.save("folien.pdf", ContentFile(b"x" * 2048), save=False)
    attachment.save()
    published = Thesis.objects.create(number=3, title="Planung", slug="planung", lead="x", body="x")
    hidden = Thesis.objects.create(
        number=4, title="Verborgen", slug="verborgen", lead="x", body="x", is_published=False
    )
    report.theses.add(published, hidden)

    html = client.get(report.get_absolute_url()).content.decode()
    assert 'href="/veranstaltungen/herbstforum-2025/"' in html
    assert "<strong>eigenen Fällen</strong>" in html
    assert '<h3 class="kern-heading-small" id="impuls-' in html
    assert "Steuerung braucht Daten" in html
    assert "Prof. Dr. Eva Beispiel, Hochschule Niederrhein" in html
    assert "<p>Zweiter &lt;Absatz&gt;.</p>" in html
    assert 'alt="Menschen an Stehtischen"' in html
    assert "Foto: © dkjs" in html
    assert "Folien Beispiel" in html and "(PDF, 2,0\xa0KB)" in html
    assert 'href="/thesen/planung/">These #3: Planung</a>' in html
    assert "Verborgen" not in html


def test_open_graph_and_canonical(client):
    report = make_report(EventFactory(slug="barcamp"), lead="Der Vorspann.")
    photo = ReportPhoto(report=report, alt_text="Ein Foto")
    photo.image.save("bild.png", png(), save=False)
    photo.save()
    html = client.get(report.get_absolute_url()).content.decode()
    url = "http://testserver/veranstaltungen/barcamp/dokumentation/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="Der Vorspann.">' in html
    assert f'<meta property="og:image" content="http://testserver{photo.image.url}">' in html
    assert '<meta property="og:image:alt" content="Ein Foto">' in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_page_queries_do_not_grow_with_the_material(client, django_assert_num_queries, logged_in):
    report = make_report()
    comment_insert(target=report, author=UserFactory(), source="Erster!")
    if logged_in:
        client.force_login(UserFactory())
    url = report.get_absolute_url()
    client.get(url)  # warm the content type cache
    expected = 14 if logged_in else 10
    for count in (2, 38):
        add_material(report, count)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
    assert response.content.decode().count('class="contribution"') == 40


# Comments


def test_member_comments_on_a_report_through_the_engine(member_client, member):
    report = make_report()
    content_type = ContentType.objects.get_for_model(Report)
    response = member_client.post(
        f"/diskussion/{content_type.pk}/{report.pk}/kommentieren/", {"text": "Sehr *hilfreich*!"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.target == report and comment.author == member
    page = member_client.get(member_client.get(response.url).url)
    assert page.request["PATH_INFO"] == report.get_absolute_url()
    html = page.content.decode()
    assert "Sehr <em>hilfreich</em>!" in html
    assert "1 Beitrag" in html


def test_no_comments_on_a_draft_report_by_members(member_client):
    report = make_report(status=Report.Status.DRAFT)
    content_type = ContentType.objects.get_for_model(Report)
    response = member_client.post(
        f"/diskussion/{content_type.pk}/{report.pk}/kommentieren/", {"text": "Hallo?"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


# The teaser on the event page and the section on /blog/


def _teaser(report, user=None) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return render_to_string(
        "events/includes/_report_teaser.html", {"report": report}, request=request
    )


def test_teaser_links_a_published_report_and_hides_drafts():
    assert _teaser(None).strip() == ""
    report = make_report(title="Was wir mitnehmen", lead="Drei Erkenntnisse.")
    html = _teaser(report)
    assert "Was wir mitnehmen" in html and "Drei Erkenntnisse." in html
    assert f'<a href="{report.get_absolute_url()}">Zur Dokumentation' in html
    report.status = Report.Status.DRAFT
    report.save()
    assert _teaser(report).strip() == ""
    assert _teaser(report, UserFactory()).strip() == ""
    assert DRAFT_NOTICE in _teaser(report, UserFactory(groups=["Organisation"]))


def test_blog_lists_the_newest_public_reports_on_its_first_page(client):
    now = timezone.now()
    for n in range(4):
        make_report(title=f"Dokumentation {n}", published_at=now - timedelta(days=n + 1))
    make_report(title="Geheime Dokumentation", status=Report.Status.DRAFT)
    make_report(EventFactory(audience="members"), title="Interne Dokumentation")
    make_report(EventFactory(status="draft"), title="Dokumentation im Entwurf")
    html = client.get("/blog/").content.decode()
    assert "Dokumentationen" in html
    assert "Dokumentation 0" in html and "Dokumentation 2" in html
    assert "Dokumentation 3" not in html
    for hidden in ("Geheime Dokumentation", "Interne Dokumentation", "Dokumentation im Entwurf"):
        assert hidden not in html
    assert "Dokumentation 0" not in client.get("/blog/?kategorie=interview").content.decode()


def test_blog_without_reports_has_no_section(client):
    make_report(status=Report.Status.DRAFT)
    assert 'id="dokumentationen-titel"' not in client.get("/blog/").content.decode()
