"""The generation job, called by the Celery task: claim the row, render both files, store them, record the
outcome. Everything the user sees of the job (progress, error) is written into the Report row."""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.files import files_delete, removed_on_failure
from notifications.choices import Kind
from notifications.services import Due, notifications_create
from notifications.tasks import dispatch_soon

from .choices import ReportStatus
from .exporters import exporter_for
from .models import Report
from .render import render_pdf, render_xlsx

logger = logging.getLogger(__name__)

# A row RUNNING for longer than the hard time limit belongs to a worker that died: it may be claimed again
# (Redis re-delivers the unacknowledged message, acks_late).
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 600) + 60)


def report_claim(report_id: int, *, task_id: str = "") -> Report | None:
    """PENDING (or stale RUNNING) → RUNNING with one conditional update; None when someone else has it, it is
    finished, or it was deleted. A duplicate delivery of the message therefore does nothing."""
    now = timezone.now()
    claimable = Q(status=ReportStatus.PENDING) | Q(status=ReportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=ReportStatus.RUNNING, started_at=now, finished_at=None, progress=1, progress_message="正在统计数据",
        error="", attempts=F("attempts") + 1, task_id=task_id[:64])
    if not claimed:
        return None
    return Report.objects.select_related("organisation").get(pk=report_id)


def report_progress(report: Report, percent: int, message: str) -> None:
    percent = max(0, min(99, int(percent)))  # 100 only together with the files
    Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(progress=percent,
                                                                          progress_message=message[:100])


def report_release(report: Report, message: str) -> None:
    """Give the row back to the queue (before a retry)."""
    Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
        status=ReportStatus.PENDING, progress=0, progress_message=message[:100])


def report_fail(report_id: int, error: str) -> None:
    failed = Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, error=error, progress_message="生成失败", finished_at=timezone.now())
    if failed:
        report_outcome_notify(Report.objects.get(pk=report_id))


def report_outcome_notify(report: Report) -> None:
    """Tell whoever asked that the report is ready (or failed), so nobody has to keep the page open.
    Keyed by the attempt: a retried generation tells again, a redelivered task does not."""
    if report.requested_by_id is None:
        return
    done = report.status == ReportStatus.DONE
    notifications_create([Due(
        kind=Kind.REPORT_READY if done else Kind.REPORT_FAILED, target=f"report:{report.pk}",
        period=f"attempt-{report.attempts}", recipient_id=report.requested_by_id,
        organisation_id=report.organisation_id, link=report.get_absolute_url(),
        title=f"{'报表已生成' if done else '报表生成失败'}：{report}",
        body="可下载 Excel 和 PDF 文件。" if done else f"{report.error}\n可在报表页面点击“重新生成”。")])
    dispatch_soon()


def report_generate(report: Report) -> bool:
    """Render and store both files. False when the row went away (deleted) while we worked."""
    exporter = exporter_for(report)
    sheets = exporter.sheets()
    # Sheets with generators (rosters, details) are consumed by the first renderer: the PDF gets fresh ones.
    xlsx = render_xlsx(exporter, sheets=sheets,
                       progress=lambda fraction, message: report_progress(report, 5 + 45 * fraction, message))
    pdf = render_pdf(exporter,
                     progress=lambda fraction, message: report_progress(report, 50 + 45 * fraction, message))
    report_progress(report, 97, "正在保存文件")
    old = [report.xlsx.name, report.pdf.name]
    stem = f"{report.kind.lower()}-{report.pk}-{report.attempts}"
    with removed_on_failure() as written, transaction.atomic():
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        written.append(report.xlsx.name)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        written.append(report.pdf.name)
        finished = Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
            status=ReportStatus.DONE, progress=100, progress_message="已完成", xlsx=report.xlsx.name,
            pdf=report.pdf.name, finished_at=timezone.now(), error="")
    if not finished:
        files_delete(written)
        return False
    transaction.on_commit(lambda: files_delete([name for name in old if name]))
    report.refresh_from_db()
    report_outcome_notify(report)
    return True
