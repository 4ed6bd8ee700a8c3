"""Writes for activities. Views, forms and tasks call these; they validate and record."""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branches.models import CommitteePosition, Organisation
from members.models import Member

from . import tasks
from .choices import ActivityKind, ActivityStatus, AttendanceRole, AttendanceStatus, RecordedBy
from .ical import calendar_changed
from .models import Activity, ActivityPlan, Attendance


def default_expected_members(*, organisation: Organisation, kind: str, party_group=None):
    """Who is expected by default: the group for a group meeting, the committee for a
    committee meeting, otherwise the organisation's members."""
    if kind == ActivityKind.GROUP_MEETING and party_group is not None:
        return Member.objects.party_members().filter(party_group=party_group)
    if kind == ActivityKind.COMMITTEE_MEETING:
        seated = CommitteePosition.objects.current().filter(organisation=organisation).values("member")
        return Member.objects.active().filter(pk__in=seated)
    members = Member.objects.active().filter(organisation=organisation)
    if kind in (ActivityKind.APPRAISAL_MEETING, ActivityKind.GENERAL_MEETING, ActivityKind.ORG_LIFE_MEETING):
        return members.party_members()
    return members


@transaction.atomic
def activity_create(*, organisation: Organisation, by, expected_members=None, joint_organisations=(),
                    **fields) -> Activity:
    activity = Activity(organisation=organisation, created_by=by, **fields)
    activity.full_clean()
    activity.save()
    if joint_organisations:
        activity.joint_organisations.set(joint_organisations)
    if expected_members is None:
        expected_members = default_expected_members(organisation=organisation, kind=activity.kind,
                                                     party_group=activity.party_group)
        if joint_organisations:
            expected_members = expected_members | Member.objects.party_members().filter(
                organisation__in=joint_organisations)
    attendance_expect(activity=activity, members=expected_members)
    return activity


def attendance_expect(*, activity: Activity, members) -> int:
    """Add EXPECTED rows for members not yet on the list. Bulk: one insert."""
    existing = set(activity.attendances.filter(member__isnull=False).values_list("member_id", flat=True))
    rows = [Attendance(activity=activity, member_id=pk) for pk in members.values_list("pk", flat=True).distinct()
            if pk not in existing]
    Attendance.objects.bulk_create(rows, batch_size=1000)
    if rows:  # bulk_create sends no signals: the members' calendar feeds change all the same
        calendar_changed()
        transaction.on_commit(calendar_changed)
    return len(rows)


def _moved(activity: Activity) -> bool:
    """Did the time or place change, to the minute, against what is stored? (A form that shows minutes only
    must not make an activity stored with seconds look moved.)"""
    before = Activity.objects.filter(pk=activity.pk).values("planned_start", "planned_end", "place").first()
    if before is None:
        return False
    minute = {"second": 0, "microsecond": 0}
    return (before["planned_start"].replace(**minute) != activity.planned_start.replace(**minute)
            or before["planned_end"].replace(**minute) != activity.planned_end.replace(**minute)
            or before["place"] != activity.place)


@transaction.atomic
def activity_update(*, activity: Activity, by, changed: list[str], reason: str = "") -> Activity:
    """Save edits. A held activity is a record: editing it needs a reason, kept in its history."""
    if activity.is_locked and changed and not reason.strip():
        raise ValidationError({"change_reason": "该活动已开展，修改记录须填写修改原因。"})
    activity.full_clean()
    activity._change_reason = reason.strip() or None
    calendar_fields = {"planned_start", "planned_end", "actual_start", "actual_end", "place", "title", "status"}
    if calendar_fields & set(changed):
        activity.sequence = F("sequence") + 1
    moved = activity.status == ActivityStatus.PLANNED and _moved(activity)
    if moved:
        activity.rescheduled_at = timezone.now()
    activity.save()
    activity.refresh_from_db(fields=["sequence"])
    if moved:
        tasks.notify_soon(activity.pk)
    return activity


@transaction.atomic
def activity_mark_held(*, activity: Activity, by, actual_start: dt.datetime, actual_end: dt.datetime,
                       **record) -> Activity:
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("已取消的活动不能登记为已开展。")
    if actual_start > timezone.now():
        raise ValidationError({"actual_start": "实际开始时间不能晚于现在。"})
    activity.actual_start, activity.actual_end = actual_start, actual_end
    for name, value in record.items():
        setattr(activity, name, value)
    was_locked = activity.is_locked
    activity.status = ActivityStatus.HELD
    activity.full_clean()
    activity._change_reason = "修改已开展活动的记录" if was_locked else "登记为已开展"
    activity.sequence = F("sequence") + 1
    activity.save()
    activity.refresh_from_db(fields=["sequence"])
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by, reason: str) -> Activity:
    if activity.status == ActivityStatus.HELD:
        raise ValidationError("已开展的活动不能取消。")
    if not reason.strip():
        raise ValidationError({"cancel_reason": "请填写取消原因。"})
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason.strip()
    activity._change_reason = "取消活动"
    activity.sequence = F("sequence") + 1
    activity.save()
    activity.refresh_from_db(fields=["sequence"])
    tasks.notify_soon(activity.pk)
    return activity


def attendance_record(*, attendance: Attendance, by, status: str, via: str = RecordedBy.SECRETARY,
                      leave_reason: str = "") -> Attendance:
    if status == AttendanceStatus.LEAVE and not leave_reason.strip():
        raise ValidationError({"leave_reason": "请假须填写事由。"})
    attendance.status = status
    attendance.leave_reason = leave_reason.strip() if status == AttendanceStatus.LEAVE else ""
    attendance.recorded_via = via
    attendance.recorded_by = by
    attendance.recorded_at = timezone.now()
    attendance.save()
    return attendance


def observer_add(*, activity: Activity, by, name: str, unit: str = "") -> Attendance:
    """A guest who sat in (列席), recorded by the secretary as present."""
    observer = Attendance(activity=activity, guest_name=name, guest_unit=unit, role=AttendanceRole.OBSERVER,
                          status=AttendanceStatus.PRESENT, recorded_via=RecordedBy.SECRETARY, recorded_by=by,
                          recorded_at=timezone.now())
    observer.save()
    return observer


def month_day(year: int, month: int, day: int) -> dt.date:
    """The day in that month, or the month's last day when it is shorter (the 31st of February → the 28th/29th)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def activity_plan_create(*, by, organisation: Organisation, kind: str, title: str, day_of_month: int,
                         start_time: dt.time, first_month: dt.date, months: int, duration_minutes: int = 90,
                         theme: str = "", place: str = "") -> ActivityPlan:
    """A recurring plan and the activities it creates, one per month."""
    plan = ActivityPlan(organisation=organisation, kind=kind, theme=theme, title=title, day_of_month=day_of_month,
                        start_time=start_time, duration_minutes=duration_minutes, place=place,
                        first_month=first_month.replace(day=1), months=months, created_by=by)
    plan.full_clean()
    plan.save()
    tz = timezone.get_current_timezone()
    year, month = plan.first_month.year, plan.first_month.month
    for _ in range(months):
        day = month_day(year, month, day_of_month)
        start = dt.datetime.combine(day, start_time, tzinfo=tz)
        activity_create(organisation=organisation, by=by, plan=plan, kind=kind, theme=theme,
                        title=f"{title}（{month}月）", planned_start=start,
                        planned_end=start + dt.timedelta(minutes=duration_minutes), place=place)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return plan
