import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.reversing import pk_url

from .choices import JobStatus


def _upload_path(instance, filename):
    # Stored under a random ASCII name; the user's file name is kept in original_name only.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """One uploaded workbook on its way into the register. The row is the job's state: checking (inline for a
    small file, in a Celery task for a large one), the errors found, the user's confirmation, the write."""

    kind = models.CharField("导入类型", max_length=30)
    # Emptied (and the file deleted) once the rows are written: the register holds the data from then on.
    file = models.FileField("上传的文件", upload_to=_upload_path, max_length=200, blank=True)
    original_name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE,
                                    related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.CHECKING,
                              db_index=True)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    progress_message = models.CharField("进度说明", max_length=100, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    new_count = models.PositiveIntegerField("新增", default=0)
    changed_count = models.PositiveIntegerField("修改", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    # [[row, column, value, reason], …]: every error, for the preview page and the error report workbook.
    errors = models.JSONField("错误明细", default=list, blank=True)
    failure = models.TextField("失败原因", blank=True)
    queued_at = models.DateTimeField("加入队列时间", null=True, blank=True)
    claimed_at = models.DateTimeField("开始处理时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="importjob_user_created")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="importjob_progress_0_100"),
            models.CheckConstraint(condition=~Q(status=JobStatus.FAILED) | ~Q(failure=""),
                                   name="importjob_failed_has_reason"),
        ]

    def __str__(self):
        return f"{self.kind_name}：{self.original_name}"

    def get_absolute_url(self):
        return pk_url(self.pk, "exchange:job_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def kind_name(self) -> str:
        from .kinds import IMPORT_KINDS

        cls = IMPORT_KINDS.get(self.kind)
        return cls.name if cls else self.kind

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.WRITING)
