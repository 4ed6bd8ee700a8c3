"""Attendance of past meetings: who attended, was on leave or absent.

A row names the meeting (organisation, kind, title, date) and the member (ID number, and the name as a check).
A meeting already on the platform (same organisation, kind, title and day) gets the attendance; one that is not
is recorded as a held meeting, once however many rows name it. Matching by meeting and ID number makes
importing the same file again change nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus, RecordedBy
from activities.models import Activity, Attendance
from branches import access
from branches.models import Organisation
from core.dates import local_midnight
from members.models import Member

from .base import Column, ImportKind, Planned, register
from .roster import _chunks

KINDS = {label: value for value, label in ActivityKind.choices}
STATUSES = {label: value for value, label in AttendanceStatus.choices if value != AttendanceStatus.EXPECTED}
DEFAULT_START = dt.time(9, 0)
DEFAULT_LENGTH = dt.timedelta(minutes=90)


@register
class AttendanceKind(ImportKind):
    identifier = "attendance"
    name = "组织生活出勤记录（已召开的会议）"
    description = ("已召开的“三会一课”等组织生活的出勤、请假和缺席情况。平台中已有的会议按党组织、类型、主题和日期匹配；"
                   "没有的按已开展的会议记入。")
    sheet_title = "出勤记录"
    columns = (
        Column("organisation", "党组织", required=True, sample="", width=28, note="填写党组织全称"),
        Column("kind", "活动类型", required=True, choices=tuple(KINDS), sample="支部党员大会", width=14),
        Column("title", "活动主题", required=True, sample="学习贯彻党的二十届三中全会精神", width=28),
        Column("day", "活动日期", required=True, sample="2025-03-15", date=True, width=12),
        Column("start", "开始时间", sample="14:30", width=10, text=True),
        Column("end", "结束时间", sample="16:00", width=10, text=True),
        Column("name", "姓名", required=True, sample="张三", width=10),
        Column("id_number", "公民身份号码", required=True, sample="34060219850517001X", width=22, text=True),
        Column("status", "出勤情况", required=True, choices=tuple(STATUSES), sample="出席", width=10),
        Column("leave_reason", "请假事由", sample="", width=20),
    )

    def row_key(self, values):
        parts = [str(values.get(k) or "").strip() for k in ("organisation", "kind", "title", "day", "id_number")]
        return tuple(parts) if all(parts) else None

    def prepare(self, rows):
        from members.validators import normalise_id_number

        organisations = access.scoped(self.user, Organisation.objects.all(), via="", write=True)
        self.organisations: dict[str, list[Organisation]] = {}
        for organisation in organisations.only("pk", "name", "path"):
            self.organisations.setdefault(organisation.name, []).append(organisation)
        ids = sorted({normalise_id_number(v["id_number"]) for _, v in rows if isinstance(v.get("id_number"), str)})
        self.members: dict[str, Member] = {}
        scope = access.scoped(self.user, Member.objects.all(), write=True)
        for chunk in _chunks(ids):
            for member in scope.filter(id_number__in=chunk).only("pk", "name", "id_number", "organisation_id"):
                self.members[member.id_number] = member
        days = [v.get("day") for _, v in rows if isinstance(v.get("day"), dt.date)]
        self.activities: dict[tuple, Activity] = {}
        self.attendance: dict[tuple[int, int], Attendance] = {}
        if days:
            # One query for every meeting of these organisations in the file's date range (one more for their
            # attendance): the per-row lookups below are dictionary reads.
            start, end = local_midnight(min(days)), local_midnight(max(days) + dt.timedelta(days=1))
            window = Q(actual_start__gte=start, actual_start__lt=end) | Q(
                actual_start__isnull=True, planned_start__gte=start, planned_start__lt=end)
            meetings = Activity.objects.filter(window, organisation__in=organisations).only(
                "pk", "organisation_id", "kind", "title", "planned_start", "actual_start", "status")
            for activity in meetings:
                day = timezone.localdate(activity.actual_start or activity.planned_start)
                self.activities.setdefault((activity.organisation_id, activity.kind, activity.title, day), activity)
            for row in Attendance.objects.filter(activity__in=meetings, member__isnull=False).only(
                    "pk", "activity_id", "member_id", "status", "leave_reason"):
                self.attendance[(row.activity_id, row.member_id)] = row
        self.new_meetings: dict[tuple, Activity] = {}

    def check_row(self, values):
        organisation = None
        name = self.text("organisation")
        if name:
            found = self.organisations.get(name, [])
            if len(found) != 1:
                self.error("organisation", f"在您管理的党组织中找不到“{name}”。请填写党组织全称。" if not found
                           else f"有多个名为“{name}”的党组织，无法确定是哪一个，请联系工委管理员。")
            else:
                organisation = found[0]
        kind = self.choice("kind", KINDS)
        title = self.text("title", 100)
        day = self.date("day")
        start = self.time("start", DEFAULT_START)
        end = self.time("end", None)
        if day and day > self.today:
            self.error("day", "只能导入已召开会议的出勤记录，活动日期不能晚于今天。")
        person = self.text("name", 50)
        status = self.choice("status", STATUSES)
        reason = self.text("leave_reason", 200)
        if status == AttendanceStatus.LEAVE and not reason:
            self.error("leave_reason", "请假须填写请假事由。")
        id_number = self.identity("id_number")
        member = self.members.get(id_number) if id_number else None
        if id_number and member is None:
            self.error("id_number", "在您管理的党员名册中没有这个公民身份号码，请先导入或添加该党员。")
        elif member is not None and person and member.name != person:
            self.error("name", f"姓名与名册不一致（名册中为“{member.name}”）。")
        if None in (organisation, kind, day, start, member, status) or not title:
            return None
        starts = timezone.make_aware(dt.datetime.combine(day, start))
        ends = timezone.make_aware(dt.datetime.combine(day, end)) if end else starts + DEFAULT_LENGTH
        if ends <= starts:
            self.error("end", "结束时间须晚于开始时间。")
            return None
        key = (organisation.pk, kind, title, day)
        activity = self.activities.get(key)
        if activity is not None and activity.status == ActivityStatus.CANCELLED:
            self.error("title", "该会议在平台中已取消，不能记录出勤。")
            return None
        if activity is None:
            activity = self.new_meetings.get(key)
            if activity is None:
                activity = Activity(organisation=organisation, kind=kind, title=title, planned_start=starts,
                                    planned_end=ends, actual_start=starts, actual_end=ends,
                                    status=ActivityStatus.HELD, created_by=self.user)
                try:
                    activity.full_clean(exclude=["organisation", "created_by", "uid"])
                except ValidationError as error:
                    self.error("title", "；".join(error.messages))
                    return None
                self.new_meetings[key] = activity
        reason = reason if status == AttendanceStatus.LEAVE else ""
        existing = self.attendance.get((activity.pk, member.pk)) if activity.pk else None
        if existing is not None and existing.status == status and existing.leave_reason == reason:
            return Planned(row=0, action="unchanged", obj=existing)
        return Planned(row=0, action="update" if existing else "create", obj=existing,
                       extra={"key": key, "member": member, "status": status, "reason": reason})

    def write(self, planned, *, by):
        now = timezone.now()
        meetings = {}
        for key, activity in self.new_meetings.items():
            activity.created_by = by
            activity.save()
            meetings[key] = activity
        for item in planned:
            if item.action == "unchanged":
                continue
            data = item.extra
            row = item.obj or Attendance(activity=meetings.get(data["key"]) or self.activities[data["key"]],
                                         member=data["member"])
            row.status, row.leave_reason = data["status"], data["reason"]
            row.recorded_via, row.recorded_by, row.recorded_at = RecordedBy.IMPORT, by, now
            row.full_clean(exclude=["activity", "member", "recorded_by"], validate_unique=False,
                           validate_constraints=False)
            row.save()
