"""Selbstcheck: the evaluation page and its PDF of one round, with 500 closed rounds of the same
questionnaire version in the network (500 municipalities, 8 participants each).

Targets: the page's median under 100 ms, the PDF under 2 s.
"""

import logging
import random
import time
from pathlib import Path

from bench.common import bench_database, measure, print_table

MUNICIPALITIES = 500
PARTICIPANTS = 8
DEPARTMENTS = [
    "jugendamt",
    "sozialamt",
    "schulverwaltung",
    "gesundheitsamt",
    "stadtplanung",
    "sozialplanung",
    "kita",
    "verwaltungsspitze",
]
QUESTIONNAIRE = (
    Path(__file__).resolve().parents[1] / "selfcheck" / "data" / "integrierte-planung.yaml"
)


def _seed(rng: random.Random):
    """500 closed rounds with answers and kept results; the first round's coordinator."""
    from django.utils import timezone

    from network.models import Municipality
    from selfcheck.evaluation import round_results
    from selfcheck.models import Answer, Indicator, Participant, Round
    from selfcheck.yaml_io import import_questionnaire
    from tests.factories import UserFactory

    questionnaire = import_questionnaire(QUESTIONNAIRE.read_text(), publish=True)
    indicators = list(
        Indicator.objects.filter(questionnaire=questionnaire).order_by(
            "section__order", "order", "pk"
        )
    )
    now = timezone.now()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Benchstadt {n}",
            slug=f"benchstadt-{n}",
            kind=Municipality.Kind.GEMEINDE,
            bundesland="05",
            ags=f"05{n:06d}",
            population=20_000 + n,
            latitude="51.50000",
            longitude="7.00000",
            is_partner=True,
        )
        for n in range(MUNICIPALITIES)
    )
    coordinator = UserFactory(
        name="Bench Koordination", municipality=municipalities[0], is_coordinator=True
    )
    rounds = Round.objects.bulk_create(
        Round(
            municipality=municipality,
            questionnaire=questionnaire,
            title="Selbstcheck 2026",
            status=Round.Status.CLOSED,
            closed_at=now,
            created_by=coordinator if n == 0 else None,
        )
        for n, municipality in enumerate(municipalities)
    )
    participants = Participant.objects.bulk_create(
        Participant(
            round=round_,
            user=coordinator if n == 0 and p == 0 else None,
            email=f"person-{n}-{p}@example.org",
            department=DEPARTMENTS[p],
            joined_at=now,
        )
        for n, round_ in enumerate(rounds)
        for p in range(PARTICIPANTS)
    )

    answers = []
    for participant in participants:
        # Each municipality and department leans its own way: spreads are not all alike.
        lean = rng.uniform(1.5, 3.8)
        given: dict[int, int | None] = {}
        for indicator in indicators:
            if not indicator.applies_to(given) or rng.random() < 0.05:
                continue
            value = 0 if rng.random() < 0.1 else min(4, max(1, round(rng.gauss(lean, 0.8))))
            given[indicator.pk] = value
            answers.append(
                Answer(
                    participant=participant,
                    indicator=indicator,
                    value=value,
                    comment="Bei uns im Aufbau." if rng.random() < 0.05 else "",
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)

    for round_ in rounds:
        round_.results = round_results(round_)
    Round.objects.bulk_update(rounds, ["results"], batch_size=500)
    return rounds[0], coordinator, len(answers)


def main() -> list[dict]:
    from django.test import Client

    # WeasyPrint and fontTools report every step at INFO: not what this table is about.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    with bench_database():
        start = time.perf_counter()
        round_, coordinator, answer_count = _seed(random.Random(2026))
        seconds = time.perf_counter() - start
        print(
            f"Angelegt in {seconds:.0f} s: {MUNICIPALITIES} abgeschlossene Runden, "
            f"{MUNICIPALITIES * PARTICIPANTS} Teilnehmende, {answer_count} Antworten"
        )
        client = Client()
        client.force_login(coordinator)
        page = f"/selbstcheck/runden/{round_.pk}/auswertung/"
        pdf = f"/selbstcheck/runden/{round_.pk}/auswertung.pdf"
        assert client.get(page).status_code == 200
        assert client.get(pdf).status_code == 200
        rows = [
            {"Abruf": "Auswertung (Seite)", **measure(lambda: client.get(page))},
            {"Abruf": "Auswertung (PDF)", **measure(lambda: client.get(pdf), runs=5)},
        ]
        print_table(
            f"Selbstcheck-Auswertung einer Runde, {MUNICIPALITIES} Runden im Netzwerk "
            "(Ziel: Seite Median < 100 ms, PDF < 2000 ms)",
            rows,
        )
    return rows


if __name__ == "__main__":
    main()
