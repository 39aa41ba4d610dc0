from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from selfcheck.models import FeedbackRule, Indicator, Questionnaire, Section, check_bands
from selfcheck.yaml_io import ImportProblems, export_questionnaire, import_questionnaire

SAMPLE = Path(__file__).resolve().parents[2] / "selfcheck" / "data" / "integrierte-planung.yaml"

VALID = """\
key: probe
title: Probebogen
sections:
  - slug: eins
    title: Erstes Feld
    indicators:
      - code: A1
        statement: Erste Aussage.
      - code: A2
        statement: Zweite Aussage.
        condition: {indicator: A1, answers: [3, 4]}
    feedback:
      - {from: 0, to: 49, label: Unten, text: Noch viel zu tun., recommendations: [Anfangen.]}
      - {from: 50, to: 100, label: Oben, text: Schon gut., recommendations: [Weitermachen.]}
  - slug: zwei
    title: Zweites Feld
    indicators:
      - code: B1
        statement: Dritte Aussage.
        weight: 3
    feedback:
      - {from: 0, to: 100, label: Alles, text: Eine Stufe., recommendations: [Eins., Zwei.]}
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing needle."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def structure(questionnaire: Questionnaire) -> list:
    """Everything a version says, without ids, in order."""
    sections = []
    for section in questionnaire.sections.order_by("order", "pk"):
        indicators = [
            (
                i.code,
                i.statement,
                i.help_text,
                i.weight,
                i.condition_indicator.code if i.condition_indicator else None,
                i.condition_values,
            )
            for i in section.indicators.order_by("order", "pk")
        ]
        bands = [
            (r.min_score, r.max_score, r.label, r.text, r.recommendation_list)
            for r in section.feedback_rules.order_by("min_score")
        ]
        sections.append((section.slug, section.title, section.intro, indicators, bands))
    return [questionnaire.key, questionnaire.title, questionnaire.intro, sections]


def assert_nothing_stored():
    assert not Questionnaire.objects.exists()
    assert not Section.objects.exists()
    assert not Indicator.objects.exists()
    assert not FeedbackRule.objects.exists()


@pytest.mark.django_db
def test_the_sample_imports_cleanly_and_published():
    questionnaire = import_questionnaire(SAMPLE.read_text(encoding="utf-8"))

    assert questionnaire.key == "integrierte-planung" and questionnaire.version == 1
    assert questionnaire.title == "Integrierte Planung für Kinder und Familien"
    assert questionnaire.status == Questionnaire.Status.PUBLISHED and questionnaire.published_at
    sections = list(questionnaire.sections.all())
    assert len(sections) >= 6
    assert all(section.intro for section in sections)
    indicators = list(questionnaire.indicators.order_by("section__order", "order"))
    assert len(indicators) >= 36
    assert all(section.indicators.count() >= 6 for section in sections)
    assert all(indicator.questionnaire_id == questionnaire.pk for indicator in indicators)
    assert any(indicator.weight == 2 for indicator in indicators)
    conditional = [i for i in indicators if i.condition_indicator_id]
    assert len(conditional) >= 2
    for indicator in conditional:
        assert indicators.index(indicator.condition_indicator) < indicators.index(indicator)
        assert set(indicator.condition_values) <= {0, 1, 2, 3, 4}
    for section in sections:
        rules = list(section.feedback_rules.all())
        assert [(r.min_score, r.max_score) for r in rules] == [(0, 39), (40, 69), (70, 100)]
        assert check_bands([(r.min_score, r.max_score) for r in rules]) is None
        assert all(2 <= len(r.recommendation_list) <= 4 and r.text for r in rules)


@pytest.mark.django_db
def test_export_then_import_as_a_new_version_keeps_everything():
    original = import_questionnaire(SAMPLE.read_text(encoding="utf-8"))
    exported = export_questionnaire(original)
    assert "key: integrierte-planung" in exported and "version: 1" in exported
    assert "„weiß nicht“" in exported  # allow_unicode: readable, not escaped

    copy = import_questionnaire(exported.replace("version: 1\n", ""))

    assert copy.version == 2 and copy.status == Questionnaire.Status.DRAFT
    assert structure(copy) == structure(original)
    assert export_questionnaire(copy) == exported.replace("Version 1", "Version 2").replace(
        "version: 1", "version: 2"
    )


@pytest.mark.django_db
def test_texts_with_line_breaks_and_quotes_survive_the_round_trip():
    text = VALID.replace(
        "statement: Erste Aussage.",
        'statement: "Zeile eins: mit Doppelpunkt\\n\\n- und # keine Liste\\nZeile drei"',
    )
    original = import_questionnaire(text)
    copy = import_questionnaire(export_questionnaire(original).replace("version: 1\n", ""))
    assert structure(copy) == structure(original)
    assert copy.indicators.get(code="A1").statement.count("\n") == 3


@pytest.mark.django_db
def test_a_duplicate_indicator_code_names_the_second_line_and_stores_nothing():
    text = VALID.replace("code: B1", "code: A1")

    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)

    assert caught.value.problems == [
        (line_of(text, "code: A1", 2), "Indikator-Kennung „A1“ kommt doppelt vor.")
    ]
    assert_nothing_stored()


@pytest.mark.django_db
def test_a_gap_between_bands_is_refused_at_the_band():
    text = VALID.replace("{from: 50, to: 100", "{from: 55, to: 100")

    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)

    [(line, message)] = caught.value.problems
    assert line == line_of(text, "from: 55")
    assert "Lücke" in message and "50–54" in message and "„eins“" in message
    assert_nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ("{from: 50, to: 100", "{from: 45, to: 100", "from: 45", "überschneidet"),
        ("{from: 0, to: 100", "{from: 0, to: 90", "- {from: 0, to: 90", "nur bis 90"),
        ("{from: 50, to: 100", "{from: 50, to: 120", "to: 120", "zwischen 0 und 100"),
        ("{from: 50, to: 100", "{from: 70, to: 60", "to: 60", "verkehrt herum"),
    ],
)
def test_bands_must_cover_0_to_100_exactly(old, new, needle, words):
    text = VALID.replace(old, new)
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)
    lines = [line for line, _message in caught.value.problems]
    assert line_of(text, needle) in lines
    assert any(words in message for _line, message in caught.value.problems)
    assert_nothing_stored()


@pytest.mark.django_db
def test_bad_yaml_is_refused_with_the_parsers_line():
    text = VALID.replace("    title: Zweites Feld", "    title: Zweites Feld\n   oops: [")

    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)

    [(line, message)] = caught.value.problems
    assert line == line_of(text, "oops")
    assert message
    assert_nothing_stored()


@pytest.mark.django_db
def test_tabs_get_a_german_explanation():
    text = VALID.replace("      - code: B1", "\t- code: B1")
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)
    assert caught.value.problems == [
        (
            line_of(text, "\t- code"),
            "Tabulatoren sind in YAML nicht erlaubt; bitte mit Leerzeichen einrücken.",
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "# nur ein Kommentar\n"])
def test_an_empty_file_is_refused(text):
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)
    assert caught.value.problems == [(1, "Die Datei ist leer.")]


@pytest.mark.django_db
def test_a_condition_must_name_an_earlier_indicator():
    unknown = VALID.replace("{indicator: A1, answers", "{indicator: X9, answers")
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(unknown)
    [(line, message)] = caught.value.problems
    assert line == line_of(unknown, "indicator: X9")
    assert "„X9“" in message and "gibt es nicht" in message

    later = VALID.replace(
        "        statement: Erste Aussage.",
        "        statement: Erste Aussage.\n        condition: {indicator: A2, answers: [4]}",
    )
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(later)
    [(line, message)] = caught.value.problems
    assert line == line_of(later, "indicator: A2")
    assert "vorher" in message
    assert_nothing_stored()


@pytest.mark.django_db
def test_every_problem_is_reported_at_once_in_line_order():
    text = (
        VALID.replace("title: Probebogen\n", "")
        .replace("weight: 3", "weight: 11")
        .replace("statement: Zweite Aussage.", "statement: ''")
        .replace("answers: [3, 4]", "answers: [3, 5]")
        .replace("slug: zwei", "slug: eins")
        .replace("    title: Erstes Feld", "    title: Erstes Feld\n    titel: Tippfehler")
    )

    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)

    problems = caught.value.problems
    assert [line for line, _m in problems] == sorted(line for line, _m in problems)
    by_line = dict(problems)
    assert "„title“ fehlt" in by_line[1]
    assert "Unbekanntes Feld „titel“" in by_line[line_of(text, "titel:")]
    assert "darf nicht leer sein" in by_line[line_of(text, "statement: ''")]
    assert "„5“ passt nicht" in by_line[line_of(text, "answers: [3, 5]")]
    assert "„eins“ gibt es schon" in by_line[line_of(text, "slug: eins", 2)]
    assert "zwischen 1 und 10" in by_line[line_of(text, "weight: 11")]
    assert_nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ("title: Probebogen", "title: [Probe]", "title: [Probe]", "muss ein Text sein"),
        ("weight: 3", "weight: drei", "weight: drei", "ganze Zahl"),
        ("sections:\n", "sections: {}\nx:\n", "sections: {}", "muss eine Liste sein"),
        ("key: probe", "key: Probe Bogen", "key: Probe", "Kennung"),
        ("title: Probebogen", "title: Probebogen\nstatus: retired", "status:", "„published“"),
    ],
)
def test_wrong_types_are_named(old, new, needle, words):
    text = VALID.replace(old, new)
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)
    assert any(
        line == line_of(text, needle) and words in message
        for line, message in caught.value.problems
    ), caught.value.problems
    assert_nothing_stored()


@pytest.mark.django_db
def test_an_existing_version_is_refused_and_a_missing_version_is_the_next():
    first = import_questionnaire(VALID)
    assert first.version == 1 and first.status == Questionnaire.Status.DRAFT
    assert first.published_at is None

    text = "version: 1\n" + VALID
    with pytest.raises(ImportProblems) as caught:
        import_questionnaire(text)
    [(line, message)] = caught.value.problems
    assert line == 1 and "Version 1 von „probe“ gibt es schon" in message
    assert Questionnaire.objects.count() == 1

    assert import_questionnaire(VALID).version == 2
    third = import_questionnaire("version: 7\n" + VALID, publish=True)
    assert third.version == 7 and third.status == Questionnaire.Status.PUBLISHED
    assert third.published_at is not None


@pytest.mark.django_db
def test_imported_rows_keep_order_weights_and_conditions():
    questionnaire = import_questionnaire(VALID)
    a1, a2, b1 = questionnaire.indicators.order_by("section__order", "order")
    assert [a1.code, a2.code, b1.code] == ["A1", "A2", "B1"]
    assert a2.condition_indicator == a1 and a2.condition_values == [3, 4]
    assert b1.weight == 3 and b1.section.slug == "zwei"
    rule = FeedbackRule.objects.get(section__slug="zwei")
    assert rule.recommendation_list == ["Eins.", "Zwei."]


@pytest.mark.django_db
def test_import_command_reports_what_it_stored(tmp_path):
    out = StringIO()
    call_command("selfcheck_import", str(SAMPLE), stdout=out)
    questionnaire = Questionnaire.objects.get()
    assert out.getvalue().startswith(
        "Importiert: Integrierte Planung für Kinder und Familien (Version 1), "
        f"{questionnaire.sections.count()} Handlungsfelder, "
        f"{questionnaire.indicators.count()} Indikatoren"
    )

    draft = tmp_path / "probe.yaml"
    draft.write_text(VALID, encoding="utf-8")
    call_command("selfcheck_import", str(draft), "--publish", stdout=StringIO())
    assert Questionnaire.objects.get(key="probe").status == Questionnaire.Status.PUBLISHED


@pytest.mark.django_db
def test_import_command_lists_the_problems_and_stores_nothing(tmp_path):
    text = VALID.replace("code: B1", "code: A1").replace("weight: 3", "weight: 0")
    path = tmp_path / "kaputt.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("selfcheck_import", str(path), stdout=StringIO())

    assert str(caught.value).splitlines() == [
        f"{path}: nichts importiert.",
        f"Zeile {line_of(text, 'code: A1', 2)}: Indikator-Kennung „A1“ kommt doppelt vor.",
        f"Zeile {line_of(text, 'weight: 0')}: Indikator „A1“: „weight“ muss zwischen 1 und 10 "
        "liegen, nicht 0.",
    ]
    assert_nothing_stored()

    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        call_command("selfcheck_import", str(tmp_path / "fehlt.yaml"))


@pytest.mark.django_db
def test_export_command_writes_the_latest_or_the_asked_version(tmp_path):
    import_questionnaire(VALID)
    import_questionnaire(VALID.replace("title: Probebogen", "title: Probebogen neu"))

    out = StringIO()
    call_command("selfcheck_export", "probe", stdout=out)
    latest = yaml.safe_load(out.getvalue())
    assert (latest["version"], latest["title"]) == (2, "Probebogen neu")

    target = tmp_path / "v1.yaml"
    call_command(
        "selfcheck_export", "probe", "--version", "1", "-o", str(target), stderr=StringIO()
    )
    first = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert (first["version"], first["title"]) == (1, "Probebogen")
    assert [s["slug"] for s in first["sections"]] == ["eins", "zwei"]

    with pytest.raises(CommandError, match="Version 3 von „probe“ gibt es nicht"):
        call_command("selfcheck_export", "probe", "--version", "3")
    with pytest.raises(CommandError, match="„unbekannt“ gibt es nicht"):
        call_command("selfcheck_export", "unbekannt")
