"""Celery tasks of the imports. Thin: they take a job id; the job's state lives in the ImportJob row."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services
from .choices import JobStatus
from .models import ImportJob

logger = logging.getLogger(__name__)
MAX_RETRIES = 3
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _claim(job_id: int, status: str) -> ImportJob | None:
    """progress 0 → 1 under the expected status: a redelivered message finds the job taken and does nothing."""
    if not ImportJob.objects.filter(pk=job_id, status=status, progress=0).update(progress=1,
                                                                              claimed_at=timezone.now()):
        return None
    return ImportJob.objects.select_related("uploaded_by").get(pk=job_id)


def _run(task, job_id: int, status: str, work) -> str:
    job = _claim(job_id, status)
    if job is None:
        return "skipped"
    try:
        work(job)
    except TRANSIENT as error:
        if task.request.retries < MAX_RETRIES:
            ImportJob.objects.filter(pk=job_id, status=status).update(progress=0, progress_message="暂时出错，稍后自动重试")
            raise task.retry(exc=error, countdown=10 * 2 ** task.request.retries)
        logger.warning("import %s failed after retries", job_id, exc_info=True)
        services.job_fail(job_id, "数据库暂时无法访问，多次重试后仍未成功，未导入任何数据。请稍后重新上传。")
        return "failed"
    except SoftTimeLimitExceeded:
        services.job_fail(job_id, "处理超时（超过9分钟），未导入任何数据。请把文件拆小后分别导入。")
        return "failed"
    except Exception as error:  # recorded where the user sees it
        logger.warning("import %s failed", job_id, exc_info=True)
        services.job_fail(job_id, f"处理过程中出现错误（{type(error).__name__}），未导入任何数据。请重新上传，如仍失败请联系管理员。")
        return "failed"
    return "done"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, soft_time_limit=540,
             time_limit=600)
def check_import(self, job_id: int) -> str:
    return _run(self, job_id, JobStatus.CHECKING, lambda job: services.import_check(
        job, progress=lambda done, total: services.job_progress(job_id, done, total)))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, soft_time_limit=540,
             time_limit=600)
def write_import(self, job_id: int) -> str:
    return _run(self, job_id, JobStatus.WRITING, services.import_write)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=120)
def recover_imports() -> dict:
    """Every 10 minutes: re-queue imports whose message was lost, fail (visibly) those whose worker died."""
    return services.imports_recover()
