"""Newsletter delivery with real parts: every recipient gets the issue once, even when the worker
is killed mid-send, Redis restarts empty or the SMTP server refuses some recipients."""

import threading
import time
from collections import Counter
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from newsletters import sending
from newsletters.models import Delivery, Newsletter, Subscriber

State = Delivery.State

# Dead workers' rows come back after 3 s, the watchdog looks every second: recovery within
# seconds instead of the production five minutes.
FAST_WATCHDOG = {"NEWSLETTER_STALE_SECONDS": "3", "NEWSLETTER_WATCHDOG_SECONDS": "1"}


def confirmed_subscribers(emails: list[str]) -> list[str]:
    Subscriber.objects.bulk_create(
        Subscriber(email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
        for email in emails
    )
    return emails


def start_newsletter() -> Newsletter:
    """A newsletter to all confirmed subscribers, started as the admin does."""
    issue = Newsletter.objects.create(
        subject="Neues aus dem Netzwerk", slug="ausgabe-1", body="## Hallo\n\nText."
    )
    with transaction.atomic():
        sending.newsletter_send(newsletter=issue)  # the batches go out on commit
    return issue


def wait_until_finished(issue: Newsletter, timeout: float = 60) -> None:
    """Until the issue counts as sent: no row is left queued or sending."""
    deadline = time.monotonic() + timeout
    while not Newsletter.objects.filter(pk=issue.pk, status=Newsletter.Status.SENT).exists():
        assert time.monotonic() < deadline, dict(
            Counter(Delivery.objects.filter(newsletter=issue).values_list("state", flat=True))
        )
        time.sleep(0.2)


def test_a_killed_worker_leaves_nobody_out_and_repeats_at_most_its_message_in_flight(
    smtp_server, celery_workers
):
    inbox, _port = smtp_server
    emails = confirmed_subscribers([f"leser-{n}@example.org" for n in range(2000)])
    first = celery_workers.start(beat=True, **FAST_WATCHDOG)
    issue = start_newsletter()

    inbox.wait_for(500, timeout=60)
    celery_workers.kill(first)
    # The dead worker held a claimed batch: only the watchdog can bring it back.
    held = Delivery.objects.filter(newsletter=issue, state=State.SENDING)
    held_ids = set(held.values_list("pk", flat=True))
    assert held_ids
    assert len(inbox.raw) < 2000

    celery_workers.start(beat=True, **FAST_WATCHDOG)
    wait_until_finished(issue)

    received = Counter(inbox.recipients)
    assert set(received) == set(emails)
    # The solo pool sends one message at a time: at most that one went out twice.
    assert sum(received.values()) - len(emails) <= 1
    assert set(Delivery.objects.filter(newsletter=issue).values_list("state", flat=True)) == {
        State.SENT
    }
    # The dead worker's rows were claimed a second time, by the new worker.
    assert set(Delivery.objects.filter(pk__in=held_ids).values_list("attempts", flat=True)) == {2}


def test_a_redis_restart_mid_send_loses_no_recipient(smtp_server, private_redis, celery_workers):
    inbox, _port = smtp_server
    emails = confirmed_subscribers([f"leser-{n}@example.org" for n in range(2000)])
    worker = celery_workers.start(beat=True, REDIS_URL=private_redis.url, **FAST_WATCHDOG)
    issue = start_newsletter()

    inbox.wait_for(500, timeout=60)
    with private_redis.client() as broker:
        # Batches still wait in the broker: the restart below loses them.
        assert broker.llen("celery") > 0
    private_redis.restart()

    wait_until_finished(issue)
    received = Counter(inbox.recipients)
    assert set(received) == set(emails)
    assert max(received.values()) == 1
    assert set(Delivery.objects.filter(newsletter=issue).values_list("state", flat=True)) == {
        State.SENT
    }
    assert worker.process.poll() is None, worker.output()


def test_greylisted_recipients_arrive_once_and_unknown_ones_fail_with_the_answer(
    smtp_server, celery_workers
):
    inbox, _port = smtp_server
    regular = confirmed_subscribers([f"leser-{n}@example.org" for n in range(40)])
    greylisted = confirmed_subscribers([f"grau-{n}@example.org" for n in range(10)])
    unknown = confirmed_subscribers([f"unbekannt-{n}@example.org" for n in range(10)])

    def refuse(address: str, attempt: int) -> str | None:
        if address.startswith("grau-") and attempt == 1:
            return "451 4.7.1 Try again later"
        if address.startswith("unbekannt-"):
            return "550 5.1.1 No such user"
        return None

    inbox.refuse = refuse
    celery_workers.start()
    issue = start_newsletter()
    wait_until_finished(issue)

    assert Counter(inbox.recipients) == Counter(regular + greylisted)
    assert all(inbox.rcpt_attempts[email] == 2 for email in greylisted)
    deliveries = {d.email: d for d in Delivery.objects.filter(newsletter=issue)}
    assert {deliveries[email].state for email in regular + greylisted} == {State.SENT}
    for email in unknown:
        assert deliveries[email].state == State.FAILED
        assert deliveries[email].last_error == "550 5.1.1 No such user"
    assert set(
        Subscriber.objects.filter(email__in=unknown).values_list("hard_bounces", flat=True)
    ) == {1}
    (message,) = [m for m in inbox.messages if m["To"] == greylisted[0]]
    assert message["Subject"] == "Neues aus dem Netzwerk"


def test_a_batch_running_longer_than_the_stale_limit_is_not_sent_twice(
    smtp_server, settings, monkeypatch
):
    """One worker sends a slow batch (a slow server, or a low rate limit); meanwhile the
    watchdog runs on another and the next batch task of the same issue starts there."""
    inbox, port = smtp_server
    inbox.delay = 0.05  # 60 messages: three seconds for the batch
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    monkeypatch.setattr(sending, "STALE_AFTER", timedelta(seconds=1))
    monkeypatch.setattr(sending, "dispatch", lambda newsletter_id: 0)  # batches start by hand
    emails = confirmed_subscribers([f"leser-{n}@example.org" for n in range(60)])
    issue = start_newsletter()

    def first_worker():
        sending.send_batch(issue.pk)
        connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    time.sleep(1.5)  # the batch is half sent
    sending.watchdog()
    sending.send_batch(issue.pk)  # the next batch task, on another worker
    thread.join()

    received = Counter(inbox.recipients)
    assert set(received) == set(emails)
    assert sum(received.values()) == len(emails)
