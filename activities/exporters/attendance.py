"""出勤统计表: attendance at the year's held activities, per organisation and per member."""

from django.db.models import Count, Q

from activities.choices import ActivityStatus, AttendanceRole, AttendanceStatus
from activities.models import Attendance
from reports.choices import ReportKind
from reports.exporters.base import COUNT, RATE, Column, Exporter, Sheet


def _counts() -> dict:
    return {
        "expected": Count("pk"),
        "present": Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        "on_leave": Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
        # Not recorded at a held activity counts as absent.
        "absent": Count("pk", filter=Q(status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXPECTED])),
    }


def _rate(row) -> float | None:
    return row["present"] / row["expected"] if row["expected"] else None


class AttendanceExporter(Exporter):
    identifier = ReportKind.ATTENDANCE
    name = "出勤统计表"
    description = "全年已开展活动的应到、出席、请假、缺席人次，按党组织和按党员统计。"

    def attendances(self):
        return Attendance.objects.filter(
            activity__status=ActivityStatus.HELD, activity__actual_start__gte=self.start_at,
            activity__actual_start__lt=self.end_before, activity__organisation__in=self.scope.values("pk"),
            role=AttendanceRole.ATTENDEE, member__isnull=False)

    def sheets(self) -> list[Sheet]:
        attendances = self.attendances()
        per_org = list(attendances.order_by("activity__organisation__path")
                       .values("activity__organisation__path", "activity__organisation__name")
                       .annotate(activities=Count("activity", distinct=True), **_counts()))
        org_rows = [(r["activity__organisation__name"], r["activities"], r["expected"], r["present"],
                     r["on_leave"], r["absent"], _rate(r)) for r in per_org]
        total = attendances.aggregate(**_counts())
        per_member = (attendances.order_by("member__organisation__path", "member__name", "member_id")
                      .values("member_id", "member__name", "member__organisation__name",
                              "member__organisation__path")
                      .annotate(**_counts()))

        def member_rows():
            for r in per_member.iterator(chunk_size=2000):
                yield (r["member__organisation__name"], r["member__name"], r["expected"], r["present"],
                       r["on_leave"], r["absent"], _rate(r))

        counts = [Column("应到人次", 10, COUNT), Column("出席", 9, COUNT), Column("请假", 9, COUNT),
                  Column("缺席", 9, COUNT), Column("出勤率", 9, RATE)]
        return [
            Sheet("按党组织", [Column("党组织", 30), Column("活动场次", 10, COUNT), *counts], org_rows,
                  heading="一、各党组织出勤情况",
                  note=f"合计应到 {total['expected']:,} 人次，出席 {total['present']:,} 人次，"
                       f"请假 {total['on_leave']:,} 人次，缺席 {total['absent']:,} 人次。"),
            Sheet("按党员", [Column("党组织", 30), Column("姓名", 10), *counts[:1],
                           Column("出席", 9, COUNT), *counts[2:]], member_rows(), heading="二、党员出勤情况"),
        ]
