"""Barcamp sessions: proposals, interest marks, the board, the organisers' grid, notes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from events.calendars import event_calendar
from events.models import Room, Session, SessionVote, TimeSlot
from events.services import session_vote_toggle
from tests.factories import EventFactory, RegistrationFactory, UserFactory, bulk_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def barcamp(db):
    return EventFactory(kind="barcamp", title="Barcamp Kinderarmut", slug="barcamp")


@pytest.fixture
def participant(barcamp):
    user = UserFactory(name="Paula Plan")
    RegistrationFactory(event=barcamp, user=user, name=user.name, email=user.email)
    return user


@pytest.fixture
def organiser(db):
    return UserFactory(name="Olga Orga", groups=["Organisation"])


@pytest.fixture
def grid(barcamp):
    """Two rooms and two time slots, the first at 10:00 Berlin time."""
    start = timezone.localtime(barcamp.starts_at).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    rooms = [Room.objects.create(event=barcamp, name=name, order=n) for n, name in enumerate("AB")]
    slots = [
        TimeSlot.objects.create(
            event=barcamp,
            starts_at=start + timedelta(hours=h),
            ends_at=start + timedelta(hours=h + 1),
        )
        for h in (0, 1)
    ]
    return rooms, slots


def _session(event, title="Daten teilen", proposer=None, **fields):
    return Session.objects.create(
        event=event,
        title=title,
        description=fields.pop("description", "Wie teilen Ämter ihre Daten?"),
        proposer=proposer or UserFactory(),
        **fields,
    )


BOARD = "/veranstaltungen/barcamp/sessions/"
PROPOSE = BOARD + "vorschlagen/"
GRID = BOARD + "raster/"


def _vote_url(session):
    return f"{BOARD}{session.pk}/interesse/"


def _notes_url(session):
    return f"{BOARD}{session.pk}/notizen/"


# --- The board -------------------------------------------------------------------------------


def test_only_barcamps_have_a_board(client, participant):
    other = EventFactory(kind="werkstattgespraech", slug="werkstatt")
    client.force_login(participant)
    for url in ("", "vorschlagen/", "raster/", "1/notizen/"):
        assert client.get(f"/veranstaltungen/werkstatt/sessions/{url}").status_code == 404
    session = _session(other)
    assert (
        client.post(f"/veranstaltungen/werkstatt/sessions/{session.pk}/interesse/").status_code
        == 404
    )
    assert not SessionVote.objects.exists()


def test_draft_barcamp_board_is_hidden(client, barcamp, organiser):
    barcamp.status = "draft"
    barcamp.save()
    assert client.get(BOARD).status_code == 404
    client.force_login(UserFactory())
    assert client.get(BOARD).status_code == 404
    client.force_login(organiser)
    assert client.get(BOARD).status_code == 200


def test_members_only_board_asks_visitors_to_log_in(client, barcamp):
    barcamp.audience = "members"
    barcamp.save()
    response = client.get(BOARD)
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")


def test_empty_board_invites_and_explains(client, barcamp, participant):
    html = client.get(BOARD).content.decode()
    assert "Noch keine Vorschläge" in html
    assert "Melden Sie sich an" in html and "registrieren Sie sich" in html
    assert PROPOSE not in html and GRID not in html
    client.force_login(UserFactory())
    html = client.get(BOARD).content.decode()
    assert "Sessions schlagen die angemeldeten Teilnehmer:innen vor" in html
    assert PROPOSE not in html
    client.force_login(participant)
    assert PROPOSE in client.get(BOARD).content.decode()


def test_board_sorts_by_interest_ties_oldest_first(client, barcamp):
    quiet = _session(barcamp, "Leise Session")
    popular = _session(barcamp, "Beliebte Session")
    tied = _session(barcamp, "Gleichstand später")
    tied_first = _session(barcamp, "Gleichstand früher")
    Session.objects.filter(pk=tied_first.pk).update(created_at=tied.created_at - timedelta(hours=1))
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        SessionVote.objects.create(session=popular, user=voter)
    for session in (tied, tied_first):
        SessionVote.objects.create(session=session, user=voters[0])
    html = client.get(BOARD).content.decode()
    titles = ["Beliebte Session", "Gleichstand früher", "Gleichstand später", "Leise Session"]
    positions = [html.index(f'class="kern-heading-small">{title}<') for title in titles]
    assert positions == sorted(positions)
    assert "3 Personen interessiert" in html and "1 Person interessiert" in html
    assert quiet.proposer.display_name in html


def test_board_paginates_after_fifty(client, barcamp):
    proposer = UserFactory()
    Session.objects.bulk_create(
        Session(event=barcamp, title=f"Session {n:02d}", description="x", proposer=proposer)
        for n in range(53)
    )
    first = client.get(BOARD).content.decode()
    assert "Session 00" in first and "Session 49" in first and "Session 50" not in first
    assert "Seite 1 von 2" in first
    second = client.get(BOARD + "?seite=2").content.decode()
    assert "Session 52" in second and "Session 49" not in second
    assert client.get(BOARD + "?seite=abc").status_code == 200


def test_board_queries_do_not_grow_with_sessions_and_votes(
    client, barcamp, participant, grid, django_assert_num_queries
):
    rooms, slots = grid

    def fill(count):
        proposers = bulk_members(count)
        sessions = Session.objects.bulk_create(
            Session(event=barcamp, title=f"S{n}", description="x", proposer=proposers[n])
            for n in range(count)
        )
        SessionVote.objects.bulk_create(
            SessionVote(session=session, user=voter)
            for session in sessions
            for voter in [participant, *proposers[:3]]
        )
        return sessions

    first = fill(3)
    first[0].room, first[0].slot = rooms[0], slots[0]
    first[0].notes = "Ergebnis: **mehr** Austausch."
    first[0].save()
    client.force_login(participant)
    client.get(BOARD)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(BOARD).status_code == 200
    more = fill(57)
    free_cells = [(room, slot) for room in rooms for slot in slots][1:]
    for session, (room, slot) in zip(more, free_cells, strict=False):
        session.room, session.slot = room, slot
        session.save()
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(BOARD).content.decode()
    assert html.count("Interesse zurücknehmen") == 50
    assert len(small.captured_queries) <= 16


def test_placed_sessions_form_the_public_schedule(client, barcamp, grid):
    rooms, slots = grid
    placed = _session(barcamp, "Präventionsketten", room=rooms[1], slot=slots[0])
    placed.notes = "Wir treffen uns **wieder**."
    placed.save()
    _session(barcamp, "Noch offen")
    html = client.get(BOARD).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "<caption" in table and '<th scope="col">B</th>' in table
    assert '<th scope="row">10:00–11:00</th>' in table
    assert "Präventionsketten" in table and "Noch offen" not in table
    assert "<strong>wieder</strong>" in table
    assert table.count("frei") == 3
    # Before anything is placed, there is no schedule yet.
    placed.room = placed.slot = None
    placed.save()
    assert "<table" not in client.get(BOARD).content.decode()


# --- Proposals -------------------------------------------------------------------------------


def test_propose_needs_login_and_registration(client, barcamp):
    response = client.get(PROPOSE)
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    client.force_login(UserFactory())
    response = client.get(PROPOSE)
    assert response.status_code == 403
    assert "Sessions schlagen die angemeldeten Teilnehmer:innen vor" in response.content.decode()
    response = client.post(PROPOSE, {"title": "X", "description": "Y", "format": "workshop"})
    assert response.status_code == 403
    assert not Session.objects.exists()


def test_cancelled_registration_cannot_propose_but_waitlist_can(client, barcamp):
    cancelled, waiting = UserFactory(), UserFactory()
    RegistrationFactory(event=barcamp, user=cancelled, email=cancelled.email, status="cancelled")
    RegistrationFactory(event=barcamp, user=waiting, email=waiting.email, status="waitlisted")
    client.force_login(cancelled)
    assert client.get(PROPOSE).status_code == 403
    client.force_login(waiting)
    assert client.get(PROPOSE).status_code == 200


def test_participant_proposes_a_session(client, barcamp, participant):
    client.force_login(participant)
    assert client.get(PROPOSE).status_code == 200
    response = client.post(
        PROPOSE,
        {"title": "  Daten teilen  ", "description": "Wie geht das?", "format": "workshop"},
        follow=True,
    )
    session = Session.objects.get()
    assert (session.title, session.format, session.proposer) == (
        "Daten teilen",
        "workshop",
        participant,
    )
    assert response.redirect_chain[-1][0] == f"{BOARD}#session-{session.pk}"
    html = response.content.decode()
    assert "Ihr Vorschlag steht jetzt auf dem Board" in html
    assert "Workshop" in html and "Paula Plan" in html


def test_organiser_proposes_without_registration(client, barcamp, organiser):
    client.force_login(organiser)
    response = client.post(
        PROPOSE, {"title": "Begrüßung", "description": "Ablauf", "format": "input"}
    )
    assert response.status_code == 302
    assert Session.objects.get().proposer == organiser


def test_invalid_proposal_is_refused_with_errors(client, barcamp, participant):
    client.force_login(participant)
    response = client.post(PROPOSE, {"title": "", "description": "", "format": "quiz"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte geben Sie Ihrer Session einen Titel." in html
    assert "Bitte beschreiben Sie kurz Ihre Session." in html
    assert "Bitte eine gültige Auswahl treffen." in html
    response = client.post(PROPOSE, {"title": "x" * 201, "description": "y", "format": "workshop"})
    assert response.status_code == 400
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "cancelled"}, "Die Veranstaltung ist abgesagt"),
        ({"starts_at_days": -3}, "Die Veranstaltung ist vorbei"),
    ],
)
def test_no_proposals_after_the_event_or_when_cancelled(
    client, barcamp, participant, change, message
):
    if "status" in change:
        barcamp.status = change["status"]
    else:
        barcamp.starts_at = timezone.now() - timedelta(days=3)
        barcamp.ends_at = barcamp.starts_at + timedelta(hours=6)
    barcamp.save()
    client.force_login(participant)
    response = client.get(PROPOSE)
    assert response.status_code == 200 and message in response.content.decode()
    assert '<form method="post" class="form-narrow"' not in response.content.decode()
    response = client.post(PROPOSE, {"title": "Spät", "description": "x", "format": "workshop"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Session.objects.exists()
    board = client.get(BOARD).content.decode()
    assert message in board and PROPOSE not in board


# --- Interest marks --------------------------------------------------------------------------


def test_vote_is_post_only_and_for_members(client, barcamp):
    session = _session(barcamp)
    client.force_login(UserFactory())
    assert client.get(_vote_url(session)).status_code == 405
    client.logout()
    response = client.post(_vote_url(session))
    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={BOARD}"
    assert not SessionVote.objects.exists()


def test_vote_toggles_and_counts_once_per_member(client, barcamp):
    session = _session(barcamp)
    member = UserFactory()
    client.force_login(member)
    response = client.post(_vote_url(session))
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}#session-{session.pk}"
    assert SessionVote.objects.filter(session=session, user=member).count() == 1
    html = client.get(BOARD).content.decode()
    assert "1 Person interessiert" in html and "Interesse zurücknehmen" in html
    client.post(_vote_url(session), {"seite": "2"})
    assert not SessionVote.objects.exists()
    assert "0 Personen interessiert" in client.get(BOARD).content.decode()


def test_second_mark_by_the_same_member_is_refused_by_the_database(barcamp):
    session = _session(barcamp)
    member = UserFactory()
    assert session_vote_toggle(session=session, user=member) is True
    with pytest.raises(IntegrityError):
        SessionVote.objects.create(session=session, user=member)


def test_vote_with_htmx_returns_only_the_button(client, barcamp):
    session = _session(barcamp, "Offene Daten")
    SessionVote.objects.create(session=session, user=UserFactory())
    client.force_login(UserFactory())
    response = client.post(_vote_url(session), {"seite": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert "2 Personen interessiert" in html and "Interesse zurücknehmen" in html
    assert 'name="seite" value="2"' in html
    html = client.post(_vote_url(session), headers={"HX-Request": "true"}).content.decode()
    assert "1 Person interessiert" in html and "Interesse zurücknehmen" not in html


def test_vote_for_a_session_of_another_barcamp_is_404(client, barcamp):
    other = EventFactory(kind="barcamp", slug="anderes-barcamp")
    foreign = _session(other)
    client.force_login(UserFactory())
    assert client.post(_vote_url(foreign)).status_code == 404
    assert client.post(f"{BOARD}999999/interesse/").status_code == 404
    assert not SessionVote.objects.exists()


def test_vote_after_the_event_is_refused_with_a_message(client, barcamp):
    session = _session(barcamp)
    barcamp.starts_at = timezone.now() - timedelta(days=2)
    barcamp.ends_at = barcamp.starts_at + timedelta(hours=6)
    barcamp.save()
    client.force_login(UserFactory())
    html = client.get(BOARD).content.decode()
    assert _vote_url(session) not in html
    response = client.post(_vote_url(session))
    assert response.status_code == 400
    assert "Die Veranstaltung ist vorbei" in response.content.decode()
    response = client.post(_vote_url(session), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert not SessionVote.objects.exists()


# --- The grid --------------------------------------------------------------------------------


def test_grid_is_for_organisers_only(client, barcamp, participant, grid):
    session = _session(barcamp, proposer=participant)
    rooms, slots = grid
    data = {"session": session.pk, "room": rooms[0].pk, "slot": slots[0].pk}
    response = client.get(GRID)
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    for user in (UserFactory(), participant):
        client.force_login(user)
        assert client.get(GRID).status_code == 403
        assert client.post(GRID, data).status_code == 403
    session.refresh_from_db()
    assert not session.is_placed
    named = UserFactory()
    barcamp.organisers.add(named)
    for user in (named, UserFactory(groups=["Organisation"])):
        client.force_login(user)
        assert client.get(GRID).status_code == 200
    assert "Raster bearbeiten" in client.get(BOARD).content.decode()


def test_organiser_places_and_unplaces_a_session(client, barcamp, organiser, grid):
    session = _session(barcamp, "Daten teilen")
    rooms, slots = grid
    client.force_login(organiser)
    html = client.get(GRID).content.decode()
    assert f'id="id_session_{session.pk}_room"' in html and "– nicht eingeplant –" in html
    response = client.post(
        GRID, {"session": session.pk, "room": rooms[1].pk, "slot": slots[1].pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{GRID}#session-{session.pk}"
    assert "„Daten teilen“ ist eingeplant: B, 11:00–12:00." in response.content.decode()
    session.refresh_from_db()
    assert (session.room, session.slot) == (rooms[1], slots[1])
    response = client.post(GRID, {"session": session.pk, "room": "", "slot": ""}, follow=True)
    assert "„Daten teilen“ ist nicht mehr eingeplant." in response.content.decode()
    session.refresh_from_db()
    assert not session.is_placed


def test_collision_in_the_grid_is_refused_and_nothing_changes(client, barcamp, organiser, grid):
    rooms, slots = grid
    first = _session(barcamp, "Erste", room=rooms[0], slot=slots[0])
    second = _session(barcamp, "Zweite", room=rooms[1], slot=slots[1])
    client.force_login(organiser)
    response = client.post(GRID, {"session": second.pk, "room": rooms[0].pk, "slot": slots[0].pk})
    assert response.status_code == 400
    assert "In A ist um 10:00–11:00 schon „Erste“ geplant." in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.room, first.slot) == (rooms[0], slots[0])
    assert (second.room, second.slot) == (rooms[1], slots[1])


def test_bad_placements_get_a_message_not_a_crash(client, barcamp, organiser, grid):
    rooms, slots = grid
    session = _session(barcamp)
    foreign_room = Room.objects.create(event=EventFactory(kind="barcamp"), name="Fremd")
    client.force_login(organiser)
    response = client.post(GRID, {"session": session.pk, "room": rooms[0].pk, "slot": ""})
    assert response.status_code == 400
    assert "Bitte wählen Sie Raum und Zeitfenster." in response.content.decode()
    for room in (foreign_room.pk, "abc"):
        response = client.post(GRID, {"session": session.pk, "room": room, "slot": slots[0].pk})
        assert response.status_code == 400
        assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    for pk in ("", "abc", 999999, _session(EventFactory(kind="barcamp")).pk):
        assert client.post(GRID, {"session": pk}).status_code == 404
    session.refresh_from_db()
    assert not session.is_placed


def test_grid_without_rooms_explains_where_to_create_them(client, barcamp, organiser):
    _session(barcamp, "Daten teilen")
    client.force_login(organiser)
    html = client.get(GRID).content.decode()
    assert "Es gibt noch keine Räume oder Zeitfenster" in html
    assert "Daten teilen" in html and "<select" not in html


def test_grid_queries_do_not_grow_with_sessions(
    client, barcamp, organiser, grid, django_assert_num_queries
):
    def fill(count):
        proposers = bulk_members(count)
        Session.objects.bulk_create(
            Session(event=barcamp, title="S", description="x", proposer=proposer)
            for proposer in proposers
        )

    fill(3)
    client.force_login(organiser)
    client.get(GRID)
    with CaptureQueriesContext(connection) as small:
        assert client.get(GRID).status_code == 200
    fill(57)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(GRID).content.decode()
    assert html.count("Platzierung speichern") == 60


def test_placed_session_is_in_the_event_calendar(barcamp, grid):
    rooms, slots = grid
    session = _session(barcamp, "Daten teilen", room=rooms[0], slot=slots[1])
    _session(barcamp, "Nicht eingeplant")
    calendar = Calendar.from_ical(event_calendar(barcamp))
    events = {str(c["UID"]): c for c in calendar.walk("VEVENT")}
    assert set(events) == {barcamp.uid, f"session-{session.pk}@kommune360.de"}
    entry = events[session.uid]
    assert str(entry["SUMMARY"]) == "Daten teilen (Barcamp Kinderarmut)"
    assert entry.decoded("DTSTART") == slots[1].starts_at
    assert str(entry["LOCATION"]).startswith("A, ")


# --- Notes -----------------------------------------------------------------------------------


def test_notes_only_for_the_host_and_organisers(client, barcamp, participant, organiser):
    session = _session(barcamp, proposer=participant)
    response = client.get(_notes_url(session))
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    client.force_login(UserFactory())
    response = client.get(_notes_url(session))
    assert response.status_code == 403
    assert "Notizen ergänzen nur die Gastgeber:innen" in response.content.decode()
    assert client.post(_notes_url(session), {"notes": "Fremd"}).status_code == 403
    assert _notes_url(session) not in client.get(BOARD).content.decode()
    for user, text in ((participant, "Vom Host"), (organiser, "Vom Orga-Team")):
        client.force_login(user)
        assert _notes_url(session) in client.get(BOARD).content.decode()
        assert client.post(_notes_url(session), {"notes": text}).status_code == 302
        session.refresh_from_db()
        assert session.notes == text


def test_host_notes_are_shown_sanitised(client, barcamp, participant):
    session = _session(barcamp, proposer=participant)
    client.force_login(participant)
    response = client.post(
        _notes_url(session), {"notes": "Ergebnis: **Austausch** <script>alert(1)</script>"}
    )
    assert response["Location"] == f"{BOARD}#session-{session.pk}"
    html = client.get(BOARD).content.decode()
    assert "<strong>Austausch</strong>" in html and "<script>alert" not in html
    response = client.post(_notes_url(session), {"notes": "x" * 10_001})
    assert response.status_code == 400
    assert "höchstens 10000 Zeichen" in response.content.decode()
    session.refresh_from_db()
    assert session.notes.startswith("Ergebnis")
