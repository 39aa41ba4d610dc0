import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from network.imports import municipalities_import
from network.models import Municipality
from tests.factories import MunicipalityFactory, UserFactory

HEADER = "ags,name,type,bundesland,population,lat,lon"
JENA = "16053000,Jena,kreisfreie_stadt,16,110731,50.9271,11.5892"
KIEL = "01002000,Kiel,kreisfreie_stadt,01,246601,54.3233,10.1228"
IMPORT_URL = "/admin/network/municipality/import/"


def csv_file(*lines: str) -> io.StringIO:
    return io.StringIO("\n".join(lines) + "\n", newline="")


def import_errors(*lines: str) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        municipalities_import(file=csv_file(*lines))
    return excinfo.value.messages


@pytest.mark.django_db
def test_good_file_creates_municipalities():
    result = municipalities_import(file=csv_file(HEADER, JENA, KIEL))

    assert (result.created, result.updated) == (2, 0)
    assert result.message == "2 Kommunen angelegt, 0 aktualisiert."
    jena = Municipality.objects.get(ags="16053000")
    assert jena.name == "Jena"
    assert jena.slug == "jena"
    assert jena.kind == Municipality.Kind.KREISFREIE_STADT
    assert jena.bundesland == "16"
    assert jena.get_bundesland_display() == "Thüringen"
    assert jena.population == 110731
    assert jena.latitude == Decimal("50.92710")
    assert jena.longitude == Decimal("11.58920")
    assert not jena.is_partner
    kiel = Municipality.objects.get(ags="01002000")
    assert (kiel.name, kiel.bundesland, kiel.population) == ("Kiel", "01", 246601)


@pytest.mark.django_db
def test_mark_partner_marks_every_imported_municipality():
    municipalities_import(file=csv_file(HEADER, JENA, KIEL), mark_partner=True)

    assert Municipality.objects.partners().count() == 2


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating():
    MunicipalityFactory(
        ags="16053000",
        name="Jena (alt)",
        slug="jena-alt",
        bundesland="16",
        kind=Municipality.Kind.LANDKREIS,
        population=1,
        latitude="51.00000",
        longitude="11.00000",
        is_partner=True,
    )

    result = municipalities_import(file=csv_file(HEADER, JENA, KIEL))

    assert (result.created, result.updated) == (1, 1)
    assert Municipality.objects.count() == 2
    jena = Municipality.objects.get(ags="16053000")
    assert jena.name == "Jena"
    assert jena.kind == Municipality.Kind.KREISFREIE_STADT
    assert jena.population == 110731
    assert (jena.latitude, jena.longitude) == (Decimal("50.92710"), Decimal("11.58920"))
    # The address of the page stays, and a partner stays a partner without --partner.
    assert jena.slug == "jena-alt"
    assert jena.is_partner

    # Rows that change nothing are not counted as updated.
    again = municipalities_import(file=csv_file(HEADER, JENA, KIEL))
    assert (again.created, again.updated) == (0, 0)
    assert again.message == "0 Kommunen angelegt, 0 aktualisiert."
    assert Municipality.objects.count() == 2


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_imports_nothing():
    MunicipalityFactory(ags="01002000", name="Kiel (alt)", bundesland="01", population=5)

    errors = import_errors(
        HEADER,
        JENA,
        "05119000,Oberhausen,kreisfreie_stadt,05,209000,60.1,6.8638",
        KIEL,
    )

    assert errors == ["Zeile 3: Breitengrad 60.1 liegt nicht in Deutschland."]
    assert not Municipality.objects.filter(ags="16053000").exists()
    kiel = Municipality.objects.get(ags="01002000")
    assert (kiel.name, kiel.population) == ("Kiel (alt)", 5)


@pytest.mark.django_db
def test_every_bad_row_is_listed_with_its_line_number():
    errors = import_errors(
        HEADER,
        "0511900,Oberhausen,kreisfreie_stadt,05,209000,51.4963,6.8638",
        JENA,
        "",
        "09161000,Ingolstadt,kreisfreie_stadt,05,142000,48.7665,11.4258",
        "16053000,Jena,kreisfreie_stadt,16,110731,50.9271,11.5892",
        ",Ohne Schlüssel,gemeinde,01,,54.0,10.0",
    )

    assert errors == [
        "Zeile 2: Der Amtliche Gemeindeschlüssel besteht aus genau 8 Ziffern.",
        "Zeile 5: Die ersten beiden Ziffern des Gemeindeschlüssels (09) passen nicht zum "
        "Bundesland Nordrhein-Westfalen (05).",
        "Zeile 6: Der Gemeindeschlüssel 16053000 steht schon in Zeile 3.",
        "Zeile 7: Amtlicher Gemeindeschlüssel fehlt.",
    ]
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_german_excel_export_with_semicolons_decimal_commas_and_bom():
    content = (
        "\ufeffGemeindeschlüssel;Name;Art;Land;Einwohner;Breitengrad;Längengrad\r\n"
        "16053000;Jena;kreisfreie Stadt;Thüringen;110.731;50,9271;11,5892\r\n"
        "03459000;Landkreis Osnabrück;LANDKREIS;Niedersachsen;362.000;52,2800;8,0500\r\n"
        "01056050;Wedel;kreisangehörige Gemeinde;SH;;53,5833;9,7000\r\n"
    )

    result = municipalities_import(file=io.StringIO(content, newline=""))

    assert result.created == 3
    jena = Municipality.objects.get(ags="16053000")
    assert jena.population == 110731
    assert (jena.latitude, jena.longitude) == (Decimal("50.92710"), Decimal("11.58920"))
    osnabrueck = Municipality.objects.get(ags="03459000")
    assert osnabrueck.kind == Municipality.Kind.LANDKREIS
    assert osnabrueck.bundesland == "03"
    assert osnabrueck.slug == "landkreis-osnabruck"
    wedel = Municipality.objects.get(ags="01056050")
    assert wedel.kind == Municipality.Kind.GEMEINDE
    assert wedel.bundesland == "01"
    assert wedel.population is None


@pytest.mark.django_db
def test_upload_with_bom_decoded_as_plain_utf8_is_read():
    content = f"{HEADER}\n{JENA}\n".encode("utf-8-sig")

    municipalities_import(file=io.TextIOWrapper(io.BytesIO(content), encoding="utf-8"))

    assert Municipality.objects.filter(ags="16053000").exists()


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_refused_clearly():
    content = f"{HEADER}\n03459000,Landkreis Osnabrück,landkreis,03,,52.28,8.05\n"
    upload = io.TextIOWrapper(io.BytesIO(content.encode("cp1252")), encoding="utf-8-sig")

    with pytest.raises(ValidationError) as excinfo:
        municipalities_import(file=upload)

    assert "nicht UTF-8-kodiert" in excinfo.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("60.1", "11.5892", "Breitengrad 60.1 liegt nicht in Deutschland."),
        ("46.9", "11.5892", "Breitengrad 46.9 liegt nicht in Deutschland."),
        ("50.9271", "20.0", "Längengrad 20.0 liegt nicht in Deutschland."),
        ("50.9271", "abc", "Längengrad: „abc“ ist keine Zahl."),
        ("", "11.5892", "Breitengrad fehlt."),
    ],
)
def test_coordinates_must_lie_in_germany(lat, lon, message):
    errors = import_errors(HEADER, f"16053000,Jena,kreisfreie_stadt,16,110731,{lat},{lon}")

    assert errors == [f"Zeile 2: {message}"]


@pytest.mark.django_db
def test_ags_must_match_the_land():
    errors = import_errors(
        HEADER, "16053000,Jena,kreisfreie_stadt,Nordrhein-Westfalen,110731,50.9271,11.5892"
    )

    assert errors == [
        "Zeile 2: Die ersten beiden Ziffern des Gemeindeschlüssels (16) passen nicht zum "
        "Bundesland Nordrhein-Westfalen (05)."
    ]


@pytest.mark.django_db
def test_unknown_type_land_and_population_are_reported():
    errors = import_errors(HEADER, "16053000,Jena,Stadt,Thüringer Land,ca. 110000,50.9271,11.5892")

    assert errors == [
        "Zeile 2: Art: „Stadt“ ist unbekannt – erlaubt sind kreisfreie Stadt, Landkreis, "
        "kreisangehörige Gemeinde.",
        "Zeile 2: Bundesland: „Thüringer Land“ ist unbekannt – erlaubt sind Kennziffer (05), "
        "Name (Nordrhein-Westfalen) oder Kürzel (NW).",
        "Zeile 2: Einwohner:innen: „ca. 110000“ ist keine ganze Zahl.",
    ]


@pytest.mark.django_db
def test_missing_columns_are_named_in_one_error():
    errors = import_errors("ags;name;art;einwohner;lat", "16053000;Jena;landkreis;1;50.9")

    assert errors == [
        "Es fehlen die Spalten bundesland, lon. Die erste Zeile muss die Spaltennamen "
        "ags, name, type, bundesland, population, lat, lon enthalten."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Die Datei ist leer."),
        ("\n  \n", "Die Datei ist leer."),
        (f"{HEADER}\n", "Die Datei enthält nur die Kopfzeile, keine Kommunen."),
    ],
)
def test_empty_file_is_refused_clearly(content, message):
    with pytest.raises(ValidationError) as excinfo:
        municipalities_import(file=io.StringIO(content))

    assert excinfo.value.messages == [message]


@pytest.mark.django_db
def test_new_municipalities_get_free_slugs():
    MunicipalityFactory(name="Neustadt", slug="neustadt", ags="05000001")

    municipalities_import(
        file=csv_file(
            HEADER,
            "01055033,Neustadt,gemeinde,01,,54.1,10.8",
            "03000001,Neustadt,gemeinde,03,,52.5,9.4",
        )
    )

    assert sorted(Municipality.objects.values_list("slug", flat=True)) == [
        "neustadt",
        "neustadt-2",
        "neustadt-3",
    ]


# The management command


@pytest.fixture
def csv_path(tmp_path):
    def write(*lines: str):
        path = tmp_path / "kommunen.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.mark.django_db
def test_command_imports_and_reports_counts(csv_path):
    stdout = io.StringIO()

    call_command("import_municipalities", csv_path(HEADER, JENA, KIEL), "--partner", stdout=stdout)

    assert stdout.getvalue().strip() == "2 Kommunen angelegt, 0 aktualisiert."
    assert Municipality.objects.partners().count() == 2


@pytest.mark.django_db
def test_command_lists_every_error_and_imports_nothing(csv_path):
    path = csv_path(
        HEADER,
        JENA,
        "01002000,Kiel,kreisfreie_stadt,01,246601,54.3233,20.1",
        "0100200,Kiel,kreisfreie_stadt,01,246601,54.3233,10.1228",
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("import_municipalities", path)

    assert str(excinfo.value).splitlines() == [
        f"{path}: nichts importiert.",
        "Zeile 3: Längengrad 20.1 liegt nicht in Deutschland.",
        "Zeile 4: Der Amtliche Gemeindeschlüssel besteht aus genau 8 Ziffern.",
    ]
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"fehlt\.csv"):
        call_command("import_municipalities", tmp_path / "fehlt.csv")


# The admin page


def upload(*lines: str) -> SimpleUploadedFile:
    content = ("\n".join(lines) + "\n").encode()
    return SimpleUploadedFile("kommunen.csv", content, content_type="text/csv")


@pytest.mark.django_db
def test_changelist_links_to_the_import(client, staff):
    client.force_login(staff)

    response = client.get("/admin/network/municipality/")

    assert IMPORT_URL in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("in_memory", [True, False])
def test_staff_imports_a_good_file(client, staff, settings, in_memory):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE Django hands the view a temporary file instead.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440 if in_memory else 0
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 200

    response = client.post(IMPORT_URL, {"file": upload(HEADER, JENA, KIEL), "mark_partner": "on"})

    assert response.status_code == 302
    assert response.url == "/admin/network/municipality/"
    assert Municipality.objects.partners().count() == 2
    page = client.get(response.url).content.decode()
    assert "2 Kommunen angelegt, 0 aktualisiert." in page


@pytest.mark.django_db
def test_bad_file_shows_every_error_and_saves_nothing(client, staff):
    client.force_login(staff)

    response = client.post(
        IMPORT_URL,
        {
            "file": upload(
                HEADER,
                JENA,
                "01002000,Kiel,kreisfreie_stadt,16,246601,54.3233,10.1228",
                "05119000,Oberhausen,Stadt,05,209000,51.4963,6.8638",
            )
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Es wurde nichts importiert." in page
    assert "Zeile 3: Die ersten beiden Ziffern des Gemeindeschlüssels (01)" in page
    assert "Zeile 4: Art: „Stadt“ ist unbekannt" in page
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_member_is_sent_to_the_login(member_client):
    response = member_client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.django_db
def test_staff_without_add_permission_is_refused(client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_municipality"))
    client.force_login(editor)

    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"file": upload(HEADER, JENA)})
    assert response.status_code == 403
    assert not Municipality.objects.exists()
    assert IMPORT_URL not in client.get("/admin/network/municipality/").content.decode()


@pytest.mark.django_db
def test_staff_with_add_permission_may_import(client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="add_municipality"))
    client.force_login(editor)

    response = client.post(IMPORT_URL, {"file": upload(HEADER, JENA)})

    assert response.status_code == 302
    assert Municipality.objects.filter(ags="16053000").exists()
