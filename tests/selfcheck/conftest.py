"""Fixtures for the Selbstcheck tests: answers and closed rounds, built through the models."""

from collections.abc import Callable

import pytest
from django.utils import timezone

from selfcheck.models import Answer, Indicator, Participant, Questionnaire, Round
from tests.factories import MunicipalityFactory, UserFactory

from .builders import join


@pytest.fixture
def answer() -> Callable[..., list[Answer]]:
    """answer(participant, {"F1.1": 4, "F1.2": 0}, comment="…"): answers by indicator code."""

    def give(participant: Participant, values: dict[str, int | None], comment: str = ""):
        indicators = dict(
            Indicator.objects.filter(
                questionnaire_id=participant.round.questionnaire_id, code__in=values
            ).values_list("code", "pk")
        )
        return Answer.objects.bulk_create(
            Answer(
                participant=participant,
                indicator_id=indicators[code],
                value=value,
                comment=comment,
            )
            for code, value in values.items()
        )

    return give


@pytest.fixture
def colleague() -> Callable[..., Participant]:
    """colleague(round_, "sozialamt", name=…): a member of the round's municipality who joined."""

    def make(round_: Round, department: str, **fields) -> Participant:
        user = UserFactory(municipality=round_.municipality, **fields)
        return join(round_, user, department)

    return make


@pytest.fixture
def closed_round() -> Callable[..., Round]:
    """closed_round(questionnaire, results={…}, municipality=…): closed with kept results."""

    def make(
        questionnaire: Questionnaire,
        *,
        results: dict,
        municipality=None,
        title: str = "Selbstcheck 2024",
        **fields,
    ) -> Round:
        return Round.objects.create(
            municipality=municipality or MunicipalityFactory(),
            questionnaire=questionnaire,
            title=title,
            status=Round.Status.CLOSED,
            closed_at=timezone.now(),
            results=results,
            **fields,
        )

    return make
