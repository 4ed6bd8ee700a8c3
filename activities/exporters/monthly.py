"""月度组织生活报表: what every organisation held, planned and cancelled in a month, with attendance."""

from django.db.models import Count, Q

from activities.choices import ActivityKind, ActivityStatus, AttendanceRole, AttendanceStatus, Theme
from activities.models import Activity
from reports.charts import bar_chart
from reports.choices import Period, ReportKind
from reports.exporters.base import COUNT, DATETIME, RATE, Column, Exporter, Sheet

THREE_MEETINGS = (ActivityKind.GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING,
                  ActivityKind.PARTY_LESSON)


def attendance_counts() -> dict:
    """Per activity: members expected (attendees, not observers or guests), present and on leave."""
    attendee = Q(attendances__role=AttendanceRole.ATTENDEE, attendances__member__isnull=False)
    return {
        "expected": Count("attendances", filter=attendee),
        "present": Count("attendances", filter=attendee & Q(attendances__status=AttendanceStatus.PRESENT)),
        "on_leave": Count("attendances", filter=attendee & Q(attendances__status=AttendanceStatus.LEAVE)),
    }


class MonthlyActivityExporter(Exporter):
    identifier = ReportKind.MONTHLY_ACTIVITY
    name = "组织生活月报"
    description = "当月各党组织组织生活开展、计划和取消情况及出勤。每月1日自动生成上月全市月报。"
    period = Period.MONTH

    def activities(self):
        """Held in the month (by actual start), or planned/cancelled for the month (by planned start)."""
        in_month = (Q(status=ActivityStatus.HELD, actual_start__gte=self.start_at, actual_start__lt=self.end_before)
                    | (~Q(status=ActivityStatus.HELD) & Q(planned_start__gte=self.start_at,
                                                          planned_start__lt=self.end_before)))
        return Activity.objects.filter(in_month, organisation__in=self.scope.values("pk"))

    def sheets(self) -> list[Sheet]:
        activities = self.activities()
        statuses = {
            "held": Count("pk", filter=Q(status=ActivityStatus.HELD)),
            "planned": Count("pk", filter=Q(status=ActivityStatus.PLANNED)),
            "cancelled": Count("pk", filter=Q(status=ActivityStatus.CANCELLED)),
        }
        by_kind = {row["kind"]: row for row in activities.order_by().values("kind").annotate(**statuses)}
        kind_rows = [(ActivityKind(k).label, by_kind[k]["held"], by_kind[k]["planned"], by_kind[k]["cancelled"])
                     for k in ActivityKind if k in by_kind]

        # Counts per organisation and attendance per organisation: two grouped queries.
        per_org = {row["organisation_id"]: row for row in activities.order_by().values("organisation_id").annotate(
            **statuses, themed=Count("pk", filter=Q(status=ActivityStatus.HELD, kind=ActivityKind.THEMED_DAY)),
            three=Count("pk", filter=Q(status=ActivityStatus.HELD, kind__in=THREE_MEETINGS)))}
        held_attendance = {row["organisation_id"]: row for row in (
            activities.filter(status=ActivityStatus.HELD).order_by().values("organisation_id")
            .annotate(**attendance_counts()))}
        names = self.scope.filter(pk__in=per_org.keys()).order_by("path").values_list("pk", "name")
        org_rows = []
        for pk, name in names:
            row, att = per_org[pk], held_attendance.get(pk, {})
            expected = att.get("expected", 0)
            org_rows.append((name, row["held"], row["themed"], row["three"], row["planned"], row["cancelled"],
                             expected, att.get("present", 0), att.get("on_leave", 0),
                             att.get("present", 0) / expected if expected else None))

        detail = (activities.select_related("organisation").annotate(**attendance_counts())
                  .order_by("planned_start", "organisation__path", "pk"))
        themes = dict(Theme.choices)

        def detail_rows():
            for a in detail.iterator(chunk_size=500):
                yield (a.actual_start or a.planned_start, a.organisation.name, a.get_kind_display(),
                       themes.get(a.theme, ""), a.title, a.get_status_display(), a.expected, a.present, a.on_leave,
                       a.participant_count, a.cancel_reason)

        return [
            Sheet("按党组织汇总", [
                Column("党组织", 30), Column("已开展", 9, COUNT), Column("其中主题党日", 11, COUNT),
                Column("其中“三会一课”", 12, COUNT), Column("计划未开展", 10, COUNT), Column("已取消", 9, COUNT),
                Column("应到人次", 10, COUNT), Column("出席人次", 10, COUNT), Column("请假人次", 10, COUNT),
                Column("出勤率", 9, RATE)], org_rows, heading="一、各党组织开展情况", landscape=True),
            Sheet("按活动类型", [Column("活动类型", 18), Column("已开展", 10, COUNT), Column("计划未开展", 10, COUNT),
                              Column("已取消", 10, COUNT)], kind_rows, heading="二、按活动类型",
                  chart=bar_chart([(r[0], r[1]) for r in kind_rows if r[1]], title="已开展的活动（次）")),
            Sheet("活动明细", [
                Column("时间", 17, DATETIME), Column("党组织", 28), Column("活动类型", 12), Column("主题", 12),
                Column("标题", 36), Column("状态", 8), Column("应到", 7, COUNT), Column("出席", 7, COUNT),
                Column("请假", 7, COUNT), Column("参与人次", 9, COUNT), Column("取消原因", 24)], detail_rows(),
                heading="三、活动明细", landscape=True),
        ]
