"""Security headers on every route of the URL configuration, as served over HTTPS."""

import pytest

from tests.urlconf import routes, sample_url

# Every route with sample parameters: the page may 404, the headers come with every answer.
URLS = sorted({sample_url(route) for route in routes()})


def test_the_route_list_covers_every_app():
    for prefix in (
        "/veranstaltungen/",
        "/selbstcheck/",
        "/newsletter/",
        "/blog/",
        "/netzwerk/",
        "/foren/",
        "/suche/",
        "/admin/",
    ):
        assert any(url.startswith(prefix) for url in URLS), prefix


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_security_headers(client, settings, url):
    settings.SECURE_HSTS_SECONDS = 31536000  # production's value (the test settings turn it off)
    response = client.get(url, secure=True)
    assert response.status_code < 500, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy or "default-src 'none'" in policy, url
        assert "frame-ancestors" in policy or response.get("X-Frame-Options") in {
            "DENY",
            "SAMEORIGIN",
        }, url
