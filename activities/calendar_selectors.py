"""Reads for the calendars: the browser calendar's JSON events and the iCalendar feed's rows.

Both read through access.activities_visible_to, so a calendar never shows more than the
activity pages would, and both cost a constant number of queries whatever the data."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, ExpressionWrapper, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from activities import access
from branches.models import Organisation

from .choices import ActivityKind, ActivityStatus
from .models import MAX_ACTIVITY_LENGTH, Activity
from .selectors import hosted_or_joined

CALENDAR_TZ = ZoneInfo("Asia/Shanghai")

# One colour per kind, used by the calendar events and by the legend. White text must stay readable on each.
KIND_COLOURS = {
    ActivityKind.GENERAL_MEETING: "#c8161d",
    ActivityKind.COMMITTEE_MEETING: "#d9480f",
    ActivityKind.GROUP_MEETING: "#a35200",
    ActivityKind.PARTY_LESSON: "#1864ab",
    ActivityKind.THEMED_DAY: "#a61e4d",
    ActivityKind.ORG_LIFE_MEETING: "#5f3dc4",
    ActivityKind.APPRAISAL_MEETING: "#862e9c",
    ActivityKind.OPEN_LECTURE: "#0b7285",
    ActivityKind.TRAINING: "#2b8a3e",
    ActivityKind.VOLUNTEER: "#5c7c0d",
    ActivityKind.OTHER: "#364fc7",
}
CANCELLED_COLOUR = "#adb5bd"
# The most events one calendar request returns: an admin's month at province scale is tens of thousands of
# meetings (24 MB of JSON); past this the page asks to choose an organisation or a kind.
MAX_EVENTS = 1000


def kind_legend() -> list[tuple[str, str]]:
    return [(ActivityKind(kind).label, colour) for kind, colour in KIND_COLOURS.items()]


def activities_in_range(*, user, start: dt.datetime, end: dt.datetime) -> QuerySet[Activity]:
    """Visible activities whose effective time (actual once held, else planned) overlaps [start, end).

    When what the user may see is a bounded set of candidates (literal lists and the open/city-wide index), the
    dates are tested on the rows read, not through the index of effective starts: PostgreSQL otherwise ANDs in a
    bitmap of every activity of the window across the province (130,000–170,000 rows, 6–9 ms of a member's
    7–9 ms)."""
    visible, literal = access.visible_activities(user)
    start_at, end_at = Coalesce("actual_start", "planned_start"), Coalesce("actual_end", "planned_end")
    if literal:  # the same instants, by expressions that no index matches
        start_at, end_at = (ExpressionWrapper(moment + Value(dt.timedelta(0)), output_field=DateTimeField())
                            for moment in (start_at, end_at))
    return (
        visible.annotate(start_at=start_at, end_at=end_at)
        .filter(start_at__lt=end, end_at__gt=start, start_at__gte=start - MAX_ACTIVITY_LENGTH)
    )


def own_top_organisations(user) -> QuerySet[Organisation]:
    """The highest organisations the user runs (for an admin, the working committee itself)."""
    managed = access.organisations_managed_by(user).active()
    return managed.filter(depth=managed.order_by("depth").values("depth")[:1])


def calendar_events(*, user, start: dt.datetime, end: dt.datetime, organisation: Organisation | None = None,
                    own_only: bool = False, kind: str = "") -> list[dict]:
    """FullCalendar event objects for the user's calendar. One query, whatever the number of activities.

    `organisation` must already have been checked against access.organisations_managed_by. `own_only`: only
    what the user's top organisations host or join themselves (the working committee's lectures and city-wide
    events, not every branch's meetings)."""
    activities = activities_in_range(user=user, start=start, end=end)
    if organisation is not None:
        # Hosted or joined by the organisation or one below it (a general branch sees its branches' meetings).
        activities = activities.filter(hosted_or_joined(Organisation.objects.filter(
            path__startswith=organisation.path)))
    if own_only:
        activities = activities.filter(hosted_or_joined(own_top_organisations(user)))
    if kind:
        activities = activities.filter(kind=kind)
    rows = activities.order_by("start_at", "pk").values(
        "pk", "title", "kind", "status", "place", "start_at", "end_at",
        "organisation__name", "organisation__short_name",
    )[:MAX_EVENTS]
    # One reverse() and string substitution per row: reverse() for each row would be slower and is not needed.
    url_template = reverse("activities:activity_detail", args=[0]).replace("/0/", "/{pk}/")
    kinds, statuses = dict(ActivityKind.choices), dict(ActivityStatus.choices)
    events = []
    for row in rows:
        cancelled = row["status"] == ActivityStatus.CANCELLED
        colour = CANCELLED_COLOUR if cancelled else KIND_COLOURS.get(row["kind"], KIND_COLOURS[ActivityKind.OTHER])
        events.append({
            "id": str(row["pk"]),
            "title": row["title"],
            "start": row["start_at"].astimezone(CALENDAR_TZ).isoformat(),
            "end": row["end_at"].astimezone(CALENDAR_TZ).isoformat(),
            "url": url_template.format(pk=row["pk"]),
            "color": colour,
            "textColor": "#212529" if cancelled else "#ffffff",
            "classNames": ["event-cancelled"] if cancelled else [],
            "extendedProps": {
                "kind": kinds.get(row["kind"], row["kind"]),
                "status": statuses.get(row["status"], row["status"]),
                "organisation": row["organisation__short_name"] or row["organisation__name"],
                "place": row["place"],
                "cancelled": cancelled,
            },
        })
    return events


# --- the iCalendar feed -------------------------------------------------------------

FEED_PAST = dt.timedelta(days=90)
FEED_FUTURE = dt.timedelta(days=365)


def feed_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From 90 days back to a year ahead, on whole days so the window (and the ETag) moves once a day."""
    today = dt.datetime.combine(now.astimezone(CALENDAR_TZ).date(), dt.time(), tzinfo=CALENDAR_TZ)
    return today - FEED_PAST, today + FEED_FUTURE


# Whoever oversees more organisations than this gets, in a phone's calendar, their own top organisation's
# activities and those they are expected at, not every branch's meetings (a province admin's feed was 192 MB).
CROWDED = 12


def oversees_many(user) -> bool:
    return (access.can_plan_activities(user)
            and access.organisations_managed_by(user).active()[:CROWDED + 1].count() > CROWDED)


def feed_activities(*, user, now: dt.datetime) -> QuerySet[Activity]:
    start, end = feed_window(now)
    activities = activities_in_range(user=user, start=start, end=end)
    if oversees_many(user):
        condition = hosted_or_joined(own_top_organisations(user))
        member = access.own_member(user)
        if member is not None:
            condition |= Q(pk__in=member.attendances.values("activity_id"))
        activities = activities.filter(condition)
    return (
        activities
        .select_related("organisation")
        .only("uid", "sequence", "title", "kind", "theme", "status", "cancel_reason", "place", "host", "lecturer",
              "agenda", "planned_start", "planned_end", "actual_start", "actual_end", "created_at", "updated_at",
              "organisation__name", "organisation__short_name")
        .order_by("start_at", "pk")
    )


def feed_fingerprint(*, user, now: dt.datetime) -> tuple[dt.datetime | None, int]:
    """(latest change, number of activities) of the feed's window, in one aggregate query: enough to
    answer a phone's conditional request without building the calendar."""
    totals = feed_activities(user=user, now=now).order_by().aggregate(latest=Max("updated_at"), count=Count("pk"))
    return totals["latest"], totals["count"]
