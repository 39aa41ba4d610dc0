"""Questionnaires as YAML: exported for editing, imported as a new version, all or nothing.

The format (see selfcheck/data/integrierte-planung.yaml for a complete example)::

    key: integrierte-planung        # the same for every version
    version: 2                      # optional; default: the highest version of the key + 1
    status: published               # optional: draft (default) or published
    title: Integrierte Planung für Kinder und Familien
    intro: …
    sections:                       # the Handlungsfelder, in order
      - slug: steuerung
        title: Steuerung und Strukturen
        intro: …
        indicators:
          - code: S1                # unique in the questionnaire
            statement: …
            help: …                 # optional
            weight: 2               # optional, 1–10, default 1
            condition: {indicator: S1, answers: [3, 4]}   # optional; an earlier indicator
        feedback:                   # score bands covering 0–100 without gap or overlap
          - from: 0
            to: 39
            label: Am Anfang
            text: …
            recommendations: [ …, … ]

Every problem is reported with the line it sits on, so that whoever edits the file can fix
all of them in one go; nothing is stored while a single one remains.
"""

import re
import textwrap
from dataclasses import dataclass, field

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .models import FeedbackRule, Indicator, Questionnaire, Section

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_VERSION = 32767
ANSWER_VALUES = range(0, 5)
WEIGHTS = range(1, 11)

TOP_FIELDS = ("key", "version", "status", "title", "intro", "sections")
SECTION_FIELDS = ("slug", "title", "intro", "indicators", "feedback")
INDICATOR_FIELDS = ("code", "statement", "help", "weight", "condition")
CONDITION_FIELDS = ("indicator", "answers")
BAND_FIELDS = ("from", "to", "label", "text", "recommendations")
STATUSES = {"draft": Questionnaire.Status.DRAFT, "published": Questionnaire.Status.PUBLISHED}

# PyYAML explains itself in English; the mistakes people actually make get a German sentence.
YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": (
        "Tabulatoren sind in YAML nicht erlaubt; bitte mit Leerzeichen einrücken."
    ),
    "mapping values are not allowed here": (
        "Unerwarteter Doppelpunkt. Steht „: “ mitten im Text, setzen Sie den Text in "
        "Anführungszeichen; sonst stimmt die Einrückung nicht."
    ),
    "could not find expected ':'": (
        "Hier fehlt ein Doppelpunkt nach dem Feldnamen, oder die Zeile ist falsch eingerückt."
    ),
    "expected <block end>, but found '-'": "Ein Listeneintrag „-“ ist falsch eingerückt.",
    "but found another document": (
        "Die Datei darf nur einen Fragebogen enthalten (kein zweites „---“)."
    ),
    "expected <block end>, but found '<block mapping start>'": (
        "Die Einrückung stimmt nicht: Felder derselben Ebene beginnen in derselben Spalte."
    ),
}


class ImportProblems(Exception):
    """Why a YAML text was not imported: (line, message) pairs, lines counted from 1."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems, key=lambda problem: problem[0])
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [f"Zeile {line}: {message}" for line, message in self.problems]


# --- Export ----------------------------------------------------------------------------------


class _Flow(dict):
    """A short mapping written on one line, like a condition."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        # Lists indented under their key read better than PyYAML's flush-left default.
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Long texts as folded blocks read like the shipped sample; line breaks must survive.
    style = "|" if "\n" in value else ">" if len(value) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=84, indent=2)


def _section_data(section: Section) -> dict:
    indicators = []
    for indicator in section.indicators.all():
        item = {"code": indicator.code, "statement": indicator.statement}
        if indicator.help_text:
            item["help"] = indicator.help_text
        if indicator.weight != 1:
            item["weight"] = indicator.weight
        if indicator.condition_indicator_id:
            item["condition"] = _Flow(
                indicator=indicator.condition_indicator.code,
                answers=list(indicator.condition_values),
            )
        indicators.append(item)
    feedback = [
        {
            "from": rule.min_score,
            "to": rule.max_score,
            "label": rule.label,
            "text": rule.text,
            "recommendations": rule.recommendation_list,
        }
        for rule in section.feedback_rules.all()
    ]
    data = {"slug": section.slug, "title": section.title}
    if section.intro:
        data["intro"] = section.intro
    return {**data, "indicators": indicators, "feedback": feedback}


def export_questionnaire(questionnaire: Questionnaire) -> str:
    """The questionnaire as YAML that import_questionnaire reads back unchanged."""
    sections = questionnaire.sections.order_by("order", "pk").prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("order", "pk").select_related(
                "condition_indicator"
            ),
        ),
        Prefetch("feedback_rules", queryset=FeedbackRule.objects.order_by("min_score", "pk")),
    )
    head = {
        "key": questionnaire.key,
        "version": questionnaire.version,
        "title": questionnaire.title,
    }
    if questionnaire.intro:
        head["intro"] = questionnaire.intro
    # Sections are dumped one by one so that a blank line can separate them safely.
    parts = [textwrap.indent(_dump([_section_data(section)]), "  ") for section in sections]
    return (
        f"# {questionnaire.title}, Version {questionnaire.version}\n"
        "# Für eine neue Version „version“ erhöhen oder weglassen und die Datei mit\n"
        "# „python manage.py selfcheck_import DATEI“ einlesen.\n"
        + _dump(head)
        + ("sections:\n" + "\n".join(parts) if parts else "sections: []\n")
    )


# --- Import ----------------------------------------------------------------------------------


@dataclass
class _Parsed:
    """Unsaved rows read from the YAML, and what only the file knows (lines, codes)."""

    questionnaire: Questionnaire
    version_given: bool = False
    version_line: int = 1
    sections: list[tuple[Section, list[Indicator], list[FeedbackRule]]] = field(
        default_factory=list
    )
    conditions: list[tuple[Indicator, str, int]] = field(default_factory=list)  # code, line


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _field_line(mapping: Node, name: str) -> int:
    """The line of a field's value in a mapping node, else the node's own line."""
    for key_node, value_node in mapping.value if isinstance(mapping, MappingNode) else []:
        if isinstance(key_node, ScalarNode) and key_node.value == name:
            return _line(value_node)
    return _line(mapping)


def _slug_message(what: str, slug: str) -> str:
    return (
        f"{what} „{slug}“ darf nur Buchstaben ohne Umlaute, Ziffern, Bindestriche und "
        "Unterstriche enthalten."
    )


class _Reader:
    """Walks the composed YAML nodes into unsaved rows, collecting every problem with its line."""

    def __init__(self, loader: yaml.SafeLoader):
        self.loader = loader
        self.problems: list[tuple[int, str]] = []
        self.codes: dict[str, int] = {}  # indicator code → position in the questionnaire

    def problem(self, where: Node | int, message: str) -> None:
        self.problems.append((where if isinstance(where, int) else _line(where), message))

    # Typed access to fields; each reports what is wrong and returns a harmless default.

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} muss aus Feldern der Form „name: wert“ bestehen.")
            return None
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not key:
                self.problem(key_node, f"{what}: ungültiger Feldname.")
            elif key in fields:
                self.problem(key_node, f"{what}: Das Feld „{key}“ steht doppelt.")
            elif key not in allowed:
                names = ", ".join(allowed)
                self.problem(key_node, f"{what}: Unbekanntes Feld „{key}“ (erlaubt: {names}).")
            else:
                fields[key] = value_node
        return fields

    def required(self, fields: dict[str, Node], name: str, parent: Node, what: str) -> bool:
        if name not in fields:
            self.problem(parent, f"{what}: Das Pflichtfeld „{name}“ fehlt.")
            return False
        return True

    def value(self, node: Node):
        return self.loader.construct_object(node, deep=True)

    def text(
        self,
        fields: dict[str, Node],
        name: str,
        parent: Node,
        what: str,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> str:
        if name not in fields:
            if required:
                self.required(fields, name, parent, what)
            return ""
        return self.text_node(fields[name], f"{what}: „{name}“", required, max_length)

    def text_node(
        self, node: Node, what: str, required: bool = True, max_length: int | None = None
    ) -> str:
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{what} muss ein Text sein, keine Liste oder Zuordnung.")
            return ""
        # Any scalar is text here: "code: 1" or "label: 2025" mean the digits, not a number.
        value = "" if self.value(node) is None else node.value.strip()
        if required and not value:
            self.problem(node, f"{what} darf nicht leer sein.")
        elif max_length and len(value) > max_length:
            self.problem(
                node, f"{what} ist zu lang ({len(value)} Zeichen, höchstens {max_length})."
            )
        return value

    def integer(self, node: Node, what: str, allowed: range) -> int | None:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(node, f"{what} muss eine ganze Zahl sein.")
            return None
        if value not in allowed:
            self.problem(
                node, f"{what} muss zwischen {allowed[0]} und {allowed[-1]} liegen, nicht {value}."
            )
            return None
        return value

    def sequence(self, node: Node, what: str) -> list[Node]:
        """The items of a list that must not be empty."""
        if isinstance(node, SequenceNode) and node.value:
            return node.value
        if isinstance(node, SequenceNode) or (isinstance(node, ScalarNode) and not node.value):
            self.problem(node, f"{what} darf nicht leer sein.")
        else:
            self.problem(node, f"{what} muss eine Liste sein (Einträge mit „- “).")
        return []

    # The questionnaire, top down.

    def questionnaire(self, root: Node) -> _Parsed:
        what = "Der Fragebogen"
        parsed = _Parsed(Questionnaire())
        top = self.mapping(root, what, TOP_FIELDS)
        if top is None:
            return parsed
        questionnaire = parsed.questionnaire
        questionnaire.key = self.text(top, "key", root, what, max_length=100)
        if questionnaire.key and not SLUG.match(questionnaire.key):
            self.problem(top["key"], _slug_message("Die Kennung", questionnaire.key))
        if "version" in top:
            parsed.version_given = True
            parsed.version_line = _line(top["version"])
            version = self.integer(top["version"], "„version“", range(1, MAX_VERSION + 1))
            questionnaire.version = version or 1
        if "status" in top:
            status = self.text_node(top["status"], "„status“")
            if status and status not in STATUSES:
                self.problem(
                    top["status"], f"„status“ ist „draft“ oder „published“, nicht „{status}“."
                )
            questionnaire.status = STATUSES.get(status, Questionnaire.Status.DRAFT)
        questionnaire.title = self.text(top, "title", root, what, max_length=200)
        questionnaire.intro = self.text(top, "intro", root, what, required=False)
        if self.required(top, "sections", root, what):
            slugs: dict[str, int] = {}
            for number, node in enumerate(self.sequence(top["sections"], "„sections“"), 1):
                section = self.section(node, number, parsed)
                if section is None or not section.slug:
                    continue
                line = _field_line(node, "slug")
                if section.slug in slugs:
                    self.problem(
                        line,
                        f"Den Kurznamen „{section.slug}“ gibt es schon in Zeile "
                        f"{slugs[section.slug]}.",
                    )
                slugs.setdefault(section.slug, line)
        for indicator, code, line in parsed.conditions:
            if code not in self.codes:
                self.problem(
                    line,
                    f"Indikator „{indicator.code}“: Die Bedingung nennt „{code}“, einen solchen "
                    "Indikator gibt es nicht.",
                )
            elif self.codes[code] >= self.codes.get(indicator.code, -1):
                self.problem(
                    line,
                    f"Indikator „{indicator.code}“: Die Bedingung kann sich nur auf einen "
                    f"Indikator beziehen, der vorher kommt; „{code}“ steht nicht davor.",
                )
        return parsed

    def section(self, node: Node, number: int, parsed: _Parsed) -> Section | None:
        what = f"Handlungsfeld {number}"
        fields = self.mapping(node, what, SECTION_FIELDS)
        if fields is None:
            return None
        slug = self.text(fields, "slug", node, what, max_length=100)
        if slug:
            what = f"Handlungsfeld „{slug}“"
            if not SLUG.match(slug):
                self.problem(fields["slug"], _slug_message("Der Kurzname", slug))
        section = Section(
            questionnaire=parsed.questionnaire,
            order=number,
            slug=slug,
            title=self.text(fields, "title", node, what, max_length=200),
            intro=self.text(fields, "intro", node, what, required=False),
        )
        indicators: list[Indicator] = []
        if self.required(fields, "indicators", node, what):
            items = self.sequence(fields["indicators"], f"{what}: „indicators“")
            for order, item in enumerate(items, 1):
                indicator = self.indicator(item, what, parsed)
                if indicator is not None:
                    indicator.section, indicator.order = section, order
                    indicators.append(indicator)
        rules: list[FeedbackRule] = []
        if self.required(fields, "feedback", node, what):
            rules = self.feedback(fields["feedback"], what)
            for rule in rules:
                rule.section = section
        parsed.sections.append((section, indicators, rules))
        return section

    def indicator(self, node: Node, section_what: str, parsed: _Parsed) -> Indicator | None:
        what = f"{section_what}, Indikator"
        fields = self.mapping(node, what, INDICATOR_FIELDS)
        if fields is None:
            return None
        code = self.text(fields, "code", node, what, max_length=20)
        if code in self.codes:
            self.problem(
                _field_line(node, "code"), f"Indikator-Kennung „{code}“ kommt doppelt vor."
            )
        elif code:
            self.codes[code] = len(self.codes)
        if code:
            what = f"Indikator „{code}“"
        indicator = Indicator(
            # bulk_create skips Indicator.save(), so the denormalised questionnaire is set here.
            questionnaire=parsed.questionnaire,
            code=code,
            statement=self.text(fields, "statement", node, what),
            help_text=self.text(fields, "help", node, what, required=False),
        )
        if "weight" in fields:
            indicator.weight = self.integer(fields["weight"], f"{what}: „weight“", WEIGHTS) or 1
        if "condition" in fields:
            self.condition(fields["condition"], what, indicator, parsed)
        return indicator

    def condition(self, node: Node, what: str, indicator: Indicator, parsed: _Parsed) -> None:
        what = f"{what}: Bedingung"
        fields = self.mapping(node, what, CONDITION_FIELDS)
        if fields is None:
            return
        code = self.text(fields, "indicator", node, what, max_length=20)
        values: list[int] = []
        if self.required(fields, "answers", node, what):
            for item in self.sequence(fields["answers"], f"{what}: „answers“"):
                value = self.value(item) if isinstance(item, ScalarNode) else None
                if type(value) is not int or value not in ANSWER_VALUES:
                    self.problem(
                        item,
                        f"{what}: Antwortwerte liegen zwischen 0 und 4 (0 = weiß nicht); "
                        f"„{getattr(item, 'value', '…')}“ passt nicht.",
                    )
                elif value not in values:
                    values.append(value)
        if code:
            indicator.condition_values = values
            parsed.conditions.append((indicator, code, _field_line(node, "indicator")))

    def feedback(self, node: Node, what: str) -> list[FeedbackRule]:
        items = self.sequence(node, f"{what}: „feedback“")
        bands: list[tuple[FeedbackRule, int]] = []
        for item in items:
            band_what = f"{what}, Rückmeldung"
            fields = self.mapping(item, band_what, BAND_FIELDS)
            if fields is None:
                continue
            low, high = (
                self.integer(fields[name], f"{band_what}: „{name}“", range(101))
                if self.required(fields, name, item, band_what)
                else None
                for name in ("from", "to")
            )
            recommendations = []
            if self.required(fields, "recommendations", item, band_what):
                entries = self.sequence(
                    fields["recommendations"], f"{band_what}: „recommendations“"
                )
                for entry in entries:
                    recommendation = self.text_node(entry, f"{band_what}: Eine Empfehlung")
                    # The model keeps one recommendation per line.
                    recommendations.append(" ".join(recommendation.split()))
            rule = FeedbackRule(
                label=self.text(fields, "label", item, band_what, max_length=100),
                text=self.text(fields, "text", item, band_what),
                recommendations="\n".join(recommendations),
            )
            if low is None or high is None:
                continue
            if low > high:
                self.problem(item, f"{band_what}: Die Stufe {low}–{high} ist verkehrt herum.")
                continue
            rule.min_score, rule.max_score = low, high
            bands.append((rule, _line(item)))
        if items and len(bands) == len(items):
            self.bands(node, what, bands)
        return [rule for rule, _line in bands]

    def bands(self, node: Node, what: str, bands: list[tuple[FeedbackRule, int]]) -> None:
        """The rule of models.check_bands, naming the band where it breaks."""
        expected = 0
        for rule, line in sorted(bands, key=lambda band: (band[0].min_score, band[0].max_score)):
            low, high = rule.min_score, rule.max_score
            if low > expected:
                gap = f"{expected}" if low - 1 == expected else f"{expected}–{low - 1}"
                self.problem(
                    line, f"{what}: Die Stufen lassen eine Lücke; {gap} gehört zu keiner Stufe."
                )
            elif low < expected:
                self.problem(
                    line,
                    f"{what}: Die Stufe {low}–{high} überschneidet sich mit der vorigen, die bis "
                    f"{expected - 1} reicht.",
                )
            expected = max(expected, high + 1)
        if expected != 101:
            self.problem(node, f"{what}: Die Stufen reichen nur bis {expected - 1} statt bis 100.")


def _yaml_problem(error: yaml.YAMLError) -> ImportProblems:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or str(error)
    message = YAML_PROBLEMS.get(problem, f"Kein gültiges YAML ({problem}).")
    return ImportProblems([(mark.line + 1 if mark else 1, message)])


def _parse(text: str) -> _Parsed:
    """Unsaved rows from YAML, or ImportProblems naming every problem."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ImportProblems([(1, "Die Datei ist leer.")])
        reader = _Reader(loader)
        # Constructing a scalar can fail too, e.g. on an unknown "!tag".
        parsed = reader.questionnaire(root)
    except yaml.YAMLError as error:
        raise _yaml_problem(error) from error
    finally:
        loader.dispose()
    questionnaire = parsed.questionnaire
    taken = Questionnaire.objects.filter(key=questionnaire.key, version=questionnaire.version)
    if parsed.version_given and questionnaire.key and taken.exists():
        reader.problem(
            parsed.version_line,
            f"Version {questionnaire.version} von „{questionnaire.key}“ gibt es schon. Lassen "
            "Sie „version“ weg, dann wird die nächste Version angelegt.",
        )
    if reader.problems:
        raise ImportProblems(reader.problems)
    return parsed


def _save(parsed: _Parsed) -> Questionnaire:
    questionnaire = parsed.questionnaire
    if not parsed.version_given:
        latest = Questionnaire.objects.filter(key=questionnaire.key).aggregate(Max("version"))
        questionnaire.version = (latest["version__max"] or 0) + 1
    try:
        with transaction.atomic():
            questionnaire.save()
    except IntegrityError as error:  # someone imported the same version a moment ago
        raise ImportProblems(
            [(parsed.version_line, f"Version {questionnaire.version} gibt es schon.")]
        ) from error
    # Related rows were built before their parents had ids; bulk_create picks the ids up.
    Section.objects.bulk_create([section for section, _i, _r in parsed.sections])
    indicators = Indicator.objects.bulk_create(
        [indicator for _s, indicators, _r in parsed.sections for indicator in indicators]
    )
    by_code = {indicator.code: indicator for indicator in indicators}
    for indicator, code, _line in parsed.conditions:
        indicator.condition_indicator = by_code[code]
    Indicator.objects.bulk_update(
        [indicator for indicator, _c, _l in parsed.conditions],
        ["condition_indicator", "condition_values"],
    )
    FeedbackRule.objects.bulk_create([rule for _s, _i, rules in parsed.sections for rule in rules])
    return questionnaire


def import_questionnaire(text: str, *, publish: bool = False) -> Questionnaire:
    """A new questionnaire version from YAML, or ImportProblems and nothing stored.

    The version is a draft unless the YAML says `status: published` or `publish` is set.
    """
    with transaction.atomic():
        parsed = _parse(text)
        if publish:
            parsed.questionnaire.status = Questionnaire.Status.PUBLISHED
        if parsed.questionnaire.status == Questionnaire.Status.PUBLISHED:
            parsed.questionnaire.published_at = timezone.now()
        return _save(parsed)
