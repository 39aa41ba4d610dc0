from celery import shared_task

from . import services


@shared_task
def send_event_reminders() -> int:
    """Hourly: remind confirmed participants two days before their event."""
    return services.reminders_send()


@shared_task
def purge_registration_data() -> dict[str, int]:
    """Daily: erase needs 30 days after the event; drop unconfirmed visitor registrations."""
    return services.personal_data_purge()
