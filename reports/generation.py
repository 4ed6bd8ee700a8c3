"""The generation job, called by the Celery task: claim the row, render both files, store them, record the
outcome. Everything the user sees of the job (progress, error) is written into the Report row."""

import datetime as dt
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
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

# However fresh its heartbeat, a row RUNNING for longer than the hard time limit belongs to a worker that died.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 600) + 60)
# Every generation gets this many attempts (the first and the automatic retries) before it fails for good.
MAX_RETRIES = 3
MAX_ATTEMPTS = MAX_RETRIES + 1


def heartbeat_stale() -> dt.timedelta:
    """A RUNNING row whose heartbeat is older than this lost its worker (killed, machine gone)."""
    return dt.timedelta(seconds=settings.REPORT_HEARTBEAT_STALE_SECONDS)


def stale_running(now: dt.datetime) -> Q:
    """RUNNING rows whose worker is gone: no heartbeat for a while, or running past the hard time limit."""
    quiet = now - heartbeat_stale()
    return Q(status=ReportStatus.RUNNING) & (
        Q(heartbeat_at__lt=quiet) | Q(heartbeat_at__isnull=True, started_at__lt=quiet)
        | Q(started_at__lt=now - STALE_AFTER))


def report_claim(report_id: int, *, task_id: str = "") -> Report | None:
    """PENDING (or RUNNING with a dead worker) → RUNNING with one conditional update; None when someone else has
    it, it is finished, or it was deleted. A duplicate delivery of the message therefore does nothing, and a
    message redelivered after its worker died takes the row over."""
    now = timezone.now()
    claimable = Q(status=ReportStatus.PENDING) | stale_running(now)
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=ReportStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, progress=1,
        progress_message="正在统计数据", error="", attempts=F("attempts") + 1, task_id=task_id[:64])
    if not claimed:
        return None
    return Report.objects.select_related("organisation").get(pk=report_id)


def _mine(report: Report):
    """The row while this attempt still holds it (a worker that was taken over writes nothing more)."""
    return Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts)


def report_progress(report: Report, percent: int, message: str) -> None:
    percent = max(0, min(99, int(percent)))  # 100 only together with the files
    _mine(report).update(progress=percent, progress_message=message[:100], heartbeat_at=timezone.now())


def report_heartbeat(report: Report) -> bool:
    """Tell the sweep the worker is alive; False once the row is no longer this attempt's."""
    return bool(_mine(report).update(heartbeat_at=timezone.now()))


@contextmanager
def keepalive(report: Report, *, interval: float):
    """Beat the report's heart from a thread while a long step (a big PDF) gives no progress. The thread has a
    database connection of its own and survives that connection being dropped (it opens a new one)."""
    if interval <= 0:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    if not report_heartbeat(report):
                        return
                except DatabaseError:
                    logger.warning("report %s: heartbeat failed, trying again", report.pk, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"report-{report.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def report_release(report: Report, message: str) -> None:
    """Give the row back to the queue (before a retry, whose message is being sent now)."""
    _mine(report).update(status=ReportStatus.PENDING, progress=0, progress_message=message[:100],
                         heartbeat_at=None, queued_at=timezone.now())


def report_fail(report_id: int, error: str, *, attempt: int | None = None) -> None:
    """Record the final failure where the user reads it. With `attempt`, only while the row is still that
    attempt's (a worker that was taken over must not fail the generation that replaced it)."""
    rows = Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE)
    if attempt is not None:
        rows = rows.filter(attempts=attempt)
    failed = rows.update(status=ReportStatus.FAILED, error=error, progress_message="生成失败",
                         finished_at=timezone.now())
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
        finished = _mine(report).update(
            status=ReportStatus.DONE, progress=100, progress_message="已完成", xlsx=report.xlsx.name,
            pdf=report.pdf.name, finished_at=timezone.now(), error="")
    if not finished:
        files_delete(written)
        return False
    transaction.on_commit(lambda: files_delete([name for name in old if name]))
    report.refresh_from_db()
    report_outcome_notify(report)
    return True
