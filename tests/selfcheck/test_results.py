"""The evaluation page, its PDF and the answers as CSV: content, size of work, who may see."""

import builtins
import csv
import io
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from selfcheck.models import Indicator, Round
from tests.factories import MunicipalityFactory, UserFactory

from .builders import make_questionnaire, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    """Three Handlungsfelder: the fewest a radar chart draws."""
    return make_questionnaire(sections=3)


@pytest.fixture
def round_(questionnaire):
    municipality = MunicipalityFactory(name="Neustadt am See", slug="neustadt-am-see")
    return make_round(questionnaire, municipality=municipality)


@pytest.fixture
def coordinator(round_):
    return round_.created_by


@pytest.fixture
def answered(round_, answer, colleague):
    """The Jugendamt sees F1.1 fully met, the Sozialamt not at all."""
    answer(round_.participants.get(), {"F1.1": 4, "F1.2": 3, "F1.3": 0, "F2.1": 2})
    answer(
        colleague(round_, "sozialamt", name="Sami Sozial"),
        {"F1.1": 1, "F1.2": 3, "F2.1": 2},
        comment='=HYPERLINK("http://example.com")',
    )
    return round_


def url(round_, suffix="auswertung/"):
    return f"/selbstcheck/runden/{round_.pk}/{suffix}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_open_round_shows_a_provisional_evaluation(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(url(answered))
    assert response.status_code == 200
    page = text_of(response)
    assert "Vorläufige Auswertung: Selbstcheck 2026" in page
    assert "Neustadt am See" in page
    # F1.1 (100 + 0) / 2, F1.2 66.7, F2.1 33.3: f1 58, f2 33, overall 50.
    assert re.search(r'eval-figures__number">50</span> von 100', page)
    assert "Auf dem Weg in Feld 1" in page and "Am Anfang in Feld 2" in page
    assert "<li>Erstens</li>" in page
    # Where the departments differ: F1.1 with both departments' points.
    disagreements = page.split("Wo die Fachbereiche es unterschiedlich sehen")[1]
    assert "F1.1" in disagreements.split("</ol>")[0]
    assert "Jugendamt: <strong>100</strong>" in disagreements
    assert "Sozialamt: <strong>0</strong>" in disagreements
    # The chart and its table.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="radar__chart"' in page
    assert 'role="img" aria-labelledby="netzdiagramm-titel netzdiagramm-titel-beschreibung"' in page
    assert "Punkte je Handlungsfeld in Zahlen" in page
    # No comparisons yet, and why.
    assert "noch keine frühere Runde dieses Fragebogens abgeschlossen" in page
    assert "mindestens drei andere Kommunen" in page and "(bisher: 0)" in page
    assert f'href="/selbstcheck/runden/{answered.pk}/auswertung.pdf"' in page
    assert f'href="/selbstcheck/runden/{answered.pk}/antworten.csv"' in page


def test_closed_round_with_previous_round_and_network_median(
    client, coordinator, answered, questionnaire, closed_round
):
    f1, f2, _f3 = questionnaire.sections.order_by("order")
    previous = closed_round(
        questionnaire,
        municipality=answered.municipality,
        title="Selbstcheck 2024",
        results={"sections": {str(f1.pk): 40, str(f2.pk): 50}, "overall": 57},
    )
    answered.previous = previous
    answered.status, answered.closed_at = Round.Status.CLOSED, timezone.now()
    answered.save()
    for name, score in [("Altdorf", 20), ("Bergheim", 30), ("Cellingen", 90)]:
        closed_round(
            questionnaire,
            municipality=MunicipalityFactory(name=name),
            results={"sections": {str(f1.pk): score, str(f2.pk): score}, "overall": score},
        )
    client.force_login(coordinator)

    page = text_of(client.get(url(answered)))

    assert "Vorläufige" not in page and "wurde am" in page
    assert "Verglichen mit der vorherigen Runde „Selbstcheck 2024“" in page
    assert "Median der zuletzt abgeschlossenen Runden von 3 anderen Kommunen" in page
    assert 'data-series="vorherige"' in page and 'data-series="netzwerk"' in page
    # Overall 50 now, 57 before: −7; the median of 20, 30, 90 is 30.
    assert "\u22127 Punkte" in page
    assert re.search(r"Median im Netzwerk</dt> <dd><span [^>]*>30</span>", page)
    for name in ("Altdorf", "Bergheim", "Cellingen"):
        assert name not in page


def test_empty_round_says_nobody_answered_yet(client, coordinator, round_):
    client.force_login(coordinator)
    page = text_of(client.get(url(round_)))
    assert "Noch hat niemand geantwortet" in page
    assert "<svg" not in page


def test_participants_see_the_evaluation_but_only_coordinators_load_the_answers(client, answered):
    sami = answered.participants.get(department="sozialamt").user
    client.force_login(sami)
    assert client.get(url(answered)).status_code == 200
    page = client.get(url(answered)).content.decode()
    assert "antworten.csv" not in page
    assert client.get(url(answered, "antworten.csv")).status_code == 403


@pytest.mark.parametrize("suffix", ["auswertung/", "auswertung.pdf", "antworten.csv"])
def test_others_get_404(client, answered, suffix):
    outsider_municipality = MunicipalityFactory()
    coordinator_elsewhere = UserFactory(municipality=outsider_municipality, is_coordinator=True)
    member_elsewhere = UserFactory(municipality=outsider_municipality)
    # Same municipality, but neither taking part nor coordinating.
    colleague_not_invited = UserFactory(municipality=answered.municipality)
    for user in (coordinator_elsewhere, member_elsewhere, colleague_not_invited):
        client.force_login(user)
        assert client.get(url(answered, suffix)).status_code == 404


@pytest.mark.parametrize("suffix", ["auswertung/", "auswertung.pdf", "antworten.csv"])
def test_anonymous_visitors_are_sent_to_the_login(client, answered, suffix):
    response = client.get(url(answered, suffix))
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/?next=")


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams unpacked: page dictionaries sit in object streams."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_is_an_a4_document_with_chart_and_texts(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(url(answered, "auswertung.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="selbstcheck-neustadt-am-see-{answered.pk}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", inflated(response.content))
    # A4 is 210 × 297 mm: 595.28 × 841.89 points.
    assert boxes and all(
        abs(float(w) - 595.28) < 0.5 and abs(float(h) - 841.89) < 0.5 for w, h in boxes
    )


def test_pdf_html_holds_the_chart_and_the_texts(client, coordinator, answered, monkeypatch):
    rendered = {}
    import weasyprint

    original = weasyprint.HTML

    def spy(*args, string, **kwargs):
        rendered["html"] = string
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    client.force_login(coordinator)
    assert client.get(url(answered, "auswertung.pdf")).status_code == 200
    html = re.sub(r"\s+", " ", rendered["html"])
    assert "size: A4" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="radar__chart"' in html
    assert "Auf dem Weg in Feld 1" in html and "<li>Zweitens</li>" in html
    assert "Wo die Fachbereiche es unterschiedlich sehen" in html


def test_pdf_without_the_system_libraries_is_a_503_with_a_message(
    client, coordinator, answered, monkeypatch
):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    client.force_login(coordinator)
    response = client.get(url(answered, "auswertung.pdf"))
    assert response.status_code == 503
    assert "Das PDF kann gerade nicht erstellt werden" in response.content.decode()


def test_csv_has_one_row_per_answer_and_defuses_formulas(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(url(answered, "antworten.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == [
        "Handlungsfeld",
        "Kennung",
        "Aussage",
        "Fachbereich",
        "Teilnehmer:in",
        "Antwort",
        "Wert",
        "Kommentar",
    ]
    assert len(rows) == 1 + 7
    coordinator_name = coordinator.name
    assert rows[1] == [
        "Handlungsfeld 1",
        "F1.1",
        "Aussage 1.1",
        "Jugendamt",
        coordinator_name,
        "trifft voll zu",
        "4",
        "",
    ]
    sozial = [row for row in rows if row[4] == "Sami Sozial"]
    assert len(sozial) == 3
    assert all(row[7] == '\'=HYPERLINK("http://example.com")' for row in sozial)
    dont_know = next(row for row in rows if row[1] == "F1.3")
    assert dont_know[5:7] == ["weiß nicht", "0"]


def test_csv_names_participants_without_a_name_by_email(client, coordinator, round_, answer):
    coordinator.name = ""
    coordinator.save()
    answer(round_.participants.get(), {"F1.1": 2})
    client.force_login(coordinator)
    rows = list(
        csv.reader(
            io.StringIO(client.get(url(round_, "antworten.csv")).content.decode()[1:]),
            delimiter=";",
        )
    )
    assert rows[1][4] == coordinator.email


def test_evaluation_page_queries_do_not_grow_with_the_round(
    client,
    coordinator,
    round_,
    answer,
    colleague,
    closed_round,
    questionnaire,
    django_assert_num_queries,
):
    f1, f2, _f3 = questionnaire.sections.order_by("order")
    for _n in range(3):
        closed_round(questionnaire, results={"sections": {str(f1.pk): 50}, "overall": 50})
    answer(round_.participants.get(), {"F1.1": 4})
    client.force_login(coordinator)
    client.get(url(round_))  # sessions and caches warm
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(round_)).status_code == 200

    codes = list(
        Indicator.objects.filter(questionnaire=questionnaire).values_list("code", flat=True)
    )
    for department in ["sozialamt", "kita", "politik", "schulverwaltung", "andere"] * 2:
        answer(colleague(round_, department), dict.fromkeys(codes, 3))
    for _n in range(5):
        closed_round(questionnaire, results={"sections": {str(f2.pk): 50}, "overall": 50})

    with django_assert_num_queries(len(small)):
        assert client.get(url(round_)).status_code == 200
