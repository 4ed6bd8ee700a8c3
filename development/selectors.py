"""Reads: a person's timeline, the secretaries' and superior committee's lists, the archive checklist."""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.choices import MembershipStatus, Stage
from rules.models import IntervalUnit, MemberEvent, StageInterval

from . import access
from .choices import Outcome, StepStatus, Timing
from .models import DevelopmentPlan, DevelopmentRecord, DevelopmentStep, StepDefinition, probation_end
from .services import PREREQUISITES, RecordState

STAGE_TITLES = {
    Stage.APPLICANT: "一、申请入党",
    Stage.ACTIVIST: "二、入党积极分子的确定和培养教育",
    Stage.CANDIDATE: "三、发展对象的确定和考察",
    Stage.PROBATIONARY: "四、预备党员的接收",
    Stage.FULL: "五、预备党员的教育、考察和转正",
}
LIST_LIMIT = 50
SOON_DAYS = 30


def _bound(from_event: str, to_event: str, on: dt.date, attr: str) -> tuple[int, str] | None:
    rules = [r for r in StageInterval.rules_for(from_event, to_event, on) if getattr(r, attr) is not None]
    return (getattr(rules[0], attr), rules[0].unit) if rules else None


def _shift(start: dt.date, bound: tuple[int, str] | None, default_months: int) -> dt.date:
    if bound is None:
        return start + relativedelta(months=default_months)
    amount, unit = bound
    if unit == IntervalUnit.MONTH:
        return start + relativedelta(months=amount)
    if unit == IntervalUnit.YEAR:
        return start + relativedelta(years=amount)
    return start + dt.timedelta(days=amount)


def _unshift(end: dt.date, bound: tuple[int, str] | None, default_months: int) -> dt.date:
    """The latest start from which `end` is at least `bound` away."""
    if bound is None:
        return end - relativedelta(months=default_months)
    amount, unit = bound
    if unit == IntervalUnit.MONTH:
        return end - relativedelta(months=amount)
    if unit == IntervalUnit.YEAR:
        return end - relativedelta(years=amount)
    return end - dt.timedelta(days=amount)


# --- the timeline ---------------------------------------------------------------------------------------------

@dataclass
class TimelineRow:
    definition: StepDefinition
    steps: list
    timing: str
    hint: str = ""

    @property
    def timing_label(self) -> str:
        return Timing(self.timing).label


@dataclass
class TimelineStage:
    stage: str
    title: str
    rows: list = field(default_factory=list)


def timeline(record: DevelopmentRecord, *, today: dt.date | None = None) -> list[TimelineStage]:
    """The five stages and 25 steps with what is done, waiting for approval, due, overdue or not yet due."""
    today = today or timezone.localdate()
    steps = list(record.steps.select_related("definition", "decided_by").prefetch_related("people", "attachments")
                 .order_by("definition__number", "round", "pk"))
    state = RecordState(record, steps)
    deadlines = _deadlines(state, today)
    stages = {stage: TimelineStage(stage, STAGE_TITLES[stage]) for stage in Stage.values}
    for definition in StepDefinition.objects.all():
        number = definition.number
        recorded = state.by_number.get(number, [])
        hint = ""
        done = state.done(number, state.conversion_round if number in (22, 23, 24) else None)
        if done and not definition.repeatable:
            timing = Timing.DONE
        elif recorded and recorded[-1].status == StepStatus.SUBMITTED:
            timing = Timing.WAITING
        elif all(state.done(p) for p in PREREQUISITES.get(number, [])) and not record.cancelled_on:
            timing = Timing.DUE
            deadline = deadlines.get(number)
            if deadline:
                hint = f"应于{deadline.year}年{deadline.month}月{deadline.day}日前完成"
                if today > deadline:
                    timing = Timing.OVERDUE
            if definition.repeatable and recorded:
                timing, hint = Timing.DONE, f"已记录 {len(recorded)} 次，可继续记录"
        else:
            timing = Timing.LATER
        if number == 7 and timing == Timing.DUE and 3 in state.by_number:
            eligible = deadlines.get("eligible")
            if eligible and today < eligible:
                timing, hint = Timing.LATER, f"{eligible.year}年{eligible.month}月{eligible.day}日起可确定为发展对象"
        if number in (22, 23) and timing == Timing.DUE and deadlines.get("probation_end"):
            ends = deadlines["probation_end"]
            hint = f"预备期于{ends.year}年{ends.month}月{ends.day}日届满"
            if number == 23 and today < ends:
                timing = Timing.LATER
        stages[definition.stage].rows.append(TimelineRow(definition, recorded, timing, hint))
    return list(stages.values())


def _deadlines(state: RecordState, today: dt.date) -> dict:
    out = {}
    applied = state.date_of(1)
    if applied:
        out[2] = _shift(applied, _bound(MemberEvent.APPLIED, MemberEvent.TALKED, today, "max_days"), 1)
    activist = state.date_of(3)
    if activist:
        out["eligible"] = _shift(activist, _bound(MemberEvent.ACTIVIST, MemberEvent.CANDIDATE, today, "min_days"), 12)
    admitted = state.date_of(15)
    if admitted:
        out[17] = _shift(admitted, _bound(MemberEvent.ADMITTED, MemberEvent.APPROVED, today, "max_days"), 3)
        out["probation_end"] = state.probation()[0]
    meeting = state.done(23, state.conversion_round)
    if meeting:
        out[24] = _shift(meeting.date, _bound(MemberEvent.CONVERSION_MEETING, MemberEvent.CONVERSION_APPROVED,
                                              today, "max_days"), 3)
    return out


# --- the archive checklist ------------------------------------------------------------------------------------

@dataclass
class ChecklistRow:
    definition: StepDefinition
    present: bool
    dates: list
    attachments: int


def checklist(record: DevelopmentRecord) -> list[ChecklistRow]:
    """档案材料清单: each material the file must hold, whether its step is recorded (with scans) or missing."""
    state = RecordState(record, list(record.steps.select_related("definition")
                                     .annotate(files=Count("attachments")).order_by("definition__number", "round")))
    rows = []
    for definition in StepDefinition.objects.exclude(archive_material=""):
        steps = [s for s in state.by_number.get(definition.number, []) if s.counts]
        rows.append(ChecklistRow(definition, bool(steps), [s.date for s in steps], sum(s.files for s in steps)))
    return rows


# --- lists for secretaries, the superior committee and the working committee ----------------------------------

def _records_in(user):
    return (access.records_visible_to(user) if access.can_see_lists(user) else DevelopmentRecord.objects.none()
            ).filter(member__status=MembershipStatus.ACTIVE, archived_on__isnull=True)


def _has_step(number: int):
    return Exists(DevelopmentStep.objects.filter(record=OuterRef("pk"), definition__number=number))


@dataclass
class DueItem:
    record_id: int
    name: str
    organisation: str
    what: str
    when: dt.date
    overdue: bool


def due_lists(user, *, today: dt.date | None = None) -> dict[str, list[DueItem]]:
    """Due now and overdue, in the user's scope (the working committee: city-wide). A fixed number of queries."""
    today = today or timezone.localdate()
    records = _records_in(user)
    fields = ("pk", "member__name", "member__organisation__name")
    items: list[DueItem] = []

    talk = _bound(MemberEvent.APPLIED, MemberEvent.TALKED, today, "max_days")
    for pk, name, org, applied in (records.filter(member__stage=Stage.APPLICANT, member__applied_on__isnull=False)
                                   .exclude(_has_step(2)).order_by("member__applied_on", "pk")
                                   .values_list(*fields, "member__applied_on")[:LIST_LIMIT]):
        deadline = _shift(applied, talk, 1)
        items.append(DueItem(pk, name, org, "组织谈话", deadline, today > deadline))

    activist = _bound(MemberEvent.ACTIVIST, MemberEvent.CANDIDATE, today, "min_days")
    latest_activist = _unshift(today, activist, 12)
    for pk, name, org, since in (records.filter(member__stage=Stage.ACTIVIST, member__activist_on__lte=latest_activist)
                                 .exclude(_has_step(7)).order_by("member__activist_on", "pk")
                                 .values_list(*fields, "member__activist_on")[:LIST_LIMIT]):
        items.append(DueItem(pk, name, org, "可确定为发展对象", _shift(since, activist, 12), False))

    window = records.filter(member__stage=Stage.PROBATIONARY, member__admitted_on__lte=today + dt.timedelta(
        days=SOON_DAYS) - relativedelta(years=1), member__admitted_on__gte=today - relativedelta(years=3))
    ends = probation_ends(window.values_list("pk", flat=True)[:500])
    for pk, name, org in window.values_list(*fields)[:500]:
        end = ends.get(pk)
        if end is None:
            continue
        if today <= end <= today + dt.timedelta(days=SOON_DAYS):
            items.append(DueItem(pk, name, org, "预备期即将届满，应讨论转正", end, False))
        elif end < today:
            items.append(DueItem(pk, name, org, "预备期已满，尚未讨论转正", end, True))

    approval = _bound(MemberEvent.ADMITTED, MemberEvent.APPROVED, today, "max_days")
    waiting = (DevelopmentStep.objects.filter(record__in=records, status__in=[StepStatus.SUBMITTED, StepStatus.RETURNED],
                                              definition__number__in=[17, 24])
               .order_by("date", "pk").values_list("record_id", "record__member__name",
                                                   "record__member__organisation__name", "definition__name",
                                                   "record__member__admitted_on", "date")[:LIST_LIMIT])
    for pk, name, org, step_name, admitted, requested in waiting:
        start = admitted if step_name == "上级党委审批" and admitted else requested
        deadline = _shift(start, approval, 3)
        items.append(DueItem(pk, name, org, f"{step_name}（已报送待批）", deadline, today > deadline))

    items.sort(key=lambda item: (item.when, item.name))
    return {"due": [i for i in items if not i.overdue], "overdue": [i for i in items if i.overdue]}


def probation_ends(record_ids) -> dict[int, dt.date]:
    from . import limits

    steps = (DevelopmentStep.objects.filter(record_id__in=list(record_ids), definition__number__in=[15, 24])
             .values_list("record_id", "definition__number", "date", "status", "outcome", "extension_months"))
    admitted, extra = {}, {}
    for record_id, number, day, status, outcome, months in steps:
        if number == 15:
            admitted[record_id] = day
        elif status == StepStatus.APPROVED and outcome == Outcome.EXTENDED:
            extra[record_id] = extra.get(record_id, 0) + (months or 0)
    rules_cache = {}
    out = {}
    for record_id, day in admitted.items():
        if day not in rules_cache:
            rules_cache[day] = limits.probation_days(day)[0]
        out[record_id] = probation_end(day, rules_cache[day], extra.get(record_id, 0))
    return out


@dataclass
class PlanRow:
    organisation: str
    organisation_id: int
    planned: int
    actual: int


@dataclass(frozen=True)
class PlanVsActual:
    rows: list[PlanRow]  # the first LIST_LIMIT plans, in tree order
    plans: int  # plans in scope
    planned: int  # their planned admissions, all of them
    admitted: int  # admissions approved in the year in scope


def plan_vs_actual(user, *, year: int) -> PlanVsActual:
    """The plans in scope for the year against the admissions approved that year below each organisation
    (approval of step 17): totals over every plan, rows for the first LIST_LIMIT (a province has thousands of
    plans; the page showed 200 and added up only those). Four queries whatever the number of plans."""
    organisations = access.organisations_for_lists(user) if access.can_see_lists(user) else None
    if organisations is None:
        return PlanVsActual(rows=[], plans=0, planned=0, admitted=0)
    in_scope = DevelopmentPlan.objects.filter(year=year, organisation__in=organisations)
    totals = in_scope.aggregate(plans=Count("pk"), planned=Coalesce(Sum("planned"), 0))
    plans = list(in_scope.select_related("organisation").order_by("organisation__path")[:LIST_LIMIT])
    admitted = list(DevelopmentStep.objects.filter(
        definition__number=17, status=StepStatus.APPROVED, approved_on__year=year,
        record__member__organisation__in=organisations).values_list("record__member__organisation__path", flat=True))
    rows = [PlanRow(p.organisation.display_name, p.organisation_id, p.planned,
                    sum(1 for path in admitted if path.startswith(p.organisation.path))) for p in plans]
    return PlanVsActual(rows=rows, plans=totals["plans"], planned=totals["planned"], admitted=len(admitted))


# What the list shows of each record, its member and branch.
RECORD_LIST_COLUMNS = ("opened_on", "archived_on", "member__name", "member__stage", "member__applied_on",
                       "member__organisation__name", "member__organisation__short_name")


def record_list(user, *, stage: str = "", q: str = ""):
    records = access.records_visible_to(user).select_related("member__organisation")
    if stage in Stage.values:
        records = records.filter(member__stage=stage)
    if q:
        records = records.filter(member__name__contains=q)
    return records.order_by("member__organisation__path", "member__name", "pk")


def approval_queue(user):
    return (access.approvable_steps(user).filter(status=StepStatus.SUBMITTED)
            .select_related("definition", "record__member__organisation").order_by("date", "pk"))


def stage_counts(user) -> dict[str, int]:
    return dict(_records_in(user).values_list("member__stage").annotate(n=Count("pk")).values_list(
        "member__stage", "n"))

