"""The map of partner municipalities: Germany and its Länder as inline SVG, drawn on the server."""

import json
import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .models import GERMANY_LAT, GERMANY_LON

if TYPE_CHECKING:
    from .models import Municipality

OUTLINES_FILE = Path(__file__).resolve().parent / "data" / "germany_laender.json"

VIEW_WIDTH = 600
VIEW_HEIGHT = 800
# Room for a marker on the very edge of the bounding box.
PADDING = 16

LAND_FILL = "#e6eef2"
LAND_STROKE = "#8aa4b3"
# 10:1 against LAND_FILL; the white ring keeps overlapping markers apart.
MARKER_FILL = "#003a57"
MARKER_RADIUS = 7
# The invisible hit area: 28 × 28 units stay at least 24 × 24 px down to a 515 px wide map.
TARGET_RADIUS = 14

_LAT_MIN, _LAT_MAX = GERMANY_LAT
_LON_MIN, _LON_MAX = GERMANY_LON
# Equirectangular, true to scale at 51° N, the middle of Germany.
_LON_FACTOR = math.cos(math.radians(51))
_SCALE = min(
    (VIEW_WIDTH - 2 * PADDING) / ((_LON_MAX - _LON_MIN) * _LON_FACTOR),
    (VIEW_HEIGHT - 2 * PADDING) / (_LAT_MAX - _LAT_MIN),
)
_OFFSET_X = (VIEW_WIDTH - (_LON_MAX - _LON_MIN) * _LON_FACTOR * _SCALE) / 2
_OFFSET_Y = (VIEW_HEIGHT - (_LAT_MAX - _LAT_MIN) * _SCALE) / 2


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG user coordinates (x to the east, y to the south) of a point in Germany."""
    return (
        _OFFSET_X + (lon - _LON_MIN) * _LON_FACTOR * _SCALE,
        _OFFSET_Y + (_LAT_MAX - lat) * _SCALE,
    )


def _tenths(value: int) -> str:
    whole, tenth = divmod(abs(value), 10)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def _ring_path(flat_lonlat: list[float]) -> str:
    # Relative moves between coordinates already rounded to tenths: a third shorter than
    # absolute ones, and no rounding error adds up along the ring.
    points = [
        tuple(round(c * 10) for c in project(lat, lon))
        for lon, lat in zip(flat_lonlat[::2], flat_lonlat[1::2], strict=True)
    ]
    (x, y), parts = points[0], []
    for nx, ny in points[1:]:
        parts.append(f"{_tenths(nx - x)} {_tenths(ny - y)}")
        x, y = nx, ny
    return f"M{_tenths(points[0][0])} {_tenths(points[0][1])}l{' '.join(parts)}z"


@cache
def _outline_data() -> dict:
    return json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))


@cache
def _laender_svg() -> SafeString:
    paths = (
        (
            land["code"],
            "".join(_ring_path(ring) for polygon in land["polygons"] for ring in polygon),
        )
        for land in _outline_data()["laender"]
    )
    return format_html(
        '<g class="germany-map__laender" aria-hidden="true" fill="{}" stroke="{}" '
        'stroke-width="1" stroke-linejoin="round" fill-rule="evenodd">{}</g>',
        LAND_FILL,
        LAND_STROKE,
        format_html_join("", '<path data-bundesland="{}" d="{}"/>', paths),
    )


def outline_attribution() -> str:
    """The source note the licence of the outline data requires wherever the map is shown."""
    return _outline_data()["attribution"]


def _marker(municipality: "Municipality") -> SafeString:
    x, y = project(float(municipality.latitude), float(municipality.longitude))
    return format_html(
        '<a href="{url}" class="germany-map__marker" aria-label="{name}"><title>{name}</title>'
        '<circle cx="{x}" cy="{y}" r="{target}" fill="#ffffff" fill-opacity="0"/>'
        '<circle cx="{x}" cy="{y}" r="{radius}" fill="{fill}" stroke="#ffffff" '
        'stroke-width="2"/></a>',
        url=municipality.get_absolute_url(),
        name=municipality.name,
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        target=TARGET_RADIUS,
        radius=MARKER_RADIUS,
        fill=MARKER_FILL,
    )


def germany_map_svg(
    municipalities: Iterable["Municipality"], *, title_id: str = "germany-map-title"
) -> SafeString:
    """An <svg> of the Länder with one link per municipality, in the given (tab) order.

    Takes objects already loaded; title_id must be unique on the page.
    """
    markers = format_html_join("", "{}", ((_marker(m),) for m in municipalities))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="germany-map" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{title_id}"><title id="{title_id}">{title}</title>{laender}'
        '<g class="germany-map__markers">{markers}</g></svg>',
        w=VIEW_WIDTH,
        h=VIEW_HEIGHT,
        title_id=title_id,
        title=gettext("Karte der Partnerkommunen in Deutschland"),
        laender=_laender_svg(),
        markers=markers,
    )
