"""Every Selbstcheck URL × {anonymous, member of another municipality, participant, the round's
coordinator, a colleague of the municipality, a coordinator elsewhere, staff}.

A round is seen by its participants, its municipality's coordinators and staff; anybody else
gets 404 (anonymous visitors are asked to log in first)."""

import pytest

from selfcheck.models import Indicator, Participant
from tests.factories import MunicipalityFactory, UserFactory
from tests.permissions import LOGIN, assert_answer, cases

from .builders import join, make_questionnaire, make_round

ROLES = [
    "anonymous",
    "member",
    "participant",
    "coordinator",
    "colleague",
    "other_coordinator",
    "staff",
]
SEES = {"participant": 200, "coordinator": 200, "staff": 200}
HIDDEN = {"member": 404, "colleague": 404, "other_coordinator": 404}
ROUND_VIEW = {"anonymous": LOGIN, **HIDDEN, **SEES}
COORDINATION = {"anonymous": LOGIN, **HIDDEN, "participant": 403, "coordinator": 200, "staff": 200}
POST_ONLY = {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN}
ANSWERING = {"anonymous": LOGIN, **HIDDEN, "participant": 200, "coordinator": 200, "staff": 403}

MATRIX = [
    ("/selbstcheck/", dict.fromkeys(ROLES, 200)),
    (
        "/selbstcheck/runden/neu/",
        {
            **dict.fromkeys(ROLES, 403),
            "anonymous": LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
        },
    ),
    ("/selbstcheck/runden/{round}/", ROUND_VIEW),
    ("/selbstcheck/runden/999999/", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    # POST-only actions: GET is refused before anything is looked up (405 for everybody);
    # what outsiders get when they POST is tested below.
    ("/selbstcheck/runden/{round}/einladen/", POST_ONLY),
    ("/selbstcheck/runden/{round}/erinnern/", POST_ONLY),
    ("/selbstcheck/runden/{round}/abschliessen/", COORDINATION),
    ("/selbstcheck/runden/{round}/fragen/", {**ANSWERING, "participant": 302, "coordinator": 302}),
    ("/selbstcheck/runden/{round}/fragen/f1/", ANSWERING),
    ("/selbstcheck/runden/{round}/fragen/f1/{indicator}/", POST_ONLY),
    ("/selbstcheck/runden/{round}/auswertung/", ROUND_VIEW),
    ("/selbstcheck/runden/{round}/auswertung.pdf", ROUND_VIEW),
    ("/selbstcheck/runden/{round}/antworten.csv", COORDINATION),  # everybody's raw answers
    (
        "/selbstcheck/einladung/{token}/",
        {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN},
    ),
    ("/selbstcheck/einladung/falsch/", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
]


@pytest.fixture
def world(db):
    jena = MunicipalityFactory(name="Jena")
    questionnaire = make_questionnaire()
    coordinator = UserFactory(name="Cora Koordination", municipality=jena, is_coordinator=True)
    round_ = make_round(questionnaire, municipality=jena, coordinator=coordinator)
    participant = UserFactory(name="Paul Teilnehmer")
    join(round_, participant, "sozialamt")
    invitation = Participant.objects.create(round=round_, email="offen@example.org")
    people = {
        "member": UserFactory(name="Mara Mitglied", municipality=MunicipalityFactory()),
        "participant": participant,
        "coordinator": coordinator,
        "colleague": UserFactory(name="Kai Kollege", municipality=jena),
        "other_coordinator": UserFactory(
            name="Olaf Anderswo", municipality=MunicipalityFactory(), is_coordinator=True
        ),
        "staff": UserFactory(name="Stella Staff", is_staff=True, is_superuser=True),
    }
    ids = {
        "round": round_.pk,
        "indicator": Indicator.objects.get(code="F1.1").pk,
        "token": invitation.token,
    }
    return people, ids


CASES = cases(MATRIX, ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, world, url, role, expected):
    people, ids = world
    if role != "anonymous":
        client.force_login(people[role])
    resolved = url.format(**ids)
    response = client.get(resolved)
    assert_answer(response, expected, resolved)


def test_every_selfcheck_url_is_in_the_matrix():
    """A new URL in selfcheck/urls.py fails here until it has a row."""
    from django.urls import resolve

    from selfcheck import urls

    covered = {resolve(url.format(round=1, indicator=1, token="t")).url_name for url, _ in MATRIX}
    assert {pattern.name for pattern in urls.urlpatterns} - covered == set()


@pytest.mark.django_db
def test_outsiders_cannot_write_to_a_round(client, world):
    people, ids = world
    indicator = ids["indicator"]
    for role in ("member", "colleague", "other_coordinator"):
        client.force_login(people[role])
        for url, data in [
            (f"/selbstcheck/runden/{ids['round']}/einladen/", {"email": "x@example.org"}),
            (f"/selbstcheck/runden/{ids['round']}/erinnern/", {}),
            (f"/selbstcheck/runden/{ids['round']}/abschliessen/", {}),
            (f"/selbstcheck/runden/{ids['round']}/fragen/f1/", {f"i{indicator}": "4"}),
            (f"/selbstcheck/runden/{ids['round']}/fragen/f1/{indicator}/", {f"i{indicator}": "4"}),
        ]:
            assert client.post(url, data).status_code == 404, (role, url)
    client.force_login(people["participant"])
    response = client.post(
        f"/selbstcheck/runden/{ids['round']}/einladen/", {"email": "x@example.org"}
    )
    assert response.status_code == 403
    assert not Participant.objects.filter(email="x@example.org").exists()
