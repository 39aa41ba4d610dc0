import xml.etree.ElementTree as ET

from network.maps import VIEW_HEIGHT, VIEW_WIDTH, germany_map_svg, outline_attribution, project
from network.models import GERMANY_LAT, GERMANY_LON, Bundesland

from ..factories import MunicipalityFactory

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def links(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}a")


def test_every_municipality_is_a_named_link_to_its_page():
    kiel = MunicipalityFactory.build(name="Kiel", slug="kiel", latitude="54.32", longitude="10.12")
    jena = MunicipalityFactory.build(name="Jena", slug="jena", latitude="50.93", longitude="11.59")

    found = [
        (a.get("href"), a.get("aria-label"), a.findtext(f"{SVG}title"))
        for a in links(parse(germany_map_svg([kiel, jena])))
    ]

    assert found == [
        ("/netzwerk/kommunen/kiel/", "Kiel", "Kiel"),
        ("/netzwerk/kommunen/jena/", "Jena", "Jena"),
    ]


def test_markers_have_a_hit_area_of_at_least_24_units():
    (link,) = links(parse(germany_map_svg([MunicipalityFactory.build()])))

    assert max(float(c.get("r")) for c in link.iter(f"{SVG}circle")) * 2 >= 24


def test_names_are_escaped():
    name = 'Groß<script>alert(1)</script> & "Klein"'
    svg = germany_map_svg([MunicipalityFactory.build(name=name, slug="gross-klein")])

    assert "<script" not in svg
    (link,) = links(parse(svg))
    assert link.get("aria-label") == name
    assert link.findtext(f"{SVG}title") == name


def test_map_is_labelled_by_its_title_and_the_outlines_are_hidden():
    root = parse(germany_map_svg([]))

    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title.get("id")
    assert title.text == "Karte der Partnerkommunen in Deutschland"
    assert root.get("role") is None
    (laender,) = [g for g in root.iter(f"{SVG}g") if g.get("aria-hidden") == "true"]
    assert not links(laender)


def test_title_id_can_be_made_unique_on_the_page():
    root = parse(germany_map_svg([], title_id="partner-map"))

    assert root.get("aria-labelledby") == "partner-map"
    assert root.find(f"{SVG}title").get("id") == "partner-map"


def test_empty_list_still_draws_all_sixteen_laender():
    root = parse(germany_map_svg([]))

    paths = root.findall(f".//{SVG}path")
    assert sorted(p.get("data-bundesland") for p in paths) == sorted(Bundesland.values)
    assert all(len(p.get("d")) > 100 for p in paths)
    assert not links(root)


def test_no_inline_styles_scripts_or_foreign_resources():
    svg = germany_map_svg([MunicipalityFactory.build()])

    for element in parse(svg).iter():
        assert "style" not in element.attrib
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}image")
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg


def test_projection_keeps_north_up_and_west_left():
    kiel = project(54.32, 10.12)
    ingolstadt = project(48.77, 11.43)
    oberhausen = project(51.50, 6.86)
    leipzig = project(51.34, 12.37)

    assert kiel[1] < ingolstadt[1]
    assert oberhausen[0] < leipzig[0]


def test_whole_bounding_box_lies_inside_the_view_box():
    for lat in GERMANY_LAT:
        for lon in GERMANY_LON:
            x, y = project(lat, lon)
            assert 0 <= x <= VIEW_WIDTH
            assert 0 <= y <= VIEW_HEIGHT


def test_projection_keeps_proportions():
    # Kiel–Ingolstadt is about 620 km, Oberhausen–Leipzig about 380 km.
    kx, ky = project(54.32, 10.12)
    ix, iy = project(48.77, 11.43)
    ox, oy = project(51.50, 6.86)
    lx, ly = project(51.34, 12.37)
    north_south = ((kx - ix) ** 2 + (ky - iy) ** 2) ** 0.5
    west_east = ((ox - lx) ** 2 + (oy - ly) ** 2) ** 0.5

    assert 1.5 < north_south / west_east < 1.75


def test_markers_sit_where_the_municipalities_are():
    kiel = MunicipalityFactory.build(latitude="54.32", longitude="10.12")
    ingolstadt = MunicipalityFactory.build(latitude="48.77", longitude="11.43")

    centres = [
        (float(a.find(f"{SVG}circle").get("cx")), float(a.find(f"{SVG}circle").get("cy")))
        for a in links(parse(germany_map_svg([kiel, ingolstadt])))
    ]

    assert centres == [
        (round(x, 1), round(y, 1)) for x, y in (project(54.32, 10.12), project(48.77, 11.43))
    ]
    for x, y in centres:
        assert 0 <= x <= VIEW_WIDTH
        assert 0 <= y <= VIEW_HEIGHT


def test_outline_attribution_names_the_bkg():
    assert "GeoBasis-DE / BKG" in outline_attribution()
