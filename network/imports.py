"""Import of municipalities from a CSV file: every row is checked first, then all or nothing."""

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import capfirst, format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Bundesland, Municipality

# Column → (model field, header spellings). Headers are compared case-insensitively.
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ags": ("ags", ("ags", "gemeindeschluessel", "gemeindeschlüssel")),
    "name": ("name", ("name",)),
    "type": ("kind", ("type", "art")),
    "bundesland": ("bundesland", ("bundesland", "land")),
    "population": ("population", ("population", "einwohner")),
    "lat": ("latitude", ("lat", "breitengrad")),
    "lon": ("longitude", ("lon", "laengengrad", "längengrad")),
}
UPDATED_FIELDS = ["name", "kind", "bundesland", "population", "latitude", "longitude", "is_partner"]

# Django's built-in validators say "this value" without naming the field; ours name it.
GENERIC_ERROR_CODES = {
    "max_length",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "invalid_choice",
}
DECIMAL_RE = re.compile(r"[+-]?\d+(\.\d+)?")
# Plain digits, or digits grouped by thousands dots as German spreadsheets write them.
POPULATION_RE = re.compile(r"\d+|\d{1,3}(\.\d{3})+")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def message(self) -> str:
        return ngettext(
            "%(created)d Kommune angelegt, %(updated)d aktualisiert.",
            "%(created)d Kommunen angelegt, %(updated)d aktualisiert.",
            self.created,
        ) % {"created": self.created, "updated": self.updated}


class MunicipalityImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV-Datei"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=format_lazy(
            gettext_lazy(
                "Erste Zeile: die Spalten {columns} (auch deutsch: Gemeindeschlüssel, Name, Art, "
                "Bundesland, Einwohner, Breitengrad, Längengrad), getrennt durch Komma oder "
                "Semikolon, als UTF-8 gespeichert (Excel: „CSV UTF-8“). Den Gemeindeschlüssel "
                "als Text formatieren, damit führende Nullen erhalten bleiben. Enthält eine Zeile "
                "einen Fehler, wird nichts importiert."
            ),
            columns=", ".join(COLUMNS),
        ),
    )
    mark_partner = forms.BooleanField(
        label=gettext_lazy("als Partnerkommunen markieren"),
        required=False,
        help_text=gettext_lazy("Bestehende Partnerkommunen bleiben auch ohne Häkchen Partner."),
    )


def municipalities_import(*, file: Iterable[str], mark_partner: bool = False) -> ImportResult:
    """Create or update (by AGS) one municipality per row; any bad row and nothing is written.

    Raises ValidationError with one message per problem, each naming its line in the file.
    """
    rows = _read_rows(file)
    existing = Municipality.objects.in_bulk([row["ags"] for _line, row in rows], field_name="ags")
    errors: list[str] = []
    first_line_of: dict[str, int] = {}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    for line, row in rows:
        ags = row["ags"]
        municipality = None
        if ags and ags in first_line_of:
            errors.append(
                _("Zeile %(line)d: Der Gemeindeschlüssel %(ags)s steht schon in Zeile %(first)d.")
                % {"line": line, "ags": ags, "first": first_line_of[ags]}
            )
        else:
            first_line_of[ags] = line
            municipality = existing.get(ags)
        if municipality is None:
            municipality = Municipality(ags=ags)
            to_create.append(municipality)
            row_errors = _fill(municipality, row, mark_partner=mark_partner)
        else:
            before = [getattr(municipality, field) for field in UPDATED_FIELDS]
            row_errors = _fill(municipality, row, mark_partner=mark_partner)
            if before != [getattr(municipality, field) for field in UPDATED_FIELDS]:
                to_update.append(municipality)
        errors.extend(
            _("Zeile %(line)d: %(message)s") % {"line": line, "message": message}
            for message in row_errors
        )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        taken = set(Municipality.objects.values_list("slug", flat=True))
        for municipality in to_create:
            municipality.slug = _unique_slug(municipality, taken)
        Municipality.objects.bulk_create(to_create, batch_size=1000)
        # One UPDATE per changed row: bulk_update's CASE expressions were several times slower
        # for a whole country's worth of rows.
        for municipality in to_update:
            municipality.save(update_fields=UPDATED_FIELDS)
    return ImportResult(created=len(to_create), updated=len(to_update))


def _read_rows(file: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (line number, {column: stripped cell}); raises for an unusable file."""
    try:
        lines = list(file)
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(
                "Die Datei ist nicht UTF-8-kodiert. Bitte in Excel als „CSV UTF-8“ speichern "
                "und erneut hochladen."
            ),
            code="encoding",
        ) from error
    if lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    # German Excel writes ';' because ',' is the decimal separator; the header tells which.
    delimiter = max(";,\t", key=header_line.count)
    reader = csv.reader(lines, delimiter=delimiter)

    header: dict[str, int] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if any(cells):
                if header is None:
                    header = _columns(cells)
                else:
                    row = {
                        column: cells[index] if index < len(cells) else ""
                        for column, index in header.items()
                    }
                    rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ValidationError(
            _("Zeile %(line)d: Die Zeile lässt sich nicht als CSV lesen (%(error)s).")
            % {"line": line, "error": error},
            code="csv",
        ) from error
    if not rows:
        raise ValidationError(_("Die Datei enthält nur die Kopfzeile, keine Kommunen."))
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    """Column → index from the header row; raises naming every missing column."""
    spellings = {
        spelling: column for column, (_field, aliases) in COLUMNS.items() for spelling in aliases
    }
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = spellings.get(unicodedata.normalize("NFC", cell).lower())
        if column and column not in found:
            found[column] = index
    missing = [column for column in COLUMNS if column not in found]
    if missing:
        raise ValidationError(
            _(
                "Es fehlen die Spalten %(missing)s. Die erste Zeile muss die "
                "Spaltennamen %(columns)s enthalten."
            )
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)},
            code="missing_columns",
        )
    return found


def _fill(municipality: Municipality, row: dict[str, str], *, mark_partner: bool) -> list[str]:
    """Set the row's values on the municipality; the problems found, without line number."""
    errors: list[tuple[str, str]] = []
    unparsed: list[str] = []
    parsers = {
        "kind": _parse_kind,
        "bundesland": _parse_bundesland,
        "population": _parse_population,
        "latitude": _parse_coordinate,
        "longitude": _parse_coordinate,
    }
    for column, (field_name, _aliases) in COLUMNS.items():
        raw = row[column]
        parse = parsers.get(field_name)
        if parse is None or not raw:
            # An empty cell is left to the model, which knows whether the field is required.
            value = raw or _empty_value(field_name)
        else:
            try:
                value = parse(raw, label=_label(field_name))
            except ValueError as error:
                errors.append((field_name, str(error)))
                unparsed.append(field_name)
                value = _empty_value(field_name)
        setattr(municipality, field_name, value)
    if mark_partner:
        municipality.is_partner = True

    try:
        # The slug is chosen after validation; the AGS is unique because existing ones are
        # updated, not created, and the database constraint repeats the AGS validator.
        municipality.full_clean(
            exclude=["slug", *unparsed], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.extend(_messages(error, row))
    # In the order of the columns, whichever check found the problem.
    field_order = [field_name for field_name, _aliases in COLUMNS.values()]
    errors.sort(key=lambda e: field_order.index(e[0]) if e[0] in field_order else len(field_order))
    return [message for _field_name, message in errors]


def _empty_value(field_name: str) -> str | None:
    return "" if Municipality._meta.get_field(field_name).empty_strings_allowed else None


def _messages(error: ValidationError, row: dict[str, str]) -> list[tuple[str, str]]:
    raw_by_field = {field_name: row[column] for column, (field_name, _a) in COLUMNS.items()}
    messages = []
    for field_name, field_errors in error.error_dict.items():
        if field_name == NON_FIELD_ERRORS:
            messages.extend((field_name, next(iter(e))) for e in field_errors)
            continue
        label = _label(field_name)
        for field_error in field_errors:
            text = next(iter(field_error))
            if field_error.code in ("blank", "null"):
                text = _("%(label)s fehlt.") % {"label": label}
            elif field_name in ("latitude", "longitude") and field_error.code in (
                "min_value",
                "max_value",
            ):
                text = _("%(label)s %(value)s liegt nicht in Deutschland.") % {
                    "label": label,
                    "value": raw_by_field[field_name],
                }
            elif field_error.code in GENERIC_ERROR_CODES:
                text = f"{label}: {text}"
            messages.append((field_name, text))
    return messages


def _label(field_name: str) -> str:
    return capfirst(Municipality._meta.get_field(field_name).verbose_name)


def _parse_kind(raw: str, *, label: str) -> str:
    wanted = raw.casefold()
    for code, kind_label in Municipality.Kind.choices:
        if wanted in (code.casefold(), str(kind_label).casefold()):
            return code
    raise ValueError(
        _("%(label)s: „%(value)s“ ist unbekannt – erlaubt sind %(choices)s.")
        % {
            "label": label,
            "value": raw,
            "choices": ", ".join(str(kind_label) for kind_label in Municipality.Kind.labels),
        }
    )


def _parse_bundesland(raw: str, *, label: str) -> str:
    """A Land by its two-digit code, its name or its ISO abbreviation (NW, BY, …)."""
    wanted = raw.casefold()
    for land in Bundesland:
        if wanted in (land.value, land.label.casefold(), land.name.casefold()):
            return land.value
    raise ValueError(
        _(
            "%(label)s: „%(value)s“ ist unbekannt – erlaubt sind Kennziffer (05), "
            "Name (Nordrhein-Westfalen) oder Kürzel (NW)."
        )
        % {"label": label, "value": raw}
    )


def _parse_population(raw: str, *, label: str) -> int:
    if not POPULATION_RE.fullmatch(raw):
        raise ValueError(
            _("%(label)s: „%(value)s“ ist keine ganze Zahl.") % {"label": label, "value": raw}
        )
    return int(raw.replace(".", ""))


def _parse_coordinate(raw: str, *, label: str) -> Decimal:
    """A decimal degree, with a decimal point or comma, rounded to the field's precision."""
    text = raw.replace(",", ".") if "." not in raw else raw
    if not DECIMAL_RE.fullmatch(text):
        raise ValueError(
            _("%(label)s: „%(value)s“ ist keine Zahl.") % {"label": label, "value": raw}
        )
    places = Municipality._meta.get_field("latitude").decimal_places
    return Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _unique_slug(municipality: Municipality, taken: set[str]) -> str:
    """slugify(name), then name-2, name-3, … until free; records the slug as taken."""
    max_length = Municipality._meta.get_field("slug").max_length
    base = slugify(municipality.name) or municipality.ags
    slug = base[:max_length]
    number = 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    taken.add(slug)
    return slug
