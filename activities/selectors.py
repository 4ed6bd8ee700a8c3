"""Reads for activities, each at a fixed number of queries."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from activities import access
from branches.access import LITERAL_ORGANISATIONS
from branches.models import Organisation
from core.paging import BranchesInOrder

from .choices import AttendanceStatus
from .models import Activity, Attendance


def local_midnight(day: dt.date) -> dt.datetime:
    """Where a local (Asia/Shanghai) day starts, as an aware datetime: the bound for filtering activities by date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def hosted_or_joined(organisations) -> Q:
    """Activities hosted or joined by the given organisations (a queryset). Up to LITERAL_ORGANISATIONS they are
    written as literal id lists: PostgreSQL then reads the (organisation, planned_start) index for them instead of
    walking every activity newest first and testing each against a subquery (a province secretary's list: 4.7 s
    to count, 0.6 s for a page)."""
    joint = Activity.joint_organisations.through.objects
    ids = list(organisations.order_by().values_list("pk", flat=True)[:LITERAL_ORGANISATIONS + 1])
    if len(ids) > LITERAL_ORGANISATIONS:
        return (Q(organisation__in=organisations.values("pk"))
                | Q(pk__in=joint.filter(organisation__in=organisations.values("pk")).values("activity_id")))
    joined = list(joint.filter(organisation_id__in=ids).values_list("activity_id", flat=True))
    return Q(organisation_id__in=ids) | Q(pk__in=joined)


def activity_list(*, user, organisation=None, kind: str = "", status: str = "", year: int | None = None,
                  own_only: bool = False):
    """The base rows only (no grouping), so a paginator counts and slices the activity table itself;
    `with_attendance_totals` then counts attendance for the rows shown. `own_only`: only what the
    user's organisations host or join (a secretary's list, without other organisations' open lectures)."""
    # A set made of a few indexed ways in (literal lists, the open/city-wide index) is paged by them, its order
    # kept per user under the version the ways in were worked out under (core.paging.BranchesInOrder): a page then
    # reads its own rows only. An admin's, or a set made of subqueries, is one ORed query.
    if own_only:
        # What the user's organisations host or join is all visible to them: no visibility test on top.
        branches = access.hosted_or_joined_by_managed_branches(user)
        activities = (Activity.objects.all() if branches is not None
                      else Activity.objects.filter(hosted_or_joined(access.organisations_managed_by(user))))
    else:
        branches = access.visible_branches(user)
        activities = Activity.objects.all() if branches is not None else access.activities_visible_to(user)
    if organisation is not None:
        # The organisation and those below it (a general branch lists its branches' meetings).
        activities = activities.filter(hosted_or_joined(Organisation.objects.filter(
            path__startswith=organisation.path)))
    if kind:
        activities = activities.filter(kind=kind)
    if status:
        activities = activities.filter(status=status)
    if year:
        activities = activities.filter(planned_start__gte=local_midnight(dt.date(year, 1, 1)),
                                       planned_start__lt=local_midnight(dt.date(year + 1, 1, 1)))
    # The page's organisations in a query of their own: joined before the sort and LIMIT, PostgreSQL hashed
    # every organisation of the province for a member's 500 candidate rows (10 ms of a 10.5 ms query). Only the
    # columns the list shows (the agenda, minutes and resolutions of thirty activities were read and dropped).
    if branches is None:
        return (activities.only(*LISTED_COLUMNS).order_by(*LIST_ORDER)
                .prefetch_related(Prefetch("organisation", queryset=Organisation.objects.only("name", "short_name"))))
    # Read by their pks, the page's rows join their organisations (no sort, no LIMIT to hash them all for).
    activities = activities.select_related("organisation").only(
        *LISTED_COLUMNS, "organisation__name", "organisation__short_name")
    kept_as = access.kept_order_key(user, "activities:list", int(own_only), organisation.pk if organisation else "",
                                    kind, status, year or "", ",".join(LIST_ORDER))
    return BranchesInOrder(activities, branches, LIST_ORDER, kept_as=kept_as)


# The list's order: newest first, the pk last so that it is unique (core.paging.BranchesInOrder merges by it).
LIST_ORDER = ("-planned_start", "-id")


# What the activity list shows of each activity.
LISTED_COLUMNS = ("organisation", "kind", "title", "planned_start", "status")


def city_wide_upcoming(*, user, limit: int = 5) -> list[Activity]:
    """Open lectures and city-wide events to come that the user's organisations do not host: a secretary's list
    shows them in a section of their own (one query: they are open to everyone, so the user's visible set, three
    queries to work out, is not needed)."""
    managed = access.organisation_ids_managed_by(user)
    if len(managed) > access.LITERAL_ORGANISATIONS:
        managed = access.organisations_managed_by(user).values("pk")
    return list(access.open_to_everyone().filter(planned_start__gte=timezone.now())
                .exclude(organisation__in=managed).exclude(status="CANCELLED")
                .select_related("organisation").only("title", "planned_start", "organisation__name",
                                                     "organisation__short_name")
                .order_by("planned_start", "pk")[:limit])


def with_attendance_totals(activities) -> list[Activity]:
    """Sets `expected` and `present` on each of a page of activities: one grouped query over their rows only."""
    activities = list(activities)
    totals = {pk: (expected, present) for pk, expected, present in (
        Attendance.objects.filter(activity__in=[a.pk for a in activities]).order_by().values_list("activity")
        .annotate(expected=Count("pk", filter=Q(member__isnull=False)),
                  present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT))))}
    for activity in activities:
        activity.expected, activity.present = totals.get(activity.pk, (0, 0))
    return activities


def attendance_counts(activity: Activity) -> dict[str, int]:
    counts = dict(activity.attendances.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in AttendanceStatus.values}


# What the attendance table and the minutes show of each row: not the members', organisations' and accounts' other
# columns (a branch's forty rows read and dropped some 80 of them each).
ATTENDANCE_ROW_COLUMNS = ("activity", "member__name", "member__organisation__name", "member__organisation__short_name",
                          "guest_name", "guest_unit", "role", "status", "leave_reason", "recorded_via",
                          "recorded_by__full_name", "recorded_by__username")


def attendance_rows(activity: Activity):
    return list(activity.attendances.select_related("member", "member__organisation", "recorded_by")
                .only(*ATTENDANCE_ROW_COLUMNS)
                .order_by("role", "member__organisation__path", "member__name", "guest_name", "pk"))


def member_attendance_summary(member) -> list[dict]:
    """Per year: expected, present, on leave, absent — one aggregate query."""
    rows = (Attendance.objects.filter(member=member).exclude(activity__status="CANCELLED")
            .values("activity__planned_start__year")
            .annotate(expected=Count("pk"),
                      present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
                      leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
                      absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
                      pending=Count("pk", filter=Q(status=AttendanceStatus.EXPECTED)))
            .order_by("-activity__planned_start__year"))
    return [{"year": r.pop("activity__planned_start__year"), **r} for r in rows]


def member_recent_attendances(member, limit: int = 20):
    """The member page's list: what it shows of each activity, not every column of it and of its host."""
    return list(Attendance.objects.filter(member=member).select_related("activity")
                .only("status", "activity", "activity__title", "activity__planned_start", "activity__status")
                .order_by("-activity__planned_start")[:limit])
