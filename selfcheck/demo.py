"""Demo Selbstcheck: the shipped questionnaire and rounds of several partner municipalities.

The coordinator's municipality (mitglied@example.org) gets a closed round "Selbstcheck 2025" and
an open, partly answered "Selbstcheck 2026", answered by colleagues from different departments
who disagree as colleagues do; five other partner municipalities each have a closed round, so
that the network median appears. Every person is fictional. Rows are written directly, not
through selfcheck.services, which would send invitations. Answers come from a pseudo-random
generator seeded by municipality and round; a round that exists is left alone, so a second run
changes nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from allauth.account.models import EmailAddress

from network.demo import DEMO_PASSWORD
from network.models import Municipality, Sector, User

from .models import Answer, Department, Indicator, Participant, Questionnaire, Round
from .yaml_io import import_questionnaire

BERLIN = ZoneInfo("Europe/Berlin")
SAMPLE = Path(__file__).parent / "data" / "integrierte-planung.yaml"
COORDINATOR = "mitglied@example.org"

D = Department
STEUERUNG, POLITIK, BETEILIGUNG = "steuerung", "verwaltung-und-politik", "beteiligung"
DATEN, RESSOURCEN, HALTUNG = "daten-und-wirkung", "ressourcen", "haltung-und-kultur"

# How each department tends to see a Handlungsfeld compared with the round's average (on the
# 1–4 scale): the Jugendamt sees the culture rosier than the others, the school administration
# feels left out, politics thinks it is well involved.
DEPARTMENT_BIAS: dict[str, dict[str, float]] = {
    D.JUGENDAMT: {HALTUNG: 0.7, BETEILIGUNG: 0.4, STEUERUNG: 0.2},
    D.SOZIALPLANUNG: {DATEN: 0.6, RESSOURCEN: -0.4, POLITIK: -0.2},
    D.SCHULVERWALTUNG: {HALTUNG: -0.7, STEUERUNG: -0.5, BETEILIGUNG: -0.4},
    D.GESUNDHEITSAMT: {DATEN: 0.4, POLITIK: -0.4, HALTUNG: -0.3},
    D.KITA: {BETEILIGUNG: 0.5, RESSOURCEN: -0.7},
    D.POLITIK: {POLITIK: 0.9, DATEN: -0.4, RESSOURCEN: 0.3},
    D.SOZIALAMT: {BETEILIGUNG: -0.3, DATEN: -0.2},
    D.STADTPLANUNG: {STEUERUNG: -0.4, BETEILIGUNG: 0.3},
    D.FREIE_TRAEGER: {BETEILIGUNG: -0.6, HALTUNG: -0.4, POLITIK: 0.2},
}

# Statements that hurt score lower everywhere; the easy ones higher.
INDICATOR_OFFSET = {
    "S5": -0.4,
    "S6": -0.7,
    "S7": 0.3,
    "P2": -0.6,
    "P4": -0.5,
    "B2": -0.5,
    "B3": -0.7,
    "B6": 0.3,
    "D5": -0.8,
    "D3": -0.4,
    "R2": -0.6,
    "R6": -0.3,
    "H3": -0.3,
    "H4": 0.4,
}

# "weiß nicht" where a department is far from the topic (added to a 5 % baseline).
DONT_KNOW = {
    (D.POLITIK, DATEN): 0.3,
    (D.POLITIK, RESSOURCEN): 0.2,
    (D.POLITIK, STEUERUNG): 0.15,
    (D.GESUNDHEITSAMT, POLITIK): 0.25,
    (D.KITA, POLITIK): 0.3,
    (D.KITA, DATEN): 0.2,
    (D.SCHULVERWALTUNG, RESSOURCEN): 0.15,
    (D.FREIE_TRAEGER, STEUERUNG): 0.25,
    (D.STADTPLANUNG, DATEN): 0.15,
}


@dataclass(frozen=True)
class Person:
    email: str
    department: str
    share: float = 1.0  # how far through the questionnaire they got
    joined: bool = True


@dataclass(frozen=True)
class DemoRound:
    municipality: str | None  # slug; None for the coordinator's municipality
    title: str
    started: datetime
    closed: datetime | None
    levels: dict[str, float]  # the municipality's average per Handlungsfeld, 1–4
    people: list[Person]
    # (email, code) → (value or None to keep the generated one, comment)
    notes: dict[tuple[str, str], tuple[int | None, str]] = field(default_factory=dict)


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


# Colleagues of the coordinator: (email, name, function, sector). They log in with the demo
# password, so that the demo shows the Selbstcheck from a participant's side too.
COLLEAGUES = [
    ("henrike.baumgart@example.org", "Henrike Baumgart", "Sozialplanerin", Sector.VERWALTUNG),
    (
        "murat.oezdemir@example.org",
        "Murat Özdemir",
        "Schulentwicklungsplaner",
        Sector.VERWALTUNG,
    ),
    ("clara.vogel@example.org", "Clara Vogel", "Koordinatorin Frühe Hilfen", Sector.VERWALTUNG),
    (
        "bernd.kuehn@example.org",
        "Bernd Kühn",
        "Abteilungsleiter Kindertagesbetreuung",
        Sector.VERWALTUNG,
    ),
    (
        "sabine.roth@example.org",
        "Sabine Roth",
        "Mitglied im Jugendhilfeausschuss",
        Sector.POLITIK,
    ),
]

# Colleagues in other municipalities who answered their round: (email, name, function, sector,
# municipality slug). Their profiles stay hidden and they have no password.
V, Z = Sector.VERWALTUNG, Sector.ZIVILGESELLSCHAFT
RESPONDENTS = [
    (
        "tobias.reindl@example.org",
        "Tobias Reindl",
        "Sachgebietsleiter Jugendhilfe",
        V,
        "ingolstadt",
    ),
    ("marion.stadler@example.org", "Marion Stadler", "Schulverwaltungsamt", V, "ingolstadt"),
    ("inga.thomsen@example.org", "Inga Thomsen", "Kinder- und Jugendgesundheit", V, "kiel"),
    ("finn.carstens@example.org", "Finn Carstens", "Sozialamt, Grundsatzfragen", V, "kiel"),
    ("katrin.ebert@example.org", "Katrin Ebert", "Jugendhilfeplanerin", V, "jena"),
    ("ronny.foerster@example.org", "Ronny Förster", "Stadtplaner", V, "jena"),
    ("julia.marquardt@example.org", "Julia Marquardt", "Kita-Fachberatung", V, "potsdam"),
    ("stefan.lenz@example.org", "Stefan Lenz", "Sozialplaner", V, "potsdam"),
    ("anke.meyer-rolfs@example.org", "Anke Meyer-Rolfs", "Amt für Soziales", V, "bremerhaven"),
    (
        "deniz.aksoy@example.org",
        "Deniz Aksoy",
        "Geschäftsführer, Jugendhilfeträger",
        Z,
        "bremerhaven",
    ),
]

ALBERS = COORDINATOR
BAUMGART = "henrike.baumgart@example.org"
OEZDEMIR = "murat.oezdemir@example.org"
VOGEL = "clara.vogel@example.org"
KUEHN = "bernd.kuehn@example.org"
ROTH = "sabine.roth@example.org"

HOME_2025 = DemoRound(
    municipality=None,
    title="Selbstcheck 2025",
    started=_at(2025, 3, 3),
    closed=_at(2025, 4, 11, 16),
    levels={
        STEUERUNG: 2.3,
        POLITIK: 1.9,
        BETEILIGUNG: 2.5,
        DATEN: 2.0,
        RESSOURCEN: 1.8,
        HALTUNG: 2.6,
    },
    people=[
        Person(ALBERS, D.JUGENDAMT),
        Person(BAUMGART, D.SOZIALPLANUNG),
        Person(OEZDEMIR, D.SCHULVERWALTUNG),
        Person(VOGEL, D.GESUNDHEITSAMT, share=0.9),
    ],
    notes={
        (ALBERS, "S2"): (
            2,
            "Den Lenkungskreis Präventionskette gibt es, aber dort sitzen meist Vertretungen, "
            "die nichts zusagen dürfen.",
        ),
        (ALBERS, "P2"): (
            1,
            "Der letzte Jugendhilfeplan hatte rund 180 Seiten, die Empfehlungen standen ganz "
            "hinten. Gelesen hat ihn im Ausschuss kaum jemand.",
        ),
        (OEZDEMIR, "H5"): (
            1,
            "Aus Sicht der Schulverwaltung gilt Prävention als Sache des Jugendamts. Wir werden "
            "meist gefragt, wenn schon alles feststeht.",
        ),
        (VOGEL, "D2"): (
            0,
            "Wir liefern die Daten der Schuleingangsuntersuchung jedes Jahr, wissen aber nicht, "
            "ob sie irgendwo mit anderen Daten zusammengeführt werden.",
        ),
        (BAUMGART, "D5"): (
            1,
            "Ehrlich gesagt: Mir fällt kein Angebot ein, das wir wegen fehlender Wirkung "
            "beendet hätten.",
        ),
    },
)

HOME_2026 = DemoRound(
    municipality=None,
    title="Selbstcheck 2026",
    started=_at(2026, 10, 5),
    closed=None,
    levels={
        STEUERUNG: 2.9,
        POLITIK: 2.3,
        BETEILIGUNG: 2.6,
        DATEN: 2.4,
        RESSOURCEN: 1.9,
        HALTUNG: 2.8,
    },
    people=[
        Person(ALBERS, D.JUGENDAMT),
        Person(BAUMGART, D.SOZIALPLANUNG),
        Person(OEZDEMIR, D.SCHULVERWALTUNG, share=0.55),
        Person(KUEHN, D.KITA, share=0.25),
        Person(ROTH, D.POLITIK, joined=False),
    ],
    notes={
        (ALBERS, "S2"): (
            4,
            "Seit Herbst 2025 kommen die Amtsleitungen selbst in den Lenkungskreis. Das merkt "
            "man an den Beschlüssen.",
        ),
        (BAUMGART, "D2"): (
            2,
            "Das erste gemeinsame Monitoring erscheint im Frühjahr. Bis dahin ehrlicherweise "
            "nur „eher nicht“.",
        ),
        (OEZDEMIR, "S4"): (
            1,
            "Von der Planung des Neubaugebiets im Norden haben wir aus der Zeitung erfahren – "
            "samt der Frage, wo die Kinder zur Schule gehen sollen.",
        ),
        (KUEHN, "S7"): (
            3,
            "Der Übergang von der Kita in die Grundschule ist in zwei Stadtteilen gut geregelt, "
            "in den übrigen nicht.",
        ),
    },
)

# Closed rounds in other partner municipalities, for the network median.
ELSEWHERE = [
    DemoRound(
        "ingolstadt",
        "Selbstcheck 2026",
        _at(2026, 4, 13),
        _at(2026, 6, 5, 15),
        {STEUERUNG: 3.0, POLITIK: 2.4, BETEILIGUNG: 2.3, DATEN: 3.2, RESSOURCEN: 2.8, HALTUNG: 2.9},
        [
            Person("lena.hartwig@example.org", D.SOZIALPLANUNG),
            Person("tobias.reindl@example.org", D.JUGENDAMT),
            Person("marion.stadler@example.org", D.SCHULVERWALTUNG, share=0.85),
        ],
    ),
    DemoRound(
        "kiel",
        "Selbstcheck 2025",
        _at(2025, 9, 15),
        _at(2025, 11, 20, 12),
        {STEUERUNG: 2.2, POLITIK: 2.8, BETEILIGUNG: 3.1, DATEN: 2.1, RESSOURCEN: 2.4, HALTUNG: 2.6},
        [
            Person("jonas.petersen@example.org", D.JUGENDAMT),
            Person("inga.thomsen@example.org", D.GESUNDHEITSAMT),
            Person("finn.carstens@example.org", D.SOZIALAMT),
        ],
    ),
    DemoRound(
        "jena",
        "Selbstcheck 2026",
        _at(2026, 1, 19),
        _at(2026, 3, 6, 14),
        {STEUERUNG: 2.7, POLITIK: 2.2, BETEILIGUNG: 2.5, DATEN: 2.9, RESSOURCEN: 2.0, HALTUNG: 3.0},
        [
            Person("nora.winter@example.org", D.SCHULVERWALTUNG),
            Person("katrin.ebert@example.org", D.JUGENDAMT),
            Person("ronny.foerster@example.org", D.STADTPLANUNG),
        ],
    ),
    DemoRound(
        "potsdam",
        "Selbstcheck 2026",
        _at(2026, 7, 6),
        _at(2026, 9, 18, 11),
        {STEUERUNG: 3.1, POLITIK: 2.5, BETEILIGUNG: 2.8, DATEN: 2.6, RESSOURCEN: 2.7, HALTUNG: 3.2},
        [
            Person("till.hoffmann@example.org", D.JUGENDAMT),
            Person("julia.marquardt@example.org", D.KITA),
            Person("stefan.lenz@example.org", D.SOZIALPLANUNG),
        ],
    ),
    DemoRound(
        "bremerhaven",
        "Selbstcheck 2025",
        _at(2025, 8, 25),
        _at(2025, 10, 17, 13),
        {STEUERUNG: 1.9, POLITIK: 2.0, BETEILIGUNG: 2.3, DATEN: 1.8, RESSOURCEN: 1.6, HALTUNG: 2.4},
        [
            Person("hannes.voigt@example.org", D.JUGENDAMT),
            Person("anke.meyer-rolfs@example.org", D.SOZIALAMT),
            Person("deniz.aksoy@example.org", D.FREIE_TRAEGER, share=0.9),
        ],
    ),
]


def _questionnaire() -> Questionnaire:
    text = SAMPLE.read_text(encoding="utf-8")
    head = yaml.safe_load(text)
    existing = Questionnaire.objects.filter(key=head["key"], version=head["version"]).first()
    return existing or import_questionnaire(text)


def _user(email: str, name: str, function: str, sector: str, municipality, *, login: bool) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "name": name,
            "function": function,
            "sector": sector,
            "municipality": municipality,
            "profile_visibility": User.Visibility.MEMBERS if login else User.Visibility.HIDDEN,
        },
    )
    if created:
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    if login:
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _value(rng: random.Random, level: float, department: str, slug: str, code: str) -> int:
    if rng.random() < 0.05 + DONT_KNOW.get((department, slug), 0):
        return 0
    mean = level + DEPARTMENT_BIAS.get(department, {}).get(slug, 0) + INDICATOR_OFFSET.get(code, 0)
    return min(4, max(1, round(rng.gauss(mean, 0.65))))


def _answers(
    participant: Participant,
    person: Person,
    plan: DemoRound,
    indicators: list[Indicator],
    rng: random.Random,
) -> list[Answer]:
    given: dict[int, int] = {}
    answers = []
    for indicator in indicators[: round(len(indicators) * person.share)]:
        if not indicator.applies_to(given):
            continue
        slug = indicator.section.slug
        value = _value(rng, plan.levels[slug], person.department, slug, indicator.code)
        forced, comment = plan.notes.get((person.email, indicator.code), (None, ""))
        if forced is not None:
            value = forced
        given[indicator.pk] = value
        answers.append(
            Answer(participant=participant, indicator=indicator, value=value, comment=comment)
        )
    return answers


def _round(
    plan: DemoRound,
    municipality: Municipality,
    questionnaire: Questionnaire,
    indicators: list[Indicator],
    users: dict[str, User],
    previous: Round | None = None,
) -> Round:
    existing = Round.objects.filter(
        municipality=municipality, questionnaire=questionnaire, title=plan.title
    ).first()
    if existing is not None:
        return existing
    rng = random.Random(f"{municipality.slug}/{plan.title}")
    round_ = Round.objects.create(
        municipality=municipality,
        questionnaire=questionnaire,
        title=plan.title,
        previous=previous,
        created_by=users.get(plan.people[0].email),
    )
    for number, person in enumerate(plan.people):
        user = users.get(person.email)
        if user is None:
            continue
        invited = plan.started + timedelta(hours=2 * number)
        joined = invited + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 5))
        participant = Participant.objects.create(
            round=round_,
            user=user if person.joined else None,
            email=person.email,
            department=person.department if person.joined else "",
            joined_at=joined if person.joined else None,
        )
        Participant.objects.filter(pk=participant.pk).update(invited_at=invited)
        if not person.joined:
            continue
        Answer.objects.bulk_create(_answers(participant, person, plan, indicators, rng))
        answered = joined + timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 300))
        if plan.closed:
            answered = min(answered, plan.closed - timedelta(hours=1))
        Answer.objects.filter(participant=participant).update(updated_at=answered)

    Round.objects.filter(pk=round_.pk).update(created_at=plan.started)
    if plan.closed:
        from .evaluation import round_results

        round_.refresh_from_db()
        round_.results = round_results(round_)
        round_.status = Round.Status.CLOSED
        round_.closed_at = plan.closed
        round_.save(update_fields=["results", "status", "closed_at"])
    return round_


def seed(*, stdout=None) -> None:
    questionnaire = _questionnaire()
    indicators = list(
        Indicator.objects.filter(questionnaire=questionnaire)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )
    coordinator = User.objects.filter(email=COORDINATOR).select_related("municipality").first()
    municipalities = {m.slug: m for m in Municipality.objects.partners()}

    if coordinator is not None and coordinator.municipality is not None:
        home = coordinator.municipality
        users = {COORDINATOR: coordinator}
        for email, name, function, sector in COLLEAGUES:
            users[email] = _user(email, name, function, sector, home, login=True)
        earlier = _round(HOME_2025, home, questionnaire, indicators, users)
        _round(HOME_2026, home, questionnaire, indicators, users, previous=earlier)

    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    for email, name, function, sector, slug in RESPONDENTS:
        if slug in municipalities and email not in users:
            users[email] = _user(email, name, function, sector, municipalities[slug], login=False)
    for plan in ELSEWHERE:
        if plan.municipality in municipalities:
            _round(plan, municipalities[plan.municipality], questionnaire, indicators, users)

    if stdout is not None:
        rounds = Round.objects.filter(questionnaire=questionnaire)
        stdout.write(
            f"Selbstcheck: {questionnaire}, {len(indicators)} Indikatoren; "
            f"{rounds.count()} Runden in {rounds.values('municipality').distinct().count()} "
            f"Kommunen, davon {rounds.filter(status=Round.Status.OPEN).count()} offen"
        )
