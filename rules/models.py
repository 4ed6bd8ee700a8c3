"""Rules as data.

Every number the regulations fix (term lengths, size thresholds, development
intervals, dues rates, meeting frequencies) is a row here, with the regulation
it comes from and the date it took effect, so an admin can change it without a
release. Code asks for the rule in force on a date; it never hard-codes one.
"""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q

from core.choices import ActivityKind, OrganisationKind


class RuleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None):
        """Rows in force on a date, newest first. For a date before the first
        recorded rule, the first rule is taken to have applied (older records
        are judged by the oldest rule we know, not by none)."""
        on = on or dt.date.today()
        earliest = self.aggregate(first=models.Min("effective_from"))["first"]
        if earliest is not None and on < earliest:
            on = earliest
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-pk")


class Rule(models.Model):
    source = models.CharField("依据", max_length=200, help_text="法规或文件名称及条款")
    effective_from = models.DateField("生效日期")
    note = models.CharField("备注", max_length=200, blank=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        abstract = True


class TermLength(Rule):
    organisation_kind = models.CharField("组织类型", max_length=20, choices=OrganisationKind.choices)
    years = models.PositiveSmallIntegerField("每届任期（年）")

    class Meta:
        verbose_name = "任期规则"
        verbose_name_plural = "任期规则"
        constraints = [
            models.UniqueConstraint(fields=["organisation_kind", "effective_from"], name="termlength_unique_kind_date")
        ]

    def __str__(self):
        return f"{self.get_organisation_kind_display()}：{self.years} 年"

    @classmethod
    def years_for(cls, kind: str, on: dt.date | None = None) -> int | None:
        rule = cls.objects.in_force(on).filter(organisation_kind=kind).first()
        return rule.years if rule else None


class ThresholdCode(models.TextChoices):
    BRANCH_MIN_FULL_MEMBERS = "BRANCH_MIN_FULL_MEMBERS", "成立党支部的最少正式党员数"
    BRANCH_COMMITTEE_MIN_FULL_MEMBERS = "BRANCH_COMMITTEE_MIN_FULL_MEMBERS", "设立支部委员会的最少正式党员数"
    COMMITTEE_MIN_SIZE = "COMMITTEE_MIN_SIZE", "支部委员会最少人数"
    COMMITTEE_MAX_SIZE = "COMMITTEE_MAX_SIZE", "支部委员会最多人数"
    BRANCH_MAX_MEMBERS = "BRANCH_MAX_MEMBERS", "党支部党员数上限（超过宜设总支）"
    GENERAL_BRANCH_MIN_MEMBERS = "GENERAL_BRANCH_MIN_MEMBERS", "设立党总支的党员数"
    PARTY_COMMITTEE_MIN_MEMBERS = "PARTY_COMMITTEE_MIN_MEMBERS", "设立基层党委的党员数"
    SILENT_DAYS = "SILENT_DAYS", "无活动预警天数"
    APPLICANT_MIN_AGE = "APPLICANT_MIN_AGE", "申请入党最低年龄"
    REELECTION_WARNING_MONTHS = "REELECTION_WARNING_MONTHS", "换届提前提醒月数"
    REELECTION_SECOND_WARNING_MONTHS = "REELECTION_SECOND_WARNING_MONTHS", "换届第二次提醒（届满前月数）"
    REELECTION_LAST_WARNING_MONTHS = "REELECTION_LAST_WARNING_MONTHS", "换届最后提醒（届满前月数）"
    REMIND_THEMED_DAY_FROM_DAY = "REMIND_THEMED_DAY_FROM_DAY", "每月几日起提醒主题党日尚未安排"
    REMIND_MEETINGS_FROM_DAY = "REMIND_MEETINGS_FROM_DAY", "每月几日起提醒应开会议尚未召开"
    PROBATION_NOTICE_DAYS = "PROBATION_NOTICE_DAYS", "预备期届满前提醒天数"
    DUTY_NOTICE_DAYS = "DUTY_NOTICE_DAYS", "责任清单到期前提醒天数"
    DUES_UNPAID_MONTHS = "DUES_UNPAID_MONTHS", "连续未交党费预警月数"
    DUES_BASE_REMINDER_MONTH = "DUES_BASE_REMINDER_MONTH", "每年提醒核定党费基数的月份"
    APPRAISAL_EXCELLENT_DIVISOR = "APPRAISAL_EXCELLENT_DIVISOR", "民主评议“优秀”不超过参评人数的几分之一"
    TRANSFER_LETTER_VALID_DAYS = "TRANSFER_LETTER_VALID_DAYS", "组织关系介绍信有效期（天）"
    TRANSFER_ACCEPT_DAYS = "TRANSFER_ACCEPT_DAYS", "组织关系转接应在几天内接收（逾期提醒）"


class Threshold(Rule):
    code = models.CharField("指标", max_length=40, choices=ThresholdCode.choices)
    value = models.IntegerField("数值")

    class Meta:
        verbose_name = "数量阈值"
        verbose_name_plural = "数量阈值"
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="threshold_unique_code_date")]

    def __str__(self):
        return f"{self.get_code_display()}：{self.value}"

    @classmethod
    def value_of(cls, code: str, on: dt.date | None = None) -> int:
        rule = cls.objects.in_force(on).filter(code=code).first()
        if rule is None:
            raise LookupError(f"no threshold {code} in force")
        return rule.value

    @classmethod
    def all_in_force(cls, on: dt.date | None = None) -> dict[str, int]:
        values: dict[str, int] = {}
        for code, value in cls.objects.in_force(on).values_list("code", "value"):
            values.setdefault(code, value)  # newest first
        return values


class MemberEvent(models.TextChoices):
    BIRTH = "birth_date", "出生"
    APPLIED = "applied_on", "递交入党申请书"
    TALKED = "talked_on", "组织谈话"
    ACTIVIST = "activist_on", "确定为入党积极分子"
    CANDIDATE = "candidate_on", "确定为发展对象"
    ADMITTED = "admitted_on", "支部大会接收为预备党员"
    APPROVED = "approved_on", "上级党委审批"
    FULL = "full_on", "转为正式党员"


class StageInterval(Rule):
    """“From event X to event Y at least / at most N days” (发展党员工作细则)."""

    name = models.CharField("规则名称", max_length=100)
    from_event = models.CharField("起点", max_length=20, choices=MemberEvent.choices)
    to_event = models.CharField("终点", max_length=20, choices=MemberEvent.choices)
    min_days = models.PositiveIntegerField("至少（天）", null=True, blank=True)
    max_days = models.PositiveIntegerField("至多（天）", null=True, blank=True)

    class Meta:
        verbose_name = "发展党员时间规则"
        verbose_name_plural = "发展党员时间规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days__isnull=False) | Q(max_days__isnull=False), name="stageinterval_has_a_bound"
            ),
            models.UniqueConstraint(
                fields=["from_event", "to_event", "effective_from"], name="stageinterval_unique_events_date"
            ),
        ]

    def __str__(self):
        return self.name


class DuesCategory(models.TextChoices):
    SERVING = "SERVING", "在职党员（税后月工资）"
    RETIRED = "RETIRED", "离退休党员（月退休费）"
    NO_INCOME = "NO_INCOME", "学生、无固定收入等党员"


class DuesRate(Rule):
    category = models.CharField("党员类别", max_length=20, choices=DuesCategory.choices)
    income_above = models.DecimalField("月收入高于（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    income_up_to = models.DecimalField("月收入至（元，含）", max_digits=10, decimal_places=2, null=True, blank=True)
    rate_percent = models.DecimalField("交纳比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField("每月定额（元）", max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "党费交纳标准"
        verbose_name_plural = "党费交纳标准"
        ordering = ["category", "income_above"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__isnull=False) | Q(fixed_amount__isnull=False), name="duesrate_rate_or_fixed"
            ),
        ]

    def __str__(self):
        amount = f"{self.rate_percent}%" if self.rate_percent is not None else f"{self.fixed_amount} 元/月"
        return f"{self.get_category_display()} {self.income_above}–{self.income_up_to or '∞'}：{amount}"


class Period(models.TextChoices):
    MONTH = "MONTH", "每月"
    QUARTER = "QUARTER", "每季度"
    HALF_YEAR = "HALF_YEAR", "每半年"
    YEAR = "YEAR", "每年"


class RequiredBody(models.TextChoices):
    NONE = "NONE", "所有党支部"
    COMMITTEE = "COMMITTEE", "设有支部委员会的"
    GROUPS = "GROUPS", "设有党小组的"


class MeetingRequirement(Rule):
    """How often an organisation must hold a kind of activity (三会一课 and the rest)."""

    activity_kind = models.CharField("活动类型", max_length=30, choices=ActivityKind.choices)
    period = models.CharField("周期", max_length=10, choices=Period.choices)
    times = models.PositiveSmallIntegerField("每周期次数", default=1)
    applies_when = models.CharField("适用于", max_length=10, choices=RequiredBody.choices, default=RequiredBody.NONE)
    months = models.CharField(
        "限定月份", max_length=40, blank=True, help_text="逗号分隔，如 10,11,12 表示须在第四季度召开；空表示周期内任意月份"
    )

    class Meta:
        verbose_name = "组织生活频次要求"
        verbose_name_plural = "组织生活频次要求"
        constraints = [
            models.UniqueConstraint(
                fields=["activity_kind", "effective_from"], name="meetingrequirement_unique_kind_date"
            )
        ]

    def __str__(self):
        return f"{self.get_activity_kind_display()} {self.get_period_display()} {self.times} 次"
