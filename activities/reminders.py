"""Reminder rules for members: the activities they are expected at.

- the day before (at the time the member chose, 18:00 by default) and shortly before the start (60 minutes
  by default); either can be turned off;
- a notice when an activity they expect is moved (time or place) or cancelled.

Expected means: on the attendance list and not on leave (a member who asked for leave is not reminded), or
registered for an open event. Only members with a login and in good standing are told. The sweep looks at a
bounded window of activities and costs a fixed number of queries per chunk of activities, whatever the number
of members. Group robots of the host organisation get the day-before reminder and the change notices once
per activity (not once per member)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from members.choices import MembershipStatus
from notifications.choices import Kind
from notifications.services import Due, chunked, settings_for, webhooks_for

from .choices import ActivityStatus, AttendanceStatus, RegistrationStatus
from .models import Activity, Attendance, Registration

# Reminders look this far ahead (more than a day: the day-before reminder may be due 30 hours ahead).
WINDOW = dt.timedelta(hours=48)
# Change and cancellation notices are sent for changes made this recently (the sweep's safety net).
CHANGE_LOOKBACK = dt.timedelta(days=2)
ACTIVITY_CHUNK = 200
WEEKDAYS = "一二三四五六日"
# Group robots get the day-before reminder at this time (a group has no personal preference).
GROUP_DAY_BEFORE_AT = dt.time(18, 0)

FIELDS = ("pk", "title", "kind", "planned_start", "place", "organisation_id", "status", "cancel_reason",
          "rescheduled_at", "organisation__name")


def when_text(start: dt.datetime, now: dt.datetime) -> str:
    """'明天（11月25日 周三）19:00', in the local time zone."""
    local, today = timezone.localtime(start), timezone.localtime(now).date()
    relative = {0: "今天", 1: "明天", 2: "后天"}.get((local.date() - today).days)
    day = f"{local.month}月{local.day}日 周{WEEKDAYS[local.weekday()]}"
    return f"{relative}（{day}）{local:%H:%M}" if relative else f"{day} {local:%H:%M}"


def _period(activity: dict) -> str:
    # A moved activity is a new fact: its reminders are keyed by the start they announce.
    return f"{activity['planned_start']:%Y%m%d%H%M}"


def _expected_users(activity_ids: list[int]) -> dict[int, set[int]]:
    """activity id → ids of users who expect it: two queries."""
    good_standing = Q(member__user__isnull=False, member__user__is_active=True,
                      member__status=MembershipStatus.ACTIVE)
    users: dict[int, set[int]] = defaultdict(set)
    for activity_id, user_id in (Attendance.objects.filter(good_standing, activity_id__in=activity_ids,
                                                           status=AttendanceStatus.EXPECTED)
                                 .values_list("activity_id", "member__user_id")):
        users[activity_id].add(user_id)
    for activity_id, user_id in (Registration.objects.filter(good_standing, activity_id__in=activity_ids,
                                                             status=RegistrationStatus.REGISTERED)
                                 .values_list("activity_id", "member__user_id")):
        users[activity_id].add(user_id)
    return users


def _day_before_moment(start: dt.datetime, at: dt.time) -> dt.datetime:
    day = timezone.localtime(start).date() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, at))


def _describe(activity: dict, now: dt.datetime) -> str:
    place = f"，地点：{activity['place']}" if activity["place"] else ""
    return f"{activity['organisation__name']}：{when_text(activity['planned_start'], now)}{place}"


def _dues_for(activity: dict, *, users: set[int], settings, webhooks: list[int], now: dt.datetime) -> list[Due]:
    start, link = activity["planned_start"], Activity(pk=activity["pk"]).get_absolute_url()
    target = f"activity:{activity['pk']}"
    common = {"target": target, "link": link, "organisation_id": activity["organisation_id"]}

    def change_notices(kind: str, period: str, title: str, body: str) -> list[Due]:
        """To everyone expecting it who wants change notices, and to the group robots."""
        notice = {"kind": kind, "period": period, "title": title, "body": body, **common}
        return ([Due(recipient_id=user, **notice) for user in users if settings[user].changes]
                + [Due(webhook_id=hook, **notice) for hook in webhooks])

    if activity["status"] == ActivityStatus.CANCELLED:
        return change_notices(Kind.ACTIVITY_CANCELLED, "cancelled", f"活动取消：{activity['title']}",
                              f"原定 {when_text(start, now)} 的活动已取消。取消原因：{activity['cancel_reason']}")
    dues = []
    if activity["rescheduled_at"] and activity["rescheduled_at"] >= now - CHANGE_LOOKBACK:
        dues += change_notices(Kind.ACTIVITY_CHANGED, f"{activity['rescheduled_at']:%Y%m%d%H%M%S}",
                               f"活动时间地点变更：{activity['title']}", f"变更后：{_describe(activity, now)}")
    if not now < start <= now + WINDOW:
        return dues
    body = _describe(activity, now)
    for user in users:
        choice = settings[user]
        soon_from = start - dt.timedelta(minutes=choice.soon_minutes) if choice.soon else start
        if choice.soon and soon_from <= now:
            dues.append(Due(kind=Kind.ACTIVITY_SOON, period=_period(activity), recipient_id=user, body=body,
                            title=f"即将开始：{activity['title']}（{timezone.localtime(start):%H:%M}）", **common))
        elif choice.day_before and _day_before_moment(start, choice.day_before_at) <= now < soon_from:
            dues.append(Due(kind=Kind.ACTIVITY_DAY_BEFORE, period=_period(activity), recipient_id=user, body=body,
                            title=f"活动提醒：{when_text(start, now)} {activity['title']}", **common))
    if _day_before_moment(start, GROUP_DAY_BEFORE_AT) <= now:
        dues += [Due(kind=Kind.ACTIVITY_DAY_BEFORE, period=_period(activity), webhook_id=hook, body=body,
                     title=f"活动提醒：{when_text(start, now)} {activity['title']}", **common) for hook in webhooks]
    return dues


def _candidates(now: dt.datetime, activity_ids=None):
    upcoming = Q(status=ActivityStatus.PLANNED, planned_start__gt=now, planned_start__lte=now + WINDOW)
    moved = Q(status=ActivityStatus.PLANNED, rescheduled_at__gte=now - CHANGE_LOOKBACK, planned_start__gt=now)
    cancelled = Q(status=ActivityStatus.CANCELLED, updated_at__gte=now - CHANGE_LOOKBACK, planned_start__gt=now)
    activities = Activity.objects.filter(upcoming | moved | cancelled)
    if activity_ids is not None:
        activities = activities.filter(pk__in=activity_ids)
    return activities.order_by("planned_start", "pk").values(*FIELDS)


def activity_dues(*, now: dt.datetime, activity_ids=None):
    """The reminders and notices due at `now` (for the given activities, or every activity in the window).
    Yields `Due`s chunk by chunk; `notifications_create` drops what was already sent."""
    for chunk in chunked(_candidates(now, activity_ids).iterator(chunk_size=ACTIVITY_CHUNK), ACTIVITY_CHUNK):
        ids = [activity["pk"] for activity in chunk]
        users = _expected_users(ids)
        settings = settings_for(user for group in users.values() for user in group)
        webhooks = webhooks_for(activity["organisation_id"] for activity in chunk)
        for activity in chunk:
            yield from _dues_for(activity, users=users.get(activity["pk"], set()), settings=settings,
                                 webhooks=webhooks.get(activity["organisation_id"], []), now=now)
