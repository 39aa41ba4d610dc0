"""The organisers' admin screens: events with agenda and barcamp grid, registrations, reports."""

import pytest

from events.models import Registration, Report
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(title="Herbstforum", capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted", email="warte@example.org")
    Report.objects.create(event=event, title="Doku", lead="L", body="B")
    return event


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/",
        "/admin/events/event/add/",
        "/admin/events/event/{event}/change/",
        "/admin/events/registration/",
        "/admin/events/registration/{registration}/change/",
        "/admin/events/report/",
        "/admin/events/report/add/",
        "/admin/events/report/{report}/change/",
        "/admin/events/session/",
    ],
)
def test_staff_and_organisation_group_see_the_admin_screens(client, staff, event, url):
    resolved = url.format(
        event=event.pk, registration=event.registrations.first().pk, report=event.report.pk
    )
    client.force_login(staff)
    assert client.get(resolved).status_code == 200
    # The group Organisation has the events permissions (with admin access).
    client.force_login(UserFactory(is_staff=True, groups=["Organisation"]))
    assert client.get(resolved).status_code == 200
    # Other admin users (the editorial team) do not.
    client.force_login(UserFactory(is_staff=True, groups=["Redaktion"]))
    assert client.get(resolved).status_code == 403


def test_seat_count_in_the_list(client, staff, event):
    client.force_login(staff)
    html = client.get("/admin/events/event/").content.decode()
    assert "1 / 1 · 1 auf der Warteliste" in html


def test_raising_capacity_in_the_admin_promotes_the_waitlist(client, staff, event):
    client.force_login(staff)
    response = client.get(f"/admin/events/event/{event.pk}/change/")
    form = response.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in {"organisers"}
    }
    data.update(
        {
            "capacity": 2,
            "starts_at_0": event.starts_at.astimezone().strftime("%d.%m.%Y"),
            "starts_at_1": event.starts_at.astimezone().strftime("%H:%M:%S"),
            "ends_at_0": event.ends_at.astimezone().strftime("%d.%m.%Y"),
            "ends_at_1": event.ends_at.astimezone().strftime("%H:%M:%S"),
            "registration_enabled": "on",
        }
    )
    for prefix in ("agenda_items", "rooms", "slots"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    response = client.post(f"/admin/events/event/{event.pk}/change/", data, follow=True)
    assert response.status_code == 200
    assert "1 Person ist von der Warteliste nachgerückt" in response.content.decode()
    assert Registration.objects.get(email="warte@example.org").status == "confirmed"


def test_cancel_action_tells_the_participants(
    client, staff, event, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/events/event/",
            {"action": "cancel_events", "_selected_action": [event.pk]},
            follow=True,
        )
    assert "Abgesagt. 2 Angemeldete werden per E-Mail benachrichtigt." in response.content.decode()
    event.refresh_from_db()
    assert event.is_cancelled
    assert len(mailoutbox) == 2


def test_registrations_are_not_added_in_the_admin(client, staff):
    client.force_login(staff)
    assert client.get("/admin/events/registration/add/").status_code == 403
