"""Every route refuses a POST without CSRF token with the German CSRF page, and no GET changes
anything: the state-changing routes act on POST only. The deliberate exceptions are listed here
with their reasons, and must be exactly those."""

import pytest
from django.core import mail
from django.db import connection

from newsletters import tokens
from newsletters.models import Subscriber
from tests.urlconf import routes

from .url_matrix import ROLES, expected_row
from .url_world import url

ROUTES = {route.key: route for route in reversed(routes())}
KEYS = sorted(ROUTES)

# Routes whose view is csrf_exempt, and why.
CSRF_EXEMPT = {
    "newsletters:one-click": (
        "RFC 8058 one-click unsubscribe: the mail client POSTs List-Unsubscribe=One-Click "
        "without cookies or a form; the signed token in the URL is the authorisation, and all "
        "it can do is unsubscribe the address it names"
    ),
}

# Routes whose GET writes to the database on purpose, and why: none. (The newsletter's
# double opt-in link asks on GET and confirms by POST, as mail scanners follow links.)
GET_WRITES: dict[str, str] = {}

# Tables a GET may write without changing anything one would call state: the session.
BOOKKEEPING = {"django_session"}


def able_role(key: str) -> str:
    """The role the route is for: the first, in this order, whose GET is answered (200, or 405
    for POST-only routes); else the first that is not turned away; else anonymous."""
    row = expected_row(key)
    order = ["member", "organiser", "moderator", "staff", "other", "anonymous"]
    if key.startswith("admin"):
        order.insert(0, "staff")
    for role in order:
        if row[role] in (200, 405):
            return role
    for role in order:
        if row[role] not in (403, 404, "login", "admin-login"):
            return role
    return "anonymous"


def table_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted per table so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int]) -> set[str]:
    after = table_writes()
    return {
        table
        for table, count in after.items()
        if count != before.get(table, 0) and table not in BOOKKEEPING
    }


def test_the_csrf_exemptions_are_exactly_the_listed_ones():
    exempt = {key for key, route in ROUTES.items() if getattr(route.callback, "csrf_exempt", False)}
    assert exempt == set(CSRF_EXEMPT)


def test_every_role_of_the_sweep_is_used():
    assert {able_role(key) for key in KEYS} <= set(ROLES)
    assert {"anonymous", "member", "staff"} <= {able_role(key) for key in KEYS}


@pytest.mark.parametrize("key", [key for key in KEYS if key not in CSRF_EXEMPT])
def test_a_post_without_csrf_token_is_refused(url_world, client_as, key):
    client = client_as(able_role(key), enforce_csrf_checks=True)
    requested = url(url_world, ROUTES[key])
    before = table_writes()
    response = client.post(requested, {"text": "Ohne Token", "email": "x@example.org"})
    assert response.status_code == 403, requested
    assert "403_csrf.html" in [template.name for template in response.templates], requested
    assert "Formular abgelaufen" in response.content.decode()
    assert changed_tables(before) == set(), requested
    assert mail.outbox == []


@pytest.mark.parametrize("key", KEYS)
def test_a_get_changes_nothing(url_world, client_as, key):
    """Every route, GET by the role it is for: whatever a state-changing route does, it does on
    POST; its GET answers 405 or shows a form."""
    requested = url(url_world, ROUTES[key])
    role = able_role(key)
    client = client_as(role)
    before = table_writes()
    response = client.get(requested)
    assert response.status_code < 500, requested
    changed = changed_tables(before)
    if role != "anonymous":  # the session is bookkeeping, but a GET must not log out
        assert client.session.get("_auth_user_id") == str(url_world["people"][role].pk)
    if key in GET_WRITES:
        assert changed, f"{key} no longer writes on GET: drop it from GET_WRITES"
    else:
        assert changed == set(), requested
        assert mail.outbox == [], requested


def test_a_post_with_the_csrf_token_passes(url_world, client_as):
    """The control: with its token the same kind of POST is not refused."""
    client = client_as("anonymous", enforce_csrf_checks=True)
    client.get("/newsletter/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/newsletter/", {"email": "neu@example.org", "consent": "on", "csrfmiddlewaretoken": token}
    )
    assert response.status_code != 403
    assert Subscriber.objects.filter(email="neu@example.org").exists()


def test_one_click_unsubscribes_on_a_post_without_cookies_only_with_its_signed_link(
    url_world, client_as
):
    client = client_as("anonymous", enforce_csrf_checks=True)
    body = {"List-Unsubscribe": "One-Click"}
    assert client.post("/newsletter/abmelden/gefaelscht/", body).status_code == 400
    assert Subscriber.objects.get(email="leser@example.org").status == "confirmed"
    link = f"/newsletter/abmelden/{tokens.unsubscribe_token('leser@example.org')}/"
    assert client.get(link).status_code == 302  # a browser lands on the page to manage it
    assert Subscriber.objects.get(email="leser@example.org").status == "confirmed"
    response = client.post(link, body)
    assert response.status_code == 200
    assert Subscriber.objects.get(email="leser@example.org").status == "unsubscribed"
