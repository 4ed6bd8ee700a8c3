"""The responsibility list (党建工作责任清单): admins assign duties to organisations, secretaries report
completion with a text and evidence; everyone reads done / due / overdue.

Where an assignment stands is derived, never stored twice: DONE once reported; otherwise *due* up to and
including the deadline day and *overdue* from the day after. Counts are computed in the database.
Who may do what is decided by the views with the access module.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.choices import OrganisationKind
from branches.models import Organisation
from core.cache import PackedRows
from core.files import removed_on_failure

from .choices import DutyStatus
from .evidence import evidence_store, evidences_prepare
from .models import Duty, DutyAssignment

MAX_REPORT = 5000


class DutyState(models.TextChoices):
    """Where an assignment stands on a given day (derived from status and deadline)."""

    DONE = "done", "已完成"
    DUE = "due", "待完成"
    OVERDUE = "overdue", "已逾期"


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def state_condition(state: str, today: dt.date, *, status: str = "status", deadline: str = "duty__deadline") -> Q:
    """The filter for one state, on assignments (or, with other field paths, from a duty: "assignments__status",
    "deadline")."""
    if state == DutyState.DONE:
        return Q(**{status: DutyStatus.DONE})
    if state == DutyState.DUE:
        return Q(**{status: DutyStatus.OPEN, f"{deadline}__gte": today})
    if state == DutyState.OVERDUE:
        return Q(**{status: DutyStatus.OPEN, f"{deadline}__lt": today})
    raise ValueError(state)


def _state_counts(today: dt.date, *, count: str = "pk", status: str = "status",
                  deadline: str = "duty__deadline") -> dict:
    return {state.value: Count(count, filter=state_condition(state, today, status=status, deadline=deadline))
            for state in DutyState}


def assignable_organisations() -> QuerySet[Organisation]:
    """Who can be given a duty: every active organisation except the working committee that hands them out."""
    return Organisation.objects.active().exclude(kind=OrganisationKind.WORKING_COMMITTEE)


# --- reads ------------------------------------------------------------------------------------------

def with_state(assignments: QuerySet[DutyAssignment], today: dt.date) -> QuerySet[DutyAssignment]:
    """Annotate `state` (a DutyState value) in the query."""
    return assignments.annotate(state=Case(
        When(status=DutyStatus.DONE, then=Value(DutyState.DONE.value)),
        When(duty__deadline__lt=today, then=Value(DutyState.OVERDUE.value)),
        default=Value(DutyState.DUE.value),
        output_field=models.CharField(),
    ))


def assignments_of(*, organisations: QuerySet[Organisation] | None, today: dt.date | None = None, state: str = "",
                   duty: Duty | None = None) -> QuerySet[DutyAssignment]:
    """The assignments of these organisations (None: of every organisation), open ones first (nearest deadline
    first), then the done ones. Who reported comes with the rows read (prefetched), not joined before the sort:
    a province's 20,000 assignments were joined to 15,000 accounts to show fifty."""
    today = _today(today)
    assignments = DutyAssignment.objects.all()
    if organisations is not None:
        assignments = assignments.filter(organisation__in=organisations)
    if state:
        assignments = assignments.filter(state_condition(state, today))
    if duty is not None:
        assignments = assignments.filter(duty=duty)
    return (with_state(assignments, today).select_related("duty", "organisation").prefetch_related("reported_by")
            .order_by(Case(When(status=DutyStatus.DONE, then=Value(1)), default=Value(0)), "duty__deadline",
                      "organisation__path", "pk"))


def overdue_assignments(*, organisations: QuerySet[Organisation] | Iterable[Organisation],
                        today: dt.date | None = None) -> QuerySet[DutyAssignment]:
    """Open assignments of these organisations whose deadline has passed, the longest overdue first."""
    today = _today(today)
    return (DutyAssignment.objects.filter(organisation__in=organisations)
            .filter(state_condition(DutyState.OVERDUE, today))
            .select_related("duty", "organisation").order_by("duty__deadline", "organisation__path", "pk"))


def state_totals(*, organisations: QuerySet[Organisation], today: dt.date | None = None) -> dict[str, int]:
    """{"done", "due", "overdue"} over the assignments of these organisations, in one query."""
    return DutyAssignment.objects.filter(organisation__in=organisations).aggregate(**_state_counts(_today(today)))


def counts_by_organisation(*, organisations: QuerySet[Organisation], today: dt.date | None = None,
                           duty: Duty | None = None) -> list[dict]:
    """Per organisation that has assignments: pk, name, done, due, overdue — one grouped query, in tree order."""
    assignments = DutyAssignment.objects.filter(organisation__in=organisations)
    if duty is not None:
        assignments = assignments.filter(duty=duty)
    return list(assignments.values("organisation_id", "organisation__name", "organisation__path")
                .annotate(**_state_counts(_today(today))).order_by("organisation__path"))


# What the duty list's table shows of each organisation's counts, kept as plain tuples (core.cache.PackedRows): a
# province's 4,000 organisations with assignments were 375 KB of dicts read back on every admin's view.
BY_ORGANISATION_SHOWN = ("organisation_id", "organisation__name", *DutyState.values)


def counts_by_organisation_packed(**kwargs) -> PackedRows:
    """counts_by_organisation, packed for the cache; each row shown is made again as a dict of the fields shown."""
    return PackedRows(_by_organisation_row, [tuple(row[field] for field in BY_ORGANISATION_SHOWN)
                                             for row in counts_by_organisation(**kwargs)])


def _by_organisation_row(*values) -> dict:
    return dict(zip(BY_ORGANISATION_SHOWN, values))


def duties_with_counts(*, today: dt.date | None = None) -> QuerySet[Duty]:
    """Every duty with the number of its assignments done, due and overdue (admins' overview)."""
    today = _today(today)
    return (Duty.objects.annotate(total=Count("assignments"), **_state_counts(
        today, count="assignments", status="assignments__status", deadline="deadline"))
            .order_by("-deadline", "-pk"))


def duty_counts(*, duty: Duty, today: dt.date | None = None) -> dict[str, int]:
    counts = duty.assignments.aggregate(total=Count("pk"), **_state_counts(_today(today)))
    return counts


# --- writes -----------------------------------------------------------------------------------------

@transaction.atomic
def duty_create(*, by, title: str, deadline: dt.date, organisations: QuerySet[Organisation] | Iterable[Organisation],
                detail: str = "", today: dt.date | None = None) -> Duty:
    """Create a duty and assign it to each organisation (one bulk insert, with history rows)."""
    organisation_ids = sorted({o.pk for o in organisations})
    errors = {}
    if not organisation_ids:
        errors["organisations"] = "请至少选择一个党组织。"
    if deadline < _today(today):
        errors["deadline"] = "完成时限不能早于今天。"
    duty = Duty(title=title.strip(), detail=detail.strip(), deadline=deadline, created_by=by)
    try:
        duty.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    duty.save()
    bulk_create_with_history([DutyAssignment(duty=duty, organisation_id=pk) for pk in organisation_ids],
                             DutyAssignment, batch_size=1000, default_user=by, default_change_reason="布置任务")
    return duty


def duty_report(*, assignment: DutyAssignment, by, report: str, uploads: Iterable = ()) -> DutyAssignment:
    """Report an assignment done (or add to the report of one already done) with evidence files.

    Every file is checked before anything is written; then the report and the files are saved together or not
    at all (call from a view that opts out of ATOMIC_REQUESTS, so a failure removes the written files). The
    completion time is the first report's.
    """
    report = (report or "").strip()
    errors = {}
    if not report:
        errors["report"] = "请填写完成情况。"
    elif len(report) > MAX_REPORT:
        errors["report"] = f"完成情况请不超过{MAX_REPORT}字。"
    try:
        prepared = evidences_prepare(uploads)
    except ValidationError as error:
        errors["evidence"] = error.messages
    if errors:
        raise ValidationError(errors)
    with removed_on_failure() as written, transaction.atomic():
        assignment = DutyAssignment.objects.select_for_update(of=("self",)).select_related("duty", "organisation").get(
            pk=assignment.pk)
        first = assignment.status != DutyStatus.DONE
        assignment.status = DutyStatus.DONE
        assignment.report = report
        assignment.reported_by = by
        if first:
            assignment.completed_at = timezone.now()
        assignment._change_reason = "报告完成情况" if first else "补充完成情况"
        assignment.full_clean()
        assignment.save()
        for item in prepared:
            evidence_store(item, by=by, written=written, duty_assignment=assignment)
    return assignment
