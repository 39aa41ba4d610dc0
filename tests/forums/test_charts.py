import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from forums.charts import (
    BAR_WIDTH,
    SECTORS,
    STANCES,
    meinungsbild,
    meinungsbild_svg,
    percentages,
)

SVG = "{http://www.w3.org/2000/svg}"

ROWS = [
    ("verwaltung", "zustimmung", 5),
    ("verwaltung", "gegenrede", 2),
    ("wissenschaft", "ergaenzung", 3),
    (None, "zustimmung", 1),
    ("", "gegenrede", 2),
    ("verwaltung", "frage", 7),
    ("", None, 4),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def segments(root: ET.Element, row: str) -> dict[str, float]:
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("data-row") == row]
    return {r.get("data-stance"): float(r.get("width")) for r in group.iter(f"{SVG}rect")}


class TableRows(HTMLParser):
    """The text of each table cell, row by row."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = TableRows()
    parser.feed(html)
    return parser.rows


def test_keys_match_the_models():
    from forums.models import Stance
    from network.models import Sector

    assert [key for key, _ in STANCES] == list(Stance.values)
    assert [key for key, _ in SECTORS] == [*Sector.values, ""]


def test_counts_by_stance_and_sector():
    mb = meinungsbild(ROWS)

    assert mb.total == 13
    assert [(s.key, s.count) for s in mb.by_stance] == [
        ("zustimmung", 6),
        ("ergaenzung", 3),
        ("gegenrede", 4),
    ]
    assert [(s.key, str(s.label), s.counts, s.total) for s in mb.by_sector] == [
        ("verwaltung", "Verwaltung", [5, 0, 2], 7),
        ("wissenschaft", "Wissenschaft", [0, 3, 0], 3),
        ("", "ohne Angabe", [1, 0, 2], 3),
    ]
    assert not mb.is_empty


def test_repeated_and_unknown_sectors_add_up():
    mb = meinungsbild(
        [("politik", "zustimmung", 2), ("politik", "zustimmung", 3), ("ehemalig", "gegenrede", 1)]
    )

    assert [(s.key, s.counts) for s in mb.by_sector] == [
        ("politik", [5, 0, 0]),
        ("", [0, 0, 1]),
    ]


def test_percentages_of_thirds_add_up_to_100():
    mb = meinungsbild([("politik", key, 1) for key, _ in STANCES])

    assert [s.percent for s in mb.by_stance] == [34, 33, 33]


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3))
def test_percentages_add_up_to_100_and_stay_within_one_point(counts):
    result = percentages(counts)

    if sum(counts):
        assert sum(result) == 100
        assert all(abs(p - 100 * n / sum(counts)) < 1 for p, n in zip(result, counts, strict=True))
    else:
        assert result == [0, 0, 0]


def test_svg_is_labelled_by_its_title_and_the_overall_numbers():
    root = parse(meinungsbild_svg(meinungsbild(ROWS), title_id="mb-1"))

    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == "mb-1"
    assert title.text == "Meinungsbild: Zustimmung, Ergänzung und Gegenrede nach Bereich"
    assert desc.text == "Gesamt 13 Beiträge: 6 Zustimmung, 3 Ergänzung, 4 Gegenrede."


def test_one_comment_is_a_beitrag():
    root = parse(meinungsbild_svg(meinungsbild([("politik", "ergaenzung", 1)])))

    assert (
        root.findtext(f"{SVG}desc") == "Gesamt 1 Beitrag: 0 Zustimmung, 1 Ergänzung, 0 Gegenrede."
    )


def test_every_non_zero_count_is_a_segment_as_wide_as_its_share():
    root = parse(meinungsbild_svg(meinungsbild(ROWS)))

    expected = {
        "gesamt": {"zustimmung": 6, "ergaenzung": 3, "gegenrede": 4},
        "verwaltung": {"zustimmung": 5, "gegenrede": 2},
        "wissenschaft": {"ergaenzung": 3},
        "ohne-angabe": {"zustimmung": 1, "gegenrede": 2},
    }
    assert [g.get("data-row") for g in root.iter(f"{SVG}g") if g.get("data-row")] == list(expected)
    for row, counts in expected.items():
        widths = segments(root, row)
        assert widths.keys() == counts.keys()
        total = sum(counts.values())
        for stance, count in counts.items():
            assert abs(widths[stance] - BAR_WIDTH * count / total) < 0.01


def test_counts_are_written_where_they_fit():
    root = parse(
        meinungsbild_svg(meinungsbild([("politik", "zustimmung", 300), ("", "gegenrede", 1)]))
    )
    (overall,) = [g for g in root.iter(f"{SVG}g") if g.get("data-row") == "gesamt"]

    labels = {
        t.get("data-stance"): t.text for t in overall.iter(f"{SVG}text") if t.get("data-stance")
    }

    # One of 301 is about 1.3 units wide: no room for a digit.
    assert labels == {"zustimmung": "300"}


def test_svg_has_no_inline_style_and_no_script():
    svg = meinungsbild_svg(meinungsbild(ROWS))

    assert "style=" not in svg
    assert "<script" not in svg
    assert all(element.get("style") is None for element in parse(svg).iter())


def test_table_holds_the_same_numbers():
    mb = meinungsbild(ROWS)

    html = render_to_string(
        "forums/includes/_meinungsbild.html",
        {"meinungsbild": mb, "meinungsbild_svg": meinungsbild_svg(mb)},
    )

    assert '<figure class="meinungsbild">' in html
    assert "<caption" in html and "Meinungsbild in Zahlen" in html
    assert table_rows(html) == [
        ["Bereich", "Zustimmung", "Ergänzung", "Gegenrede", "Summe"],
        ["Gesamt", "6", "3", "4", "13"],
        ["Verwaltung", "5", "0", "2", "7"],
        ["Wissenschaft", "0", "3", "0", "3"],
        ["ohne Angabe", "1", "0", "2", "3"],
    ]
    assert html.count('scope="col"') == 5
    assert html.count('scope="row"') == 4
    assert "<svg" in html
    assert "empty-state" not in html


def test_no_stance_yet_shows_a_text_instead_of_chart_and_table():
    mb = meinungsbild([("politik", "frage", 3)])

    html = render_to_string(
        "forums/includes/_meinungsbild.html",
        {"meinungsbild": mb, "meinungsbild_svg": meinungsbild_svg(mb)},
    )

    assert mb.is_empty
    assert meinungsbild_svg(mb) == ""
    assert mb.by_sector == []
    assert "<svg" not in html and "<table" not in html
    assert "Noch keine Stellungnahmen – der erste Beitrag eröffnet das Meinungsbild." in html
