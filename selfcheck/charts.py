"""The Handlungsfelder of a round as a radar (spider) chart in SVG, drawn on the server.

The page always shows the same figures in a table beside it; the chart adds the shape.
"""

import math
import textwrap
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


class RadarSeries(NamedTuple):
    key: str
    label: str | Promise
    values: Sequence[float | None]  # 0–100 per axis; None where there is no score


class SeriesStyle(NamedTuple):
    colour: str
    dash: str  # stroke-dasharray; "" for a solid line
    width: float
    marker: str  # circle, square or diamond: the series differ in shape, not only colour
    fill_opacity: str


# The stance colours of the Meinungsbild: apart for all three kinds of colour blindness and at
# least 4.5:1 against white; the dash patterns and markers tell the series apart in greyscale.
STYLES = [
    SeriesStyle("#00695c", "", 3, "circle", "0.14"),
    SeriesStyle("#5e3c99", "10 6", 2.5, "square", "0"),
    SeriesStyle("#b35806", "2 5", 2.5, "diamond", "0"),
]
GRID_COLOUR = "#b8c4cc"
AXIS_COLOUR = "#8a99a6"
MUTED_TEXT = "#4a4f60"  # 8.3:1 against white

VIEW_WIDTH = 720
CENTRE_X = VIEW_WIDTH / 2
RADIUS = 150
FONT_SIZE = 16
LINE_HEIGHT = 19
SMALL_FONT_SIZE = 12
# About 190 units at FONT_SIZE: the longest line still fits beside the chart.
WRAP_AT = 22
LABEL_GAP = 14
MAX_LINES = 3
TOP = 12 + MAX_LINES * LINE_HEIGHT + LABEL_GAP
CENTRE_Y = TOP + RADIUS
RINGS = (25, 50, 75, 100)
LEGEND_ROW = 26
LEGEND_X = 40
LEGEND_LINE = 44


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _whole(value: float) -> int:
    # Halves up, as the evaluation rounds its points.
    return math.floor(value + 0.5 + 1e-9)


def _angle(i: int, count: int) -> float:
    # The first axis points up, the others follow clockwise.
    return -math.pi / 2 + 2 * math.pi * i / count


def _point(i: int, count: int, value: float) -> tuple[float, float]:
    angle = _angle(i, count)
    radius = RADIUS * min(max(value, 0), 100) / 100
    return CENTRE_X + radius * math.cos(angle), CENTRE_Y + radius * math.sin(angle)


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, WRAP_AT, break_on_hyphens=False) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], " ".join(lines[MAX_LINES - 1 :])]
    return lines


def _axis_label(i: int, count: int, label: str) -> SafeString:
    angle = _angle(i, count)
    cos, sin = math.cos(angle), math.sin(angle)
    x = CENTRE_X + (RADIUS + LABEL_GAP) * cos
    y = CENTRE_Y + (RADIUS + LABEL_GAP) * sin
    anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
    lines = _lines(label)
    if sin < -0.5:  # above the chart: the last line sits on the axis' end
        first = y - (len(lines) - 1) * LINE_HEIGHT
    elif sin > 0.5:  # below: the first line hangs from it
        first = y + LINE_HEIGHT * 0.8
    else:
        first = y - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
    tspans = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((_number(x), _number(first + n * LINE_HEIGHT), line) for n, line in enumerate(lines)),
    )
    return format_html('<text text-anchor="{}" fill="currentColor">{}</text>', anchor, tspans)


def _grid(count: int) -> SafeString:
    rings = format_html_join(
        "",
        '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>',
        (
            (
                " ".join(
                    "{},{}".format(*map(_number, _point(i, count, ring))) for i in range(count)
                ),
                GRID_COLOUR,
            )
            for ring in RINGS
        ),
    )
    axes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        (
            (
                _number(CENTRE_X),
                _number(CENTRE_Y),
                *map(_number, _point(i, count, 100)),
                AXIS_COLOUR,
            )
            for i in range(count)
        ),
    )
    # The scale along the first axis, just right of it, on white where a line crosses it.
    scale = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff"/>'
        '<text x="{}" y="{}" dy="0.35em" fill="{}" font-size="{}">{}</text>',
        (
            (
                _number(CENTRE_X + 3),
                _number(CENTRE_Y - RADIUS * ring / 100 - SMALL_FONT_SIZE / 2),
                _number(len(str(ring)) * SMALL_FONT_SIZE * 0.6 + 4),
                SMALL_FONT_SIZE,
                _number(CENTRE_X + 5),
                _number(CENTRE_Y - RADIUS * ring / 100),
                MUTED_TEXT,
                SMALL_FONT_SIZE,
                ring,
            )
            for ring in RINGS
        ),
    )
    return format_html('<g class="radar__grid">{}{}{}</g>', rings, axes, scale)


def _marker(style: SeriesStyle, x: float, y: float, tooltip: str) -> SafeString:
    title = format_html("<title>{}</title>", tooltip)
    if style.marker == "square":
        return format_html(
            '<rect x="{}" y="{}" width="9" height="9" fill="{}">{}</rect>',
            _number(x - 4.5),
            _number(y - 4.5),
            style.colour,
            title,
        )
    if style.marker == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" fill="{}">{}</polygon>',
            *map(_number, (x, y - 6, x + 6, y, x, y + 6, x - 6, y)),
            style.colour,
            title,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="5" fill="{}">{}</circle>',
        _number(x),
        _number(y),
        style.colour,
        title,
    )


def _series(series: RadarSeries, style: SeriesStyle, labels: list[str]) -> SafeString:
    count = len(labels)
    points = [
        None if value is None else _point(i, count, value) for i, value in enumerate(series.values)
    ]
    if count >= 3 and all(p is not None for p in points):
        path = "M" + " L".join(f"{_number(x)},{_number(y)}" for x, y in points) + " Z"
        fill = style.colour
    else:
        # A Handlungsfeld without a score breaks the outline: only neighbours with scores join.
        # Round the rim, back to the first axis; two axes share just one line.
        pairs = list(pairwise(points + points[:1] if count > 2 else points))
        path = " ".join(
            f"M{_number(a[0])},{_number(a[1])} L{_number(b[0])},{_number(b[1])}"
            for a, b in pairs
            if a is not None and b is not None
        )
        fill = "none"
    outline = (
        format_html(
            '<path d="{}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="{}"'
            ' stroke-linejoin="round"{}/>',
            path,
            fill,
            style.fill_opacity,
            style.colour,
            style.width,
            format_html(' stroke-dasharray="{}"', style.dash) if style.dash else "",
        )
        if path
        else ""
    )
    markers = format_html_join(
        "",
        "{}",
        (
            (
                _marker(
                    style,
                    *point,
                    f"{labels[i]}: {_whole(series.values[i])} – {series.label}",
                ),
            )
            for i, point in enumerate(points)
            if point is not None
        ),
    )
    return format_html(
        '<g class="radar__series" data-series="{}">{}{}</g>', series.key, outline, markers
    )


def _legend(series: list[RadarSeries], top: float) -> SafeString:
    rows = []
    for n, (item, style) in enumerate(zip(series, STYLES, strict=False)):
        y = top + n * LEGEND_ROW
        rows.append(
            (
                format_html(
                    '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" '
                    'stroke-width="{width}"{dash}/>{marker}'
                    '<text x="{text_x}" y="{y}" dy="0.35em" fill="currentColor">{label}</text>',
                    x1=LEGEND_X,
                    x2=LEGEND_X + LEGEND_LINE,
                    y=_number(y),
                    colour=style.colour,
                    width=style.width,
                    dash=format_html(' stroke-dasharray="{}"', style.dash) if style.dash else "",
                    marker=_marker(style, LEGEND_X + LEGEND_LINE / 2, y, str(item.label)),
                    text_x=LEGEND_X + LEGEND_LINE + 10,
                    label=item.label,
                ),
            )
        )
    return format_html('<g class="radar__legend">{}</g>', format_html_join("", "{}", rows))


def _description(labels: list[str], series: list[RadarSeries]) -> str:
    missing = gettext("ohne Wert")
    parts = [
        f"{item.label}: "
        + ", ".join(
            f"{label} {missing if value is None else _whole(value)}"
            for label, value in zip(labels, item.values, strict=True)
        )
        for item in series
    ]
    return gettext("Punkte von 0 bis 100 je Handlungsfeld.") + " " + "; ".join(parts) + "."


def _bottom(labels: list[str]) -> float:
    """Lowest point of the axis labels below the chart."""
    count = len(labels)
    lowest = CENTRE_Y + RADIUS
    for i, label in enumerate(labels):
        sin = math.sin(_angle(i, count))
        y = CENTRE_Y + (RADIUS + LABEL_GAP) * sin
        lines = len(_lines(label))
        if sin > 0.5:
            bottom = y + LINE_HEIGHT * 0.8 + (lines - 1) * LINE_HEIGHT
        else:
            bottom = y + (lines - 1) * LINE_HEIGHT / 2 + FONT_SIZE
        lowest = max(lowest, bottom)
    return lowest


def radar_chart(
    labels: Iterable[str | Promise],
    series: Iterable[RadarSeries],
    title: str | Promise | None = None,
    title_id: str = "netzdiagramm-titel",
    font_family: str = "",
) -> SafeString:
    """One axis per label (0 at the centre, 100 at the rim) and up to three series: this round,
    the previous round, the network median, told apart by colour, dash pattern and marker.

    title_id must be unique on the page; the description gets title_id + "-beschreibung".
    Pages leave font_family empty (the text takes the page's font); WeasyPrint does not pass
    the document's font on to an SVG, so the PDF names it. Empty below three labels: with
    one or two axes there is no shape to see, and the table says it all.
    """
    labels = [str(label) for label in labels]
    series = list(series)[: len(STYLES)]
    if len(labels) < 3:
        return mark_safe("")
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError("Each series needs one value per label.")
    legend_top = _bottom(labels) + 28
    height = legend_top + max(len(series) - 1, 0) * LEGEND_ROW + 20
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="radar__chart" '
        'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        'font-size="{font_size}"{font}><title id="{title_id}">{title}</title>'
        '<desc id="{desc_id}">{desc}</desc>{grid}{labels}{series}{legend}</svg>',
        width=VIEW_WIDTH,
        height=_number(height),
        title_id=title_id,
        desc_id=f"{title_id}-beschreibung",
        font_size=FONT_SIZE,
        font=format_html(' font-family="{}"', font_family) if font_family else "",
        title=title or gettext("Netzdiagramm der Handlungsfelder"),
        desc=_description(labels, series),
        grid=_grid(len(labels)),
        labels=format_html_join(
            "", "{}", ((_axis_label(i, len(labels), label),) for i, label in enumerate(labels))
        ),
        # Drawn last to first: this round, the one that matters, lies on top.
        series=format_html_join(
            "",
            "{}",
            (
                (_series(item, style, labels),)
                for item, style in reversed(list(zip(series, STYLES, strict=False)))
            ),
        ),
        legend=_legend(series, legend_top) if series else "",
    )
