"""Handing a task to the broker from a request, without waiting on a broker that is away."""

import logging
import time

from celery import Task

logger = logging.getLogger(__name__)

# After a failed publish the broker is left alone this long: each attempt waits out the publish
# retries (about half a second), and a request writing many emails should not wait for each.
RETRY_SECONDS = 10.0

_down_until = 0.0


def enqueue(task: Task, *args) -> bool:
    """Send `task(*args)` to a worker; False, with nothing raised, when the broker is away.

    The caller keeps the work somewhere a periodic task finds it again (the email outbox) or
    does it in place. Run eagerly (no broker: development and unit tests) the task runs here and
    its errors reach the caller as before."""
    global _down_until
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    if time.monotonic() < _down_until:
        return False
    try:
        task.delay(*args)
    except Exception as error:  # kombu's OperationalError after the publish retries, mostly
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "Broker nicht erreichbar, %s bleibt liegen (%.0f s keine weiteren Versuche): %s",
            task.name,
            RETRY_SECONDS,
            error,
        )
        return False
    return True
