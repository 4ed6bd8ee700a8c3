"""Writes of the exchange app: upload a workbook, check every row, confirm, write all rows or none.

A file of up to IMPORT_SYNC_ROWS rows is checked and written within the request; a larger one by Celery tasks
(exchange.tasks) while the page polls the job's progress. Either way the same functions run, and the write
checks every row again inside its transaction (the register may have changed since the preview): if anything
fails, nothing is written and the job shows why."""

import datetime as dt
import logging
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from core.files import files_delete
from core.tasks import enqueue_on_commit
from members.rules import rules_read_once

from .choices import JobStatus
from .kinds import IMPORT_KINDS, Outcome, kind_class
from .models import ImportJob
from .workbook import WorkbookRefused, inspect_container, open_sheet, scan

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 5000


def sync_rows() -> int:
    return getattr(settings, "IMPORT_SYNC_ROWS", 1000)


def import_upload(*, kind: str, upload, by) -> ImportJob:
    """Refuse a file that is not a sound workbook (nothing is stored), else keep it and check its rows."""
    if kind not in IMPORT_KINDS:
        raise ValidationError({"kind": "请选择导入类型。"})
    if not kind_class(kind).permitted(by):
        raise PermissionDenied("您没有该类数据的导入权限。")
    try:
        inspect_container(upload)
        rows = scan(upload)
    except WorkbookRefused as refused:
        raise ValidationError({"file": refused.message})
    if rows == 0:
        raise ValidationError({"file": "文件中没有数据行（第一行为表头，从第二行起填写）。"})
    upload.seek(0)
    job = ImportJob(kind=kind, uploaded_by=by, total_rows=rows,
                    original_name=os.path.basename(getattr(upload, "name", "") or "导入文件.xlsx")[:200],
                    progress_message="正在检查")
    job.file.save("upload.xlsx", ContentFile(upload.read()), save=False)
    stored = job.file.name
    try:
        job.full_clean()
        job.save()
    except Exception:
        files_delete([stored])
        raise
    if rows <= sync_rows():
        import_check(job)
    else:
        from .tasks import check_import

        _enqueue(check_import, job)
    return job


def _enqueue(task, job: ImportJob) -> None:
    job_id = job.pk
    ImportJob.objects.filter(pk=job_id).update(queued_at=timezone.now())
    enqueue_on_commit(task, job_id, on_broker_down=lambda: job_fail(
        job_id, "导入任务未能加入处理队列（任务服务暂时不可用），请稍后重新上传。"))


def _check(job: ImportJob, *, today: dt.date, progress=None) -> tuple[Outcome, object]:
    kind = kind_class(job.kind)(user=job.uploaded_by, today=today)
    kind.progress = progress
    with job.file.open("rb") as stored:
        workbook, sheet = open_sheet(stored)
        try:
            with rules_read_once():
                return kind.run(sheet.headers, sheet.rows), kind
        finally:
            workbook.close()


def _record(job: ImportJob, outcome: Outcome, *, status: str, message: str) -> None:
    job.errors = [[e.row, e.column, e.value, e.reason] for e in outcome.errors[:MAX_STORED_ERRORS]]
    job.error_count = len(outcome.errors)
    job.total_rows = outcome.total
    job.new_count, job.changed_count = outcome.count("create"), outcome.count("update")
    job.unchanged_count = outcome.count("unchanged")
    job.status, job.progress, job.progress_message = status, 100, message
    job.finished_at = timezone.now() if status in (JobStatus.INVALID, JobStatus.DONE) else None
    job.save(update_fields=["errors", "error_count", "total_rows", "new_count", "changed_count",
                            "unchanged_count", "status", "progress", "progress_message", "finished_at"])


def import_check(job: ImportJob, *, today: dt.date | None = None, progress=None) -> ImportJob:
    """Check every row; the job becomes READY (nothing wrong) or INVALID (with every error)."""
    try:
        outcome, _ = _check(job, today=today or timezone.localdate(), progress=progress)
    except WorkbookRefused as refused:
        job_fail(job.pk, refused.message)
        job.refresh_from_db()
        return job
    if outcome.errors:
        _record(job, outcome, status=JobStatus.INVALID, message=f"发现 {len(outcome.errors)} 处错误，未导入任何数据")
    else:
        _record(job, outcome, status=JobStatus.READY, message="检查通过，请确认导入")
    return job


def import_confirm(*, job: ImportJob, by) -> ImportJob:
    """The user confirms a checked file: write it now (small) or in the background (large)."""
    if job.uploaded_by_id != by.pk:
        raise PermissionDenied("只有上传人可以确认导入。")
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.WRITING, progress=0, progress_message="正在导入")
    if not claimed:
        raise ValidationError("该文件当前不能导入（可能已导入或有错误）。")
    job.refresh_from_db()
    if job.total_rows <= sync_rows():
        import_write(job)
    else:
        from .tasks import write_import

        _enqueue(write_import, job)
    job.refresh_from_db()
    return job


def import_write(job: ImportJob, *, today: dt.date | None = None) -> ImportJob:
    """Check again and write every row in one transaction, or nothing."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            outcome, kind = _check(job, today=today)
            if outcome.errors:
                _record(job, outcome, status=JobStatus.INVALID,
                        message="导入前复核发现错误（名册已有变化），未导入任何数据")
                return job
            kind.write(outcome.planned, by=job.uploaded_by)
            _record(job, outcome, status=JobStatus.DONE,
                    message=f"已导入：新增 {outcome.count('create')} 条，修改 {outcome.count('update')} 条")
            # The uploaded file holds personal data the register now keeps: it goes once the write commits.
            stored = job.file.name
            ImportJob.objects.filter(pk=job.pk).update(file="")
            transaction.on_commit(lambda: files_delete([stored]))
    except WorkbookRefused as refused:
        job_fail(job.pk, refused.message)
    except (ValidationError, ValueError, LookupError, IntegrityError, DataError) as error:
        logger.warning("import %s failed while writing", job.pk, exc_info=True)
        job_fail(job.pk, "写入时出错，未导入任何数据：" + "；".join(getattr(error, "messages", [str(error)]))[:500])
    job.refresh_from_db()
    return job


def job_fail(job_id: int, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, failure=reason, progress_message="导入失败", finished_at=timezone.now())


def job_progress(job_id: int, done: int, total: int) -> None:
    percent = max(1, min(99, int(100 * done / max(total, 1))))
    ImportJob.objects.filter(pk=job_id, status=JobStatus.CHECKING).update(
        progress=percent, progress_message=f"正在检查第 {done:,} / {total:,} 行")


# A queued job still untouched after this long lost its message; a claimed one still running after the hard time
# limit (and a margin) belongs to a worker that died: its transaction never committed, so nothing was written.
LOST_AFTER = dt.timedelta(minutes=10)
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 600) + 60)
INTERRUPTED = "处理中断（任务进程意外退出），未导入任何数据。请重新上传；如多次失败，请把文件拆小或联系管理员。"


def imports_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep behind background imports (every 10 minutes): re-queue lost messages (a duplicate is harmless,
    the task claims the job), fail jobs whose worker died so the user sees it."""
    from .tasks import check_import, write_import

    now = now or timezone.now()
    active = ImportJob.objects.filter(status__in=[JobStatus.CHECKING, JobStatus.WRITING])
    interrupted = active.filter(progress__gte=1, claimed_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, failure=INTERRUPTED, progress_message="导入失败", finished_at=now)
    lost = list(active.filter(progress=0, queued_at__lt=now - LOST_AFTER).order_by("pk")[:100])
    for job in lost:
        _enqueue(check_import if job.status == JobStatus.CHECKING else write_import, job)
    return {"interrupted": interrupted, "requeued": len(lost)}
