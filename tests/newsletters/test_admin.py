"""The newsletter desk in the admin: preview, recipients, test mail, schedule, send, cancel,
progress; subscribers with their consent record; deliveries read-only.

Celery runs eagerly: a started newsletter is sent within the test into `mailoutbox`."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.models import Delivery, Newsletter, Subscriber, Topic
from newsletters.tokens import unsubscribe_url
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Delivery.State
ADMIN = "/admin/newsletters"


def subscribers(*emails, status=Subscriber.Status.CONFIRMED, **fields):
    return Subscriber.objects.bulk_create(
        Subscriber(email=email, status=status, confirmed_at=timezone.now(), **fields)
        for email in emails
    )


def make_newsletter(**fields) -> Newsletter:
    defaults = {
        "subject": "Neues aus dem Netzwerk",
        "slug": "ausgabe-1",
        "body": "## Hallo\n\nText.",
    }
    return Newsletter.objects.create(**{**defaults, **fields})


def sending_newsletter(states: dict[str, str]) -> Newsletter:
    """A newsletter on its way, with deliveries in the given states (no worker involved)."""
    issue = make_newsletter(
        status=Newsletter.Status.SENDING, started_at=timezone.now() - timedelta(minutes=2)
    )
    Delivery.objects.bulk_create(
        Delivery(newsletter=issue, email=email, state=state) for email, state in states.items()
    )
    return issue


def url(issue: Newsletter, page: str = "change") -> str:
    return f"{ADMIN}/newsletter/{issue.pk}/{page}/"


@pytest.fixture
def issue(db):
    subscribers("anna@example.org", "bernd@example.org", "carla@example.org")
    return make_newsletter()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


PAGES = [
    "newsletter/",
    "newsletter/add/",
    "newsletter/{issue}/change/",
    "newsletter/{issue}/vorschau/",
    "newsletter/{issue}/vorschau/html/",
    "newsletter/{issue}/empfaenger/",
    "newsletter/{issue}/test/",
    "newsletter/{issue}/planen/",
    "newsletter/{issue}/senden/",
    "newsletter/{issue}/abbrechen/",
    "newsletter/{issue}/fortschritt/",
    "subscriber/",
    "subscriber/{subscriber}/change/",
    "subscriber/{subscriber}/einwilligung/",
    "delivery/",
    "topic/",
]


@pytest.mark.parametrize("page", PAGES)
def test_staff_see_the_pages_others_are_refused(client, staff, issue, page):
    address = f"{ADMIN}/" + page.format(issue=issue.pk, subscriber=Subscriber.objects.first().pk)
    client.force_login(staff)
    assert client.get(address).status_code == 200
    # A member without admin access is sent to the login.
    client.force_login(UserFactory())
    response = client.get(address)
    assert response.status_code == 302 and "/login/" in response["Location"]
    # Staff without the newsletter permissions see nothing of it.
    client.force_login(UserFactory(is_staff=True))
    assert client.get(address).status_code == 403


def test_actions_by_members_or_staff_without_rights_change_nothing(client, issue, mailoutbox):
    for user in (UserFactory(), UserFactory(is_staff=True)):
        client.force_login(user)
        for page in ("senden", "planen", "abbrechen", "test"):
            response = client.post(
                url(issue, page), {"at": "2099-01-01T10:00", "email": user.email}
            )
            assert response.status_code in {302, 403}
            if response.status_code == 302:
                assert "/login/" in response["Location"]
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT
    assert not Delivery.objects.exists() and mailoutbox == []


def test_actions_need_the_csrf_token(staff, issue, mailoutbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    for page in ("senden", "abbrechen", "test"):
        assert client.post(url(issue, page), {"email": staff.email}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT and mailoutbox == []


def test_the_list_shows_counts_in_one_query(staff_client):
    sending_newsletter({"a@example.org": State.SENT, "b@example.org": State.FAILED})
    Newsletter.objects.filter(slug="ausgabe-1").update(slug="alt")
    sending_newsletter({"c@example.org": State.SENT, "d@example.org": State.QUEUED})

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(f"{ADMIN}/newsletter/").status_code == 200
        return len(queries)

    few = list_queries()
    for number in range(5):
        make_newsletter(slug=f"entwurf-{number}")
    assert list_queries() == few
    response = staff_client.get(f"{ADMIN}/newsletter/")
    rows = {
        result.pk: (result.delivery_count, result.sent_count, result.failed_count)
        for result in response.context["cl"].result_list
        if result.delivery_count
    }
    assert sorted(rows.values()) == [(2, 1, 0), (2, 1, 1)]


def test_the_change_page_shows_the_recipient_count_and_the_buttons(staff_client, issue):
    html = staff_client.get(url(issue)).content.decode()
    assert "Empfänger:innen: <strong>3</strong> Adressen" in html
    for label in ("Vorschau", "Test an mich", "Planen", "Jetzt senden"):
        assert f">{label}</a>" in html
    assert url(issue, "senden") in html
    assert "Auf der Website anzeigen" not in html  # a draft has no public page


def test_recipients_page_shows_count_and_a_sample_of_ten(staff_client):
    subscribers(*(f"person{n:02d}@example.org" for n in range(14)))
    subscribers("weg@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    issue = make_newsletter()
    response = staff_client.get(url(issue, "empfaenger"))
    html = response.content.decode()
    assert response.context["recipient_count"] == 14
    assert len(response.context["sample"]) == 10
    assert "person00@example.org" in html and "person13@example.org" not in html
    assert "weg@example.org" not in html
    assert "Stichprobe: die ersten 10 Adressen" in html


def test_recipients_of_an_event_narrowed_to_its_participants(staff_client):
    event = EventFactory(title="Herbstforum")
    RegistrationFactory(event=event, email="gast@example.org")
    issue = make_newsletter(audience=Newsletter.Audience.EVENT_PARTICIPANTS, event=event)
    response = staff_client.get(url(issue, "empfaenger"))
    assert response.context["recipient_count"] == 1
    assert "gast@example.org" in response.content.decode()


def test_preview_shows_html_in_a_sandboxed_frame_and_the_text(staff_client, staff, issue):
    html = staff_client.get(url(issue, "vorschau")).content.decode()
    assert f'src="{url(issue, "vorschau/html")}" sandbox' in html
    assert "Text." in html and "http://testserver" + unsubscribe_url(staff.email) in html
    response = staff_client.get(url(issue, "vorschau/html"))
    mail = response.content.decode()
    assert '<h2 style="' in mail and "Neues aus dem Netzwerk" in mail
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "frame-ancestors 'self'" in policy
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The admin's own pages keep the strict policy.
    assert "unsafe-inline" not in staff_client.get(url(issue))["Content-Security-Policy"]


def test_send_now_sends_each_recipient_one_mail_and_flips_the_status(
    staff_client, issue, mailoutbox, django_capture_on_commit_callbacks
):
    confirmation = staff_client.get(url(issue, "senden")).content.decode()
    assert "Jetzt an 3 Adressen senden" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url(issue, "senden"), follow=True)
    assert "Der Versand an 3 Empfänger:innen hat begonnen." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT
    assert Delivery.objects.filter(newsletter=issue, state=State.SENT).count() == 3
    recipients = sorted(mail.to[0] for mail in mailoutbox)
    assert recipients == ["anna@example.org", "bernd@example.org", "carla@example.org"]
    for mail in mailoutbox:
        assert mail.extra_headers["List-Unsubscribe"].startswith("<http://testserver/newsletter/")
        assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        personal = "http://testserver" + unsubscribe_url(mail.to[0])
        assert personal in mail.body and personal in mail.alternatives[0][0]
    # Once on its way, the newsletter is a record: no more changes.
    assert staff_client.post(url(issue), {"subject": "Neu"}).status_code == 403
    page = staff_client.get(url(issue)).content.decode()
    assert 'name="_save"' not in page and ">Jetzt senden</a>" not in page
    assert "100 %" in page
    assert staff_client.get(url(issue, "delete")).status_code == 403


def test_sending_twice_is_refused(
    staff_client, issue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url(issue, "senden"))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url(issue, "senden"), follow=True)
    assert (
        "Dieser Newsletter wurde schon versendet oder abgebrochen (versendet)."
        in response.content.decode()
    )
    assert Delivery.objects.count() == 3 and len(mailoutbox) == 3


def test_sending_without_recipients_is_refused(staff_client, mailoutbox):
    issue = make_newsletter(audience=Newsletter.Audience.EVENT_PARTICIPANTS, event=EventFactory())
    confirmation = staff_client.get(url(issue, "senden")).content.decode()
    assert "Diese Auswahl erreicht niemanden" in confirmation
    assert "Jetzt an" not in confirmation  # no send button
    response = staff_client.post(url(issue, "senden"), follow=True)
    assert (
        "Dieser Newsletter hat keine Empfänger:innen. Bitte prüfen Sie die Auswahl."
        in response.content.decode()
    )
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT
    assert not Delivery.objects.exists() and mailoutbox == []


def test_a_test_mail_goes_to_ones_own_address_only(staff_client, staff, issue, mailoutbox):
    form = staff_client.get(url(issue, "test")).content.decode()
    assert 'value="staff@example.org"' in form
    response = staff_client.post(url(issue, "test"), {"email": "anna@example.org"})
    assert response.status_code == 200
    assert (
        "Eine Testmail geht nur an Ihre eigene Adresse (staff@example.org)."
        in response.content.decode()
    )
    assert mailoutbox == []
    response = staff_client.post(url(issue, "test"), {"email": "staff@example.org"}, follow=True)
    assert "Die Testmail ist an staff@example.org unterwegs." in response.content.decode()
    (mail,) = mailoutbox
    assert mail.to == ["staff@example.org"]
    assert mail.subject == "[Test] Neues aus dem Netzwerk"
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT and not Delivery.objects.exists()


def test_scheduling_in_the_past_is_refused_in_the_future_accepted(staff_client, issue):
    response = staff_client.post(url(issue, "planen"), {"at": "2020-05-04T10:00"})
    assert "Der geplante Zeitpunkt liegt in der Vergangenheit." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT and issue.scheduled_at is None

    when = timezone.localtime() + timedelta(days=2)
    response = staff_client.post(
        url(issue, "planen"), {"at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SCHEDULED
    assert issue.scheduled_at == when.replace(second=0, microsecond=0)
    html = response.content.decode()
    assert f"Der Newsletter wird am {when:%d.%m.%Y, %H:%M} Uhr versendet." in html
    assert f"geplant für {when:%d.%m.%Y, %H:%M} Uhr" in html


def test_a_scheduled_newsletter_without_recipients_is_refused(staff_client):
    issue = make_newsletter()
    response = staff_client.post(url(issue, "planen"), {"at": "2099-05-04T10:00"})
    assert "keine Empfänger:innen" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT


def test_cancel_stops_the_queued_rows(staff_client):
    issue = sending_newsletter(
        {
            "a@example.org": State.SENT,
            "b@example.org": State.QUEUED,
            "c@example.org": State.QUEUED,
            "d@example.org": State.SENDING,
        }
    )
    confirmation = staff_client.get(url(issue, "abbrechen")).content.decode()
    assert "3 Mails warten noch auf den Versand" in confirmation
    response = staff_client.post(url(issue, "abbrechen"), follow=True)
    assert (
        "Abgebrochen. 2 noch nicht gesendete Mails gehen nicht mehr hinaus."
        in response.content.decode()
    )
    states = dict(Delivery.objects.values_list("email", "state"))
    assert states == {
        "a@example.org": State.SENT,
        "b@example.org": State.CANCELLED,
        "c@example.org": State.CANCELLED,
        "d@example.org": State.SENDING,  # in a worker's hands right now: it finishes
    }
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.CANCELLED
    # A cancelled newsletter is finished: a second cancel is refused.
    response = staff_client.post(url(issue, "abbrechen"), follow=True)
    assert "Dieser Newsletter ist schon fertig." in response.content.decode()


def test_progress_partial_polls_while_sending_and_stops_when_done(staff_client):
    issue = sending_newsletter(
        {
            "a@example.org": State.SENT,
            "b@example.org": State.SENT,
            "c@example.org": State.FAILED,
            "d@example.org": State.QUEUED,
        }
    )
    response = staff_client.get(url(issue, "fortschritt"), HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 2s"' in partial
    assert 'value="75"' in partial and "75 %" in partial
    numbers = response.context["progress"]
    assert (numbers["sent"], numbers["failed"], numbers["waiting"], numbers["total"]) == (
        2,
        1,
        1,
        4,
    )
    assert numbers["rate"] == pytest.approx(1, rel=0.1)  # two sent in two minutes
    assert "pro Minute" in partial and numbers["eta"] is not None

    Delivery.objects.filter(state=State.QUEUED).update(state=State.SENT)
    Newsletter.objects.filter(pk=issue.pk).update(
        status=Newsletter.Status.SENT, finished_at=timezone.now()
    )
    partial = staff_client.get(url(issue, "fortschritt"), HTTP_HX_REQUEST="true")
    partial = partial.content.decode()
    assert "hx-trigger" not in partial and "100 %" in partial and "versendet" in partial
    # Without htmx (no JavaScript) the same numbers come as a whole page.
    page = staff_client.get(url(issue, "fortschritt")).content.decode()
    assert "<html" in page and "100 %" in page and "Neu laden" in page


def test_the_change_page_of_a_sending_newsletter_polls_its_progress(staff_client):
    issue = sending_newsletter({"a@example.org": State.SENT, "b@example.org": State.QUEUED})
    html = staff_client.get(url(issue)).content.decode()
    assert f'hx-get="{url(issue, "fortschritt")}" hx-trigger="every 2s"' in html
    assert "htmx/htmx.min.js" in html and ">Versand abbrechen</a>" in html
    assert "50 %" in html


def test_event_audience_needs_an_event(staff_client, issue):
    response = staff_client.post(
        url(issue),
        {
            "subject": "Neues",
            "slug": "ausgabe-1",
            "body": "Text",
            "from_email": issue.from_email,
            "audience": Newsletter.Audience.EVENT_PARTICIPANTS,
        },
    )
    assert response.status_code == 200
    assert "Bitte wählen Sie die Veranstaltung" in response.content.decode()


def test_editing_a_draft_keeps_status_and_records_the_author(staff_client, staff):
    response = staff_client.post(
        f"{ADMIN}/newsletter/add/",
        {
            "subject": "Erste Ausgabe",
            "slug": "erste-ausgabe",
            "body": "Hallo",
            "from_email": "Kommune 360° <newsletter@kommune360.de>",
            "audience": Newsletter.Audience.SUBSCRIBERS,
            "topics": [Topic.objects.get(slug="praxis").pk],
        },
    )
    assert response.status_code == 302
    issue = Newsletter.objects.get(slug="erste-ausgabe")
    assert issue.created_by == staff and issue.status == Newsletter.Status.DRAFT
    assert list(issue.topics.values_list("slug", flat=True)) == ["praxis"]


def test_consent_record_shows_the_consent(staff_client):
    signed_up = timezone.make_aware(timezone.datetime(2026, 11, 3, 9, 15, 7))
    (subscriber,) = subscribers(
        "anna@example.org",
        name="Anna Beispiel",
        signed_up_at=signed_up,
        consent_version="2026-11",
        consent_text="Ich möchte den Newsletter von Kommune 360° per E-Mail erhalten.",
        signup_source="/newsletter/",
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmed_at=signed_up + timedelta(minutes=4, seconds=2)
    )
    subscriber.topics.add(Topic.objects.get(slug="praxis"))
    html = staff_client.get(f"{ADMIN}/subscriber/{subscriber.pk}/einwilligung/").content.decode()
    for text in (
        "Einwilligungsnachweis",
        "anna@example.org",
        "Anna Beispiel",
        "bestätigt",
        "03.11.2026, 09:15:07 Uhr",
        "03.11.2026, 09:19:09 Uhr",
        "2026-11",
        "Ich möchte den Newsletter von Kommune 360° per E-Mail erhalten.",
        "http://testserver/newsletter/",
        "Beispiele aus den Partnerkommunen",
        "data-k360-print",
    ):
        assert text in html, text
    listing = staff_client.get(f"{ADMIN}/subscriber/").content.decode()
    assert f"{ADMIN}/subscriber/{subscriber.pk}/einwilligung/" in listing


def test_subscriptions_are_not_added_or_changed_in_the_admin(staff_client):
    (subscriber,) = subscribers("anna@example.org")
    assert staff_client.get(f"{ADMIN}/subscriber/add/").status_code == 403
    assert staff_client.get(f"{ADMIN}/subscriber/{subscriber.pk}/delete/").status_code == 403
    change = f"{ADMIN}/subscriber/{subscriber.pk}/change/"
    assert 'name="status"' not in staff_client.get(change).content.decode()
    response = staff_client.post(change, {"email": "anna@example.org", "status": "unsubscribed"})
    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_deliveries_are_read_only(staff_client):
    issue = sending_newsletter({"a@example.org": State.SENT})
    delivery = issue.deliveries.get()
    assert staff_client.get(f"{ADMIN}/delivery/add/").status_code == 403
    assert staff_client.get(f"{ADMIN}/delivery/{delivery.pk}/delete/").status_code == 403
    response = staff_client.post(f"{ADMIN}/delivery/{delivery.pk}/change/", {"state": "queued"})
    assert response.status_code == 403
    listing = staff_client.get(f"{ADMIN}/delivery/?state__exact=sent").content.decode()
    assert "a@example.org" in listing
