"""With the broker away a request neither fails nor waits long, and no email is lost."""

import logging
import time

import pytest
from kombu import pools

from forums import services as forums_services
from k360 import broker
from k360.celery import app
from k360.mail import email_send
from k360.models import OutgoingEmail
from k360.tasks import requeue_stale_emails, send_outgoing_email
from tests.factories import ThesisFactory, UserFactory


def _point_at(url: str) -> None:
    pools.reset()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_away(monkeypatch):
    """Real publishes to a broker nobody listens on (port 1), as with Redis stopped."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    monkeypatch.setattr(broker, "_down_until", 0.0)
    app.conf.task_always_eager = False
    _point_at("redis://127.0.0.1:1/0")
    try:
        yield
    finally:
        _point_at(previous[0])
        app.conf.task_always_eager = previous[1]


def test_enqueue_reports_a_broker_away_and_then_leaves_it_alone(broker_away, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="k360.broker"):
        assert broker.enqueue(send_outgoing_email, 1) is False
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(10):
            assert broker.enqueue(send_outgoing_email, 1) is False
    assert time.monotonic() - started < 0.05 < first
    (record,) = caplog.records
    assert record.getMessage().startswith("Broker nicht erreichbar, k360.tasks.send_outgoing")


@pytest.mark.django_db(transaction=True)
def test_emails_written_while_the_broker_is_away_stay_queued_for_the_requeue(broker_away, settings):
    user = UserFactory()
    started = time.monotonic()
    for _ in range(5):
        email_send(template="network/welcome", to=[user.email], context={"user": user})
    # One failed publish (about half a second), then no more waiting.
    assert time.monotonic() - started < 2
    assert OutgoingEmail.objects.queued().count() == 5
    settings.OUTBOX_REQUEUE_SECONDS = 0
    broker._down_until = 0.0
    assert requeue_stale_emails() == 5
    assert OutgoingEmail.objects.queued().count() == 5  # still away: they stay for the next run


@pytest.mark.django_db(transaction=True)
def test_a_comment_posted_while_the_broker_is_away_writes_its_notifications_to_the_outbox(
    broker_away,
):
    thesis = ThesisFactory(
        number=1,
        title="Kommunales Handeln entscheidet",
        slug="these-1",
        lead="Kommunen prägen das Aufwachsen.",
        body="Text.",
    )
    follower = UserFactory(email="folgt@example.org", notify_forums=True)
    forums_services.subscription_set(user=follower, target=thesis, subscribed=True)
    author = UserFactory()
    comment = forums_services.comment_create(
        author=author, target=thesis, text="Präventionsketten zuerst.", stance="ergaenzung"
    )
    assert comment.pk
    (outgoing,) = OutgoingEmail.objects.all()
    assert outgoing.to == ["folgt@example.org"]
    assert outgoing.state == OutgoingEmail.State.QUEUED
