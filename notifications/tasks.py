"""Thin tasks: they take ids, claim before they act, and leave every outcome in the database (the sweeps
re-find anything a lost message or a crashed worker left behind)."""

from celery import shared_task
from django.db import transaction

from core.tasks import enqueue_on_commit

from . import digests, services

# Sweeps stop after this many rounds and leave the rest to the next run, so one task never runs unbounded.
MAX_ROUNDS = 40


def enqueue_send(delivery_ids: list[int]) -> None:
    """Send these deliveries from a worker, in chunks, once the transaction that created them commits (a chunk
    whose message cannot be queued is sent by `retry_deliveries` once it counts as lost)."""
    for chunk in services.chunked(delivery_ids, services.SEND_CHUNK):
        enqueue_on_commit(send_deliveries, chunk)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def dispatch_notifications() -> int:
    """Claim new notifications, create their deliveries and hand them to `send_deliveries`."""
    total = 0
    for _ in range(MAX_ROUNDS):
        with transaction.atomic():
            delivery_ids = services.notifications_dispatch()
            enqueue_send(delivery_ids)
        if not delivery_ids and not services.undispatched_exists():
            break
        total += len(delivery_ids)
    return total


def dispatch_soon() -> None:
    """After a web request created notifications: dispatch them from a worker once the request commits.
    If the broker is down the request still succeeds; the next sweep dispatches them."""
    enqueue_on_commit(dispatch_notifications)


@shared_task(acks_late=True, soft_time_limit=services.SEND_TIME_LIMIT - 60, time_limit=services.SEND_TIME_LIMIT)
def send_deliveries(delivery_ids: list[int]) -> dict:
    return services.deliveries_send(delivery_ids)


@shared_task(acks_late=True, soft_time_limit=services.SEND_TIME_LIMIT - 60, time_limit=services.SEND_TIME_LIMIT)
def retry_deliveries() -> int:
    """Every minute: send what is due again (failed with a retry time that has come, message lost, worker
    died mid-send), and dispatch anything not yet dispatched."""
    dispatch_notifications()
    total = 0
    for _ in range(MAX_ROUNDS):
        due = services.deliveries_due()
        if not due:
            break
        for chunk in services.chunked(due, services.SEND_CHUNK):
            services.deliveries_send(chunk)
        total += len(due)
    return total


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def send_weekly_digests() -> int:
    """Mondays: each secretary's digest of what waited for it, and the admins' city-wide digest."""
    created = digests.secretary_digests_create() + digests.admin_digests_create()
    dispatch_notifications()
    return created
