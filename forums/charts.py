"""The Meinungsbild of a thesis: stances by sector as an SVG bar chart, drawn on the server."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Plain data, so the chart needs no model: the keys are those of forums.models.Stance and
# network.models.Sector (a test keeps them in step), "" stands for members without a sector.
STANCES = [
    ("zustimmung", _("Zustimmung")),
    ("ergaenzung", _("Ergänzung")),
    ("gegenrede", _("Gegenrede")),
]
SECTORS = [
    ("verwaltung", _("Verwaltung")),
    ("politik", _("Politik")),
    ("wissenschaft", _("Wissenschaft")),
    ("zivilgesellschaft", _("Zivilgesellschaft")),
    ("", _("ohne Angabe")),
]

# The stance colours of the badges in k360.css: teal, purple and orange stay apart for all three
# kinds of colour blindness, and white text on each reaches at least 4.87:1.
STANCE_COLOURS = {
    "zustimmung": "#00695c",
    "ergaenzung": "#5e3c99",
    "gegenrede": "#b35806",
}
SEGMENT_TEXT = "#ffffff"
GAP_COLOUR = "#ffffff"
RULE_COLOUR = "#c9d6de"

VIEW_WIDTH = 640
FONT_SIZE = 16
SEGMENT_FONT_SIZE = 15
# Right edge of the row names; "Zivilgesellschaft" needs about 135 units at FONT_SIZE.
LABEL_END = 150
BAR_X = 160
BAR_WIDTH = 400
# Right edge of the row totals, in the column after the bars.
TOTAL_END = VIEW_WIDTH - 8
HEADER_HEIGHT = 40
ROW_HEIGHT = 38
BAR_HEIGHT = 26
# Extra room between the "Gesamt" row and the sectors, with a rule in it.
TOTAL_GAP = 12
LEGEND_STEP = 135
LEGEND_SWATCH = 14


class StanceCount(NamedTuple):
    key: str
    label: str | Promise
    count: int
    percent: int


class SectorRow(NamedTuple):
    key: str
    label: str | Promise
    counts: list[int]
    total: int


@dataclass(frozen=True)
class Meinungsbild:
    total: int
    by_stance: list[StanceCount]
    by_sector: list[SectorRow]

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def percentages(counts: list[int]) -> list[int]:
    """Whole percentages adding up to exactly 100 (largest remainder); all 0 without data."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    shares = [divmod(100 * count, total) for count in counts]
    result = [whole for whole, _rest in shares]
    # sorted() is stable: of equal remainders the earlier stance gets the point.
    by_remainder = sorted(range(len(counts)), key=lambda i: shares[i][1], reverse=True)
    for i in by_remainder[: 100 - sum(result)]:
        result[i] += 1
    return result


def meinungsbild(rows: Iterable[tuple[str | None, str, int]]) -> Meinungsbild:
    """Counts from (sector, stance, count) rows, as `values_list(...).annotate(n=Count(...))`.

    Unknown stances are left out; a sector that is None (no author any more), empty or no
    longer known counts as "ohne Angabe", so every comment with a stance is in the total.
    """
    stance_index = {key: i for i, (key, _label) in enumerate(STANCES)}
    counts = {key: [0] * len(STANCES) for key, _label in SECTORS}
    for sector, stance, count in rows:
        i = stance_index.get(stance)
        if i is not None:
            counts[sector if sector in counts else ""][i] += count

    stance_totals = [sum(column) for column in zip(*counts.values(), strict=True)]
    by_stance = [
        StanceCount(key, label, count, percent)
        for (key, label), count, percent in zip(
            STANCES, stance_totals, percentages(stance_totals), strict=True
        )
    ]
    by_sector = [
        SectorRow(key, label, counts[key], sum(counts[key]))
        for key, label in SECTORS
        if sum(counts[key])
    ]
    return Meinungsbild(total=sum(stance_totals), by_stance=by_stance, by_sector=by_sector)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _legend() -> SafeString:
    middle = HEADER_HEIGHT / 2 - 4
    items = format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}"/>'
                    '<text x="{text_x}" y="{middle}" dy="0.35em">{label}</text>',
                    x=BAR_X + i * LEGEND_STEP,
                    y=_number(middle - LEGEND_SWATCH / 2),
                    size=LEGEND_SWATCH,
                    fill=STANCE_COLOURS[key],
                    text_x=BAR_X + i * LEGEND_STEP + LEGEND_SWATCH + 6,
                    middle=_number(middle),
                    label=label,
                ),
            )
            for i, (key, label) in enumerate(STANCES)
        ),
    )
    return format_html(
        '<g class="meinungsbild__legend" fill="currentColor">'
        '<text x="{label_end}" y="{middle}" dy="0.35em" text-anchor="end">{sector}</text>{items}'
        '<text x="{total_end}" y="{middle}" dy="0.35em" text-anchor="end">{total}</text></g>',
        label_end=LABEL_END,
        total_end=TOTAL_END,
        middle=_number(middle),
        sector=gettext("Bereich"),
        items=items,
        total=gettext("Summe"),
    )


def _segments(row_label: str, counts: list[int], y: float) -> Iterable[SafeString]:
    total = sum(counts)
    done = 0
    for (key, label), count, percent in zip(STANCES, counts, percentages(counts), strict=True):
        if not count:
            continue
        # From the running sum rather than by adding up rounded widths: no gap at the end.
        x = BAR_X + BAR_WIDTH * done / total
        width = BAR_WIDTH * count / total
        done += count
        yield format_html(
            '<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{fill}" '
            'stroke="{gap}" stroke-width="1" data-stance="{key}">'
            "<title>{row} – {stance}: {count} ({percent}\u00a0%)</title></rect>",
            x=_number(x),
            y=_number(y),
            width=_number(width),
            height=BAR_HEIGHT,
            fill=STANCE_COLOURS[key],
            gap=GAP_COLOUR,
            key=key,
            row=row_label,
            stance=label,
            count=count,
            percent=percent,
        )
        # Digits are about 0.6 em wide; 8 units of margin keep the number off the gaps.
        if width >= len(str(count)) * SEGMENT_FONT_SIZE * 0.6 + 8:
            yield format_html(
                '<text x="{}" y="{}" dy="0.35em" text-anchor="middle" fill="{}" font-size="{}" '
                'font-weight="bold" data-stance="{}">{}</text>',
                _number(x + width / 2),
                _number(y + BAR_HEIGHT / 2),
                SEGMENT_TEXT,
                SEGMENT_FONT_SIZE,
                key,
                count,
            )


def _row(key: str, label: str, counts: list[int], top: float, *, bold: bool = False) -> SafeString:
    bar_y = top + (ROW_HEIGHT - BAR_HEIGHT) / 2
    return format_html(
        '<g class="meinungsbild__row" data-row="{key}">'
        '<text x="{label_end}" y="{middle}" dy="0.35em" text-anchor="end" fill="currentColor" '
        'font-weight="{weight}">{label}</text>'
        "{segments}"
        '<text x="{total_end}" y="{middle}" dy="0.35em" text-anchor="end" fill="currentColor">'
        "{total}</text></g>",
        key=key,
        label_end=LABEL_END,
        middle=_number(bar_y + BAR_HEIGHT / 2),
        weight="bold" if bold else "normal",
        label=label,
        segments=format_html_join("", "{}", ((s,) for s in _segments(label, counts, bar_y))),
        total_end=TOTAL_END,
        total=sum(counts),
    )


def _description(mb: Meinungsbild) -> str:
    parts = ", ".join(f"{stance.count} {stance.label}" for stance in mb.by_stance)
    return ngettext(
        "Gesamt %(total)s Beitrag: %(parts)s.",
        "Gesamt %(total)s Beiträge: %(parts)s.",
        mb.total,
    ) % {"total": mb.total, "parts": parts}


def meinungsbild_svg(mb: Meinungsbild, title_id: str = "meinungsbild-titel") -> SafeString:
    """A stacked bar for "Gesamt" and for each sector; empty without any stance.

    Each bar is 100 % of its own row: the Meinungsbild compares how the sectors lean, and a
    sector with five comments would be a sliver beside the total. Its count stands after it.
    title_id must be unique on the page; the description gets title_id + "-beschreibung".
    """
    if mb.is_empty:
        return mark_safe("")
    sectors_top = HEADER_HEIGHT + ROW_HEIGHT + TOTAL_GAP
    sectors = (
        (_row(s.key or "ohne-angabe", str(s.label), s.counts, sectors_top + i * ROW_HEIGHT),)
        for i, s in enumerate(mb.by_sector)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="meinungsbild__chart" '
        'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        'font-size="{font_size}"><title id="{title_id}">{title}</title>'
        '<desc id="{desc_id}">{desc}</desc>{legend}{overall}'
        '<line x1="0" y1="{rule_y}" x2="{width}" y2="{rule_y}" stroke="{rule}" stroke-width="1"/>'
        "{sectors}</svg>",
        width=VIEW_WIDTH,
        height=sectors_top + len(mb.by_sector) * ROW_HEIGHT,
        title_id=title_id,
        desc_id=f"{title_id}-beschreibung",
        font_size=FONT_SIZE,
        title=gettext("Meinungsbild: Zustimmung, Ergänzung und Gegenrede nach Bereich"),
        desc=_description(mb),
        legend=_legend(),
        overall=_row(
            "gesamt",
            gettext("Gesamt"),
            [s.count for s in mb.by_stance],
            HEADER_HEIGHT,
            bold=True,
        ),
        rule_y=_number(HEADER_HEIGHT + ROW_HEIGHT + TOTAL_GAP / 2),
        rule=RULE_COLOUR,
        sectors=format_html_join("", "{}", sectors),
    )
