"""Member development (发展党员): the 25 steps of the 2014 rules as data, one record per person, the steps
recorded on it. The person's stage and stage dates on `members.Member` are derived from the recorded steps
(`services.record_recompute`), never typed in once a record exists."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.reversing import pk_url
from core.workflow import Decided
from members.choices import Stage
from rules.models import MemberEvent

from .choices import STEP_WORKFLOW, DocumentKind, Outcome, People, StepStatus


class StepDefinition(models.Model):
    """One of the 25 steps (seeded from the 2014 rules; admins may reword, not renumber)."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    name = models.CharField("步骤名称", max_length=60)
    description = models.TextField("要求", blank=True)
    event = models.CharField("日期对应的事件", max_length=20, choices=MemberEvent.choices, blank=True,
                             help_text="该步骤的日期在时间规则中代表的事件")
    people = models.CharField("涉及人员", max_length=20, choices=People.choices, blank=True)
    people_count = models.PositiveSmallIntegerField("人数", default=0)
    needs_votes = models.BooleanField("需记录表决票数", default=False)
    needs_training = models.BooleanField("需记录培训天数/学时", default=False)
    needs_range = models.BooleanField("需记录起止日期（公示期）", default=False)
    needs_outcome = models.BooleanField("需记录审批结果（转正/延长/取消）", default=False)
    needs_attachments = models.BooleanField("需上传材料", default=False)
    needs_approval = models.BooleanField("需上级党委审批", default=False)
    repeatable = models.BooleanField("可多次记录", default=False)
    document = models.CharField("生成文书", max_length=30, choices=DocumentKind.choices, blank=True)
    archive_material = models.CharField("归档材料名称", max_length=60, blank=True,
                                        help_text="档案材料清单中的名称；空表示不列入")

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1, number__lte=25),
                                              name="stepdefinition_number_1_to_25")]

    def __str__(self):
        return f"{self.number}. {self.name}"


class DevelopmentRecord(models.Model):
    """A person's development file (one per person), run by the secretary of the person's branch."""

    member = models.OneToOneField("members.Member", verbose_name="发展对象", on_delete=models.PROTECT,
                                  related_name="development")
    opened_on = models.DateField("建档日期", default=dt.date.today)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="建档人", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    archived_on = models.DateField("材料归档日期", null=True, blank=True)
    cancelled_on = models.DateField("取消预备党员资格日期", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "发展党员档案"
        verbose_name_plural = "发展党员档案"
        indexes = [models.Index(fields=["archived_on"], name="devrecord_archived")]

    def __str__(self):
        return f"{self.member.name}的发展档案"

    def get_absolute_url(self):
        return pk_url(self.pk, "development:timeline")  # one reverse per process, not per row (core.reversing)


class DevelopmentStep(Decided):
    """One recorded step. Approval steps move on STEP_WORKFLOW; the others stay “recorded”."""

    workflow = STEP_WORKFLOW

    record = models.ForeignKey(DevelopmentRecord, verbose_name="发展档案", on_delete=models.CASCADE,
                               related_name="steps")
    definition = models.ForeignKey(StepDefinition, verbose_name="步骤", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField("次序", default=1,
                                             help_text="可多次记录的步骤（考察、延长预备期后重新讨论）的第几次")
    status = models.CharField("状态", max_length=20, choices=StepStatus.choices, default=StepStatus.RECORDED,
                              db_index=True)
    date = models.DateField("日期")
    end_date = models.DateField("截止日期", null=True, blank=True)
    people = models.ManyToManyField("members.Member", verbose_name="相关人员", blank=True, related_name="+")
    votes_for = models.PositiveSmallIntegerField("赞成票", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("反对票", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("弃权票", null=True, blank=True)
    voters_entitled = models.PositiveSmallIntegerField("有表决权的正式党员数", null=True, blank=True)
    training_days = models.PositiveSmallIntegerField("培训天数", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("培训学时", null=True, blank=True)
    outcome = models.CharField("审批结果", max_length=20, choices=Outcome.choices, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    approved_on = models.DateField("上级批准日期", null=True, blank=True)
    note = models.TextField("情况记录", blank=True)
    reason = models.TextField("超出时限的理由", blank=True)
    imported = models.BooleanField("由原有登记导入", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[people])

    class Meta:
        verbose_name = "发展党员步骤记录"
        verbose_name_plural = "发展党员步骤记录"
        ordering = ["definition__number", "round", "pk"]
        indexes = [models.Index(fields=["status", "date"], name="devstep_status_date")]
        constraints = [
            models.UniqueConstraint(fields=["record", "definition", "round"], name="devstep_once_per_round"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                                   name="devstep_end_not_before_start"),
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="devstep_status_valid"),
        ]

    def __str__(self):
        return f"{self.definition}（{self.date}）"

    @property
    def event_date(self) -> dt.date | None:
        """The date the step's event happened: the superior's approval date for approval steps."""
        if self.definition.needs_approval:
            return self.approved_on
        return self.date

    @property
    def counts(self) -> bool:
        """Whether the step is done: approval steps once approved, the rest once recorded."""
        return not self.definition.needs_approval or self.status == StepStatus.APPROVED


def attachment_path(instance, filename):
    import uuid

    return f"development/{instance.step.record_id}/{uuid.uuid4().hex}.{instance.extension}"


class StepAttachment(models.Model):
    step = models.ForeignKey(DevelopmentStep, verbose_name="步骤", on_delete=models.CASCADE,
                             related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    extension = models.CharField("扩展名", max_length=8)
    content_type = models.CharField("类型", max_length=50)
    original_name = models.CharField("原文件名", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "步骤材料"
        verbose_name_plural = "步骤材料"

    def __str__(self):
        return self.original_name


class DevelopmentPlan(models.Model):
    """This year's plan (发展计划): how many an organisation means to admit, against which the actual is shown."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="development_plans")
    year = models.PositiveSmallIntegerField("年度")
    planned = models.PositiveSmallIntegerField("计划发展人数")

    class Meta:
        verbose_name = "年度发展计划"
        verbose_name_plural = "年度发展计划"
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="devplan_once_per_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}年计划发展 {self.planned} 人"


class DocumentTemplate(models.Model):
    """An admin's replacement for a shipped Word template (development/docx_templates/<kind>.docx)."""

    kind = models.CharField("文书", max_length=30, choices=DocumentKind.choices, unique=True)
    file = models.FileField("模板文件（.docx）", upload_to="development/templates/")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self):
        return self.get_kind_display()


def probation_end(admitted_on: dt.date, probation_days: int, extension_months: int = 0) -> dt.date:
    """A probation of N days (the rule's 365 = one calendar year) plus the extension, from the branch meeting."""
    years, rest = divmod(probation_days, 365)
    return admitted_on + relativedelta(years=years, months=extension_months) + dt.timedelta(days=rest)
