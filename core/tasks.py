"""Queueing background work so that the user's action never depends on the broker."""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, on_broker_down=None, on_queued=None) -> None:
    """Queue `task(*args)` once the current transaction commits (outside one: at once).

    If the broker cannot be reached, what the caller did still stands: the failure is logged as a warning and
    `on_broker_down()` runs when given (e.g. to record the failure where the user sees it); otherwise the
    periodic sweep that re-finds the work picks it up. `on_queued()` runs once the broker took the message."""

    def send():
        try:
            task.delay(*args)
        except (OperationalError, OSError):
            logger.warning("could not queue %s%r", task.name, args, exc_info=True)
            if on_broker_down is not None:
                on_broker_down()
        else:
            if on_queued is not None:
                on_queued()

    transaction.on_commit(send)


WORKER = "worker"


@shared_task(acks_late=True, soft_time_limit=20, time_limit=30)
def worker_heartbeat() -> str:
    """Every minute, from beat: a worker took a message and reached the database (read by /readyz)."""
    from django.utils import timezone

    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=WORKER, defaults={"beat_at": timezone.now()})
    return WORKER
