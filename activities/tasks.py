from celery import shared_task
from django.utils import timezone

from core.tasks import enqueue_on_commit
from notifications.services import notifications_create
from notifications.tasks import dispatch_notifications

from . import reminders


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
    enqueue_on_commit(notify_activity, activity_id)
