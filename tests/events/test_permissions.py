"""Every events URL × {anonymous, member, participant, the event's organiser, group
Organisation, staff}: who may see what, and who gets a 403."""

import pytest

from events import services
from events.models import Report, Session
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.permissions import LOGIN, assert_answer, cases

ROLES = ["anonymous", "member", "participant", "organiser", "organisation", "staff"]
ORGANISERS = {"organiser": 200, "organisation": 200, "staff": 200}
ORGANISER_ONLY = {
    "anonymous": LOGIN,
    "member": 403,
    "participant": 403,
    **ORGANISERS,
}

# (url, {role: expected status or LOGIN}); {barcamp} is public, {intern} members-only,
# {entwurf} a draft; the event's organiser is named on all three.
MATRIX = [
    ("/veranstaltungen/", dict.fromkeys(ROLES, 200)),
    ("/veranstaltungen/kalender.ics", dict.fromkeys(ROLES, 200)),
    ("/veranstaltungen/{barcamp}/", dict.fromkeys(ROLES, 200)),
    ("/veranstaltungen/{barcamp}.ics", dict.fromkeys(ROLES, 200)),
    ("/veranstaltungen/{intern}/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/veranstaltungen/{intern}.ics", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    (
        "/veranstaltungen/{entwurf}/",
        {"anonymous": 404, "member": 404, "participant": 404, **ORGANISERS},
    ),
    (
        "/veranstaltungen/{entwurf}.ics",
        {"anonymous": 404, "member": 404, "participant": 404, **ORGANISERS},
    ),
    ("/veranstaltungen/gibt-es-nicht/", dict.fromkeys(ROLES, 404)),
    ("/veranstaltungen/{barcamp}/anmelden/", dict.fromkeys(ROLES, 405)),
    ("/veranstaltungen/{barcamp}/abmelden/", dict.fromkeys(ROLES, 405)),
    ("/veranstaltungen/{barcamp}/teilnehmende/", ORGANISER_ONLY),
    ("/veranstaltungen/{barcamp}/teilnehmende.csv", ORGANISER_ONLY),
    ("/veranstaltungen/{barcamp}/teilnehmende/checkin/", ORGANISER_ONLY),
    ("/veranstaltungen/{barcamp}/teilnehmende/nachricht/", ORGANISER_ONLY),
    (
        "/veranstaltungen/{intern}/teilnehmende/",
        {**ORGANISER_ONLY, "anonymous": LOGIN},
    ),
    (
        "/veranstaltungen/{entwurf}/teilnehmende/",
        {"anonymous": 404, "member": 404, "participant": 404, **ORGANISERS},
    ),
    ("/veranstaltungen/{barcamp}/sessions/", dict.fromkeys(ROLES, 200)),
    (
        "/veranstaltungen/{barcamp}/sessions/vorschlagen/",
        {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "member": 403},
    ),
    ("/veranstaltungen/{barcamp}/sessions/raster/", ORGANISER_ONLY),
    ("/veranstaltungen/{barcamp}/sessions/{session}/interesse/", dict.fromkeys(ROLES, 405)),
    (
        "/veranstaltungen/{barcamp}/sessions/{session}/notizen/",
        {**ORGANISER_ONLY, "participant": 200},  # the participant hosts this session
    ),
    ("/veranstaltungen/{intern}/sessions/", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("/veranstaltungen/{barcamp}/dokumentation/", dict.fromkeys(ROLES, 200)),
    (
        "/veranstaltungen/{intern}/dokumentation/",
        {"anonymous": LOGIN, "member": 404, "participant": 404, **ORGANISERS},
    ),
    ("/veranstaltungen/anmeldung/{token}/", dict.fromkeys(ROLES, 200)),
    ("/veranstaltungen/anmeldung/{token}/bestaetigen/", dict.fromkeys(ROLES, 302)),
    ("/veranstaltungen/anmeldung/ungueltig/", dict.fromkeys(ROLES, 404)),
    ("/veranstaltungen/anmeldung/ungueltig/bestaetigen/", dict.fromkeys(ROLES, 404)),
]


@pytest.fixture
def world(db):
    organiser = UserFactory(name="Olga Organisatorin")
    people = {
        "member": UserFactory(name="Mara Mitglied"),
        "participant": UserFactory(name="Paula Teilnehmerin"),
        "organiser": organiser,
        "organisation": UserFactory(name="Otto Orga", groups=["Organisation"]),
        "staff": UserFactory(name="Stella Staff", is_staff=True, is_superuser=True),
    }
    barcamp = EventFactory(slug="barcamp", kind="barcamp", organisers=[organiser])
    intern = EventFactory(slug="intern", audience="members", organisers=[organiser])
    EventFactory(slug="entwurf", status="draft", organisers=[organiser])
    services.registration_create(event=barcamp, user=people["participant"])
    session = Session.objects.create(
        event=barcamp, proposer=people["participant"], title="Daten teilen", description="…"
    )
    Report.objects.create(event=barcamp, title="Doku", lead="L", body="B", status="published")
    Report.objects.create(event=intern, title="Doku intern", lead="L", body="B")
    guest = RegistrationFactory(event=barcamp)
    return people, {"session": session.pk, "token": guest.token}


CASES = cases(MATRIX, ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, world, url, role, expected):
    people, ids = world
    if role != "anonymous":
        client.force_login(people[role])
    resolved = url.format(barcamp="barcamp", intern="intern", entwurf="entwurf", **ids)
    response = client.get(resolved)
    assert_answer(response, expected, resolved)


def test_every_events_url_is_in_the_matrix():
    """A new URL in events/urls.py fails here until it has a row."""
    from django.urls import resolve

    from events import urls

    covered = {
        resolve(url.format(barcamp="b", intern="i", entwurf="e", session=1, token="t")).url_name
        for url, _ in MATRIX
    }
    assert {pattern.name for pattern in urls.urlpatterns} - covered == set()


@pytest.mark.django_db
def test_participant_list_and_csv_show_private_data_only_to_organisers(client, world):
    people, _ids = world
    RegistrationFactory(
        event__slug="mit-bedarf",
        name="=1+2",
        accessibility_needs="Gebärdensprache",
    )
    client.force_login(people["member"])
    for url in (
        "/veranstaltungen/barcamp/teilnehmende/",
        "/veranstaltungen/barcamp/teilnehmende.csv",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Paula" not in response.content.decode()
    client.force_login(people["organiser"])
    html = client.get("/veranstaltungen/barcamp/teilnehmende/").content.decode()
    assert "Paula Teilnehmerin" in html
    client.force_login(people["organisation"])
    csv_text = client.get("/veranstaltungen/mit-bedarf/teilnehmende.csv").content.decode(
        "utf-8-sig"
    )
    header, row = csv_text.strip().splitlines()
    assert header.startswith("Name;E-Mail;Organisation;Status")
    assert row.startswith("'=1+2;")  # a formula stays text in the spreadsheet
    assert "Gebärdensprache" in row
