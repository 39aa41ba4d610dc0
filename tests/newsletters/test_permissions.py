"""Every newsletters URL × {anonymous, member, staff}: the public pages are public, the personal
pages open only with their signed link, and nothing here needs (or heeds) a login but the
members' one click."""

import pytest
from django.test import Client
from django.utils import timezone

from newsletters import tokens
from newsletters.models import Newsletter, Subscriber
from tests.permissions import LOGIN, assert_answer, cases

ROLES = ["anonymous", "member", "staff"]

# (url, {role: expected status of a GET or LOGIN}); {confirm} and {manage} are the signed links
# of a pending and a confirmed address.
MATRIX = [
    ("/newsletter/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/danke/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/bestaetigen/{confirm}/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/bestaetigen/ungueltig/", dict.fromkeys(ROLES, 400)),
    ("/newsletter/neuer-link/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/abo/{manage}/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/abo/ungueltig/", dict.fromkeys(ROLES, 400)),
    ("/newsletter/abmelden/{manage}/", dict.fromkeys(ROLES, 302)),  # a browser: to the page
    ("/newsletter/abmelden/ungueltig/", dict.fromkeys(ROLES, 400)),
    ("/newsletter/profil/", dict.fromkeys(ROLES, 405)),
    ("/newsletter/archiv/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/archiv/{archived}/", dict.fromkeys(ROLES, 200)),
    ("/newsletter/archiv/{unarchived}/", dict.fromkeys(ROLES, 404)),
    ("/newsletter/archiv/{draft}/", dict.fromkeys(ROLES, 404)),
    ("/newsletter/archiv/gibt-es-nicht/", dict.fromkeys(ROLES, 404)),
]


@pytest.fixture
def world(member, staff):
    Subscriber.objects.create(email="offen@example.org")
    Subscriber.objects.create(email="leser@example.org", status=Subscriber.Status.CONFIRMED)
    sent = {"status": Newsletter.Status.SENT, "finished_at": timezone.now(), "body": "Text"}
    Newsletter.objects.create(subject="Archiv", slug="archiv-ausgabe", in_archive=True, **sent)
    Newsletter.objects.create(subject="Nur Mail", slug="nur-mail", **sent)
    Newsletter.objects.create(subject="Entwurf", slug="entwurf", in_archive=True, body="Text")
    return {"member": member, "staff": staff}


def resolve_url(url: str) -> str:
    return url.format(
        confirm=tokens.confirm_token("offen@example.org"),
        manage=tokens.unsubscribe_token("leser@example.org"),
        archived="archiv-ausgabe",
        unarchived="nur-mail",
        draft="entwurf",
    )


CASES = cases(MATRIX, ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, world, url, role, expected):
    if role != "anonymous":
        client.force_login(world[role])
    resolved = resolve_url(url)
    response = client.get(resolved)
    assert_answer(response, expected, resolved)


def test_every_newsletters_url_is_in_the_matrix():
    """A new URL in newsletters/urls.py fails here until it has a row."""
    from django.urls import resolve

    from newsletters import urls

    covered = {
        resolve(
            url.format(confirm="t", manage="t", archived="a", unarchived="u", draft="d")
        ).url_name
        for url, _ in MATRIX
    }
    assert {pattern.name for pattern in urls.urlpatterns} - covered == set()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_posts_need_the_signed_link_not_a_login(world, role):
    """Unsubscribing works for whoever holds the link, logged in or not; a login alone opens
    nobody's subscription."""
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world[role])
        assert client.post("/newsletter/abmelden/ungueltig/").status_code == 400
    assert Subscriber.objects.get(email="leser@example.org").status == "confirmed"
    assert client.post(resolve_url("/newsletter/abmelden/{manage}/")).status_code == 200
    assert Subscriber.objects.get(email="leser@example.org").status == "unsubscribed"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [("anonymous", LOGIN), ("member", 302)])
def test_members_one_click_needs_a_login(client, world, role, expected):
    if role != "anonymous":
        client.force_login(world[role])
    response = client.post("/newsletter/profil/")
    assert response.status_code == 302
    if expected == LOGIN:
        assert "/login/" in response.url
        assert not Subscriber.objects.filter(user__isnull=False).exists()
    else:
        assert response.url == "/profil/"
        assert Subscriber.objects.get(user=world["member"]).status == "confirmed"


@pytest.mark.django_db
def test_the_manage_page_shows_one_address_only(client, world):
    html = client.get(resolve_url("/newsletter/abo/{manage}/")).content.decode()
    assert "leser@example.org" in html
    assert "offen@example.org" not in html
    html = client.get("/newsletter/abo/ungueltig/").content.decode()
    assert "@example.org" not in html
