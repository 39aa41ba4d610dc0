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


def assert_answer(world: dict, response, expected, requested: str) -> None:
    status = response.status_code
    if expected in (LOGIN, ADMIN_LOGIN) or isinstance(expected, To):
        assert status == 302, (requested, status, expected)
        where = urlsplit(response.url).path
        if expected == LOGIN:
            assert where == "/konto/login/", (requested, response.url)
        elif expected == ADMIN_LOGIN:
            assert where == "/admin/login/", (requested, response.url)
        else:
            assert where == location(world, expected.target, requested), (requested, where)
    else:
        assert status == expected, (requested, status)


CASES = [(key, role) for key in KEYS for role in ROLES if expected_row(key) is not None]


@pytest.mark.parametrize(("key", "role"), CASES)
def test_permission_matrix(url_world, client_as, key, role):
    requested = url(url_world, ROUTES[key])
    response = client_as(role).get(requested)
    assert_answer(url_world, response, expected_row(key)[role], requested)


def test_a_municipality_sees_only_its_own_rounds(url_world, client_as):
    """The Selbstcheck's start page lists the rounds one may see: Jena's round is not
    Erfurt's business."""
    round_url = url(url_world, ROUTES["selfcheck:round-detail"])
    assert round_url in client_as("member").get("/selbstcheck/").content.decode()
    for role in ("anonymous", "other", "moderator", "organiser"):
        assert round_url not in client_as(role).get("/selbstcheck/").content.decode(), role
