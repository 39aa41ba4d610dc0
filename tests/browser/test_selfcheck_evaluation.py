import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from selfcheck.models import Answer, Indicator, Participant, Round
from tests.factories import MunicipalityFactory, UserFactory
from tests.selfcheck.builders import make_questionnaire, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def _answers(participant, values):
    codes = dict(
        Indicator.objects.filter(questionnaire_id=participant.round.questionnaire_id).values_list(
            "code", "pk"
        )
    )
    Answer.objects.bulk_create(
        Answer(participant=participant, indicator_id=codes[code], value=value)
        for code, value in values.items()
    )


@pytest.fixture
def evaluated_round():
    """A round with two departments, a previous round and three other municipalities."""
    questionnaire = make_questionnaire(sections=3)
    municipality = MunicipalityFactory(name="Neustadt am See")
    sections = {s.slug: str(s.pk) for s in questionnaire.sections.all()}
    previous = Round.objects.create(
        municipality=municipality,
        questionnaire=questionnaire,
        title="Selbstcheck 2024",
        status=Round.Status.CLOSED,
        closed_at=timezone.now(),
        results={"sections": {sections["f1"]: 30, sections["f2"]: 45}, "overall": 38},
    )
    round_ = make_round(questionnaire, municipality=municipality)
    round_.previous = previous
    round_.save()
    for score in (40, 55, 70):
        Round.objects.create(
            municipality=MunicipalityFactory(),
            questionnaire=questionnaire,
            title="Selbstcheck",
            status=Round.Status.CLOSED,
            closed_at=timezone.now(),
            results={"sections": dict.fromkeys(sections.values(), score), "overall": score},
        )
    _answers(
        round_.participants.get(),
        {"F1.1": 4, "F1.2": 3, "F1.3": 0, "F2.1": 2, "F2.2": 3, "F2.3": 4},
    )
    colleague = UserFactory(municipality=municipality, name="Sami Sozial")
    participant = Participant.objects.create(
        round=round_,
        user=colleague,
        email=colleague.email,
        department="sozialamt",
        joined_at=timezone.now(),
    )
    _answers(participant, {"F1.1": 1, "F1.2": 3, "F1.3": 2, "F2.1": 2, "F2.2": 1})
    return round_


def test_evaluation_with_chart_table_and_comparisons(page, axe, login, evaluated_round):
    login(evaluated_round.created_by)
    page.goto(f"/selbstcheck/runden/{evaluated_round.pk}/auswertung/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vorläufige Auswertung: Selbstcheck 2026"
    )
    chart = page.get_by_role("img", name=re.compile("Punkte je Handlungsfeld"))
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Punkte je Handlungsfeld in Zahlen")
    expect(table.get_by_role("columnheader", name="Vorherige Runde")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Median im Netzwerk")).to_be_visible()
    expect(page.get_by_text(re.compile("Verglichen mit der vorherigen Runde"))).to_be_visible()
    expect(
        page.get_by_role("heading", name="Wo die Fachbereiche es unterschiedlich sehen").first
    ).to_be_visible()
    axe(page)
    # The full list of statements opens by keyboard.
    summary = page.get_by_text(re.compile("Alle 3 Aussagen dieses Handlungsfelds")).first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name=re.compile("Handlungsfeld 1: Aussagen"))).to_be_visible()
    axe(page)


def test_evaluation_before_anyone_answered(page, axe, login):
    round_ = make_round(make_questionnaire())
    login(round_.created_by)
    page.goto(f"/selbstcheck/runden/{round_.pk}/auswertung/")
    expect(page.get_by_text(re.compile("Noch hat niemand geantwortet"))).to_be_visible()
    expect(page.get_by_role("link", name="Auswertung als PDF")).to_be_visible()
