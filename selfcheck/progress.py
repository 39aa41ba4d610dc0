"""How far each participant has come: answered of applicable indicators, per field and overall.

"Weiß nicht" counts as answered here (the person gave their answer); the evaluation leaves it
out of the scores and its completeness.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .models import Answer, Indicator, Participant, Round


@dataclass
class Progress:
    answered: int = 0
    applicable: int = 0
    sections: dict[int, tuple[int, int]] = field(default_factory=dict)  # id → (answered, of)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.applicable) if self.applicable else 0

    def section_percent(self, section_id: int) -> int:
        answered, applicable = self.sections.get(section_id, (0, 0))
        return round(100 * answered / applicable) if applicable else 100


def questionnaire_indicators(questionnaire_id: int) -> list[Indicator]:
    return list(
        Indicator.objects.filter(questionnaire_id=questionnaire_id)
        .only("pk", "section_id", "condition_indicator_id", "condition_values", "weight", "code")
        .order_by("section__order", "order", "pk")
    )


def progress_of(indicators: list[Indicator], answers: dict[int, int | None]) -> Progress:
    """Progress of one participant given their answers (indicator id → value)."""
    progress = Progress()
    per_section: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for indicator in indicators:
        if not indicator.applies_to(answers):
            continue
        counts = per_section[indicator.section_id]
        counts[1] += 1
        progress.applicable += 1
        if answers.get(indicator.pk) is not None:
            counts[0] += 1
            progress.answered += 1
    progress.sections = {key: (a, b) for key, (a, b) in per_section.items()}
    return progress


def participant_progress(round_: Round) -> list[tuple[Participant, Progress]]:
    """Every participant of the round with their progress, in three queries."""
    indicators = questionnaire_indicators(round_.questionnaire_id)
    participants = list(
        Participant.objects.filter(round=round_)
        .select_related("user")
        .order_by("department", "joined_at", "pk")
    )
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for participant_id, indicator_id, value in Answer.objects.filter(
        participant__round=round_
    ).values_list("participant_id", "indicator_id", "value"):
        answers[participant_id][indicator_id] = value
    return [
        (participant, progress_of(indicators, answers[participant.pk]))
        for participant in participants
    ]
