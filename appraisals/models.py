"""民主评议党员: one appraisal per branch and year, held at that year's 组织生活会, with a result per member.

Full members are graded; probationary members take part but are not graded (`graded` False, no grade). The
branch grades while the appraisal is a draft, submits it, and the superior committee (or the working committee)
confirms it or returns it (core.workflow)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.workflow import Decided
from members.choices import Stage

from .choices import APPRAISAL_WORKFLOW, AppraisalStatus, FollowUp, Grade


class Appraisal(Decided):
    workflow = APPRAISAL_WORKFLOW

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    meeting = models.ForeignKey("activities.Activity", verbose_name="组织生活会", on_delete=models.PROTECT,
                                related_name="appraisals")
    status = models.CharField("状态", max_length=20, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT,
                              db_index=True)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="appraisal_one_per_organisation_year"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}年度民主评议党员"


class AppraisalEntry(models.Model):
    appraisal = models.ForeignKey(Appraisal, verbose_name="民主评议", on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.PROTECT,
                               related_name="appraisal_entries")
    stage = models.CharField("评议时身份", max_length=20, choices=Stage.choices)
    graded = models.BooleanField("评定等次", default=True, help_text="预备党员参加评议，但不评定等次")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices, blank=True)
    follow_up = models.CharField("组织处置", max_length=20, choices=FollowUp.choices, blank=True)
    follow_up_note = models.CharField("处置说明", max_length=300, blank=True,
                                      help_text="限期改正的要求和期限，或除名意见的理由")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"
        ordering = ["appraisal", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "member"], name="appraisalentry_once_per_member"),
            models.CheckConstraint(condition=Q(graded=True) | Q(grade=""), name="appraisalentry_ungraded_no_grade"),
            models.CheckConstraint(condition=~Q(grade=Grade.UNQUALIFIED) | ~Q(follow_up=""),
                                   name="appraisalentry_unqualified_has_follow_up"),
            models.CheckConstraint(condition=Q(grade=Grade.UNQUALIFIED) | Q(follow_up=""),
                                   name="appraisalentry_follow_up_only_if_unqualified"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_grade_display() or '不评定等次'}"

    def clean(self):
        if not self.graded and self.grade:
            raise ValidationError({"grade": "预备党员参加评议，但不评定等次。"})
        if self.grade == Grade.UNQUALIFIED and (not self.follow_up or not self.follow_up_note.strip()):
            raise ValidationError({"follow_up": "评为不合格的，须记录组织处置（限期改正或提出除名意见）及说明。"})
        if self.grade != Grade.UNQUALIFIED:
            self.follow_up, self.follow_up_note = "", ""
