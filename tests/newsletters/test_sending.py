"""Sending: audiences, one row per address, exactly-once claiming, failures, the watchdog.

Celery runs eagerly here: a started newsletter is sent within the test through Django's locmem
mail backend. tests/system/ proves the same with a real worker, Redis and SMTP server."""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from events.models import Registration
from newsletters import sending
from newsletters.models import Delivery, Newsletter, Subscriber, Topic
from tests.factories import EventFactory, MunicipalityFactory, RegistrationFactory, UserFactory

State = Delivery.State


def subscribers(*emails, topic=None, status=Subscriber.Status.CONFIRMED):
    rows = Subscriber.objects.bulk_create(
        Subscriber(email=email, status=status, confirmed_at=timezone.now()) for email in emails
    )
    if topic is not None:
        for row in rows:
            row.topics.add(topic)
    return rows


def newsletter(**fields):
    defaults = {
        "subject": "Neues aus dem Netzwerk",
        "slug": "ausgabe-1",
        "body": "## Hallo\n\nText.",
    }
    return Newsletter.objects.create(**{**defaults, **fields})


@pytest.mark.django_db
def test_audiences_and_one_address_once():
    subscribers("a@example.org", "b@example.org")
    subscribers("weg@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    subscribers("offen@example.org", status=Subscriber.Status.PENDING)
    assert {e for e, _n, _s in sending.audience(newsletter())} == {"a@example.org", "b@example.org"}

    partner = MunicipalityFactory(is_partner=True)
    UserFactory(email="Mitglied@Example.org", municipality=partner)
    UserFactory(email="weg@example.org")  # unsubscribed: no audience reaches the address
    UserFactory(email="anderswo@example.org", municipality=MunicipalityFactory(is_partner=False))
    members = {e for e, _n, _s in sending.audience(newsletter(slug="m", audience="members"))}
    assert members == {"mitglied@example.org", "anderswo@example.org"}
    partners = sending.audience(newsletter(slug="p", audience="partner_members"))
    assert [e for e, _n, _s in partners] == ["mitglied@example.org"]

    event = EventFactory()
    RegistrationFactory(event=event, email="gast@example.org")
    RegistrationFactory(event=event, email="GAST@example.org ", status="cancelled")
    RegistrationFactory(event=event, email="warte@example.org", status="waitlisted")
    participants = sending.audience(
        newsletter(slug="e", audience="event_participants", event=event)
    )
    assert [e for e, _n, _s in participants] == ["gast@example.org"]
    assert Registration.objects.count() == 3


@pytest.mark.django_db
def test_topics_narrow_the_subscribers():
    planung, praxis = (
        Topic.objects.get(slug="integrierte-planung"),
        Topic.objects.get(slug="praxis"),
    )
    subscribers("planung@example.org", topic=planung)
    subscribers("praxis@example.org", topic=praxis)
    issue = newsletter()
    issue.topics.add(praxis)
    assert [e for e, _n, _s in sending.audience(issue)] == ["praxis@example.org"]


@pytest.mark.django_db
def test_sending_reaches_each_recipient_once_with_unsubscribe_headers(
    django_capture_on_commit_callbacks, mailoutbox
):
    subscribers(*(f"person{n}@example.org" for n in range(5)))
    issue = newsletter(preheader="Kurz gesagt")
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.newsletter_send(newsletter=issue) == 5
    assert sorted(m.to[0] for m in mailoutbox) == [f"person{n}@example.org" for n in range(5)]
    mail = mailoutbox[0]
    assert mail.subject == "Neues aus dem Netzwerk"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/newsletter/abmelden/"
    )
    assert "http://testserver/newsletter/abo/" in mail.body
    html = mail.alternatives[0][0]
    assert '<h2 style="' in html and "Kurz gesagt" in html
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 5
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SENT}
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT and issue.finished_at


@pytest.mark.django_db
def test_sending_twice_or_to_nobody_is_refused(django_capture_on_commit_callbacks):
    empty = newsletter()
    with pytest.raises(ValidationError, match="keine Empfänger:innen"):
        sending.newsletter_send(newsletter=empty)
    assert not Delivery.objects.exists()
    empty.refresh_from_db()
    assert empty.status == Newsletter.Status.DRAFT
    subscribers("a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_send(newsletter=empty)
    with pytest.raises(ValidationError, match="schon versendet"):
        sending.newsletter_send(newsletter=empty)
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_test_send_only_to_ones_own_address(staff, mailoutbox):
    issue = newsletter()
    with pytest.raises(ValidationError, match="nur an Ihre eigene Adresse"):
        sending.newsletter_test_send(newsletter=issue, user=staff, email="fremd@example.org")
    sending.newsletter_test_send(newsletter=issue, user=staff, email=staff.email.upper())
    (mail,) = mailoutbox
    assert mail.subject == "[Test] Neues aus dem Netzwerk" and mail.to == [staff.email]


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_share_a_row():
    subscribers(*(f"p{n}@example.org" for n in range(300)))
    issue = newsletter()
    Delivery.objects.bulk_create(
        Delivery(newsletter=issue, email=f"p{n}@example.org") for n in range(300)
    )
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    claimed: list[list[int]] = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        claimed.append([d.pk for d in sending.claim(issue.pk, size=100)])
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [pk for batch in claimed for pk in batch]
    assert len(everything) == len(set(everything)) == 300
    assert sorted(len(batch) for batch in claimed) == [0, 100, 100, 100]


class RefusingBackend(EmailBackend):
    """Stands in for an SMTP server that refuses some recipients (the server lies outside)."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("voll"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (452, b"4.2.2 Mailbox full")})
            if message.to[0].startswith("gibtsnicht"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 No such user")})
        return super().send_messages(messages)


@pytest.mark.django_db
def test_permanent_refusal_fails_the_row_and_three_deactivate(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.newsletters.test_sending.RefusingBackend"
    (ghost,) = subscribers("gibtsnicht@example.org")
    subscribers("voll@example.org", "ok@example.org")
    for number in range(3):
        issue = newsletter(slug=f"ausgabe-{number}")
        Delivery.objects.bulk_create(
            Delivery(newsletter=issue, email=email, subscriber_id=pk)
            for email, _name, pk in sending.audience(issue)
        )
        Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
        with pytest.raises(sending.TemporaryFailure):
            sending.send_batch(issue.pk)
        rows = dict(Delivery.objects.filter(newsletter=issue).values_list("email", "state"))
        assert rows == {
            "gibtsnicht@example.org": State.FAILED,
            "voll@example.org": State.QUEUED,  # 4xx: back in the queue for the retry
            "ok@example.org": State.SENT,
        }
        failed = Delivery.objects.get(newsletter=issue, email="gibtsnicht@example.org")
        assert failed.last_error == "550 5.1.1 No such user"
    ghost.refresh_from_db()
    assert ghost.hard_bounces == 3 and ghost.status == Subscriber.Status.INACTIVE
    assert "gibtsnicht@example.org" not in {
        e for e, _n, _s in sending.audience(newsletter(slug="x"))
    }


@pytest.mark.django_db
def test_a_row_fails_for_good_after_five_temporary_refusals(settings):
    settings.EMAIL_BACKEND = "tests.newsletters.test_sending.RefusingBackend"
    subscribers("voll@example.org")
    issue = newsletter()
    Delivery.objects.create(newsletter=issue, email="voll@example.org")
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    for _attempt in range(sending.MAX_ATTEMPTS):
        with pytest.raises(sending.TemporaryFailure):
            sending.send_batch(issue.pk)
    row = Delivery.objects.get()
    assert row.state == State.FAILED and "452" in row.last_error
    assert sending.send_batch(issue.pk) == {"sent": 0, "failed": 0, "later": 0}
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT


@pytest.mark.django_db
def test_watchdog_requeues_abandoned_rows_and_redispatches(
    mailoutbox, django_capture_on_commit_callbacks
):
    subscribers("a@example.org", "b@example.org")
    issue = newsletter()
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.create(
        newsletter=issue, email="a@example.org", state=State.SENDING, claimed_at=long_ago
    )
    Delivery.objects.create(newsletter=issue, email="b@example.org")  # its task was lost
    Newsletter.objects.filter(pk=issue.pk).update(
        status=Newsletter.Status.SENDING, started_at=long_ago
    )
    result = sending.watchdog()
    assert result["requeued"] == 1 and result["dispatched"] == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT


@pytest.mark.django_db
def test_watchdog_leaves_a_newsletter_that_is_progressing_alone():
    subscribers("a@example.org", "b@example.org")
    issue = newsletter()
    Delivery.objects.create(
        newsletter=issue, email="a@example.org", state=State.SENDING, claimed_at=timezone.now()
    )
    Delivery.objects.create(newsletter=issue, email="b@example.org")
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    assert sending.watchdog() == {"requeued": 0, "dispatched": 0, "started": 0}


@pytest.mark.django_db
def test_scheduled_newsletter_starts_on_time(mailoutbox, django_capture_on_commit_callbacks):
    subscribers("a@example.org")
    issue = newsletter()
    with pytest.raises(ValidationError, match="Vergangenheit"):
        sending.newsletter_schedule(newsletter=issue, at=timezone.now() - timedelta(minutes=1))
    sending.newsletter_schedule(newsletter=issue, at=timezone.now() + timedelta(hours=1))
    assert sending.watchdog()["started"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.watchdog(now=timezone.now() + timedelta(hours=2))["started"] == 1
    assert [m.to[0] for m in mailoutbox] == ["a@example.org"]


@pytest.mark.django_db
def test_cancel_stops_what_is_not_sent_yet(mailoutbox):
    subscribers("a@example.org", "b@example.org")
    issue = newsletter()
    Delivery.objects.create(newsletter=issue, email="a@example.org", state=State.SENT)
    Delivery.objects.create(newsletter=issue, email="b@example.org")
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    assert sending.newsletter_cancel(newsletter=issue) == 1
    assert sending.send_batch(issue.pk) == {"sent": 0, "failed": 0, "later": 0}
    assert mailoutbox == []
    assert dict(Delivery.objects.values_list("email", "state")) == {
        "a@example.org": State.SENT,
        "b@example.org": State.CANCELLED,
    }
    with pytest.raises(ValidationError):
        sending.newsletter_cancel(newsletter=issue)


@pytest.mark.django_db
def test_progress_figures():
    issue = newsletter()
    Delivery.objects.bulk_create(
        [
            *(
                Delivery(newsletter=issue, email=f"s{n}@example.org", state=State.SENT)
                for n in range(6)
            ),
            Delivery(newsletter=issue, email="f@example.org", state=State.FAILED),
            *(Delivery(newsletter=issue, email=f"q{n}@example.org") for n in range(3)),
        ]
    )
    Newsletter.objects.filter(pk=issue.pk).update(
        status=Newsletter.Status.SENDING, started_at=timezone.now() - timedelta(minutes=2)
    )
    issue.refresh_from_db()
    figures = sending.progress(issue)
    assert (figures["total"], figures["sent"], figures["failed"], figures["waiting"]) == (
        10,
        6,
        1,
        3,
    )
    assert figures["percent"] == 70
    assert 2.5 < figures["rate"] < 3.5  # six in two minutes
    assert figures["eta"] > timezone.now()


@pytest.mark.django_db
def test_seed_demo_newsletter_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = list(Delivery.objects.order_by("pk").values_list("email", "state"))
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Delivery.objects.order_by("pk").values_list("email", "state")) == first
    assert Newsletter.objects.archived().count() == 1
    assert Subscriber.objects.confirmed().count() == 4


@pytest.mark.django_db
def test_prepared_message_equals_the_fully_built_one():
    """The fast path (serialise once, put in address, token and Message-ID) must give each
    recipient exactly what building the message in full would."""
    from email import message_from_bytes, policy

    issue = newsletter(body="## Über uns\n\n" + "Ein langer Absatz mit Umlauten: äöü. " * 40)
    prepared = sending.PreparedMessage(issue, sending.render_newsletter(issue))
    assert prepared.exact
    message_id, data = prepared.render("leserin@example.org")
    fast = message_from_bytes(data, policy=policy.default)
    full = message_from_bytes(
        sending.build_message(issue, sending.render_newsletter(issue), "leserin@example.org")
        .message()
        .as_bytes(),
        policy=policy.default,
    )
    assert fast["To"] == "leserin@example.org"
    assert fast["Message-ID"] == message_id
    for header in ("Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "From"):
        assert str(fast[header]).strip() == str(full[header]).strip(), header
    for part in ("plain", "html"):
        fast_text = fast.get_body((part,)).get_content().replace("\r\n", "\n")
        assert fast_text == full.get_body((part,)).get_content()
    assert b"quoted-printable" not in data  # long paragraphs are wrapped, parts go as 8bit
    # A non-ASCII address is built in full.
    _message_id, data = prepared.render("jürgen@example.org")
    assert "jürgen@example.org" in message_from_bytes(data, policy=policy.default)["To"]


@pytest.mark.django_db
def test_rate_limit_holds_across_limiters(monkeypatch):
    """Two batches (two limiters, one shared counter) get 120 messages in a minute together."""
    slept = []
    monkeypatch.setattr(sending.time, "time", lambda: 1_000_040.0)  # 20 s into a minute, frozen
    monkeypatch.setattr(sending.time, "sleep", lambda seconds: slept.append(seconds) or 1 / 0)
    first, second = sending.RateLimiter(120), sending.RateLimiter(120)

    def exhaust(limiter) -> int:
        granted = 0
        with pytest.raises(ZeroDivisionError):
            while True:
                limiter.wait()
                granted += 1
        return granted

    first.wait()  # each batch takes its first chunk …
    second.wait()
    total = 2 + exhaust(first) + exhaust(second)  # … and both run dry together at 120
    assert total == 120
    assert slept == [40.0, 40.0]  # each waits for the next minute
