from celery import shared_task

from . import services


@shared_task
def notify_comment(comment_id: int) -> int:
    return services.comment_notify(comment_id=comment_id)
