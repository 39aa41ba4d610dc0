import re

import pytest

from selfcheck.charts import STYLES, RadarSeries, radar_chart

LABELS = ["Steuerung und Strukturen", "Beteiligung", "Daten & Wirkung"]


def chart(*series, labels=LABELS):
    return str(radar_chart(labels, list(series), title="Punkte je Handlungsfeld"))


def test_chart_is_an_image_labelled_by_its_title_and_the_figures():
    svg = chart(
        RadarSeries("runde", "Diese Runde", [66.6667, 50, None]),
        RadarSeries("netzwerk", "Median im Netzwerk", [40, 45, 50]),
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-labelledby="netzdiagramm-titel netzdiagramm-titel-beschreibung"' in svg
    assert '<title id="netzdiagramm-titel">Punkte je Handlungsfeld</title>' in svg
    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert (
        "Diese Runde: Steuerung und Strukturen 67, Beteiligung 50, Daten &amp; Wirkung ohne Wert"
        in (description)
    )
    assert "Median im Netzwerk: Steuerung und Strukturen 40" in description


def test_series_differ_in_dash_pattern_and_marker_not_only_in_colour():
    svg = chart(
        RadarSeries("runde", "Diese Runde", [60, 50, 40]),
        RadarSeries("vorherige", "Vorherige Runde", [50, 40, 30]),
        RadarSeries("netzwerk", "Median im Netzwerk", [55, 45, 35]),
    )
    outlines = re.findall(r'<g class="radar__series" data-series="(\w+)"><path ([^>]*)/>', svg)
    dashes = {key: re.search(r'stroke-dasharray="([^"]+)"', attrs) for key, attrs in outlines}
    assert dashes["runde"] is None
    assert dashes["vorherige"].group(1) != dashes["netzwerk"].group(1)
    assert "<circle" in svg and "<rect x" in svg and "<polygon points" in svg
    assert len({style.colour for style in STYLES}) == 3
    # This round is drawn last, on top of the others.
    assert [key for key, _attrs in outlines] == ["netzwerk", "vorherige", "runde"]


def test_a_missing_score_breaks_the_outline():
    svg = chart(RadarSeries("runde", "Diese Runde", [60, None, 40]))
    path = re.search(r'data-series="runde"><path d="([^"]+)"', svg).group(1)
    # Only the side between the first and the third axis remains; no closed shape.
    assert path.count("M") == 1 and "Z" not in path
    assert 'fill="none"' in svg.split('data-series="runde"')[1].split("/>")[0]


def test_long_labels_wrap_and_are_escaped():
    svg = chart(
        RadarSeries("runde", "Diese Runde", [1, 2, 3]),
        labels=["Beteiligung von Kindern, Jugendlichen und Familien", "<b>B</b>", "C"],
    )
    assert "<b>" not in svg and "&lt;b&gt;B&lt;/b&gt;" in svg
    first = re.search(r"<text text-anchor=\"middle\"[^>]*>(.*?)</text>", svg).group(1)
    assert first.count("<tspan") >= 3


def test_no_inline_style_or_script():
    svg = chart(RadarSeries("runde", "Diese Runde", [10, 20, 30]))
    assert "style=" not in svg and "<script" not in svg


@pytest.mark.parametrize("labels", [[], ["Eins"], ["Eins", "Zwei"]])
def test_fewer_than_three_axes_draw_nothing(labels):
    assert radar_chart(labels, [RadarSeries("runde", "Diese Runde", [50] * len(labels))]) == ""


def test_each_series_needs_a_value_per_label():
    with pytest.raises(ValueError):
        chart(RadarSeries("runde", "Diese Runde", [1, 2]))
