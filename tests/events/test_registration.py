"""Registration: members in one step, visitors by double opt-in, capacity and the waitlist."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def register(client, event, data=None):
    return client.post(f"/veranstaltungen/{event.slug}/anmelden/", data or {})


def visitor_data(**overrides):
    return {
        "name": "Gesa Gast",
        "email": "gesa@example.org",
        "organisation": "Landkreis Beispiel",
        "dietary_needs": "vegetarisch",
        "consent": "on",
        **overrides,
    }


def ics_of(mail) -> Calendar:
    (attachment,) = [a for a in mail.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def test_member_registers_in_one_step(
    client, member, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(title="Werkstattgespräch Kita", capacity=2)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, {"dietary_needs": "vegan"})
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.status == Status.CONFIRMED
    assert registration.user == member and registration.email == member.email
    assert registration.dietary_needs == "vegan"
    (mail,) = mailoutbox
    assert mail.subject == "Anmeldung bestätigt: Werkstattgespräch Kita"
    assert f"/veranstaltungen/anmeldung/{registration.token}/" in mail.body
    vevent = ics_of(mail).walk("VEVENT")[0]
    assert str(vevent["UID"]) == event.uid
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Sie sind angemeldet" in page
    assert "Anmeldung absagen" in page


def test_full_event_puts_people_on_the_waitlist(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for user in (first, second, third):
            services.registration_create(event=event, user=user)
    statuses = dict(Registration.objects.values_list("user", "status"))
    assert statuses == {
        first.pk: Status.CONFIRMED,
        second.pk: Status.WAITLISTED,
        third.pk: Status.WAITLISTED,
    }
    waitlisted_mail = next(m for m in mailoutbox if third.email in m.to)
    assert "Warteliste, auf Platz 2" in waitlisted_mail.body
    assert not waitlisted_mail.attachments  # no calendar entry without a seat
    client.force_login(third)
    assert "Warteliste, auf Platz 2" in client.get(event.get_absolute_url()).content.decode()


def test_cancelling_promotes_the_first_waitlisted(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1, title="Barcamp Süd")
    holder, waiting, later = UserFactory(), UserFactory(), UserFactory()
    for user in (holder, waiting, later):
        services.registration_create(event=event, user=user)
    mailoutbox.clear()
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/veranstaltungen/{event.slug}/abmelden/")
    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("user", "status"))
    assert statuses[holder.pk] == Status.CANCELLED
    assert statuses[waiting.pk] == Status.CONFIRMED
    assert statuses[later.pk] == Status.WAITLISTED
    promoted_mail = next(m for m in mailoutbox if waiting.email in m.to)
    assert promoted_mail.subject.startswith("Ein Platz ist frei geworden")
    assert ics_of(promoted_mail).walk("VEVENT")[0]["SUMMARY"] == "Barcamp Süd"
    assert next(m for m in mailoutbox if holder.email in m.to).subject.startswith("Abgesagt")
    assert not [m for m in mailoutbox if later.email in m.to]
    later_registration = Registration.objects.get(user=later)
    assert services.registration_position(later_registration) == 1


def test_cancelling_a_waitlist_place_promotes_nobody():
    event = EventFactory(capacity=1)
    holder, waiting, later = UserFactory(), UserFactory(), UserFactory()
    for user in (holder, waiting, later):
        services.registration_create(event=event, user=user)
    services.registration_cancel(registration=Registration.objects.get(user=waiting))
    assert Registration.objects.get(user=holder).status == Status.CONFIRMED
    assert Registration.objects.get(user=later).status == Status.WAITLISTED


def test_visitor_confirms_by_email_before_the_seat_counts(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1, title="Herbstforum 2026")
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, visitor_data())
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.content.decode()
    registration = Registration.objects.get(email="gesa@example.org")
    assert registration.status == Status.PENDING
    assert registration.consent_at is not None
    event.refresh_from_db()
    assert Event.objects.with_seats().get(pk=event.pk).confirmed_count == 0
    (mail,) = mailoutbox
    assert mail.subject == "Bitte bestätigen Sie Ihre Anmeldung: Herbstforum 2026"
    confirm = f"/veranstaltungen/anmeldung/{registration.token}/bestaetigen/"
    assert confirm in mail.body

    page = client.get(confirm)
    assert page.status_code == 200
    assert "Ja, ich nehme teil" in page.content.decode()
    assert (
        Registration.objects.get(pk=registration.pk).status == Status.PENDING
    )  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response.status_code == 302
    assert response.url == registration.manage_url()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert mailoutbox[-1].subject == "Anmeldung bestätigt: Herbstforum 2026"
    assert ics_of(mailoutbox[-1])
    # Following the link again changes nothing.
    assert client.post(confirm).status_code == 302
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1


def test_expired_confirmation_link_changes_nothing(client):
    event = EventFactory()
    registration = services.registration_create(
        event=event, name="Paul Spät", email="spaet@example.org", consent=True
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    for method in (client.get, client.post):
        response = method(registration.confirm_url())
        assert response.status_code == 410
        assert "Dieser Bestätigungslink ist abgelaufen" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == Status.PENDING


def test_unknown_link_is_a_clear_404(client):
    response = client.get("/veranstaltungen/anmeldung/gibt-es-nicht/bestaetigen/")
    assert response.status_code == 404
    assert "Dieser Link ist ungültig" in response.content.decode()
    assert client.get("/veranstaltungen/anmeldung/gibt-es-nicht/").status_code == 404


def test_member_registering_twice_is_told_and_nothing_changes(client, member):
    event = EventFactory()
    client.force_login(member)
    register(client, event)
    response = register(client, event)
    assert response.status_code == 409
    assert "Sie sind für diese Veranstaltung bereits angemeldet." in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_visitor_registering_twice_with_the_same_address(client):
    event = EventFactory()
    register(client, event, visitor_data())
    response = register(client, event, visitor_data(email="GESA@example.org", name="Noch mal"))
    assert response.status_code == 409
    assert "bereits eine Anmeldung vor" in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_an_abandoned_pending_registration_does_not_block_a_new_one(client):
    event = EventFactory()
    register(client, event, visitor_data())
    Registration.objects.update(created_at=timezone.now() - timedelta(days=3))
    response = register(client, event, visitor_data())
    assert response.status_code == 200
    assert Registration.objects.filter(event=event).count() == 1
    assert Registration.objects.get().created_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("event_fields", "message"),
    [
        (
            {"registration_closes_at": timezone.now() - timedelta(hours=1)},
            "Die Anmeldefrist ist abgelaufen.",
        ),
        ({"status": "cancelled"}, "Diese Veranstaltung wurde abgesagt."),
        ({"registration_opens_at": timezone.now() + timedelta(days=2)}, "Die Anmeldung öffnet am"),
    ],
)
def test_closed_registration_is_refused_for_members_and_visitors(
    client, member, event_fields, message
):
    event = EventFactory(**event_fields)
    response = register(client, event, visitor_data())
    assert response.status_code == 409
    assert message in response.content.decode()
    client.force_login(member)
    response = register(client, event)
    assert response.status_code == 409
    assert message in response.content.decode()
    assert not Registration.objects.exists()
    # The event page says so instead of showing a form.
    page = client.get(event.get_absolute_url()).content.decode()
    assert message in page
    assert "Verbindlich anmelden" not in page


def test_members_only_event_refuses_visitors(client):
    event = EventFactory(audience="members")
    response = register(client, event, visitor_data())
    assert response.status_code == 302
    assert response.url == f"/konto/login/?next=/veranstaltungen/{event.slug}/"
    login_page = client.get(response.url).content.decode()
    assert "Diese Veranstaltung ist nur für Mitglieder des Netzwerks." in login_page
    with pytest.raises(ValidationError) as error:
        services.registration_create(event=event, name="X", email="x@example.org", consent=True)
    assert error.value.code == "members_only"
    assert "nur für Mitglieder" in error.value.messages[0]
    assert not Registration.objects.exists()


def test_invalid_visitor_form_shows_german_errors_and_saves_nothing(client):
    event = EventFactory()
    response = register(client, event, visitor_data(email="kein-mail", consent=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
    assert "Ohne Ihre Einwilligung können wir Ihre Anmeldung nicht speichern." in html
    assert not Registration.objects.exists()


def test_too_long_needs_are_refused(client, member):
    client.force_login(member)
    event = EventFactory()
    response = register(client, event, {"accessibility_needs": "x" * 1001})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_register_needs_post(client):
    event = EventFactory()
    assert client.get(f"/veranstaltungen/{event.slug}/anmelden/").status_code == 405


def test_cancel_by_emailed_link_promotes_and_is_idempotent(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    guest = RegistrationFactory(event=event)
    waiting = services.registration_create(event=event, user=UserFactory())
    page = client.get(guest.manage_url())
    assert page.status_code == 200
    assert "Anmeldung absagen" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(guest.manage_url()).status_code == 302
    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    assert client.post(guest.manage_url()).status_code == 302  # again: nothing more happens
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1
    assert "Diese Anmeldung ist abgesagt." in client.get(guest.manage_url()).content.decode()


def test_after_cancelling_one_may_register_again(client, member):
    event = EventFactory()
    client.force_login(member)
    register(client, event)
    client.post(f"/veranstaltungen/{event.slug}/abmelden/")
    assert register(client, event).status_code == 302
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 1


def test_online_link_only_for_confirmed_participants(client, member):
    event = EventFactory(
        kind="online", online_url="https://konferenz.example.org/raum-7", capacity=1
    )
    assert "raum-7" not in client.get(event.get_absolute_url()).content.decode()
    other = UserFactory()
    services.registration_create(event=event, user=other)  # takes the only seat
    client.force_login(member)
    register(client, event)
    assert Registration.objects.get(user=member).status == Status.WAITLISTED
    assert "raum-7" not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(other)
    assert "raum-7" in client.get(event.get_absolute_url()).content.decode()


def test_raising_the_capacity_moves_people_up(django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(capacity=1)
    users = [UserFactory() for _ in range(4)]
    for user in users:
        services.registration_create(event=event, user=user)
    event.capacity = 3
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.event_fill_from_waitlist(event=event)
    assert [r.user for r in promoted] == users[1:3]
    assert Registration.objects.get(user=users[3]).status == Status.WAITLISTED


def test_cancelling_an_event_tells_everybody_with_a_calendar_cancellation(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    for user in (UserFactory(), UserFactory()):
        services.registration_create(event=event, user=user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_cancel(event=event, message="Der Saal ist gesperrt.") == 2
    assert len(mailoutbox) == 2
    assert all(m.subject.startswith("Die Veranstaltung fällt aus") for m in mailoutbox)
    assert "Der Saal ist gesperrt." in mailoutbox[0].body
    assert ics_of(mailoutbox[0]).walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert services.event_cancel(event=event) == 0  # twice: nobody is told again


def test_deleting_an_account_frees_its_seat(client, member, password):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=member)
    waiting = services.registration_create(event=event, user=UserFactory())
    client.force_login(member)
    response = client.post("/profil/loeschen/", {"password": password, "confirm": "on"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert not Registration.objects.filter(email=member.email).exists()


def test_my_data_lists_registrations(client, member):
    event = EventFactory(title="Netzwerktreffen Ost")
    services.registration_create(event=event, user=member, dietary_needs="vegan")
    client.force_login(member)
    data = client.get("/profil/daten/").json()
    assert data["veranstaltungen"][0]["veranstaltung"] == "Netzwerktreffen Ost"
    assert data["veranstaltungen"][0]["ernaehrung"] == "vegan"


def test_too_long_visitor_address_is_a_german_form_error_not_a_500(client):
    # Found by tests/k360/test_form_fuzz.py: the column holds 254 characters.
    event = EventFactory()
    response = register(client, event, visitor_data(email="a" * 250 + "@example.org"))
    assert response.status_code == 400
    assert "höchstens 254 Zeichen" in response.content.decode()
    assert not Registration.objects.exists()


def test_link_with_a_nul_byte_is_a_clear_404_not_a_500(client):
    # Found by tests/k360/test_form_fuzz.py: PostgreSQL refuses a NUL in a query.
    for url in ["/veranstaltungen/anmeldung/%00/bestaetigen/", "/veranstaltungen/anmeldung/a%00/"]:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
