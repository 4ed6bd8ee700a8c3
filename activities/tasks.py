from celery import shared_task
from django.utils import timezone

from notifications.services import notifications_create
from notifications.tasks import dispatch_notifications

from . import reminders


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def remind_activities() -> int:
    """Every few minutes: reminders that have come due, and notices of moved or cancelled activities."""
    created = notifications_create(reminders.activity_dues(now=timezone.now()))
    dispatch_notifications()
    return created
