import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .mail import enqueue_outgoing_email, outgoing_email_deliver
from .models import OutgoingEmail

MAX_ATTEMPTS = 8


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=MAX_ATTEMPTS,
)
def send_outgoing_email(pk: int) -> bool:
    try:
        return outgoing_email_deliver(pk=pk)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            # A permanent refusal: retrying will not help, keep the server's answer.
            OutgoingEmail.objects.filter(pk=pk).update(
                state=OutgoingEmail.State.FAILED,
                last_error=f"{exc.smtp_code} {exc.smtp_error!r}",
            )
            return False
        raise


@shared_task
def requeue_stale_emails() -> int:
    """Re-queue emails whose task was lost (broker down, worker killed)."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
    pks = list(
        OutgoingEmail.objects.queued()
        .filter(created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:1000]
    )
    for pk in pks:
        enqueue_outgoing_email(pk)
    return len(pks)


@shared_task
def purge_sent_emails() -> int:
    """Sent emails hold personal data; keep them a week for support, then delete them."""
    cutoff = timezone.now() - timedelta(days=7)
    deleted, _ = OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted
