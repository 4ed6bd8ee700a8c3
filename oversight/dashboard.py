"""The home page's numbers: the working committee's dashboard, a secretary's "what is due", a member's next
activities. Every function costs a fixed number of queries whatever the amount of data: counts are grouped in
the database and lists are capped.

Which organisations a dashboard covers comes from the access module: an admin's is every active organisation,
a secretary's their organisations and everything below them.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus
from activities.models import Activity, Attendance
from branches.choices import OrganisationKind
from branches.models import Organisation
from branches.selectors import stage_counts
from branches.versions import SUMMARY_SECONDS, counted_for
from core.cache import current_version
from core.dates import local_midnight
from core.todo import todos_for
from members.choices import Stage
from members.models import Member
from oversight import access

from . import compliance, duties, elections, reviews

LIST_LIMIT = 10  # rows shown per list on the home page; the full lists are one click away
NEXT_ACTIVITIES = 5
MONTH_LABELS = [f"{month}月" for month in range(1, 13)]



def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@dataclass(frozen=True)
class Capped:
    """The first rows of a list; `total` when it is known (else None) and whether rows were left out."""

    rows: list
    total: int | None
    more: bool


def _capped(items, limit: int = LIST_LIMIT, *, make=None, total: int | None = None) -> Capped:
    """The first `limit` items (each made into a row by `make`, for those shown only); `total` when `items` are
    only the first of them."""
    rows = items[:limit]
    total = len(items) if total is None else total
    return Capped(rows=rows if make is None else [make(item) for item in rows], total=total, more=total > limit)


def _capped_query(queryset: QuerySet, limit: int = LIST_LIMIT, *, total: int | None = None) -> Capped:
    # Always exactly one query: one row more than shown tells whether there are more.
    rows = list(queryset[:limit + 1])
    return Capped(rows=rows[:limit], total=total, more=len(rows) > limit)


# --- the parts ---------------------------------------------------------------------------------------

def organisation_counts(organisations: QuerySet[Organisation]) -> list[tuple[str, str, int]]:
    """(kind, label, count) per kind, the working committee itself left out (it oversees, it is not counted
    among the organisations it oversees)."""
    counts = dict(organisations.exclude(kind=OrganisationKind.WORKING_COMMITTEE).values_list("kind")
                  .annotate(n=Count("pk")).order_by())
    return [(kind.value, kind.label, counts[kind.value]) for kind in OrganisationKind if counts.get(kind.value)]


def member_stage_counts(organisations: QuerySet[Organisation]) -> list[tuple[str, str, int]]:
    counts = stage_counts(Member.objects.filter(organisation__in=organisations))
    return [(stage, Stage(stage).label, n) for stage, n in counts.items()]


def activities_by_month(organisations: QuerySet[Organisation], year: int) -> dict[str, list[int]]:
    """Hosted activities of the year by local month of their planned start: {"held": [12], "planned": [12]}
    (cancelled ones left out). One grouped query."""
    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))
    held, planned = [0] * 12, [0] * 12
    rows = (Activity.objects.filter(organisation__in=organisations, planned_start__gte=start, planned_start__lt=end)
            .filter(status__in=[ActivityStatus.HELD, ActivityStatus.PLANNED])
            .annotate(month=ExtractMonth("planned_start")).values_list("month", "status")
            .annotate(n=Count("pk")).order_by())
    for month, status, n in rows:
        (held if status == ActivityStatus.HELD else planned)[month - 1] += n
    return {"held": held, "planned": planned}


def _rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:g}%"


def _red_cells(digest: compliance.MonthDigest, limit: int = LIST_LIMIT) -> Capped:
    """The month's red cells (nothing of what was required held) from the cached digest; only the shown ones'
    organisations are loaded, so the page does not grow with the number of red cells."""
    shown = digest.red[:limit]
    objects = Organisation.objects.in_bulk([pk for pk, *_ in shown]) if shown else {}
    return Capped(rows=[compliance.RedCell(objects[pk], [ActivityKind(k.kind) for k in compliance.kind_counts(missing)])
                        for pk, _, _, missing in shown],
                  total=digest.red_total, more=digest.red_total > limit)


def _meeting_due(gap: tuple) -> dict:
    """A cell of this month where something required is still missing (red or amber), with what is missing."""
    pk, name, state, missing = gap
    return {"pk": pk, "name": name, "state": state, "kinds": compliance.kind_counts(missing)}


def _management(*, organisations: QuerySet[Organisation], whole_city: bool, today: dt.date) -> dict:
    """What admins and secretaries share. `whole_city`: rates over every organisation (the yearly report's)."""
    year, month = today.year, today.month
    scope = None if whole_city else organisations
    window = elections.term_window(today)
    by_month = activities_by_month(organisations, year)
    stages = member_stage_counts(organisations)
    kinds = organisation_counts(organisations)
    pass_rate = reviews.pass_rate(year=year, organisations=scope)
    on_time = elections.on_time_rate(year=year, organisations=scope, today=today)
    on_time_last_year = elections.on_time_rate(year=year - 1, organisations=scope, today=today)
    problems = compliance.setup_problems(organisations=organisations, today=today)
    term_counts = elections.term_counts(organisations=organisations, window=window)
    duty_totals = duties.state_totals(organisations=organisations, today=today)
    return {
        "today": today,
        "year": year,
        "month": month,
        "organisation_counts": kinds,
        "organisation_total": sum(n for _, _, n in kinds),
        "member_stage_counts": stages,
        "member_total": sum(n for _, _, n in stages),
        "activities_this_month": {"held": by_month["held"][month - 1], "planned": by_month["planned"][month - 1]},
        "activities_by_month": [(label, by_month["held"][i], by_month["planned"][i])
                                for i, label in enumerate(MONTH_LABELS)],
        "pass_rate": pass_rate,
        "pass_rate_text": _rate_text(pass_rate["rate"]),
        "on_time": on_time,
        "on_time_text": _rate_text(on_time["rate"]),
        "on_time_last_year": on_time_last_year,
        "on_time_last_year_text": _rate_text(on_time_last_year["rate"]),
        "term_window": window,
        "term_counts": term_counts,
        "overdue_terms": _capped_query(elections.overdue_terms(organisations=organisations, window=window),
                                       total=term_counts["overdue"]),
        "due_terms": _capped_query(elections.due_terms(organisations=organisations, window=window),
                                   total=term_counts["due"]),
        "setup_problems": _capped(problems),
        "duty_totals": duty_totals,
        "overdue_duties": _capped_query(duties.overdue_assignments(organisations=organisations, today=today),
                                        total=duty_totals["overdue"]),
        "chart_data": {
            "stages": {"labels": [label for _, label, _ in stages], "values": [n for _, _, n in stages]},
            "months": {"labels": MONTH_LABELS, "held": by_month["held"], "planned": by_month["planned"],
                       "current": month},
        },
    }


# The working committee's figures cover every organisation (at province scale: a year's 700,000 activities,
# 500,000 members, 15,000 organisations: two seconds of counting). Every admin sees the same figures, so they
# are counted at most once every few minutes and the page says when (branches.versions.counted_for).
CITY_FIGURES_SECONDS = SUMMARY_SECONDS
# Decisions an admin takes and then looks for on the home page (a review accepted, a term recorded, a duty
# given) bump this version (oversight/signals.py): the figures are counted again at once. Activities and
# members, which change all day across a city, wait for the five minutes.
DECISIONS_VERSION_KEY = "dashboard:decisions-version"


def todos(user) -> list:
    """The user's 待办 (core.todo), for a secretary from the cache while nothing in their organisations changed
    (the providers read rows of their subtrees only; every such row is watched, branches/versions.py) and for
    at most five minutes (a meeting's end passing, a deadline reached)."""
    return counted_for(user, f"todos:{user.pk}", lambda: todos_for(user)).value


def admin_dashboard(*, user, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    organisations = access.organisations_managed_by(user).active()
    counted = counted_for(user, f"city:{current_version(DECISIONS_VERSION_KEY)}",
                          lambda: _management(organisations=organisations, whole_city=True, today=today))
    context = {**counted.value, "counted_at": counted.counted_at}
    digest = compliance.cached_month_digest(organisations=organisations, year=today.year, month=today.month,
                                            today=today)
    context["red_cells"] = _red_cells(digest)
    context["last_month"] = last_month_incomplete(organisations=organisations, today=today)
    return context


def last_month_incomplete(*, organisations, today: dt.date) -> dict:
    """"Last month: N organisations incomplete", with the link to exactly those rows of the matrix."""
    last = (today.replace(day=1) - dt.timedelta(days=1))
    digest = compliance.cached_month_digest(organisations=organisations, year=last.year, month=last.month,
                                            today=today)
    # A matrix row per organisation: as many organisations incomplete as gaps.
    return {"year": last.year, "month": last.month, "count": digest.total,
            "url": f"{reverse('oversight:matrix')}?year={last.year}&month={last.month}&incomplete=1"}


def secretary_dashboard(*, user, today: dt.date | None = None) -> dict:
    """The same numbers for the secretary's organisations, plus what is due this month and quick links."""
    today = today or timezone.localdate()
    organisations = access.organisations_managed_by(user).active()
    _, month_end = _month_bounds(today)

    def count() -> dict:
        return {
            **_management(organisations=organisations, whole_city=False, today=today),
            "duties_due": _capped_query(duties.assignments_of(organisations=organisations, today=today,
                                                              state=duties.DutyState.DUE)
                                        .filter(duty__deadline__lte=month_end), 50),
            "organisations": _capped_query(organisations.exclude(kind=OrganisationKind.WORKING_COMMITTEE)
                                           .order_by("path"), 50),
        }

    # Counted again as soon as anything in the secretary's organisations changes (branches/versions.py), or a
    # decision of the working committee's (a duty given to every branch).
    context = dict(counted_for(user, f"figures:{current_version(DECISIONS_VERSION_KEY)}", count).value)
    digest = compliance.cached_month_digest(organisations=organisations, year=today.year, month=today.month,
                                            today=today)
    context.update({
        "red_cells": _red_cells(digest),
        "meetings_due": _capped(digest.gaps, compliance.DIGEST_ROWS, make=_meeting_due, total=digest.total),
        "month_end": month_end,
        "meeting_kinds": [OrganisationKind.BRANCH.value, OrganisationKind.TEMPORARY_BRANCH.value],
    })
    return context


def next_activities(*, member, now: dt.datetime | None = None, limit: int = NEXT_ACTIVITIES) -> list[Attendance]:
    """The member's next activities they are expected at (not cancelled), soonest first: only what the home page
    shows of each (all fifty columns of the attendance, its activity and its host cost 2 ms to compile and read on
    a page of 4)."""
    now = now or timezone.now()
    return list(Attendance.objects.filter(member=member, status=AttendanceStatus.EXPECTED,
                                          activity__planned_start__gte=now)
                .exclude(activity__status=ActivityStatus.CANCELLED)
                .select_related("activity", "activity__organisation")
                .only("activity", "activity__title", "activity__planned_start", "activity__place",
                      "activity__organisation", "activity__organisation__name",
                      "activity__organisation__short_name")
                .order_by("activity__planned_start")[:limit])


def home_context(user, *, today: dt.date | None = None) -> dict:
    """Everything the home page shows for this user: the dashboard for admins and secretaries; for anyone
    with a member record, their next activities."""
    context: dict = {"dashboard": None}
    if access.is_admin(user):
        context.update(admin_dashboard(user=user, today=today), dashboard="admin")
    elif access.is_secretary(user):
        context.update(secretary_dashboard(user=user, today=today), dashboard="secretary")
    member = access.own_member(user)
    if member is not None:
        context["next_activities"] = next_activities(member=member)
    return context

