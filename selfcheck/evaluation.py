"""The evaluation of a round: scores per Handlungsfeld, completeness, where departments differ,
the municipality's previous round and the network median.

Pure computation on a handful of queries: a round's answers come in one query, its questionnaire
in three more; nothing is loaded per participant or per indicator. Scores run from 0 to 100;
"weiß nicht" (0) counts in no score but lowers the completeness.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Prefetch
from django.utils.translation import gettext

from .models import (
    SCORED_VALUES,
    Answer,
    Department,
    FeedbackRule,
    Indicator,
    Participant,
    Round,
    Section,
    value_score,
)

# Fewer other municipalities and a median could come close to one municipality's figures.
NETWORK_MINIMUM = 3
# How many indicators each Handlungsfeld lists under "Wo die Fachbereiche es unterschiedlich
# sehen".
DISAGREEMENTS_SHOWN = 3


def points(score: float | None) -> int | None:
    """A score as whole points, halves rounded up (Python's round() would make 40.5 into 40)."""
    if score is None:
        return None
    # The small epsilon swallows float noise such as 39.49999999999999 for an exact 39.5.
    return math.floor(score + 0.5 + 1e-9)


def band_for(rules: Iterable[FeedbackRule], score: float | None) -> FeedbackRule | None:
    """The rule whose band holds the score's whole points; None without a score or band."""
    whole = points(score)
    if whole is None:
        return None
    return next((rule for rule in rules if rule.min_score <= whole <= rule.max_score), None)


def signed(change: int | None) -> str:
    """A change in points as people write it: +5, −3 (a real minus sign), ±0; "" for none."""
    if change is None:
        return ""
    if change > 0:
        return f"+{change}"
    return f"\u2212{-change}" if change < 0 else "\u00b10"


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weighted_mean(pairs: Iterable[tuple[float | None, int]]) -> float | None:
    """Mean of (score, weight) pairs, leaving out those without a score."""
    total = weight_sum = 0.0
    for score, weight in pairs:
        if score is not None:
            total += score * weight
            weight_sum += weight
    return total / weight_sum if weight_sum else None


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


@dataclass(frozen=True)
class DepartmentScore:
    department: str
    label: str
    score: float

    @property
    def points(self) -> int:
        return points(self.score)


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    score: float | None
    answer_count: int  # scored answers (1–4)
    dont_know_count: int
    spread: float | None  # highest minus lowest department score; None below two departments
    departments: list[DepartmentScore]  # highest score first

    @property
    def points(self) -> int | None:
        return points(self.score)

    @property
    def spread_points(self) -> int | None:
        return points(self.spread)


@dataclass(frozen=True)
class SectionResult:
    section: Section
    score: float | None
    completeness: float
    spread: float | None  # mean of its indicators' spreads
    band: FeedbackRule | None
    indicators: list[IndicatorResult]  # where departments differ most first

    @property
    def points(self) -> int | None:
        return points(self.score)

    @property
    def completeness_points(self) -> int:
        return points(self.completeness)

    @property
    def spread_points(self) -> int | None:
        return points(self.spread)

    @property
    def disagreements(self) -> list[IndicatorResult]:
        """The indicators on which the departments' scores lie furthest apart."""
        return [r for r in self.indicators if r.spread][:DISAGREEMENTS_SHOWN]


@dataclass(frozen=True)
class RoundEvaluation:
    round: Round
    sections: list[SectionResult]
    overall: float | None
    completeness: float
    participant_count: int  # who joined (or answered)
    answer_count: int  # answers given, "weiß nicht" included
    departments: list[tuple[str, str]]  # (key, label) of the departments taking part

    @property
    def points(self) -> int | None:
        return points(self.overall)

    @property
    def completeness_points(self) -> int:
        return points(self.completeness)

    @property
    def is_empty(self) -> bool:
        """No answer that counts in a score yet (nobody answered, or only "weiß nicht")."""
        return self.overall is None


def _questionnaire(questionnaire_id: int) -> list[Section]:
    """Sections in order with their feedback rules and indicators: three queries."""
    return list(
        Section.objects.filter(questionnaire_id=questionnaire_id)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("feedback_rules", queryset=FeedbackRule.objects.order_by("min_score")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk")),
        )
    )


def evaluate_round(round_: Round) -> RoundEvaluation:
    """Everything the evaluation shows, from the round's current answers (five queries)."""
    sections = _questionnaire(round_.questionnaire_id)
    indicators = [indicator for section in sections for indicator in section.indicators.all()]

    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for row in Answer.objects.filter(participant__round=round_).values(
        "participant_id", "indicator_id", "value"
    ):
        answers[row["participant_id"]][row["indicator_id"]] = row["value"]
    # Answering means having joined; a participant who joined and answered nothing yet still
    # lowers the completeness.
    participants = [
        row
        for row in Participant.objects.filter(round=round_)
        .order_by("pk")
        .values("id", "department", "joined_at")
        if row["joined_at"] is not None or row["id"] in answers
    ]

    scores: dict[int, list[float]] = defaultdict(list)
    by_department: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    dont_know: dict[int, int] = defaultdict(int)
    applicable: dict[int, int] = defaultdict(int)  # per section, summed over participants
    answered: dict[int, int] = defaultdict(int)
    for participant in participants:
        mine = answers.get(participant["id"], {})
        department = participant["department"]
        for indicator in indicators:
            # An answer given before a condition changed no longer counts: the participant
            # would not be asked this question now.
            if not indicator.applies_to(mine):
                continue
            applicable[indicator.section_id] += 1
            value = mine.get(indicator.pk)
            if value in SCORED_VALUES:
                score = value_score(value)
                answered[indicator.section_id] += 1
                scores[indicator.pk].append(score)
                if department:
                    by_department[indicator.pk][department].append(score)
            elif value == 0:
                dont_know[indicator.pk] += 1

    labels = dict(Department.choices)
    section_results = []
    for section in sections:
        results = []
        for indicator in section.indicators.all():
            departments = sorted(
                (
                    DepartmentScore(key, str(labels.get(key, key)), _mean(values))
                    for key, values in by_department[indicator.pk].items()
                ),
                key=lambda d: (-d.score, d.label),
            )
            spread = departments[0].score - departments[-1].score if len(departments) >= 2 else None
            results.append(
                IndicatorResult(
                    indicator=indicator,
                    score=_mean(scores[indicator.pk]),
                    answer_count=len(scores[indicator.pk]),
                    dont_know_count=dont_know[indicator.pk],
                    spread=spread,
                    departments=departments,
                )
            )
        score = _weighted_mean((r.score, r.indicator.weight) for r in results)
        section_results.append(
            SectionResult(
                section=section,
                score=score,
                completeness=_percent(answered[section.pk], applicable[section.pk]),
                spread=_mean([r.spread for r in results if r.spread is not None]),
                band=band_for(section.feedback_rules.all(), score),
                # sorted() is stable: equal spreads keep the questionnaire's order.
                indicators=sorted(
                    results, key=lambda r: -r.spread if r.spread is not None else math.inf
                ),
            )
        )

    taking_part = {p["department"] for p in participants if p["department"]}
    return RoundEvaluation(
        round=round_,
        sections=section_results,
        overall=_weighted_mean(
            (r.score, r.indicator.weight) for s in section_results for r in s.indicators
        ),
        completeness=_percent(sum(answered.values()), sum(applicable.values())),
        participant_count=len(participants),
        answer_count=sum(value is not None for mine in answers.values() for value in mine.values()),
        departments=[(key, str(label)) for key, label in Department.choices if key in taking_part],
    )


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def results_of(evaluation: RoundEvaluation) -> dict:
    """The summary kept in Round.results (JSON): scores by section id, overall, completeness."""
    return {
        "sections": {str(s.section.pk): _rounded(s.score) for s in evaluation.sections},
        "overall": _rounded(evaluation.overall),
        "completeness": _rounded(evaluation.completeness),
    }


def round_results(round_: Round) -> dict:
    """Round.results for a round that closes now."""
    return results_of(evaluate_round(round_))


@dataclass(frozen=True)
class PreviousComparison:
    """The municipality's previous closed round, by section slug (versions may differ)."""

    round: Round
    sections: dict[str, float | None]
    overall: float | None
    completeness: float | None


def previous_round(round_: Round) -> Round | None:
    """round.previous if set, else the latest closed earlier round of the same questionnaire."""
    if round_.previous_id:
        return Round.objects.select_related("questionnaire").filter(pk=round_.previous_id).first()
    return (
        Round.objects.closed()
        .filter(
            municipality_id=round_.municipality_id,
            questionnaire__key=round_.questionnaire.key,
            created_at__lt=round_.created_at,
        )
        .exclude(pk=round_.pk)
        .select_related("questionnaire")
        .order_by(F("closed_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def previous_comparison(round_: Round) -> PreviousComparison | None:
    """The previous round's kept results, or None without a previous round that has them."""
    previous = previous_round(round_)
    if previous is None or not previous.results:
        return None
    stored = previous.results.get("sections", {})
    slugs = dict(
        Section.objects.filter(questionnaire_id=previous.questionnaire_id).values_list("pk", "slug")
    )
    return PreviousComparison(
        round=previous,
        sections={slug: stored.get(str(pk)) for pk, slug in slugs.items()},
        overall=previous.results.get("overall"),
        completeness=previous.results.get("completeness"),
    )


def _median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    # Per figure as for the whole: a median of fewer values comes too close to one of them.
    if len(present) < NETWORK_MINIMUM:
        return None
    return round(statistics.median(present), 1)


def network_median(round_: Round) -> tuple[dict | None, str]:
    """Median per section id and overall over the latest closed round of each other
    municipality with the same questionnaire version, read only from their kept results.

    None and the reason while fewer than three other municipalities have closed such a round.
    """
    rows = (
        Round.objects.closed()
        .filter(questionnaire_id=round_.questionnaire_id, results__has_key="sections")
        .exclude(municipality_id=round_.municipality_id)
        .order_by("municipality_id", F("closed_at").desc(nulls_last=True), "-pk")
        .values_list("municipality_id", "results")
    )
    # The first row per municipality is its latest round (DISTINCT ON would be PostgreSQL only,
    # and `make run` uses SQLite).
    latest: dict[int, dict] = {}
    for municipality_id, result in rows:
        latest.setdefault(municipality_id, result)
    results = list(latest.values())
    count = len(results)
    if count < NETWORK_MINIMUM:
        return None, gettext(
            "Der Vergleich mit dem Netzwerk erscheint, sobald mindestens drei andere Kommunen "
            "eine Runde dieser Fragebogen-Version abgeschlossen haben (bisher: %(count)d)."
        ) % {"count": count}
    section_ids = {key for result in results for key in result.get("sections", {})}
    median = {
        "sections": {
            key: _median(result.get("sections", {}).get(key) for result in results)
            for key in section_ids
        },
        "overall": _median(result.get("overall") for result in results),
        "count": count,
    }
    return median, gettext(
        "Median der zuletzt abgeschlossenen Runden von %(count)d anderen Kommunen mit dieser "
        "Fragebogen-Version."
    ) % {"count": count}


@dataclass(frozen=True)
class FieldRow:
    """One Handlungsfeld across the comparisons: a row of the chart's data table."""

    result: SectionResult
    previous: float | None
    median: float | None

    @property
    def section(self) -> Section:
        return self.result.section

    @property
    def points(self) -> int | None:
        return self.result.points

    @property
    def previous_points(self) -> int | None:
        return points(self.previous)

    @property
    def median_points(self) -> int | None:
        return points(self.median)

    @property
    def change(self) -> int | None:
        """Change in whole points since the previous round."""
        if self.points is None or self.previous_points is None:
            return None
        return self.points - self.previous_points

    @property
    def change_label(self) -> str:
        return signed(self.change)


@dataclass(frozen=True)
class Overview:
    evaluation: RoundEvaluation
    previous: PreviousComparison | None
    median: dict | None
    median_note: str
    rows: list[FieldRow] = field(default_factory=list)

    @property
    def previous_overall_points(self) -> int | None:
        return points(self.previous.overall) if self.previous else None

    @property
    def median_overall_points(self) -> int | None:
        return points(self.median["overall"]) if self.median else None

    @property
    def overall_change(self) -> int | None:
        before = self.previous_overall_points
        now = self.evaluation.points
        return None if before is None or now is None else now - before

    @property
    def overall_change_label(self) -> str:
        return signed(self.overall_change)


def overview(round_: Round) -> Overview:
    """The evaluation with the previous round and the network median, row by Handlungsfeld."""
    evaluation = evaluate_round(round_)
    previous = previous_comparison(round_)
    median, note = network_median(round_)
    rows = [
        FieldRow(
            result=result,
            previous=previous.sections.get(result.section.slug) if previous else None,
            median=median["sections"].get(str(result.section.pk)) if median else None,
        )
        for result in evaluation.sections
    ]
    return Overview(evaluation, previous, median, note, rows)
