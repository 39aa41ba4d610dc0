from collections import defaultdict

import pytest
from django.core.management import call_command

from network.models import User
from selfcheck.evaluation import network_median
from selfcheck.models import Answer, Indicator, Questionnaire, Round
from tests.snapshots import table_snapshot


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot() -> dict[str, list[tuple]]:
    return table_snapshot("selfcheck_", "network_user")


@pytest.mark.django_db
def test_seeding_twice_changes_no_selfcheck_row(mailoutbox):
    call_command("seed_demo", force=True)
    first = snapshot()
    for table in [
        "selfcheck_questionnaire",
        "selfcheck_section",
        "selfcheck_indicator",
        "selfcheck_feedbackrule",
        "selfcheck_round",
        "selfcheck_participant",
        "selfcheck_answer",
    ]:
        assert first[table], f"{table} is empty after seeding"

    call_command("seed_demo", force=True)

    assert snapshot() == first
    assert mailoutbox == []  # rounds are written past the services: nobody is invited


@pytest.mark.django_db
def test_the_coordinator_has_a_closed_and_an_open_round():
    call_command("seed_demo", force=True)
    questionnaire = Questionnaire.objects.get(key="integrierte-planung", version=1)
    assert questionnaire.status == Questionnaire.Status.PUBLISHED
    coordinator = User.objects.get(email="mitglied@example.org")
    rounds = Round.objects.filter(municipality=coordinator.municipality)

    closed = rounds.get(title="Selbstcheck 2025")
    assert closed.status == Round.Status.CLOSED and closed.closed_at > closed.created_at
    assert closed.results["overall"] is not None
    assert set(closed.results["sections"]) == {
        str(pk) for pk in questionnaire.sections.values_list("pk", flat=True)
    }
    opened = rounds.get(title="Selbstcheck 2026")
    assert opened.is_open and opened.previous == closed and opened.results == {}
    assert opened.created_at > closed.closed_at
    assert rounds.count() == 2
    assert all(r.user_is_coordinator(coordinator) for r in rounds)

    for round_ in (closed, opened):
        joined = list(round_.participants.filter(joined_at__isnull=False))
        assert 3 <= len(joined) <= 5
        assert len({p.department for p in joined}) == len(joined)
        assert all(p.user and p.user.municipality == round_.municipality for p in joined)
        assert any(p.user == coordinator for p in joined)

    # The open round is partly answered: someone is through, someone has barely begun, and
    # one invitation is still waiting.
    applicable = Indicator.objects.filter(questionnaire=questionnaire, condition_indicator=None)
    counts = [p.answers.count() for p in opened.participants.filter(joined_at__isnull=False)]
    assert max(counts) >= applicable.count() and min(counts) < applicable.count() / 2
    assert opened.participants.filter(user=None, joined_at=None).exists()

    answers = Answer.objects.filter(participant__round__municipality=coordinator.municipality)
    assert answers.filter(value=0).exists()
    assert answers.exclude(comment="").count() >= 4


@pytest.mark.django_db
def test_departments_disagree_and_conditions_hold():
    call_command("seed_demo", force=True)
    coordinator = User.objects.get(email="mitglied@example.org")
    closed = Round.objects.get(municipality=coordinator.municipality, title="Selbstcheck 2025")
    by_indicator = defaultdict(list)
    for answer in Answer.objects.filter(participant__round=closed, value__gte=1):
        by_indicator[answer.indicator_id].append(answer.value)
    spreads = [max(values) - min(values) for values in by_indicator.values()]
    assert sum(spread >= 2 for spread in spreads) >= 5

    # Nobody answered a question whose condition their own answers do not meet.
    for round_ in Round.objects.all():
        for participant in round_.participants.all():
            given = dict(participant.answers.values_list("indicator_id", "value"))
            for answer in participant.answers.select_related("indicator"):
                assert answer.indicator.applies_to(given), answer


@pytest.mark.django_db
def test_other_partner_municipalities_make_the_network_median_appear():
    call_command("seed_demo", force=True)
    coordinator = User.objects.get(email="mitglied@example.org")
    opened = Round.objects.get(municipality=coordinator.municipality, title="Selbstcheck 2026")
    elsewhere = (
        Round.objects.closed()
        .filter(questionnaire=opened.questionnaire, municipality__is_partner=True)
        .exclude(municipality=coordinator.municipality)
    )
    assert elsewhere.values("municipality").distinct().count() >= 3
    assert all(r.results.get("sections") and r.closed_at for r in elsewhere)

    median, _note = network_median(opened)
    assert median is not None and median["count"] >= 3
    assert median["overall"] is not None
