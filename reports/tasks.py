"""Celery tasks of the reports. Thin: they take ids, and the job's state lives in the Report row."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from . import generation, services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# Worth another try: the database or the broker was briefly away. Anything else is a fault the user sees.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _error_text(error: BaseException) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return "报表生成超时（超过9分钟）。请缩小统计范围后重试，或联系管理员。"
    if isinstance(error, TRANSIENT):
        return "数据库暂时无法访问，多次重试后仍未成功。请稍后点击“重新生成”。"
    if isinstance(error, OSError):
        return "报表文件无法保存（存储空间不可用）。请稍后点击“重新生成”，如仍失败请联系管理员。"
    return f"报表生成过程中出现错误（{type(error).__name__}）。请点击“重新生成”，如仍失败请联系管理员。"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, soft_time_limit=540,
             time_limit=600)
def generate_report(self, report_id: int) -> str:
    report = generation.report_claim(report_id, task_id=self.request.id or "")
    if report is None:
        logger.info("report %s is not waiting to be generated; nothing to do", report_id)
        return "skipped"
    try:
        done = generation.report_generate(report)
    except TRANSIENT as error:
        if self.request.retries < MAX_RETRIES:
            logger.warning("report %s: transient error, retrying: %s", report_id, error)
            generation.report_release(report, "暂时出错，稍后自动重试")
            raise self.retry(exc=error, countdown=10 * 2 ** self.request.retries)
        logger.warning("report %s failed after %s retries", report_id, MAX_RETRIES, exc_info=True)
        generation.report_fail(report_id, _error_text(error))
        return "failed"
    except Exception as error:  # noqa: BLE001 -- every failure is recorded for the user, who can retry it
        logger.warning("report %s failed", report_id, exc_info=True)
        generation.report_fail(report_id, _error_text(error))
        return "failed"
    return "done" if done else "deleted"


@shared_task(acks_late=True, soft_time_limit=60, time_limit=120)
def create_monthly_reports() -> int | None:
    """Beat, on the 1st of each month: the city-wide monthly activity report for the month before."""
    report = services.report_schedule_monthly()
    return report.pk if report else None


@shared_task(acks_late=True, soft_time_limit=60, time_limit=120)
def recover_reports() -> dict:
    """Every 10 minutes: re-queue reports whose message was lost, fail (visibly) those whose worker died."""
    return services.reports_recover()
