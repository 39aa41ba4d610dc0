from celery import shared_task

from . import sending


@shared_task(
    bind=True,
    autoretry_for=(sending.TemporaryFailure,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def send_newsletter_batch(self, newsletter_id: int) -> dict[str, int]:
    """One batch of up to 200 rows over one SMTP connection; temporary failures retry."""
    return sending.send_batch(newsletter_id)


@shared_task
def newsletter_watchdog() -> dict[str, int]:
    """Beat: re-queue rows a dead worker held, re-dispatch lost batches, start scheduled issues."""
    return sending.watchdog()
