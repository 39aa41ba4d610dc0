"""The evaluation's figures, computed by hand on a tiny questionnaire."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfcheck.evaluation import (
    band_for,
    evaluate_round,
    network_median,
    points,
    previous_comparison,
    round_results,
)
from selfcheck.models import FeedbackRule, Indicator, Participant
from tests.factories import MunicipalityFactory

from .builders import make_questionnaire, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    """Two Handlungsfelder f1, f2 with F1.1–F1.3 and F2.1–F2.3; F1.2 counts twice."""
    questionnaire = make_questionnaire()
    Indicator.objects.filter(questionnaire=questionnaire, code="F1.2").update(weight=2)
    return questionnaire


@pytest.fixture
def round_(questionnaire):
    return make_round(questionnaire)  # the coordinator takes part for the Jugendamt


def section(result, slug):
    return next(s for s in result.sections if s.section.slug == slug)


def indicator(section_result, code):
    return next(i for i in section_result.indicators if i.indicator.code == code)


def test_scores_are_weighted_means_and_dont_know_counts_only_against_completeness(
    round_, answer, colleague
):
    coordinator = round_.participants.get()
    # Jugendamt: 100, 33.3, "weiß nicht" in f1; 0 in f2.
    answer(coordinator, {"F1.1": 4, "F1.2": 2, "F1.3": 0, "F2.1": 1})
    # Sozialamt: 66.7, 33.3 in f1; nothing else.
    answer(colleague(round_, "sozialamt"), {"F1.1": 3, "F1.2": 2})
    # Invited, never joined: counts nowhere.
    Participant.objects.create(round=round_, email="spaeter@example.org")

    result = evaluate_round(round_)

    f1, f2 = section(result, "f1"), section(result, "f2")
    assert indicator(f1, "F1.1").score == pytest.approx(250 / 3)
    assert indicator(f1, "F1.2").score == pytest.approx(100 / 3)
    assert indicator(f1, "F1.3").score is None
    assert indicator(f1, "F1.3").dont_know_count == 1
    # (83.3 × 1 + 33.3 × 2) / 3
    assert f1.score == pytest.approx(50)
    assert f2.score == pytest.approx(0)
    # Over indicators, not over fields: (83.3 + 2 × 33.3 + 0) / 4
    assert result.overall == pytest.approx(37.5)
    # Two participants × three indicators per field; "weiß nicht" is not an answer here.
    assert f1.completeness == pytest.approx(400 / 6)
    assert f2.completeness == pytest.approx(100 / 6)
    assert result.completeness == pytest.approx(500 / 12)
    assert result.participant_count == 2
    assert result.departments == [("jugendamt", "Jugendamt"), ("sozialamt", "Sozialamt")]
    assert f1.band.label == "Auf dem Weg" and f2.band.label == "Am Anfang"

    assert round_results(round_) == {
        "sections": {str(f1.section.pk): 50.0, str(f2.section.pk): 0.0},
        "overall": 37.5,
        "completeness": 41.7,
    }


def test_a_field_without_scored_answers_has_no_score_and_no_band(round_, answer):
    answer(round_.participants.get(), {"F1.1": 0, "F1.2": 0})

    result = evaluate_round(round_)

    assert section(result, "f1").score is None and section(result, "f1").band is None
    assert result.overall is None and result.is_empty
    assert section(result, "f1").completeness == 0


def test_conditions_reduce_the_applicable_indicators_per_participant(round_, answer, colleague):
    f11, f13 = (Indicator.objects.get(code=code) for code in ("F1.1", "F1.3"))
    f13.condition_indicator, f13.condition_values = f11, [3, 4]
    f13.save()
    coordinator = round_.participants.get()
    answer(coordinator, {"F1.1": 4, "F1.2": 3, "F1.3": 3})
    # F1.3 does not apply to the Sozialamt: its old answer to it counts nowhere.
    answer(colleague(round_, "sozialamt"), {"F1.1": 1, "F1.2": 2, "F1.3": 4})
    # Joined, answered nothing yet: F1.3 does not apply (no answer to F1.1), two open questions.
    colleague(round_, "kita")

    f1 = section(evaluate_round(round_), "f1")

    assert indicator(f1, "F1.3").score == pytest.approx(200 / 3)
    assert indicator(f1, "F1.3").answer_count == 1
    # Applicable: 3 + 2 + 2; answered: 3 + 2 + 0.
    assert f1.completeness == pytest.approx(500 / 7)


def test_indicators_where_departments_disagree_most_come_first(round_, answer, colleague):
    answer(round_.participants.get(), {"F1.1": 3, "F1.2": 4, "F1.3": 3})  # Jugendamt
    answer(colleague(round_, "sozialamt"), {"F1.1": 3, "F1.2": 1, "F1.3": 2})
    # Two from the Kita: their department's score is their mean.
    answer(colleague(round_, "kita"), {"F1.1": 3, "F1.2": 4, "F1.3": 4})
    answer(colleague(round_, "kita"), {"F1.1": 3, "F1.2": 2, "F1.3": 4})
    # Without a department: in the scores, in no department's comparison.
    answer(colleague(round_, ""), {"F1.1": 1, "F1.2": 1, "F1.3": 1})

    f1 = section(evaluate_round(round_), "f1")

    assert [i.indicator.code for i in f1.indicators] == ["F1.2", "F1.3", "F1.1"]
    f12 = indicator(f1, "F1.2")
    assert f12.spread == pytest.approx(100)
    assert [(d.label, d.points) for d in f12.departments] == [
        ("Jugendamt", 100),
        ("Kindertagesbetreuung", 67),
        ("Sozialamt", 0),
    ]
    assert indicator(f1, "F1.3").spread == pytest.approx(200 / 3)
    assert indicator(f1, "F1.1").spread == 0
    assert f1.spread == pytest.approx((100 + 200 / 3 + 0) / 3)
    # Agreement is no disagreement.
    assert [i.indicator.code for i in f1.disagreements] == ["F1.2", "F1.3"]
    # One department alone has nothing to differ from.
    assert indicator(section(evaluate_round(round_), "f2"), "F2.1").spread is None


@pytest.mark.parametrize(("values", "expected"), [([2] * 5 + [3], 39), ([2] * 4 + [3], 40)])
def test_the_band_follows_the_whole_points_at_the_boundary(
    round_, answer, colleague, values, expected
):
    # "trifft eher nicht zu" is 33.3 points, "trifft eher zu" 66.7: 38.9 and 40.0.
    answer(round_.participants.get(), {"F1.1": values[0]})
    for value in values[1:]:
        answer(colleague(round_, "sozialamt"), {"F1.1": value})

    f1 = section(evaluate_round(round_), "f1")

    assert f1.points == expected
    assert f1.band.label == ("Am Anfang" if expected == 39 else "Auf dem Weg")


def test_band_boundaries_round_halves_up(questionnaire):
    rules = list(
        FeedbackRule.objects.filter(section__slug="f1", section__questionnaire=questionnaire)
    )
    label = lambda score: band_for(rules, score).label  # noqa: E731
    assert label(0) == "Am Anfang"
    assert label(39.49) == "Am Anfang"
    assert label(39.5) == "Auf dem Weg"
    assert label(69.5) == "Gut aufgestellt"
    assert label(100) == "Gut aufgestellt"
    assert band_for(rules, None) is None
    assert points(40.5) == 41 and points(66.66666666666667) == 67


def test_evaluation_needs_a_fixed_number_of_queries(round_, answer, colleague):
    answer(round_.participants.get(), {"F1.1": 4})
    with CaptureQueriesContext(connection) as small:
        evaluate_round(round_)
    for department in ["sozialamt", "kita", "politik", "andere"]:
        answer(colleague(round_, department), {"F1.1": 3, "F1.2": 2, "F2.1": 1, "F2.3": 0})

    with CaptureQueriesContext(connection) as large:
        evaluate_round(round_)

    assert len(large) == len(small) == 5


def results(overall, f1, f2=None, questionnaire=None):
    sections = dict(zip((s.pk for s in questionnaire.sections.order_by("order")), (f1, f2)))
    return {"sections": {str(k): v for k, v in sections.items()}, "overall": overall}


def test_network_median_is_hidden_below_three_other_municipalities(
    round_, questionnaire, closed_round
):
    other_version = make_questionnaire(version=2)
    own = round_.municipality
    # None of these counts: the own municipality, an open round, another version.
    closed_round(questionnaire, municipality=own, results=results(90, 90, 90, questionnaire))
    make_round(questionnaire)
    closed_round(other_version, results=results(10, 10, 10, other_version))
    # Two other municipalities, one of them with two rounds.
    first = MunicipalityFactory()
    closed_round(questionnaire, municipality=first, results=results(5, 5, 5, questionnaire))
    closed_round(questionnaire, municipality=first, results=results(20, 20, 20, questionnaire))
    closed_round(questionnaire, results=results(50, 50, None, questionnaire))

    median, reason = network_median(round_)

    assert median is None
    assert reason == (
        "Der Vergleich mit dem Netzwerk erscheint, sobald mindestens drei andere Kommunen eine "
        "Runde dieser Fragebogen-Version abgeschlossen haben (bisher: 2)."
    )

    closed_round(questionnaire, results=results(80, 80, 80, questionnaire))
    median, reason = network_median(round_)

    f1, f2 = questionnaire.sections.order_by("order")
    # The latest round of each: 20, 50, 80; a figure with fewer than three values stays empty.
    assert median == {"sections": {str(f1.pk): 50, str(f2.pk): None}, "overall": 50, "count": 3}
    assert "3 anderen Kommunen" in reason


def test_the_median_of_three_names_no_municipality(round_, questionnaire, closed_round):
    for name, score in [("Aachen", 30), ("Bonn", 60), ("Celle", 70)]:
        closed_round(
            questionnaire,
            municipality=MunicipalityFactory(name=name),
            results=results(score, score, score, questionnaire),
        )

    median, _reason = network_median(round_)

    assert set(median) == {"sections", "overall", "count"}
    assert median["overall"] == 60
    assert not any(name in repr(median) for name in ("Aachen", "Bonn", "Celle"))


def test_previous_round_is_compared_by_section_slug_across_versions(questionnaire, closed_round):
    municipality = MunicipalityFactory()
    old = closed_round(
        questionnaire, municipality=municipality, results=results(40, 30, 50, questionnaire)
    )
    # Someone else's later round is no previous round of ours.
    closed_round(questionnaire, results=results(99, 99, 99, questionnaire))
    version_2 = make_questionnaire(version=2)
    current = make_round(version_2, municipality=municipality)

    comparison = previous_comparison(current)

    assert comparison.round == old
    assert comparison.sections == {"f1": 30, "f2": 50}
    assert comparison.overall == 40


def test_previous_round_set_on_the_round_wins(questionnaire, closed_round):
    municipality = MunicipalityFactory()
    chosen = closed_round(
        questionnaire, municipality=municipality, results=results(10, 10, 10, questionnaire)
    )
    closed_round(
        questionnaire, municipality=municipality, results=results(70, 70, 70, questionnaire)
    )
    current = make_round(questionnaire, municipality=municipality)
    current.previous = chosen
    current.save()

    assert previous_comparison(current).overall == 10


def test_no_previous_round_without_an_earlier_closed_one(round_, questionnaire, closed_round):
    # Closed after this round began: a later round, not a previous one.
    closed_round(
        questionnaire, municipality=round_.municipality, results=results(1, 1, 1, questionnaire)
    )
    assert previous_comparison(round_) is None
