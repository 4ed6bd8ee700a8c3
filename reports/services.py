"""Writes of the reports app: request, retry, delete, and the scheduled monthly report."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from reports import access
from branches.models import Organisation
from core.tasks import enqueue_on_commit

from .choices import Period, ReportKind, ReportStatus
from .exporters import exporter_class
from .generation import MAX_ATTEMPTS, stale_running, report_outcome_notify
from .models import Report


QUEUE_DOWN = "排队中，任务服务恢复后自动开始"


def _enqueue(report: Report) -> None:
    """Send the generation message once the transaction commits. If the broker cannot be reached the report
    stays waiting, says so, and the every-minute sweep sends it as soon as the broker answers again."""
    from .tasks import generate_report

    report_id = report.pk
    waiting = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING)
    enqueue_on_commit(generate_report, report_id,
                      on_queued=lambda: waiting.update(queued_at=timezone.now()),
                      on_broker_down=lambda: waiting.update(queued_at=None, progress_message=QUEUE_DOWN))


def _parameters(kind: str, organisation: Organisation | None, start: dt.date, end: dt.date) -> dict:
    exporter = exporter_class(kind)
    return {"报表": ReportKind(kind).label, "统计范围": organisation.name if organisation else "全市",
            "统计期间": exporter.period_label(start, end)}


def period_validate(*, kind: str, year: int | None, month: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    exporter = exporter_class(kind)
    if exporter.period == Period.SNAPSHOT:
        return exporter.period_for(year=None, month=None, today=today)
    if not year:
        raise ValidationError({"year": "请选择统计年度。"})
    if year > today.year:
        raise ValidationError({"year": f"{year}年尚未开始，不能生成该年度的报表。"})
    if exporter.period == Period.MONTH:
        if not month:
            raise ValidationError({"month": "月度报表请选择月份。"})
        if (year, month) > (today.year, today.month):
            raise ValidationError({"month": f"{year}年{month}月尚未开始，不能生成该月的报表。"})
    return exporter.period_for(year=year, month=month, today=today)


@transaction.atomic
def report_request(*, kind: str, by, organisation: Organisation | None = None, year: int | None = None,
                   month: int | None = None, today: dt.date | None = None) -> Report:
    """A user asks for a report of a scope they manage; it is generated in the background after commit."""
    if not access.can_request_reports(by):
        raise PermissionDenied("您没有生成报表的权限。")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "请选择报表类型。"})
    if organisation is None:
        if not access.is_admin(by):
            raise ValidationError({"organisation": "请选择党组织：全市报表仅工委管理员可以生成。"})
    elif not access.organisations_managed_by(by).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": "您只能生成本组织及所属党组织的报表。"})
    start, end = period_validate(kind=kind, year=year, month=month, today=today or timezone.localdate())
    report = Report(kind=kind, organisation=organisation, period_start=start, period_end=end,
                    parameters=_parameters(kind, organisation, start, end), requested_by=by)
    report.full_clean()
    report.save()
    _enqueue(report)
    return report


def can_retry(report: Report, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    stale = Report.objects.filter(stale_running(now), pk=report.pk).exists() if report.is_active else False
    return report.status == ReportStatus.FAILED or stale


@transaction.atomic
def report_retry(*, report: Report, by) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not can_retry(report):
        raise ValidationError("只有生成失败的报表可以重新生成。")
    report.status, report.progress, report.progress_message = ReportStatus.PENDING, 0, f"{by.get_full_name()}已要求重新生成"
    report.error, report.finished_at, report.heartbeat_at, report.queued_at = "", None, None, None
    report.save(update_fields=["status", "progress", "progress_message", "error", "finished_at", "heartbeat_at",
                               "queued_at"])
    _enqueue(report)
    return report


@transaction.atomic
def report_delete(*, report: Report, by) -> None:
    # The files go once the deletion commits (reports.signals). Re-read the row under a lock: the worker may have
    # stored the files since the caller loaded it, and the signal deletes the names the instance carries.
    current = Report.objects.select_for_update().filter(pk=report.pk).first()
    if current is not None:  # None: someone else deleted it first
        current.delete()


def report_schedule_monthly(*, today: dt.date | None = None) -> Report | None:
    """The city-wide monthly activity report for the previous month, created once however often the beat task
    runs (the report_scheduled_once constraint). Returns the new report, or None when it already existed."""
    today = today or timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    start, end = exporter_class(ReportKind.MONTHLY_ACTIVITY).period_for(
        year=last_month.year, month=last_month.month, today=today)
    if Report.objects.filter(kind=ReportKind.MONTHLY_ACTIVITY, organisation=None, period_start=start,
                             period_end=end, scheduled=True).exists():
        return None
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=ReportKind.MONTHLY_ACTIVITY, organisation=None, period_start=start, period_end=end,
                scheduled=True, progress_message="定时生成",
                parameters={**_parameters(ReportKind.MONTHLY_ACTIVITY, None, start, end), "生成方式": "每月自动生成"})
            _enqueue(report)
    except IntegrityError:
        return None  # another run of the beat task created it first
    return report


# A report waiting this long since its message was sent lost it (the broker restarted): it is sent again. A
# duplicate message is harmless (the task claims the row). Never-sent reports (broker down) go at the next sweep.
def lost_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_LOST_AFTER_SECONDS)


# The message of a report just created is sent when its transaction commits: give that a moment.
SENDING_GRACE = dt.timedelta(seconds=15)
INTERRUPTED = "报表生成中断（任务进程意外退出或超时）。请点击“重新生成”；如多次失败，请缩小统计范围或联系管理员。"
RESTARTED = "任务进程意外中断，已自动重新排队"
SWEEP_BATCH = 100


def reports_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep behind the reports (every minute).

    - A report RUNNING whose worker died (its heartbeat stopped) is queued again, until it has had its
      attempts; then it is marked failed with the reason, so the user sees what happened and can retry it.
    - A waiting report whose message never reached the broker, or was lost, is sent (again)."""
    now = now or timezone.now()
    stale = Report.objects.filter(stale_running(now))
    interrupted = requeued = 0
    for report_id, attempts in list(stale.values_list("pk", "attempts")[:SWEEP_BATCH]):
        # Conditional: a worker that re-claimed the row meanwhile keeps it.
        mine = stale.filter(pk=report_id, attempts=attempts)
        if attempts < MAX_ATTEMPTS:
            if mine.update(status=ReportStatus.PENDING, progress=0, progress_message=RESTARTED, heartbeat_at=None,
                           queued_at=None):
                requeued += 1
                _enqueue(Report(pk=report_id))
        elif mine.update(status=ReportStatus.FAILED, error=INTERRUPTED, progress_message="生成失败",
                         finished_at=now):
            interrupted += 1
            report_outcome_notify(Report.objects.get(pk=report_id))
    lost = (Report.objects.filter(status=ReportStatus.PENDING)
            .filter(Q(queued_at__isnull=True, created_at__lt=now - SENDING_GRACE)
                    | Q(queued_at__lt=now - lost_after()))
            .order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    for report_id in list(lost):
        _enqueue(Report(pk=report_id))
        requeued += 1
    return {"interrupted": interrupted, "requeued": requeued}
