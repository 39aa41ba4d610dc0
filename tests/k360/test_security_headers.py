"""Security headers on every route of the URL configuration, as served over HTTPS."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Parameters of the URL patterns, filled so that the routes resolve (they may 404: the headers
# come with every answer all the same).
SAMPLE = {"int": "1", "slug": "beispiel", "str": "beispiel", "path": "beispiel"}


def routes(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def concrete(route: str) -> str | None:
    """A URL for a route; None for regex routes of third parties (allauth, admin) we skip."""
    if route.startswith("^") or "(?P" in route:
        return None
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + url


URLS = sorted({url for url in map(concrete, routes()) if url is not None})


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
