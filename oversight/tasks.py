from celery import shared_task
from django.utils import timezone

from . import register_reminders
from notifications.services import notifications_create
from notifications.tasks import dispatch_notifications

from . import reminders


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def remind_secretaries() -> int:
    """Daily: what each secretary's organisation must do soon (a fact is told once: the sweep is keyed)."""
    today = timezone.localdate()
    # The register's reminders (transfers not accepted in time) ride on the same daily sweep.
    created = notifications_create(reminders.secretary_dues(today=today)
                                   + register_reminders.transfer_dues(today=today))
    dispatch_notifications()
    return created
