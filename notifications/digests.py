"""The weekly digests: one message a week instead of many. A secretary's digest gathers the reminders they
chose to receive weekly; the admins' digest summarises the city (overdue re-elections, red cells of the
三会一课 matrix, reviews waiting for a decision), from the lines the feature apps register (registry.py)."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from branches.choices import RoleKind
from branches.models import Role

from . import registry
from .choices import Kind, Mode
from .models import Notification, recipient_key
from .services import Due, notifications_create


def week_key(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _today() -> dt.date:
    return timezone.localdate()


def secretary_digests_create(*, today: dt.date | None = None) -> int:
    """One digest per user who has reminders waiting in digest mode; each reminder goes into one digest."""
    today = today or _today()
    week = week_key(today)
    waiting = defaultdict(list)
    for pk, user_id, title in (Notification.objects.filter(mode=Mode.DIGEST, digested_in__isnull=True,
                                                            recipient__isnull=False, dispatched_at__isnull=False)
                               .order_by("created_at", "pk").values_list("pk", "recipient_id", "title")):
        waiting[user_id].append((pk, title))
    # A user who already had this week's digest keeps what came later for next week's.
    for user_id in Notification.objects.filter(kind=Kind.WEEKLY_DIGEST, period=week,
                                               recipient_id__in=list(waiting)).values_list("recipient_id", flat=True):
        del waiting[user_id]
    if not waiting:
        return 0
    link = reverse("notifications:notification_list")
    dues = [
        Due(kind=Kind.WEEKLY_DIGEST, target=f"user:{user_id}", period=week, recipient_id=user_id,
            title=f"本周待办摘要：{len(items)} 项支部工作提醒", link=link,
            body="\n".join(f"· {title}" for _, title in items))
        for user_id, items in waiting.items()
    ]
    with transaction.atomic():
        created = notifications_create(dues)
        digest_ids = dict(Notification.objects.filter(
            kind=Kind.WEEKLY_DIGEST, period=week,
            recipient_key__in=[recipient_key(user_id=user_id) for user_id in waiting])
            .values_list("recipient_id", "pk"))
        for user_id, items in waiting.items():
            if user_id in digest_ids:
                Notification.objects.filter(pk__in=[pk for pk, _ in items], digested_in__isnull=True).update(
                    digested_in_id=digest_ids[user_id])
    return created


def admin_recipients() -> list[int]:
    return list(Role.objects.filter(kind=RoleKind.ADMIN, user__is_active=True)
                .values_list("user_id", flat=True).distinct())


def admin_digests_create(*, today: dt.date | None = None) -> int:
    today = today or _today()
    lines = registry.admin_digest_lines(today=today)
    if not lines:
        return 0
    body = "\n".join(f"· {line}" for line in lines)
    dues = [Due(kind=Kind.ADMIN_DIGEST, target="city", period=week_key(today), recipient_id=user_id,
                title=f"工委每周摘要（{today:%m月%d日}）", body=body, link=reverse("home"))
            for user_id in admin_recipients()]
    return notifications_create(dues)
