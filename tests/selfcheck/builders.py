"""Small questionnaires and rounds built through the models, for the Selbstcheck tests."""

from django.utils import timezone

from selfcheck.models import FeedbackRule, Indicator, Participant, Questionnaire, Round, Section
from tests.factories import MunicipalityFactory, UserFactory

BANDS = [(0, 39, "Am Anfang"), (40, 69, "Auf dem Weg"), (70, 100, "Gut aufgestellt")]


def make_questionnaire(
    *, key: str = "test", version: int = 1, sections: int = 2, indicators: int = 3
) -> Questionnaire:
    """A published questionnaire: sections f1, f2 … with indicators F1.1 …, three bands each."""
    questionnaire = Questionnaire.objects.create(
        key=key,
        version=version,
        title="Integrierte Planung (Test)",
        status=Questionnaire.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    for s in range(1, sections + 1):
        section = Section.objects.create(
            questionnaire=questionnaire, order=s, slug=f"f{s}", title=f"Handlungsfeld {s}"
        )
        for i in range(1, indicators + 1):
            Indicator.objects.create(
                section=section, order=i, code=f"F{s}.{i}", statement=f"Aussage {s}.{i}"
            )
        FeedbackRule.objects.bulk_create(
            FeedbackRule(
                section=section,
                min_score=low,
                max_score=high,
                label=label,
                text=f"{label} in Feld {s}",
                recommendations="Erstens\nZweitens",
            )
            for low, high, label in BANDS
        )
    return questionnaire


def make_round(questionnaire: Questionnaire, *, municipality=None, coordinator=None) -> Round:
    """An open round whose coordinator takes part (Jugendamt)."""
    municipality = municipality or MunicipalityFactory()
    coordinator = coordinator or UserFactory(municipality=municipality, is_coordinator=True)
    round_ = Round.objects.create(
        municipality=municipality,
        questionnaire=questionnaire,
        title="Selbstcheck 2026",
        created_by=coordinator,
    )
    join(round_, coordinator, "jugendamt")
    return round_


def join(round_: Round, user, department: str) -> Participant:
    return Participant.objects.create(
        round=round_, user=user, email=user.email, department=department, joined_at=timezone.now()
    )
