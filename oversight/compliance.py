"""The 三会一课 compliance matrix and the set-up checks. Read-only selectors, each at a fixed number of queries.

What a matrix cell means
------------------------
A cell is one organisation in one month of the chosen year. Rows are the organisations that hold meetings
(党支部 and 临时党支部); committees, general branches and the working committee appear only as group headers.

* The rules are the ``MeetingRequirement`` rows in force on the **first day of the month** (with the same
  "older dates are judged by the oldest rule" fallback as ``RuleQuerySet.in_force``), so a changed row changes
  what is required from the month it takes effect, and never rewrites earlier months.
* A rule's period cuts the year into blocks: MONTH = every month, QUARTER = Jan–Mar …, HALF_YEAR = Jan–Jun and
  Jul–Dec, YEAR = the whole year. ``months`` (e.g. "10,11,12") narrows a block to the allowed months. The rule is
  **due in the last allowed month of its block** and counts the held activities of **every allowed month of the
  block**: a quarterly general meeting held in February fills Q1's March cell; one held in April does not.
* ``applies_when`` COMMITTEE: only if the organisation has a committee on the first day of the month (as
  ``activities.planning.has_committee``: current seats >= the COMMITTEE_MIN_SIZE threshold in force).
  GROUPS: only if it has party groups, and then ``times × number of groups`` group meetings are required.
* An ``Exemption`` of that organisation and kind valid on any day of the due month removes the requirement.
* Only HELD activities count, by the local month of their actual start; for the host organisation **and** for each
  joint organisation. Planned and cancelled ones never count. More meetings of a kind than required do not make up
  for a missing kind: each kind's held count is capped at what it requires.
* An organisation is not asked for months before the month it was established, nor after the month it was
  dissolved (grey, ``ABSENT``).

Colours: green = everything required was held; amber = some; red = none (while something was required); grey =
nothing required, the organisation did not exist, or the month is still to come. The current month is computed
like the others but flagged ``current`` (it is still in progress). Completion rates (a row's, the report's) count
only months that are over, so a month in progress never drags a rate down.

Set-up checks (``setup_problems``) are documented on the function.
"""

import datetime as dt
import hashlib
import threading
import uuid
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from audit.models import Action
from audit.services import action_log
from branches.choices import OrganisationKind, OrganisationStatus, Position
from branches.models import CommitteePosition, Organisation, PartyGroup
from core.cache import bump_version, current_version
from core.dates import local_midnight
from members.choices import MembershipStatus, Stage
from members.models import Member
from rules.models import MeetingRequirement, Period, RequiredBody, Threshold, ThresholdCode

from .models import Exemption

# The organisations that hold the 三会一课 themselves; the others are only headers of the tree.
MEETING_KINDS = (OrganisationKind.BRANCH, OrganisationKind.TEMPORARY_BRANCH)
MONTHS = tuple(range(1, 13))
BLOCK_SIZE = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}

# Cell states; the page's CSS class is "c-" + state.
GREEN, AMBER, RED, NOTHING, FUTURE, ABSENT = "g", "a", "r", "n", "f", "x"
STATE_LABELS = {
    GREEN: "已全部按要求开展", AMBER: "部分开展", RED: "均未开展", NOTHING: "本月无要求", FUTURE: "尚未到期",
    ABSENT: "该党组织当月尚未成立或已撤销",
}

# Why a rule in force is not asked of an organisation in a month.
EXEMPT, NO_COMMITTEE, NO_GROUPS = "EXEMPT", "NO_COMMITTEE", "NO_GROUPS"
NOT_ASKED_LABELS = {EXEMPT: "已批准豁免", NO_COMMITTEE: "未设支部委员会，不作要求", NO_GROUPS: "未设党小组，不作要求"}


# --- results -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KindCount:
    """One kind of meeting due in a cell: how many were required and held in its window of months."""

    kind: str
    required: int
    held: int
    first_month: int
    last_month: int
    not_asked: str = ""  # EXEMPT / NO_COMMITTEE / NO_GROUPS when the rule is in force but not asked

    def __reduce__(self):
        # Positional and plain: a slots dataclass's default unpickling calls fields() per object, and a cached
        # matrix has thousands of them (measured: most of the time it took to read one back).
        return (KindCount, self.as_tuple())

    def as_tuple(self) -> tuple:
        """KindCount(*count.as_tuple()) == count."""
        return (self.kind, self.required, self.held, self.first_month, self.last_month, self.not_asked)

    @property
    def label(self) -> str:
        return ActivityKind(self.kind).label

    @property
    def counted(self) -> int:
        return min(self.held, self.required)

    @property
    def missing(self) -> int:
        return self.required - self.counted

    @property
    def window_label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.last_month}月"
        return f"{self.first_month}–{self.last_month}月"

    @property
    def not_asked_label(self) -> str:
        return NOT_ASKED_LABELS.get(self.not_asked, "")


@dataclass(slots=True)
class Cell:
    month: int
    state: str
    required: int = 0
    held: int = 0  # capped per kind: never more than required
    current: bool = False
    kinds: tuple[KindCount, ...] = ()
    css: str = ""
    text: str = ""

    def __reduce__(self):
        return (Cell, (self.month, self.state, self.required, self.held, self.current, self.kinds))

    def __post_init__(self):
        # Precomputed once so the template only prints attributes (thousands of cells).
        self.css = f"c-{self.state} c-now" if self.current else f"c-{self.state}"
        self.text = f"{self.held}/{self.required}" if self.required and self.state != FUTURE else ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def missing_kinds(self) -> list[ActivityKind]:
        return [ActivityKind(k.kind) for k in self.kinds if k.missing > 0]


def _rate(held: int, required: int) -> float | None:
    return held / required if required else None


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


class _Rated:
    """`rate` and `rate_text` of anything with `held` and `required` (a row, a matrix, its index)."""

    __slots__ = ()

    @property
    def rate(self) -> float | None:
        return _rate(self.held, self.required)

    @property
    def rate_text(self) -> str:
        return _percent(self.rate)


@dataclass(slots=True)
class Row(_Rated):
    pk: int
    name: str
    kind: str
    indent: int
    is_header: bool
    cells: list[Cell] = field(default_factory=list)
    required: int = 0  # over the months that are over
    held: int = 0

    def __reduce__(self):
        return (Row, (self.pk, self.name, self.kind, self.indent, self.is_header, self.cells, self.required,
                      self.held))


@dataclass(slots=True)
class Matrix(_Rated):
    year: int
    today: dt.date
    rows: list[Row]
    current_month: int  # 0 when the year is not the current one
    closed_months: int  # months that are over and count towards rates
    required: int = 0
    held: int = 0

    months = MONTHS

    @property
    def organisation_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.is_header]

    def row_for(self, pk: int) -> Row | None:
        return next((row for row in self.rows if row.pk == pk and not row.is_header), None)


class RedCell(NamedTuple):
    organisation: Organisation
    missing_kinds: list[ActivityKind]


@dataclass(frozen=True, slots=True)
class Completion(_Rated):
    required: int
    held: int

    @property
    def percent(self) -> str:
        return self.rate_text


# --- rules as of a date, for many dates from one fetch ------------------------------------------

def _in_force(rows: list, on: dt.date, key) -> dict:
    """The row per key in force on a date, from rows sorted by (effective_from, pk). Mirrors
    ``RuleQuerySet.in_force`` (newest first; dates before the first rule take the first rule's date) for many
    dates at once, where calling it per month would cost two queries a month."""
    if rows and on < rows[0].effective_from:
        on = rows[0].effective_from
    chosen = {}
    for row in rows:
        if row.effective_from > on:
            break
        chosen[key(row)] = row  # later (newer) rows overwrite older ones
    return chosen


def _thresholds_by_date(dates: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    rows = list(Threshold.objects.order_by("effective_from", "pk").only("code", "value", "effective_from"))
    return {on: {code: row.value for code, row in _in_force(rows, on, lambda r: r.code).items()} for on in dates}


def _threshold(values: dict[str, int], code: str) -> int:
    if code not in values:
        raise LookupError(f"no threshold {code} in force")
    return values[code]


@dataclass(frozen=True, slots=True)
class _Due:
    kind: str
    months: tuple[int, ...]  # the block's allowed months; the last is the due month
    times: int
    applies_when: str


def _allowed_months(rule: MeetingRequirement) -> set[int]:
    if not rule.months.strip():
        return set(MONTHS)
    return {int(m) for m in rule.months.split(",") if m.strip().isdigit() and 1 <= int(m) <= 12}


def _due_by_month(year: int) -> dict[int, list[_Due]]:
    """What falls due in each month of the year, by the rules in force on its first day (one query)."""
    rows = list(MeetingRequirement.objects.order_by("effective_from", "pk"))
    due: dict[int, list[_Due]] = {}
    for month in MONTHS:
        due[month] = []
        for kind, rule in _in_force(rows, dt.date(year, month, 1), lambda r: r.activity_kind).items():
            size = BLOCK_SIZE.get(rule.period, 12)
            start = (month - 1) // size * size + 1
            window = tuple(m for m in range(start, start + size) if m in _allowed_months(rule))
            if window and window[-1] == month and rule.times:
                due[month].append(_Due(kind, window, rule.times, rule.applies_when))
        due[month].sort(key=lambda d: list(ActivityKind.values).index(d.kind))
    return due


# --- the matrix --------------------------------------------------------------------------------

def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)



def _tree_rows(organisations: QuerySet, year: int) -> tuple[list[tuple], set[int]]:
    """The organisations in tree order (one query): meeting organisations that existed during the year, and the
    headers above them. Returns the rows and the pks of the headers that have something below them."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = list(organisations.order_by().values_list(
        "pk", "name", "short_name", "kind", "path", "depth", "sort_order", "established_on", "dissolved_on",
        "status"))
    sort_order = {row[0]: row[6] for row in rows}

    def tree_key(row):
        return tuple((sort_order.get(int(pk), 0), int(pk)) for pk in row[4].strip("/").split("/") if pk)

    rows.sort(key=tree_key)
    meeting = [r for r in rows if r[3] in MEETING_KINDS
               and (r[7] is None or r[7] <= last)
               and (r[8] is None or r[8] >= first)
               and not (r[9] == OrganisationStatus.DISSOLVED and r[8] is None)]
    above = {int(pk) for r in meeting for pk in r[4].strip("/").split("/")[:-1] if pk}
    keep = {r[0] for r in meeting} | above
    return [r for r in rows if r[0] in keep], above


def matrix_for(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> Matrix:
    """The compliance matrix of the given organisations (a queryset: the caller scopes it through
    ``branches.access``) for a year. Eight queries whatever the number of organisations."""
    today = today or timezone.localdate()
    current_month = today.month if year == today.year else 0
    if year < today.year:
        closed = 12
    elif year == today.year:
        closed = today.month - 1
    else:
        closed = 0

    # Equal counts and equal lists of them are one object each (they are immutable): a cached matrix then
    # pickles and reads back each distinct one once, not once per cell (thousands).
    shared: dict = {}
    tree, headers = _tree_rows(organisations, year)
    meeting_pks = organisations.filter(kind__in=MEETING_KINDS).values("pk")
    month_starts = [_month_start(year, m) for m in MONTHS]
    due = _due_by_month(year)
    thresholds = _thresholds_by_date(month_starts)
    committee_min = {m: _threshold(thresholds[month_starts[m - 1]], ThresholdCode.COMMITTEE_MIN_SIZE)
                     for m in MONTHS}

    # Committee seats on the first day of each month: one GROUP BY with a filtered count per month.
    seats: dict[int, dict] = {}
    seat_counts = {
        f"m{m}": Count("member", distinct=True,
                       filter=Q(starts_on__lte=start) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start)))
        for m, start in zip(MONTHS, month_starts)
    }
    for row in (CommitteePosition.objects.filter(organisation__in=meeting_pks).values("organisation_id")
                .annotate(**seat_counts).order_by()):
        seats[row.pop("organisation_id")] = row
    groups = dict(PartyGroup.objects.filter(organisation__in=meeting_pks).values("organisation_id")
                  .annotate(n=Count("pk")).order_by().values_list("organisation_id", "n"))

    exemptions: dict[tuple[int, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for org_pk, kind, valid_from, valid_until in (
            Exemption.objects.filter(organisation__in=meeting_pks, valid_from__lte=dt.date(year, 12, 31))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date(year, 1, 1)))
            .values_list("organisation_id", "activity_kind", "valid_from", "valid_until")):
        exemptions[(org_pk, kind)].append((valid_from, valid_until))

    # Held activities per organisation, kind and local month: one GROUP BY for hosts, one for joint organisations.
    counted_kinds = {d.kind for month_due in due.values() for d in month_due}
    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))
    held: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 13))
    hosted = (Activity.objects.filter(organisation__in=meeting_pks, status=ActivityStatus.HELD,
                                      kind__in=counted_kinds, actual_start__gte=start, actual_start__lt=end)
              .annotate(month=ExtractMonth("actual_start")).values("organisation_id", "kind", "month")
              .annotate(n=Count("pk")).order_by().values_list("organisation_id", "kind", "month", "n"))
    Joint = Activity.joint_organisations.through
    joint = (Joint.objects.filter(organisation__in=meeting_pks, activity__status=ActivityStatus.HELD,
                                  activity__kind__in=counted_kinds, activity__actual_start__gte=start,
                                  activity__actual_start__lt=end)
             .exclude(activity__organisation_id=F("organisation_id"))  # a host listed as joint counts once
             .annotate(month=ExtractMonth("activity__actual_start"))
             .values("organisation_id", "activity__kind", "month")
             .annotate(n=Count("activity_id")).order_by()
             .values_list("organisation_id", "activity__kind", "month", "n"))
    for source in (hosted, joint):
        for org_pk, kind, month, n in source:
            held[org_pk][kind][month] += n

    base_depth = min((r[5] for r in tree), default=0)
    rows: list[Row] = []
    total_required = total_held = 0
    for pk, name, short_name, kind, _path, depth, _order, established_on, dissolved_on, _status in tree:
        is_header = kind not in MEETING_KINDS
        row = Row(pk=pk, name=name, kind=kind, indent=depth - base_depth, is_header=is_header)
        rows.append(row)
        if is_header:
            continue
        first_month = 1 if established_on is None or established_on.year < year else established_on.month
        last_month = 12 if dissolved_on is None or dissolved_on.year > year else dissolved_on.month
        org_held = held.get(pk, {})
        org_seats = seats.get(pk, {})
        org_groups = groups.get(pk, 0)
        for month in MONTHS:
            if not first_month <= month <= last_month:
                row.cells.append(Cell(month, ABSENT))
                continue
            month_from, month_until = month_starts[month - 1], _month_end(year, month)
            kinds = []
            for d in due[month]:
                counts = org_held.get(d.kind)
                done = sum(counts[m] for m in d.months) if counts else 0
                not_asked = ""
                required = d.times
                if d.applies_when == RequiredBody.COMMITTEE and org_seats.get(f"m{month}", 0) < committee_min[month]:
                    not_asked = NO_COMMITTEE
                elif d.applies_when == RequiredBody.GROUPS:
                    required = d.times * org_groups
                    not_asked = "" if org_groups else NO_GROUPS
                if not not_asked and any(f <= month_until and (u is None or u >= month_from)
                                         for f, u in exemptions.get((pk, d.kind), ())):
                    not_asked = EXEMPT
                key = (d.kind, 0 if not_asked else required, done, d.months[0], d.months[-1], not_asked)
                kinds.append(shared.get(key) or shared.setdefault(key, KindCount(*key)))
            required = sum(k.required for k in kinds)
            counted = sum(k.counted for k in kinds)
            if current_month and month > current_month or year > today.year:
                state = FUTURE
            elif not required:
                state = NOTHING
            elif counted == required:
                state = GREEN
            elif counted:
                state = AMBER
            else:
                state = RED
            kinds = tuple(kinds)
            row.cells.append(Cell(month, state, required, counted, month == current_month,
                                  shared.setdefault(kinds, kinds)))
            if month <= closed:
                row.required += required
                row.held += counted
        total_required += row.required
        total_held += row.held
    rows = [row for row in rows if not row.is_header or row.pk in headers]
    return Matrix(year=year, today=today, rows=rows, current_month=current_month, closed_months=closed,
                  required=total_required, held=total_held)


def red_cells(*, organisations: QuerySet, year: int, month: int, today: dt.date | None = None) -> list[RedCell]:
    """The organisations whose cell for the month is red (nothing of what was required held), with the kinds
    they miss — for the dashboard's "this month" list. The current month counts although it is in progress."""
    matrix = matrix_for(organisations=organisations, year=year, today=today)
    red = [(row.pk, row.cells[month - 1]) for row in matrix.organisation_rows if row.cells[month - 1].state == RED]
    objects = Organisation.objects.in_bulk([pk for pk, _ in red]) if red else {}
    return [RedCell(objects[pk], cell.missing_kinds) for pk, cell in red]


def completion_rate(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> Completion:
    """Required and held meetings over the months of the year that are over (each kind capped at what it
    requires), for the yearly report and the dashboard."""
    matrix = matrix_for(organisations=organisations, year=year, today=today)
    return Completion(required=matrix.required, held=matrix.held)


# --- set-up checks -----------------------------------------------------------------------------

class ProblemCode(models.TextChoices):
    TOO_FEW_FULL_MEMBERS = "TOO_FEW_FULL_MEMBERS", "正式党员不足"
    TOO_MANY_MEMBERS = "TOO_MANY_MEMBERS", "党员人数超过上限"
    NO_COMMITTEE = "NO_COMMITTEE", "应设未设支部委员会"
    COMMITTEE_TOO_SMALL = "COMMITTEE_TOO_SMALL", "支委会人数不足"
    COMMITTEE_TOO_LARGE = "COMMITTEE_TOO_LARGE", "支委会人数超过上限"
    SILENT = "SILENT", "长期无活动"


class Problem(NamedTuple):
    organisation: Organisation
    code: str
    message: str

    @property
    def label(self) -> str:
        return ProblemCode(self.code).label


def _tree_key(organisation: Organisation):
    return tuple(int(pk) for pk in organisation.path.strip("/").split("/") if pk)


def setup_problems(*, organisations: QuerySet, today: dt.date | None = None) -> list[Problem]:
    """What is wrong with how the given organisations are set up, from the data and the thresholds in force
    today (six queries whatever the number of organisations). Returns (organisation, code, Chinese message) in
    tree order.

    * A 党支部 with fewer full members than BRANCH_MIN_FULL_MEMBERS, or more party members (full and
      probationary) than BRANCH_MAX_MEMBERS.
    * A 党支部 with BRANCH_COMMITTEE_MIN_FULL_MEMBERS or more full members whose current seats are fewer than
      COMMITTEE_MIN_SIZE: it should elect a branch committee.
    * A 党支部 committee with more seats than COMMITTEE_MAX_SIZE; or with more than one seat but fewer than
      COMMITTEE_MIN_SIZE while it has committee posts besides 书记/副书记 (a small branch's secretary and deputy
      alone are what the regulation asks of it, not an undersized committee).
    * A 党支部 or 临时党支部 with no HELD activity (hosted or joint) in the last SILENT_DAYS days, unless it was
      established within them.

    Temporary branches are left out of the member and committee checks: their members' organisational
    relationships stay with their home branches.
    """
    today = today or timezone.localdate()
    orgs = sorted(organisations.filter(kind__in=MEETING_KINDS, status=OrganisationStatus.ACTIVE)
                  .filter(Q(established_on__isnull=True) | Q(established_on__lte=today)), key=_tree_key)
    if not orgs:
        return []
    pks = [o.pk for o in orgs]
    values = _thresholds_by_date([today])[today]
    min_full = _threshold(values, ThresholdCode.BRANCH_MIN_FULL_MEMBERS)
    max_members = _threshold(values, ThresholdCode.BRANCH_MAX_MEMBERS)
    committee_from = _threshold(values, ThresholdCode.BRANCH_COMMITTEE_MIN_FULL_MEMBERS)
    committee_min = _threshold(values, ThresholdCode.COMMITTEE_MIN_SIZE)
    committee_max = _threshold(values, ThresholdCode.COMMITTEE_MAX_SIZE)
    silent_days = _threshold(values, ThresholdCode.SILENT_DAYS)

    members = {row.pop("organisation_id"): row for row in (
        Member.objects.filter(organisation__in=pks, status=MembershipStatus.ACTIVE).values("organisation_id")
        .annotate(full=Count("pk", filter=Q(stage=Stage.FULL)),
                  party=Count("pk", filter=Q(stage__in=[Stage.PROBATIONARY, Stage.FULL]))).order_by())}
    seats = {row.pop("organisation_id"): row for row in (
        CommitteePosition.objects.current(today).filter(organisation__in=pks).values("organisation_id")
        .annotate(seats=Count("member", distinct=True),
                  posts=Count("pk", filter=~Q(position__in=[Position.SECRETARY, Position.DEPUTY_SECRETARY])))
        .order_by())}
    now = timezone.now()
    since = now - dt.timedelta(days=silent_days)
    last_held: dict[int, dt.datetime] = dict(
        Activity.objects.filter(organisation__in=pks, status=ActivityStatus.HELD, actual_start__lte=now)
        .values("organisation_id").annotate(last=Max("actual_start")).order_by()
        .values_list("organisation_id", "last"))
    for org_pk, last in (Activity.joint_organisations.through.objects
                         .filter(organisation__in=pks, activity__status=ActivityStatus.HELD,
                                 activity__actual_start__lte=now)
                         .values("organisation_id").annotate(last=Max("activity__actual_start")).order_by()
                         .values_list("organisation_id", "last")):
        if org_pk not in last_held or last > last_held[org_pk]:
            last_held[org_pk] = last

    problems: list[Problem] = []
    for org in orgs:
        if org.kind == OrganisationKind.BRANCH:
            counts = members.get(org.pk, {"full": 0, "party": 0})
            full, party = counts["full"], counts["party"]
            org_seats = seats.get(org.pk, {"seats": 0, "posts": 0})
            n_seats, posts = org_seats["seats"], org_seats["posts"]
            if full < min_full:
                problems.append(Problem(org, ProblemCode.TOO_FEW_FULL_MEMBERS,
                                        f"正式党员{full}名，少于成立党支部所需的{min_full}名。"))
            if party > max_members:
                problems.append(Problem(org, ProblemCode.TOO_MANY_MEMBERS,
                                        f"党员{party}名，超过党支部{max_members}名的上限，宜按规定设立党总支。"))
            if full >= committee_from and n_seats < committee_min:
                problems.append(Problem(org, ProblemCode.NO_COMMITTEE,
                                        f"正式党员{full}名（{committee_from}名以上），应设立支部委员会；"
                                        f"目前仅有委员{n_seats}名，不足{committee_min}名。"))
            elif 1 < n_seats < committee_min and posts:
                problems.append(Problem(org, ProblemCode.COMMITTEE_TOO_SMALL,
                                        f"支部委员会现有委员{n_seats}名，少于{committee_min}名。"))
            if n_seats > committee_max:
                problems.append(Problem(org, ProblemCode.COMMITTEE_TOO_LARGE,
                                        f"支部委员会现有委员{n_seats}名，超过{committee_max}名的上限。"))
        last = last_held.get(org.pk)
        new = org.established_on is not None and org.established_on > today - dt.timedelta(days=silent_days)
        if not new and (last is None or last < since):
            if last is None:
                when = "系统中没有已开展活动的记录"
            else:
                day = timezone.localtime(last).date()
                when = f"最近一次为{day.year}年{day.month}月{day.day}日"
            problems.append(Problem(org, ProblemCode.SILENT,
                                    f"近{silent_days}天没有已开展的组织生活（{when}）。"))
    return problems


# --- writes -------------------------------------------------------------------------------------

def exemption_grant(*, exemption, by, ip: str | None = None):
    """Save an admin's exemption from a meeting requirement (filled in by the form) and log it; django-simple-
    history keeps who changed what afterwards."""
    with transaction.atomic():
        exemption.granted_by = by
        exemption.save()
        action_log(actor=by, ip=ip, action=Action.EXEMPTION_GRANTED, organisation=exemption.organisation,
                   detail=f"{exemption.get_activity_kind_display()}：{exemption.reason}")
    return exemption


# --- the cached matrix (pages and dashboards) ------------------------------------------------------------

# Every change that can move a cell bumps this version (oversight/signals.py), so a cached matrix is never
# stale; the key also carries the day, because "today" decides which months are over.
VERSION_KEY = "compliance:version"
CACHE_SECONDS = 6 * 3600


def matrix_version() -> int:
    return current_version(VERSION_KEY)


def matrix_changed() -> None:
    """Called after anything a matrix is computed from changed (activities, joint organisations, exemptions,
    committees, party groups, organisations, rules)."""
    bump_version(VERSION_KEY)


# The scope's hash per queryset (querysets are not changed once built): a page asks for several things kept under
# the same scope (the matrix page: its outline and its table), each compiling the organisations' SQL (0.2–0.4 ms).
_SCOPES: WeakKeyDictionary = WeakKeyDictionary()


def _cache_prefix(name: str, organisations: QuerySet, year: int) -> str:
    """`compliance:<name>:<version>:<scope>:<year>`: the scope is the organisations' query, hashed (an admin's
    whole city or a secretary's subtree)."""
    scope = _SCOPES.get(organisations)
    if scope is None:
        sql, params = organisations.query.sql_with_params()
        scope = _SCOPES[organisations] = hashlib.sha1(repr((sql, params)).encode()).hexdigest()
    return f"compliance:{name}:{matrix_version()}:{scope}:{year}"


def cached_matrix_for(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> Matrix:
    """``matrix_for`` from the cache while nothing it counts has changed: the page and the dashboards read the
    same computed matrix (measured at city scale: 60–170 ms to compute, about 2 ms to read back)."""
    today = today or timezone.localdate()
    return _kept("matrix", organisations, year, today,
                 lambda: matrix_for(organisations=organisations, year=year, today=today))


def kept_key(name: str, *, organisations: QuerySet, year: int, today: dt.date) -> str:
    """The key of what is kept from the scope's matrix of this year and day (`name` says which), under the matrix's
    version: also for what a page renders from it (the matrix page's table)."""
    return f"{_cache_prefix(name, organisations, year)}:{today.isoformat()}"


def _kept(name: str, organisations: QuerySet, year: int, today: dt.date, compute: Callable[[], object], *,
          shared: bool = False):
    """What `compute` gives for the scope, year and day, from the cache while the matrix's version holds.

    `shared`: the value is never changed by its readers (an index, an outline, the pks), so this process keeps its
    last few as read and readers share them: a province's outline or index took 2–4 ms a page to read back from the
    cache. Each is stored with a token of its own beside it; one small read of the token tells whether the copy is
    still what the cache holds (a new version, a lost or evicted key, or another worker's recount all mean another
    token or none)."""
    key = kept_key(name, organisations=organisations, year=year, today=today)
    if not shared:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, CACHE_SECONDS)
        return value
    token_key = f"{key}:token"
    token = cache.get(token_key)
    with _COPIES_LOCK:
        held = _COPIES.get(key)
    if token is not None and held is not None and held[0] == token:
        return held[1]
    value = cache.get(key) if token is not None else None
    if value is None:
        value, token = compute(), uuid.uuid4().hex
        cache.set_many({key: value, token_key: token}, CACHE_SECONDS)
    with _COPIES_LOCK:
        _COPIES[key] = (token, value)
        _COPIES.move_to_end(key)
        while len(_COPIES) > COPIES_KEPT:
            _COPIES.popitem(last=False)
    return value


# This process's copies of shared kept values, the most recently read last: key → (token, value).
_COPIES: OrderedDict = OrderedDict()
_COPIES_LOCK = threading.Lock()
COPIES_KEPT = 16


# --- the matrix's index: what paging and filtering need of every row, small enough to read back quickly ----

# Per kind of meeting in a month: not due, missing (and asked), not asked, or done.
NOT_DUE, MISSING, NOT_ASKED, DONE = "-", "m", "n", "d"


class IndexRow(tuple):
    """One matrix row as a page needs it to choose rows, without cell objects: (pk, name, kind, indent,
    is_header, code). `code` holds each month as its state letter followed by one letter per kind of
    MatrixIndex.kinds (NOT_DUE, MISSING, NOT_ASKED or DONE). Plain tuples and one string: a province's 15,000
    rows read back from the cache in milliseconds, where cell objects took seconds."""

    __slots__ = ()

    pk = property(lambda self: self[0])
    name = property(lambda self: self[1])
    kind = property(lambda self: self[2])
    indent = property(lambda self: self[3])
    is_header = property(lambda self: self[4])
    code = property(lambda self: self[5])


class IndexRows(Sequence):
    """A MatrixIndex's rows (pk, name, kind, indent, is_header, code), kept as columns: a province's 15,000 rows
    pickle as a few arrays and two strings, read back from the cache in a fraction of the 7 ms that 15,000 tuples
    took. Each row is made as a plain tuple when it is read (a page reads fifty)."""

    __slots__ = ("_pks", "_texts", "_ends", "_kinds", "_kind_of", "_indents", "_headers")

    def __init__(self, rows=(), *, columns=None):
        if columns is None:
            rows = list(rows)
            kinds = tuple(dict.fromkeys(row[2] for row in rows))
            ends, end = array("q"), 0
            for row in rows:  # name and code of each row, one after the other in one string
                end += len(row[1])
                ends.append(end)
                end += len(row[5])
                ends.append(end)
            columns = (array("q", (row[0] for row in rows)), "".join(row[1] + row[5] for row in rows), ends, kinds,
                       array("H", (kinds.index(row[2]) for row in rows)), array("h", (row[3] for row in rows)),
                       bytes(bool(row[4]) for row in rows))
        self._pks, self._texts, self._ends, self._kinds, self._kind_of, self._indents, self._headers = columns

    def __reduce__(self):
        return (_index_rows, ((self._pks, self._texts, self._ends, self._kinds, self._kind_of, self._indents,
                               self._headers),))

    def __len__(self) -> int:
        return len(self._pks)

    def _row(self, i: int) -> tuple:
        ends = self._ends
        start, middle, end = ends[2 * i - 1] if i else 0, ends[2 * i], ends[2 * i + 1]
        return (self._pks[i], self._texts[start:middle], self._kinds[self._kind_of[i]], self._indents[i],
                bool(self._headers[i]), self._texts[middle:end])

    def __getitem__(self, key):
        if isinstance(key, slice):
            return tuple(self._row(i) for i in range(*key.indices(len(self))))
        if key < 0:
            key += len(self)
        if not 0 <= key < len(self):
            raise IndexError("index row out of range")
        return self._row(key)

    def __iter__(self):
        return (self._row(i) for i in range(len(self)))

    def pks_of_organisations(self) -> list[int]:
        """The pks of the rows that are not headers, from the columns alone."""
        return [pk for pk, header in zip(self._pks, self._headers) if not header]


def _index_rows(columns) -> IndexRows:
    return IndexRows(columns=columns)


@dataclass(frozen=True, slots=True)
class MatrixIndex(_Rated):
    rows: tuple  # of plain tuples; `index_rows` wraps them
    kinds: tuple
    required: int
    held: int
    # Where each group of rows begins (`groups`), worked out once when the index is built: a page of the
    # unfiltered matrix then wraps only its own rows, not a province's 15,000.
    layout: tuple | None = None

    def __reduce__(self):
        return (MatrixIndex, (self.rows, self.kinds, self.required, self.held, self.layout))

    @property
    def index_rows(self) -> list[IndexRow]:
        return [IndexRow(row) for row in self.rows]

    def organisation_pks(self) -> list[int]:
        """The pks of the rows that are organisations (not headers), in the matrix's order."""
        if isinstance(self.rows, IndexRows):
            return self.rows.pks_of_organisations()
        pk, is_header = IndexRow.pk.fget, IndexRow.is_header.fget
        return [pk(row) for row in self.rows if not is_header(row)]

    def groups(self) -> tuple[list[IndexRow], "MatrixGroups"]:
        """The rows cut into groups: one per organisation at the top of the scope (each with its subtree), under
        a lone common header (the working committee) shown on every page. Only the groups asked for are read."""
        common, starts = self.layout if self.layout is not None else _layout(self.rows)
        return [IndexRow(row) for row in self.rows[:common]], MatrixGroups(self.rows, starts)

    def month(self, row: IndexRow, month: int) -> tuple[str, dict[str, str]]:
        """(state, {kind: NOT_DUE | MISSING | NOT_ASKED | DONE}) of a row's month."""
        width = len(self.kinds) + 1
        part = row.code[(month - 1) * width: month * width]
        return part[0], dict(zip(self.kinds, part[1:]))


def _layout(rows) -> tuple[int, tuple[int, ...]]:
    """(how many rows lead as the common header, where each group begins) — rows as IndexRow or their tuples."""
    if not rows:
        return 0, ()
    indent, is_header = IndexRow.indent.fget, IndexRow.is_header.fget
    top = min(indent(row) for row in rows)
    common = 0
    if sum(1 for row in rows if indent(row) == top) == 1 and is_header(rows[0]) and len(rows) > 1:
        common, top = 1, top + 1
    starts = [common + i for i, row in enumerate(rows[common:]) if i == 0 or indent(row) <= top]
    return common, tuple(starts)


class MatrixGroups(Sequence):
    """The groups of an index's rows, each a list of IndexRow made when a page asks for it."""

    def __init__(self, rows: tuple, starts: tuple):
        self._rows, self._starts = rows, starts

    def __len__(self) -> int:
        return len(self._starts)

    def _group(self, i: int) -> list[IndexRow]:
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self._rows)
        return [IndexRow(row) for row in self._rows[self._starts[i]:end]]

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._group(i) for i in range(*key.indices(len(self)))]
        return self._group(range(len(self))[key])


def _index_of(matrix: Matrix) -> MatrixIndex:
    kinds = tuple(dict.fromkeys(k.kind for row in matrix.rows for cell in row.cells for k in cell.kinds))
    rows = []
    for row in matrix.rows:
        parts = []
        for cell in row.cells:
            by_kind = {k.kind: (NOT_ASKED if k.not_asked else MISSING if k.missing > 0 else DONE) for k in cell.kinds}
            parts.append(cell.state + "".join(by_kind.get(kind, NOT_DUE) for kind in kinds))
        rows.append((row.pk, row.name, row.kind, row.indent, row.is_header, "".join(parts)))
    return MatrixIndex(IndexRows(rows), kinds, matrix.required, matrix.held, _layout(rows))


def cached_matrix_index(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> MatrixIndex:
    """Every row of the scope's matrix, compactly, from the cache while nothing changed: a page chooses its
    rows from it and computes the full cells only for those (a province's whole matrix took 3.6 s just to read
    back from the cache)."""
    today = today or timezone.localdate()
    return _kept("index", organisations, year, today,
                 lambda: _index_of(matrix_for(organisations=organisations, year=year, today=today)), shared=True)


def cached_matrix_outline(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> MatrixIndex:
    """The scope's index without its months (every row's code empty), kept apart under the same version: the
    unfiltered matrix page chooses its groups from names and indents alone, without reading back a province's
    codes (with them the index is 2.6 MB, 4 ms a view)."""
    today = today or timezone.localdate()

    def outline() -> MatrixIndex:
        index = cached_matrix_index(organisations=organisations, year=year, today=today)
        return MatrixIndex(IndexRows(row[:5] + ("",) for row in index.rows), index.kinds, index.required,
                           index.held, index.layout)

    return _kept("outline", organisations, year, today, outline, shared=True)


def cached_organisation_pks(*, organisations: QuerySet, year: int, today: dt.date | None = None) -> array:
    """The pks of the organisations (not the headers) in the scope's matrix, in its order, from the cache: what
    the API pages through, without reading back the whole index (a province's names and codes: 2.6 MB, 4 ms)."""
    today = today or timezone.localdate()
    return _kept("pks", organisations, year, today, lambda: array("q", cached_matrix_index(
        organisations=organisations, year=year, today=today).organisation_pks()), shared=True)


# The most rows a home page lists of a month's gaps (the secretary's "meetings due"; the red cells show fewer).
DIGEST_ROWS = 50


class MonthDigest(NamedTuple):
    """What the home pages show of a month's gaps: the first rows and how many there are in all. A province's
    month is 15,000 gaps: reading them all back from the cache took 25 ms of every view of the admin's home."""

    gaps: tuple  # the first DIGEST_ROWS gaps, (pk, name, state, missing) as month_gaps gives them
    total: int
    red: tuple  # the first DIGEST_ROWS red ones
    red_total: int


def month_gaps(matrix: Matrix, month: int) -> list[tuple]:
    """(organisation pk, name, state, missing) of the month's cells that miss something. `missing` holds each
    missing kind as a plain tuple of KindCount's fields (`kind_counts` makes them KindCounts): what is cached
    is read back in C, where KindCount objects took 40 ms for a province's December."""
    gaps = []
    for row in matrix.organisation_rows:
        cell = row.cells[month - 1]
        missing = tuple(kind.as_tuple() for kind in cell.kinds if kind.missing > 0)
        if missing:
            gaps.append((row.pk, row.name, cell.state, missing))
    return gaps


def cached_month_digest(*, organisations: QuerySet, year: int, month: int, today: dt.date | None = None
                        ) -> MonthDigest:
    """The first gaps of the month, and the red ones, with their totals (MonthDigest), from the cache. Every
    month's digest comes from one computation (the home page asks for this month's and last month's); the
    matrix itself is not cached: at province scale it is megabytes to read back."""
    today = today or timezone.localdate()
    prefix = _cache_prefix("month-digest", organisations, year)
    key = f"{prefix}:{month}:{today.isoformat()}"
    digest = cache.get(key)
    if digest is None:
        matrix = matrix_for(organisations=organisations, year=year, today=today)
        digests = {}
        for number in MONTHS:
            gaps = month_gaps(matrix, number)
            red = [gap for gap in gaps if gap[2] == RED]
            digests[f"{prefix}:{number}:{today.isoformat()}"] = MonthDigest(
                tuple(gaps[:DIGEST_ROWS]), len(gaps), tuple(red[:DIGEST_ROWS]), len(red))
        cache.set_many(digests, CACHE_SECONDS)
        digest = digests[key]
    return digest


def kind_counts(missing: tuple) -> list[KindCount]:
    """The KindCounts of a gap's `missing` (month_gaps)."""
    return [KindCount(*fields) for fields in missing]
