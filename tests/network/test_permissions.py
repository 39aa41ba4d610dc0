"""Every network URL × {anonymous, member, member with hidden profile, coordinator, staff}."""

import pytest

from network.models import User
from tests.factories import MunicipalityFactory, UserFactory
from tests.permissions import LOGIN, assert_answer, cases

ROLES = ["anonymous", "member", "hidden_member", "coordinator", "staff"]

# (url, {role: expected status or LOGIN})
MATRIX = [
    ("/netzwerk/", dict.fromkeys(ROLES, 200)),
    ("/netzwerk/kommunen/jena/", dict.fromkeys(ROLES, 200)),
    ("/netzwerk/kommunen/gibt-es-nicht/", dict.fromkeys(ROLES, 404)),
    ("/netzwerk/mitglieder/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/netzwerk/mitglieder/{public}/", dict.fromkeys(ROLES, 200)),
    ("/netzwerk/mitglieder/{members_only}/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    (
        "/netzwerk/mitglieder/{hidden}/",
        {"anonymous": LOGIN, "member": 404, "hidden_member": 404, "coordinator": 404, "staff": 200},
    ),
    ("/netzwerk/mitglieder/{self}/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/netzwerk/mitglieder/999999/", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    (
        "/netzwerk/mitglieder/{members_only}/kontakt/",
        {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN},
    ),
    (
        "/netzwerk/mitglieder/{hidden}/kontakt/",
        {"anonymous": LOGIN, "member": 404, "hidden_member": 404, "coordinator": 404, "staff": 200},
    ),
    ("/netzwerk/mitglieder/{self}/kontakt/", {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN}),
    ("/netzwerk/mitmachen/", dict.fromkeys(ROLES, 200)),
    ("/netzwerk/mitmachen/danke/", dict.fromkeys(ROLES, 200)),
    ("/netzwerk/mitmachen/einladung/ungueltig/", dict.fromkeys(ROLES, 404)),
    ("/profil/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/profil/daten/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/profil/loeschen/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    (
        "/admin/network/membershipapplication/",
        {**dict.fromkeys(ROLES, LOGIN), "staff": 200},
    ),
    ("/admin/network/municipality/import/", {**dict.fromkeys(ROLES, LOGIN), "staff": 200}),
]


@pytest.fixture
def people(db):
    jena = MunicipalityFactory(name="Jena", slug="jena", bundesland="16", ags="16053000")
    return {
        "public": UserFactory(name="Public Paula", profile_visibility=User.Visibility.PUBLIC),
        "members_only": UserFactory(name="Member Mona"),
        "hidden": UserFactory(name="Hidden Hugo", profile_visibility=User.Visibility.HIDDEN),
        "member": UserFactory(name="Viewer Vera", municipality=jena),
        "hidden_member": UserFactory(
            name="Hidden Viewer", profile_visibility=User.Visibility.HIDDEN
        ),
        "coordinator": UserFactory(name="Coordinator Cora", municipality=jena, is_coordinator=True),
        "staff": UserFactory(name="Staff Stella", is_staff=True, is_superuser=True),
    }


CASES = cases(MATRIX, ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, people, url, role, expected):
    viewer = people.get(role)
    if viewer is not None:
        client.force_login(viewer)
    self_pk = viewer.pk if viewer is not None else people["member"].pk
    resolved = url.format(
        public=people["public"].pk,
        members_only=people["members_only"].pk,
        hidden=people["hidden"].pk,
        self=self_pk,
    )
    response = client.get(resolved)
    assert_answer(response, expected, resolved)


def test_every_network_url_is_in_the_matrix():
    """A new URL in network/urls.py (or under /profil/) fails here until it has a row."""
    from django.urls import resolve

    from network import urls

    covered = {
        resolve(url.format(public=1, members_only=1, hidden=1, self=1)).url_name
        for url, _ in MATRIX
    }
    expected = {pattern.name for pattern in urls.urlpatterns}
    expected |= {"profile", "my-data", "account-delete"}
    assert expected - covered == set()
