import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from events.models import Event, Report, Session, SessionVote
from forums.models import Comment
from tests.snapshots import table_snapshot


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot() -> dict[str, list[tuple]]:
    return table_snapshot("events_", "forums_comment")


@pytest.mark.django_db
def test_seeding_twice_changes_no_event_row(mailoutbox):
    call_command("seed_demo", force=True)
    first = snapshot()
    for table in [
        "events_event",
        "events_agendaitem",
        "events_registration",
        "events_room",
        "events_timeslot",
        "events_session",
        "events_sessionvote",
        "events_report",
        "events_report_theses",
        "events_contribution",
        "events_reportphoto",
        "events_reportattachment",
    ]:
        assert first[table], f"{table} is empty after seeding"

    call_command("seed_demo", force=True)

    assert snapshot() == first
    assert mailoutbox == []  # demo data goes past the services, so nobody is written to


@pytest.mark.django_db
def test_herbstforum_is_past_and_documented():
    call_command("seed_demo", force=True)
    forum = Event.objects.get(slug="herbstforum-2020")
    assert forum.kind == Event.Kind.HERBSTFORUM
    assert forum.is_past and forum.status == Event.Status.PUBLISHED
    assert not forum.is_members_only
    assert forum.organisers.filter(email="orga@example.org").exists()
    assert forum.agenda_items.count() >= 5
    assert forum.registrations.confirmed().count() >= 3

    report = Report.objects.published().get(event=forum)
    assert report.published_at > forum.ends_at
    assert report.contributions.count() == 2
    assert report.theses.exists()
    photo = report.photos.get()
    assert photo.alt_text and photo.credit
    with Image.open(photo.image.open()) as image:
        assert image.width > 0
    attachment = report.attachments.get()
    assert attachment.size > 0
    assert attachment.file.open().read(5) == b"%PDF-"
    assert Comment.objects.for_target(report).count() >= 2


@pytest.mark.django_db
def test_barcamp_has_voted_sessions_in_a_grid():
    call_command("seed_demo", force=True)
    barcamp = Event.objects.get(kind=Event.Kind.BARCAMP, slug="barcamp-partnerkommunen")
    assert not barcamp.is_past
    assert barcamp.rooms.count() == 3 and barcamp.slots.count() == 3

    sessions = Session.objects.filter(event=barcamp).with_interest()
    assert 6 <= len(sessions) <= 8
    assert all(session.interest > 0 for session in sessions)
    placed = [session for session in sessions if session.is_placed]
    assert len(placed) >= len(sessions) - 2
    assert len({(s.room_id, s.slot_id) for s in placed}) == len(placed)

    # Whoever proposes or marks interest holds a seat, as the board requires of members.
    confirmed = set(barcamp.registrations.confirmed().values_list("user", flat=True))
    assert set(sessions.values_list("proposer", flat=True)) <= confirmed
    voters = SessionVote.objects.filter(session__event=barcamp).values_list("user", flat=True)
    assert len(set(voters)) >= 5 and set(voters) <= confirmed


@pytest.mark.django_db
def test_werkstattgespraech_is_full_with_a_waitlist():
    call_command("seed_demo", force=True)
    event = Event.objects.with_seats().get(kind=Event.Kind.WERKSTATTGESPRAECH)
    assert event.starts_at > timezone.now()
    assert event.capacity and event.confirmed_count == event.capacity
    assert event.is_full and event.registration_is_open

    waitlist = list(event.registrations.waitlisted())
    assert len(waitlist) == 3
    confirmed = list(event.registrations.confirmed())
    assert all(r.queued_at and r.confirmed_at for r in confirmed)
    queue = [r.queued_at for r in confirmed] + [r.queued_at for r in waitlist]
    assert queue == sorted(queue) and len(set(queue)) == len(queue)
    assert max(queue) < timezone.now()
    assert all(r.confirmed_at is None for r in waitlist)
    registrations = event.registrations.all()
    assert any(r.accessibility_needs for r in registrations)
    assert any(r.user_id is None and r.consent_at for r in registrations)


@pytest.mark.django_db
def test_online_event_is_for_members_and_the_netzwerktreffen_has_no_report():
    call_command("seed_demo", force=True)
    online = Event.objects.get(kind=Event.Kind.ONLINE)
    assert online.is_members_only and not online.is_past
    assert online.online_url.startswith("https://") and ".example.org/" in online.online_url
    meeting = Event.objects.get(kind=Event.Kind.NETZWERKTREFFEN)
    assert meeting.is_past
    assert not Report.objects.filter(event=meeting).exists()
