from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from core.reversing import pk_url

from .choices import ReportKind, ReportStatus


def _report_path(instance, filename):
    # The stored name is plain ASCII; the Chinese name is given only when the file is downloaded.
    return f"reports/{instance.pk}/{filename}"


class Report(models.Model):
    """One requested (or scheduled) report and its two files. The row is the job's state: the Celery task
    claims it, writes its progress into it and records the outcome (files, or an error the user reads)."""

    kind = models.CharField("报表类型", max_length=30, choices=ReportKind.choices)
    organisation = models.ForeignKey("branches.Organisation", verbose_name="统计范围", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="reports",
                                     help_text="留空表示全市（仅工委管理员可见）")
    period_start = models.DateField("统计期间起")
    period_end = models.DateField("统计期间止")
    parameters = models.JSONField("参数", default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    scheduled = models.BooleanField("定时生成", default=False)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING,
                              db_index=True)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    progress_message = models.CharField("进度说明", max_length=100, blank=True)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    # Written by the worker with each progress step and by a keep-alive thread in between: a RUNNING row whose
    # heartbeat stopped belongs to a worker that died, and the sweep (or a redelivered message) takes it over.
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    # When the message was last handed to the broker; empty while the broker could not be reached.
    queued_at = models.DateTimeField("加入队列时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    xlsx = models.FileField("Excel 文件", upload_to=_report_path, blank=True, max_length=200)
    pdf = models.FileField("PDF 文件", upload_to=_report_path, blank=True, max_length=200)

    class Meta:
        verbose_name = "统计报表"
        verbose_name_plural = "统计报表"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="report_org_created")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="report_progress_0_100"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(condition=~Q(status=ReportStatus.DONE) | (~Q(xlsx="") & ~Q(pdf="")),
                                   name="report_done_has_files"),
            models.CheckConstraint(condition=~Q(status=ReportStatus.FAILED) | ~Q(error=""),
                                   name="report_failed_has_error"),
            # The beat task may run twice: a scheduled report exists once per kind, scope and period.
            # NULL (city-wide) is folded into 0 so that it counts as one scope on every database.
            models.UniqueConstraint(Coalesce("organisation", Value(0)), "kind", "period_start", "period_end",
                                    condition=Q(scheduled=True), name="report_scheduled_once"),
        ]

    def __str__(self):
        from .exporters import exporter_class

        return f"{self.period_label}{exporter_class(self.kind).name}（{self.scope_label}）"

    def get_absolute_url(self):
        return pk_url(self.pk, "reports:report_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def scope_label(self) -> str:
        return self.organisation.name if self.organisation_id else "全市"

    @property
    def period_label(self) -> str:
        from .exporters import exporter_class

        return exporter_class(self.kind).period_label(self.period_start, self.period_end)

    @property
    def is_active(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)

    def download_name(self, extension: str) -> str:
        from .exporters import exporter_class

        return exporter_class(self.kind).file_title(self.period_start, self.period_end,
                                                    self.organisation) + f".{extension}"
