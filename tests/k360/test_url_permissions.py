"""The permission matrix of the whole URL configuration: every route × {anonymous, member,
member of another municipality, moderator, organiser, staff}, each GET answered as its row in
url_matrix.py says. A route without a row fails here, and so does a row without a route."""

from urllib.parse import urlsplit

import pytest

from tests.permissions import LOGIN
from tests.urlconf import route_keys, routes

from .url_matrix import ADMIN_LOGIN, ROLES, ROWS, RULES, To, expected_row
from .url_world import url

# One route per key: a name two routes share resolves to the first of them.
ROUTES = {route.key: route for route in reversed(routes())}
KEYS = sorted(ROUTES)


def test_every_route_has_a_row():
    """A new URL fails here until url_matrix.py says who may see it."""
    assert [key for key in KEYS if expected_row(key) is None] == []


def test_every_row_and_rule_has_a_route():
    keys = route_keys()
    assert sorted(set(ROWS) - keys) == []
    assert [rule.description for rule in RULES if not any(map(rule.matches, keys))] == []


def test_every_row_names_every_role():
    for key in KEYS:
        assert set(expected_row(key)) == set(ROLES), key


def test_the_matrix_covers_all_apps():
    assert len(KEYS) > 250
    for prefix in ("admin:", "account_", "mfa_", "network:", "blog:", "events:", "selfcheck:"):
        assert any(key.startswith(prefix) for key in KEYS), prefix
    for prefix in ("forums:", "newsletters:", "usersessions_"):
        assert any(key.startswith(prefix) for key in KEYS), prefix


def location(world: dict, target: str, requested: str) -> str:
    if target.startswith("/") or target.startswith("{"):
        return target.format(url=requested)
    return url(world, ROUTES[target])


def mismatch(world: dict, response, expected, requested: str) -> str | None:
    """None when the response is the expected answer, else what it was instead."""
    status = response.status_code
    if expected in (LOGIN, ADMIN_LOGIN) or isinstance(expected, To):
        where = urlsplit(response.url).path if status == 302 else None
        if expected == LOGIN:
            wanted = "/konto/login/"
        elif expected == ADMIN_LOGIN:
            wanted = "/admin/login/"
        else:
            wanted = location(world, expected.target, requested)
        return None if where == wanted else f"{status} {where or ''}".strip()
    return None if status == expected else str(status)


@pytest.mark.parametrize("key", [key for key in KEYS if expected_row(key) is not None])
def test_permission_matrix(url_world, client_as, key):
    """One route, GET by all six roles; the failure names every role answered otherwise."""
    requested = url(url_world, ROUTES[key])
    row = expected_row(key)
    wrong = {}
    for role in ROLES:
        answer = mismatch(url_world, client_as(role).get(requested), row[role], requested)
        if answer is not None:
            wrong[role] = f"expected {row[role]}, got {answer}"
    assert wrong == {}, requested


def test_a_municipality_sees_only_its_own_rounds(url_world, client_as):
    """The Selbstcheck's start page lists the rounds one may see: Jena's round is not
    Erfurt's business."""
    round_url = url(url_world, ROUTES["selfcheck:round-detail"])
    assert round_url in client_as("member").get("/selbstcheck/").content.decode()
    for role in ("anonymous", "other", "moderator", "organiser"):
        assert round_url not in client_as(role).get("/selbstcheck/").content.decode(), role
