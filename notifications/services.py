"""Creating, dispatching and sending notifications, exactly once.

1. A rule (a sweep in activities/, oversight/ …) finds what is due and hands `Due` facts to
   `notifications_create`, which inserts each keyed row once (the unique key makes a second run a no-op).
2. `notifications_dispatch` claims rows not yet dispatched (a conditional update: only one run wins each row)
   and, in the same transaction, creates their deliveries (e-mail, group robot) by the recipient's choices.
3. `deliveries_send` claims each delivery (PENDING → SENDING) before sending it; a failure is written on the
   row with the time of the next attempt, and after the last attempt the delivery is FAILED and stays in the
   log. The in-app notification is never lost: it exists before any channel is tried.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import Action
from audit.services import action_log

from . import channels
from .choices import Channel, DeliveryStatus, Kind, Mode
from .models import Delivery, Notification, NotificationSettings, WebhookEndpoint, recipient_key
from .unread import unread_changed

logger = logging.getLogger(__name__)

CHUNK = 500
SEND_CHUNK = 50
# A delivery left SENDING longer than the sending task may run (its hard time limit, and a minute for the worker
# to be gone) belongs to a worker that died mid-send: it is tried again. Only the one in flight can be left so:
# each delivery is claimed just before it is sent.
SEND_TIME_LIMIT = 300
STALE_SENDING = dt.timedelta(seconds=SEND_TIME_LIMIT + 60)
# A delivery still PENDING this long after it was created lost its message (broker down): the sweep sends it.
LOST_MESSAGE = dt.timedelta(seconds=getattr(settings, "NOTIFICATION_LOST_AFTER_SECONDS", 120))


@dataclass(frozen=True)
class Due:
    """A fact someone must be told about, with the key that makes it unique."""

    kind: str
    target: str
    period: str
    title: str
    body: str = ""
    link: str = ""
    recipient_id: int | None = None
    webhook_id: int | None = None
    organisation_id: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.target, recipient_key(user_id=self.recipient_id, webhook_id=self.webhook_id),
                self.period)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def settings_for(user_ids: Iterable[int]) -> dict[int, NotificationSettings]:
    """Each user's notification settings in one query; users without a row get the defaults."""
    user_ids = set(user_ids)
    found = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=user_ids)}
    return {user_id: found.get(user_id) or NotificationSettings(user_id=user_id) for user_id in user_ids}


def notifications_create(dues: Iterable[Due]) -> int:
    """Insert the notifications that do not exist yet; return how many were new.

    Works in chunks with two queries each (existing keys, insert), so a sweep over 10,000 members costs a
    bounded number of queries. Concurrent runs are safe: the unique key drops the loser's insert."""
    created = 0
    for chunk in chunked(dues, CHUNK):
        existing = set(
            Notification.objects.filter(kind__in={d.kind for d in chunk}, target__in={d.target for d in chunk},
                                        period__in={d.period for d in chunk})
            .values_list("kind", "target", "recipient_key", "period")
        )
        fresh, seen = [], set()
        for due in chunk:
            if due.key not in existing and due.key not in seen:
                seen.add(due.key)
                fresh.append(due)
        user_settings = settings_for(d.recipient_id for d in fresh if d.recipient_id)
        rows = [
            Notification(
                kind=due.kind, target=due.target, period=due.period, recipient_key=due.key[2],
                recipient_id=due.recipient_id, webhook_id=due.webhook_id, organisation_id=due.organisation_id,
                mode=user_settings[due.recipient_id].mode_for(due.kind) if due.recipient_id else Mode.IMMEDIATE,
                title=due.title[:200], body=due.body, link=due.link,
            )
            for due in fresh
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        unread_changed(row.recipient_id for row in rows)
        created += len(rows)
    return created


def notifications_dispatch(*, limit: int = CHUNK) -> list[int]:
    """Claim up to `limit` undispatched notifications and create their deliveries; return the deliveries'
    ids, to be sent after commit. Only the run whose conditional update changed a row dispatches it."""
    ids = list(Notification.objects.filter(dispatched_at__isnull=True).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4()
    with transaction.atomic():
        claimed = Notification.objects.filter(pk__in=ids, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), dispatch_token=token)
        if not claimed:
            return []
        rows = list(Notification.objects.filter(dispatch_token=token)
                    .select_related("recipient", "webhook").only(
                        "pk", "mode", "recipient_id", "webhook_id", "recipient__email", "recipient__is_active",
                        "webhook__url", "webhook__is_active"))
        user_settings = settings_for(n.recipient_id for n in rows if n.recipient_id)
        deliveries = []
        for notification in rows:
            if notification.webhook_id:
                if notification.webhook.is_active:
                    deliveries.append(Delivery(notification=notification, channel=Channel.WEBHOOK,
                                               address=notification.webhook.url))
            elif (notification.mode == Mode.IMMEDIATE and notification.recipient.is_active
                  and notification.recipient.email and user_settings[notification.recipient_id].by_email):
                deliveries.append(Delivery(notification=notification, channel=Channel.EMAIL,
                                           address=notification.recipient.email))
        Delivery.objects.bulk_create(deliveries)
        return list(Delivery.objects.filter(notification__dispatch_token=token).values_list("pk", flat=True))


def _retry_delays() -> list[int]:
    return list(settings.NOTIFICATION_RETRY_DELAYS)


def _claim(delivery_id: int) -> bool:
    return bool(Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1))


def _failed(delivery: Delivery, error: str, *, permanent: bool = False) -> None:
    delays = _retry_delays()
    delivery.last_error = error[:500]
    if permanent or delivery.attempts >= len(delays) + 1:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        logger.warning("delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error)
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=delays[delivery.attempts - 1])
        logger.warning("delivery %s failed (attempt %s), retrying: %s", delivery.pk, delivery.attempts, error)
    delivery.save(update_fields=["status", "next_attempt_at", "last_error"])


def _sent(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                   next_attempt_at=None, last_error="")


def _webhook_attempts(deliveries) -> Iterator[tuple[Delivery, str | None, bool]]:
    for delivery in deliveries:
        endpoint = delivery.notification.webhook
        if not channels.webhook_host_allowed(endpoint.url):
            yield delivery, channels.HOST_REFUSED, True  # can never succeed: no retries
            continue
        try:
            yield delivery, channels.post_webhook(endpoint, delivery.notification), False
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: stop (deliveries_send gives the rest back), not a failed attempt
        except Exception as error:  # noqa: BLE001 - an unforeseen fault is a failed attempt, not a lost batch
            logger.warning("delivery %s: unexpected error", delivery.pk, exc_info=True)
            yield delivery, f"发送时出现意外错误（{type(error).__name__}）", False


def deliveries_send(delivery_ids: Iterable[int]) -> dict[str, int]:
    """Send each delivery this run can claim, claiming each one just before it is sent and recording its outcome
    as soon as it is known: a worker killed part-way leaves only the one in flight SENDING (it waits
    STALE_SENDING); the rest of the chunk is still PENDING for the next sweep. Return counts by outcome."""
    delivery_ids = list(delivery_ids)
    candidates = list(Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
                      .select_related("notification", "notification__webhook", "notification__recipient"))
    claimed: set[int] = set()

    def claim_each(deliveries):
        for delivery in deliveries:
            if _claim(delivery.pk):
                delivery.attempts += 1
                claimed.add(delivery.pk)
                yield delivery

    emails = ((delivery, error, False) for delivery, error in
              channels.send_emails(claim_each([d for d in candidates if d.channel == Channel.EMAIL])))
    hooks = _webhook_attempts(claim_each([d for d in candidates if d.channel == Channel.WEBHOOK]))
    outcome = {"sent": 0, "failed": 0, "skipped": 0}
    recorded = set()
    try:
        for delivery, error, permanent in chain(emails, hooks):
            if error is None:
                _sent(delivery)
                outcome["sent"] += 1
            else:
                _failed(delivery, error, permanent=permanent)
                outcome["failed"] += 1
            recorded.add(delivery.pk)
    except BaseException as stop:
        now = timezone.now()
        if isinstance(stop, SoftTimeLimitExceeded):
            # Out of time: the one claimed but not recorded goes back for the next sweep at once (left SENDING
            # it would wait STALE_SENDING; sending on, the hard limit would kill the worker mid-send). On any
            # other exit it may have gone out already: it waits STALE_SENDING, so it is never sent twice at once.
            Delivery.objects.filter(pk__in=claimed - recorded, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING, next_attempt_at=now)
        # The rest of the chunk, never tried, is due at once (not when its message counts as lost).
        Delivery.objects.filter(pk__in=set(delivery_ids) - claimed, status=DeliveryStatus.PENDING,
                                next_attempt_at__isnull=True).update(next_attempt_at=now)
        raise
    outcome["skipped"] = len(delivery_ids) - len(claimed)
    return outcome


def deliveries_due(*, limit: int = CHUNK) -> list[int]:
    """Deliveries whose retry time has come, whose message was lost, or whose worker died mid-send."""
    now = timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now)
    return list(Delivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=now - LOST_MESSAGE))
        .order_by("pk").values_list("pk", flat=True)[:limit])


def webhooks_for(organisation_ids: Iterable[int], *, duty: bool = False) -> dict[int, list[int]]:
    """Active group robots of these organisations that take activity (or duty) notices: org id → endpoint ids."""
    flag = "duty_notices" if duty else "activity_notices"
    endpoints: dict[int, list[int]] = {}
    for pk, organisation_id in WebhookEndpoint.objects.filter(
            organisation_id__in=set(organisation_ids), is_active=True, **{flag: True}).values_list(
            "pk", "organisation_id"):
        endpoints.setdefault(organisation_id, []).append(pk)
    return endpoints


def settings_save(*, settings: NotificationSettings, by) -> NotificationSettings:
    """Save a user's own reminder settings (filled in by the form)."""
    if settings.user_id != by.pk:
        raise ValueError("settings of another user")
    settings.save()
    return settings


def webhook_create(*, endpoint: WebhookEndpoint, organisation, by, ip: str | None = None) -> WebhookEndpoint:
    """Add a group robot (filled in by the form) to an organisation, and log who did."""
    with transaction.atomic():
        endpoint.organisation = organisation
        endpoint.created_by = by
        endpoint.full_clean()
        endpoint.save()
        action_log(actor=by, ip=ip, action=Action.WEBHOOK_CREATED, organisation=organisation, detail=endpoint.name)
    return endpoint


def webhook_update(*, endpoint: WebhookEndpoint, by, ip: str | None = None) -> WebhookEndpoint:
    with transaction.atomic():
        endpoint.full_clean()
        endpoint.save()
        action_log(actor=by, ip=ip, action=Action.WEBHOOK_UPDATED, organisation=endpoint.organisation,
                   detail=endpoint.name)
    return endpoint


def webhook_delete(*, endpoint: WebhookEndpoint, by, ip: str | None = None) -> None:
    with transaction.atomic():
        action_log(actor=by, ip=ip, action=Action.WEBHOOK_DELETED, organisation=endpoint.organisation,
                   detail=endpoint.name)
        endpoint.delete()


def webhook_test(*, endpoint: WebhookEndpoint, by) -> Notification:
    """A test message to a group robot, so the secretary sees at once whether the address works."""
    notification = Notification.objects.create(
        kind=Kind.WEBHOOK_TEST, target=f"webhook:{endpoint.pk}", period=uuid.uuid4().hex, webhook=endpoint,
        organisation=endpoint.organisation, title="机关党建平台测试消息",
        body=f"{by.get_full_name() or by.get_username()} 设置了本群的提醒推送。收到此消息说明设置成功。")
    return notification


def notification_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        unread_changed([notification.recipient_id])


def notifications_read_all(*, user) -> int:
    read = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    unread_changed([user.pk])
    return read


def undispatched_exists() -> bool:
    return Notification.objects.filter(dispatched_at__isnull=True).exists()
