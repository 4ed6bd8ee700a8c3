import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from activities.choices import ActivityKind
from core.reversing import pk_url
from core.workflow import Decided
from rules.models import Rule

from .choices import DutyStatus, ItemVerdict, ReviewAction, ReviewStatus
from .workflow import REVIEW


class ChecklistItem(Rule):
    """One item of the yearly standardisation checklist (the "六有" venue standard and the
    organisational items). Data an admin edits; a review uses the items in force in its year."""

    code = models.SlugField("编号", max_length=40)
    title = models.CharField("检查项目", max_length=100)
    description = models.TextField("具体要求", blank=True)
    evidence_required = models.BooleanField("须上传佐证材料", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    retired_from = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        verbose_name = "标准化检查项目"
        verbose_name_plural = "标准化检查项目"
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="checklist_unique_code_date")]

    def __str__(self):
        return self.title


class StandardisationReview(Decided):
    """An organisation's yearly standardisation acceptance review (标准化验收)."""

    workflow = REVIEW

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="standardisation_reviews")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT,
                              db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("验收时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    comment = models.TextField("验收意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "标准化验收"
        verbose_name_plural = "标准化验收"
        ordering = ["-year", "organisation__path"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="review_one_per_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}年标准化验收"

    def get_absolute_url(self):
        return pk_url(self.pk, "oversight:review_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def decision_comment(self) -> str:
        """The decision's comment under its former name (exports and templates read it)."""
        return self.comment

    @decision_comment.setter
    def decision_comment(self, value: str) -> None:
        self.comment = value


class ReviewItem(models.Model):
    review = models.ForeignKey(StandardisationReview, verbose_name="验收", on_delete=models.CASCADE,
                               related_name="items")
    checklist_item = models.ForeignKey(ChecklistItem, verbose_name="检查项目", on_delete=models.PROTECT,
                                       related_name="+")
    statement = models.TextField("自评说明", blank=True)
    verdict = models.CharField("审核结果", max_length=20, choices=ItemVerdict.choices, default=ItemVerdict.PENDING)
    comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "验收项目"
        verbose_name_plural = "验收项目"
        ordering = ["checklist_item__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "checklist_item"], name="reviewitem_unique"),
            models.CheckConstraint(condition=~Q(verdict=ItemVerdict.NEEDS_CORRECTION) | ~Q(comment=""),
                                   name="reviewitem_correction_has_comment"),
        ]

    def __str__(self):
        return f"{self.review} · {self.checklist_item}"


def _evidence_path(instance, filename):
    return f"evidence/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Evidence(models.Model):
    """A photo or PDF attached as proof to a review item or a duty report. Served only through a checked view."""

    review_item = models.ForeignKey(ReviewItem, verbose_name="验收项目", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="evidence")
    duty_assignment = models.ForeignKey("DutyAssignment", verbose_name="责任事项", on_delete=models.CASCADE,
                                        null=True, blank=True, related_name="evidence")
    file = models.FileField("文件", upload_to=_evidence_path)
    content_type = models.CharField("类型", max_length=50)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(review_item__isnull=False) ^ Q(duty_assignment__isnull=False),
                                   name="evidence_belongs_to_one_thing"),
        ]

    def __str__(self):
        return self.original_name


class ReviewEvent(models.Model):
    """The review's timeline: every step, who took it and when, with the comment."""

    review = models.ForeignKey(StandardisationReview, verbose_name="验收", on_delete=models.CASCADE,
                               related_name="events")
    item = models.ForeignKey(ReviewItem, verbose_name="验收项目", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    action = models.CharField("操作", max_length=20, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    comment = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "验收记录"
        verbose_name_plural = "验收记录"
        ordering = ["at", "pk"]


class Exemption(models.Model):
    """A recorded reason why an organisation is not asked for a kind of meeting (e.g. no party groups)."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="exemptions")
    activity_kind = models.CharField("免于要求的活动", max_length=30, choices=ActivityKind.choices)
    reason = models.CharField("理由", max_length=200)
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "要求豁免"
        verbose_name_plural = "要求豁免"
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="exemption_until_after_from"),
        ]

    def __str__(self):
        return f"{self.organisation} 免于{self.get_activity_kind_display()}"


class Duty(models.Model):
    """An item of the responsibility list (责任清单), assigned to organisations."""

    title = models.CharField("事项", max_length=100)
    detail = models.TextField("具体要求", blank=True)
    deadline = models.DateField("完成时限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="布置人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("布置时间", auto_now_add=True)

    class Meta:
        verbose_name = "责任清单事项"
        verbose_name_plural = "责任清单事项"
        ordering = ["-deadline", "pk"]

    def __str__(self):
        return self.title


class DutyAssignment(models.Model):
    duty = models.ForeignKey(Duty, verbose_name="事项", on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey("branches.Organisation", verbose_name="责任党组织", on_delete=models.CASCADE,
                                     related_name="duty_assignments")
    status = models.CharField("状态", max_length=10, choices=DutyStatus.choices, default=DutyStatus.OPEN,
                              db_index=True)
    report = models.TextField("完成情况", blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "责任落实"
        verbose_name_plural = "责任落实"
        constraints = [
            models.UniqueConstraint(fields=["duty", "organisation"], name="duty_assignment_unique"),
            models.CheckConstraint(condition=~Q(status=DutyStatus.DONE) | Q(completed_at__isnull=False),
                                   name="duty_done_has_date"),
        ]

    def __str__(self):
        return f"{self.duty} · {self.organisation}"
