import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from notifications.services import notifications_create
from notifications.tasks import dispatch_notifications

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def remind_activities() -> int:
    """Every few minutes: reminders that have come due, and notices of moved or cancelled activities."""
    created = notifications_create(reminders.activity_dues(now=timezone.now()))
    dispatch_notifications()
    return created


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def notify_activity(activity_id: int) -> int:
    """At once after an activity is moved or cancelled (the five-minute sweep would find it too)."""
    created = notifications_create(reminders.activity_dues(now=timezone.now(), activity_ids=[activity_id]))
    dispatch_notifications()
    return created


def notify_soon(activity_id: int) -> None:
    """After the change commits, tell the members from a worker; if the broker is down the request still
    succeeds and the sweep tells them within minutes."""
    def enqueue():
        try:
            notify_activity.delay(activity_id)
        except Exception:  # noqa: BLE001
            logger.warning("could not enqueue the notice for activity %s; the sweep will send it", activity_id,
                           exc_info=True)

    transaction.on_commit(enqueue)
