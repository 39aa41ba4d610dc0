import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, UserFactory

PAGES = [
    ("/", "Kommunale Planung weiterdenken"),
    ("/impressum/", "Impressum"),
    ("/datenschutz/", "Datenschutzerklärung"),
    ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "heading"), PAGES)
def test_public_pages_render_in_german(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert heading in html
    assert 'href="#inhalt"' in html  # skip link


@pytest.mark.django_db
def test_navigation_and_footer_links(client):
    html = client.get("/").content.decode()
    for label, url in [
        ("Thesen", "/thesen/"),
        ("Aktuelles", "/blog/"),
        ("Veranstaltungen", "/veranstaltungen/"),
        ("Netzwerk", "/netzwerk/"),
        ("Foren", "/foren/"),
        ("Selbstcheck", "/selbstcheck/"),
        ("Suche", "/suche/"),
        ("Impressum", "/impressum/"),
        ("Datenschutz", "/datenschutz/"),
        ("Barrierefreiheit", "/barrierefreiheit/"),
        ("Newsletter", "/newsletter/"),
    ]:
        assert f'href="{url}"' in html, label
        assert label in html
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_home_shows_empty_states_until_apps_exist(client):
    html = client.get("/").content.decode()
    assert "Thesen zur Diskussion" in html
    assert "Zurzeit sind keine Veranstaltungen angekündigt." in html
    assert "Noch keine Beiträge veröffentlicht." in html


@pytest.mark.django_db
def test_home_shows_login_state(client):
    user = UserFactory(name="Hanna Beispiel")
    assert "Anmelden" in client.get("/").content.decode()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Angemeldet als Hanna Beispiel" in html
    assert "Abmelden" in html


@pytest.mark.django_db
def test_accessibility_statement_has_feedback_address(client, settings):
    html = client.get("/barrierefreiheit/").content.decode()
    assert f"mailto:{settings.K360_CONTACT_EMAIL}" in html
    assert "BITV 2.0" in html


@pytest.mark.django_db
def test_unknown_page_is_a_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_home_query_count_is_constant(client):
    """The home page of an anonymous visitor needs no query per item."""
    with CaptureQueriesContext(connection) as anonymous:
        client.get("/")
    UserFactory.create_batch(20)
    with CaptureQueriesContext(connection) as more_data:
        client.get("/")
    assert len(anonymous) == len(more_data)
    assert len(anonymous) <= 5


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_in_german():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()


@pytest.mark.django_db
def test_a_get_to_a_post_only_address_explains_itself_in_german(client):
    event = EventFactory()
    response = client.get(f"/veranstaltungen/{event.slug}/anmelden/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    html = response.content.decode()
    assert "Aktion so nicht möglich" in html
    assert "Formulare auf den Seiten" in html
