"""Fixtures of the notification tests: `robot_server` (a local stand-in for the group-robot servers) and a
meeting whose day-before reminder is due now."""

import datetime as dt

from django.utils import timezone

from notifications.models import NotificationSettings
from tests.factories import ActivityFactory, AttendanceFactory
from tests.notifications.robot_server import robot_server  # noqa: F401 - a fixture, registered by import

MEETING = "支部党员大会"


def meeting_due_now(city, *, email: str = "jia@example.cn", hours_ahead: float = 2):
    """A meeting of branch A starting in two hours, the member expected and with an e-mail address.

    The member turned the "shortly before" reminder off, so the day-before reminder applies: its moment
    (18:00 local on the day before the start) is always at least six hours before the start, so four hours
    ago at the latest — due now, whatever the time of day the test runs. The branch's group robots get the
    day-before reminder too (their moment is the same 18:00)."""
    city.member_user.email = email
    city.member_user.save(update_fields=["email"])
    NotificationSettings.objects.update_or_create(user=city.member_user, defaults={"soon": False})
    start = (timezone.now() + dt.timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    activity = ActivityFactory(organisation=city.branch_a, title=MEETING, planned_start=start,
                               planned_end=start + dt.timedelta(hours=2))
    AttendanceFactory(activity=activity, member=city.member)
    return activity
