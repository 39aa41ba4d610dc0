import smtplib

import pytest
from django.db import transaction

from k360.mail import email_send
from k360.models import OutgoingEmail
from k360.tasks import requeue_stale_emails, send_outgoing_email
from tests.factories import UserFactory


@pytest.mark.django_db
def test_email_is_sent_in_german_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(name="Greta Sommer")
    with django_capture_on_commit_callbacks(execute=True):
        email_send(template="network/welcome", to=[user.email], context={"user": user})
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Willkommen im Netzwerk Kommune 360°"
    assert "Guten Tag Greta Sommer" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Guten Tag Greta Sommer" in html
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


@pytest.mark.django_db
def test_rolled_back_email_is_never_sent(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_send(template="network/welcome", to=[user.email], context={"user": user})
        raise RuntimeError("Abbruch")
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_an_email_is_sent_only_once(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outgoing = email_send(template="network/welcome", to=[user.email], context={"user": user})
    send_outgoing_email(outgoing.pk)  # a duplicate delivery of the task
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_stale_queued_email_is_requeued(mailoutbox):
    user = UserFactory()
    outgoing = email_send(template="network/welcome", to=[user.email], context={"user": user})
    OutgoingEmail.objects.filter(pk=outgoing.pk).update(
        created_at=outgoing.created_at.replace(year=outgoing.created_at.year - 1)
    )
    assert requeue_stale_emails() == 1
    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


@pytest.mark.django_db
def test_permanent_smtp_refusal_marks_email_failed(settings, monkeypatch):
    user = UserFactory()
    outgoing = email_send(template="network/welcome", to=[user.email], context={"user": user})

    # The mail server is outside the platform: it answers a permanent 5xx.
    def reject(self, *args, **kwargs):
        raise smtplib.SMTPDataError(554, b"Transaction failed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", reject)
    assert send_outgoing_email(outgoing.pk) is False
    outgoing.refresh_from_db()
    assert outgoing.state == OutgoingEmail.State.FAILED
    assert "554" in outgoing.last_error
