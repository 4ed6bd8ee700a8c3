from celery import shared_task
from django.utils import timezone

from notifications.services import notifications_create
from notifications.tasks import dispatch_notifications

from . import reminders


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def remind_development() -> int:
    """Daily: the development work owed by each branch and superior committee (each fact told once: keyed)."""
    created = notifications_create(reminders.secretary_dues(today=timezone.localdate()))
    dispatch_notifications()
    return created
