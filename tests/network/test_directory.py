import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import Sector, User
from tests.factories import MunicipalityFactory, UserFactory, bulk_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def niedersachsen():
    return MunicipalityFactory(
        name="Landkreis Osnabrück", slug="landkreis-osnabrueck", bundesland="03", ags="03459000"
    )


def names(response) -> list[str]:
    return [member.display_name for member in response.context["members"]]


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/netzwerk/mitglieder/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/?next=/netzwerk/mitglieder/")


def test_who_works_on_praeventionsketten_in_niedersachsen(member_client, niedersachsen):
    wanted = UserFactory(name="Hanna Hase", municipality=niedersachsen)
    wanted.topics.add("Präventionsketten")
    elsewhere = UserFactory(
        name="Bernd Bayer", municipality=MunicipalityFactory(bundesland="09", ags="09161000")
    )
    elsewhere.topics.add("Präventionsketten")
    UserFactory(name="Nina Nord", municipality=niedersachsen).topics.add("Haushalt")

    response = member_client.get("/netzwerk/mitglieder/", {"q": "Präventionsketten", "land": "03"})
    assert response.status_code == 200
    assert names(response) == ["Hanna Hase"]
    assert "1 Mitglied gefunden" in response.content.decode()


def test_filter_by_sector_municipality_and_topic(member_client, niedersachsen):
    politik = UserFactory(name="Paula Politik", sector=Sector.POLITIK, municipality=niedersachsen)
    politik.topics.add("Beteiligung")
    UserFactory(name="Vera Verwaltung", sector=Sector.VERWALTUNG, municipality=niedersachsen)
    assert names(member_client.get("/netzwerk/mitglieder/", {"sector": "politik"})) == [
        "Paula Politik"
    ]
    assert set(
        names(member_client.get("/netzwerk/mitglieder/", {"kommune": niedersachsen.slug}))
    ) == {
        "Paula Politik",
        "Vera Verwaltung",
    }
    assert names(member_client.get("/netzwerk/mitglieder/", {"thema": "beteiligung"})) == [
        "Paula Politik"
    ]


def test_search_by_function(member_client):
    UserFactory(name="Sam Sozial", function="Sozialplaner")
    UserFactory(name="Jo Jugend", function="Jugendamtsleitung")
    assert names(member_client.get("/netzwerk/mitglieder/", {"q": "sozialplan"})) == ["Sam Sozial"]


def test_invalid_filter_shows_an_error_not_everybody(member_client):
    UserFactory(name="Irgendwer")
    response = member_client.get("/netzwerk/mitglieder/", {"sector": "astronautik"})
    assert response.status_code == 200
    assert names(response) == []
    assert "Bitte eine gültige Auswahl treffen. astronautik ist keine gültige Auswahl." in (
        response.content.decode()
    )


def test_hidden_profile_is_never_listed_for_other_members(member_client, member, client):
    UserFactory(name="Verborgene Vera", profile_visibility=User.Visibility.HIDDEN)
    assert "Verborgene Vera" not in names(member_client.get("/netzwerk/mitglieder/"))
    assert "Verborgene Vera" not in names(member_client.get("/netzwerk/mitglieder/", {"q": "Vera"}))


def test_hidden_profile_is_listed_for_its_owner_and_staff(client, staff):
    hidden = UserFactory(name="Verborgene Vera", profile_visibility=User.Visibility.HIDDEN)
    client.force_login(hidden)
    assert "Verborgene Vera" in names(client.get("/netzwerk/mitglieder/"))
    client.force_login(staff)
    assert "Verborgene Vera" in names(client.get("/netzwerk/mitglieder/"))


def test_inactive_members_are_not_listed(member_client):
    UserFactory(name="Ehemalige Erika", is_active=False)
    assert "Ehemalige Erika" not in names(member_client.get("/netzwerk/mitglieder/"))


def test_24_members_per_page(member_client):
    UserFactory.create_batch(30)
    first = member_client.get("/netzwerk/mitglieder/")
    assert len(first.context["members"]) == 24
    second = member_client.get("/netzwerk/mitglieder/", {"page": 2})
    assert len(second.context["members"]) == 31 - 24
    assert member_client.get("/netzwerk/mitglieder/", {"page": 99}).status_code == 404


def test_pagination_keeps_the_filters(member_client):
    for _ in range(25):
        UserFactory(sector=Sector.WISSENSCHAFT)
    html = member_client.get("/netzwerk/mitglieder/", {"sector": "wissenschaft"}).content.decode()
    assert "?q=&amp;sector=wissenschaft&amp;land=&amp;kommune=&amp;thema=&amp;page=2" in html or (
        "sector=wissenschaft&amp;page=2" in html
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/netzwerk/mitglieder/", "/netzwerk/mitglieder/?land=05&q=a"])
def test_directory_query_count_does_not_grow(member_client, url):
    municipality = MunicipalityFactory()

    topics = ("Präventionsketten", "Steuerung")
    bulk_members(10, topics, municipality=municipality)
    small = _queries(member_client, url)
    bulk_members(490, topics, municipality=municipality)
    large = _queries(member_client, url)
    assert small == large
    assert large <= 10


def test_municipality_page_query_count_does_not_grow(member_client):
    municipality = MunicipalityFactory(slug="jena", name="Jena")
    url = "/netzwerk/kommunen/jena/"
    bulk_members(10, ("Bildung",), municipality=municipality)
    small = _queries(member_client, url)
    bulk_members(490, ("Bildung",), municipality=municipality)
    large = _queries(member_client, url)
    assert small == large
    assert large <= 10
