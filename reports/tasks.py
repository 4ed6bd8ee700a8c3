"""Celery tasks of the reports. Thin: they take ids, and the job's state lives in the Report row."""

import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from . import generation, services
from .generation import MAX_RETRIES

logger = logging.getLogger(__name__)

# Worth another try: the database or the broker was briefly away. Anything else is a fault the user sees.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
# Recording the outcome is tried this many times, on a fresh connection each, before it is left to the sweep.
RECORD_ATTEMPTS = 4


def _error_text(error: BaseException) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return "报表生成超时（超过9分钟）。请缩小统计范围后重试，或联系管理员。"
    if isinstance(error, TRANSIENT):
        return (f"数据库暂时无法访问，{MAX_RETRIES}次自动重试后仍未成功（{type(error).__name__}：{error}）。"
                "请稍后点击“重新生成”。")[:1000]
    if isinstance(error, OSError):
        return "报表文件无法保存（存储空间不可用）。请稍后点击“重新生成”，如仍失败请联系管理员。"
    return f"报表生成过程中出现错误（{type(error).__name__}）。请点击“重新生成”，如仍失败请联系管理员。"


def fresh_connections() -> None:
    """Drop this thread's database connections after an error: the one that failed may be dead (the server
    restarted, the backend was terminated), and the next query must open a new one instead of failing with
    "connection already closed"."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None  # already gone: forget it


def record(action, what: str) -> bool:
    """Run a write that records the job's state, retrying on a fresh connection while the database is away.
    False when it never got through: the sweep finds the row by its stopped heartbeat."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            action()
            return True
        except DatabaseError:
            fresh_connections()
            if attempt == RECORD_ATTEMPTS - 1:
                logger.error("%s could not be recorded; the sweep will take the report over", what, exc_info=True)
                return False
            logger.warning("%s: database unavailable, trying again", what, exc_info=True)
            time.sleep(2 ** attempt)
    return False


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, soft_time_limit=540,
             time_limit=600)
def generate_report(self, report_id: int) -> str:
    # acks_late + reject_on_worker_lost: a worker killed mid-report leaves the message to be delivered again; the
    # claim is a conditional update, so a second delivery of a report that is done or alive does nothing.
    try:
        report = generation.report_claim(report_id, task_id=self.request.id or "")
    except TRANSIENT as error:
        fresh_connections()
        logger.warning("report %s: database unavailable before the claim, retrying: %s", report_id, error)
        raise self.retry(exc=error, countdown=10 * 2 ** min(self.request.retries, 3),
                         max_retries=MAX_RETRIES + 3) from error
    if report is None:
        logger.info("report %s is not waiting to be generated; nothing to do", report_id)
        return "skipped"
    try:
        with generation.keepalive(report, interval=0 if self.request.is_eager
                                  else settings.REPORT_HEARTBEAT_INTERVAL_SECONDS):
            done = generation.report_generate(report)
    except TRANSIENT as error:
        fresh_connections()
        if report.attempts < generation.MAX_ATTEMPTS and self.request.retries < MAX_RETRIES:
            logger.warning("report %s: transient error, retrying: %s", report_id, error)
            record(lambda: generation.report_release(report, "数据库暂时无法访问，稍后自动重试"),
                   f"report {report_id} release")
            raise self.retry(exc=error, countdown=10 * 2 ** self.request.retries) from error
        logger.warning("report %s failed after %s attempts", report_id, report.attempts, exc_info=True)
        record(lambda: generation.report_fail(report_id, _error_text(error), attempt=report.attempts),
               f"report {report_id} failure")
        return "failed"
    except Exception as error:  # noqa: BLE001 -- every failure is recorded for the user, who can retry it
        logger.warning("report %s failed", report_id, exc_info=True)
        fresh_connections()
        record(lambda: generation.report_fail(report_id, _error_text(error), attempt=report.attempts),
               f"report {report_id} failure")
        return "failed"
    return "done" if done else "deleted"


@shared_task(acks_late=True, soft_time_limit=60, time_limit=120)
def create_monthly_reports() -> int | None:
    """Beat, on the 1st of each month: the city-wide monthly activity report for the month before."""
    report = services.report_schedule_monthly()
    return report.pk if report else None


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def recover_reports() -> dict:
    """Every minute: send reports whose message was lost or never reached the broker, take over reports whose
    worker died (again queued, up to the retry limit; then failed with the reason)."""
    return services.reports_recover()
