"""Rules as data.

Every number the regulations fix (term lengths, size thresholds, development
intervals, dues rates, meeting frequencies) is a row here, with the regulation
it comes from and the date it took effect, so an admin can change it without a
release. Code asks for the rule in force on a date; it never hard-codes one.
"""

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import models
from django.db.models import F, Q

from core.cache import current_version
from core.choices import ActivityKind, OrganisationKind


class RuleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None):
        """Rows in force on a date, newest first. For a date before the first
        recorded rule, the first rule is taken to have applied (older records
        are judged by the oldest rule we know, not by none). Narrow the rows to
        one rule (a code, a kind) before asking, so "first" means that rule's."""
        on = on or dt.date.today()
        earliest = self.aggregate(first=models.Min("effective_from"))["first"]
        if earliest is not None and on < earliest:
            on = earliest
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-pk")


# --- the rule tables read from the cache ----------------------------------------------------------------
# TermLength, Threshold and StageInterval are asked on nearly every page and in every sweep (dozens of rows
# each): the whole table comes from the shared cache, under a version every save or delete of a rule row bumps
# (rules/apps.py, and after each migrate). The date logic is RuleQuerySet.in_force's, applied to the rows.
RULES_VERSION_KEY = "rules:version"
RULES_SECONDS = 3600


def cached_rows(model) -> list:
    """Every row of a small rule table, newest first (effective date, then pk)."""
    key = f"rules:{model._meta.label_lower}:{current_version(RULES_VERSION_KEY)}"
    rows = cache.get(key)
    if rows is None:
        rows = list(model.objects.order_by("-effective_from", "-pk"))
        cache.set(key, rows, RULES_SECONDS)
    return rows


def in_force_rows(rows: list, on: dt.date | None = None) -> list:
    """RuleQuerySet.in_force over rows already narrowed to one rule and sorted newest first."""
    if not rows:
        return []
    on = on or dt.date.today()
    earliest = min(row.effective_from for row in rows)
    if on < earliest:
        on = earliest
    return [row for row in rows if row.effective_from <= on]


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
        rules = in_force_rows([row for row in cached_rows(cls) if row.organisation_kind == kind], on)
        return rules[0].years if rules else None


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
        rules = in_force_rows([row for row in cached_rows(cls) if row.code == code], on)
        if not rules:
            raise LookupError(f"no threshold {code} in force")
        return rules[0].value

    @classmethod
    def all_in_force(cls, on: dt.date | None = None) -> dict[str, int]:
        values: dict[str, int] = {}
        for row in in_force_rows(cached_rows(cls), on):
            values.setdefault(row.code, row.value)  # newest first
        return values


class MemberEvent(models.TextChoices):
    BIRTH = "birth_date", "出生"
    APPLIED = "applied_on", "递交入党申请书"
    TALKED = "talked_on", "组织谈话"
    ACTIVIST = "activist_on", "确定为入党积极分子"
    CANDIDATE = "candidate_on", "确定为发展对象"
    TRAINING = "training", "集中培训（时长）"
    PUBLICITY_FROM = "publicity_from", "公示开始"
    PUBLICITY_TO = "publicity_to", "公示结束"
    ADMITTED = "admitted_on", "支部大会接收为预备党员"
    APPROVED = "approved_on", "上级党委审批"
    EXTENSION = "extension", "延长预备期（时长）"
    CONVERSION_MEETING = "convert_meeting_on", "支部大会讨论转正"
    CONVERSION_APPROVED = "convert_approved_on", "上级党委审批转正"
    FULL = "full_on", "转为正式党员"


class IntervalUnit(models.TextChoices):
    DAY = "DAY", "天"
    WORKING_DAY = "WORKING_DAY", "个工作日"
    MONTH = "MONTH", "个月"
    YEAR = "YEAR", "年"
    HOUR = "HOUR", "学时"


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday–Friday from start to end, both included (public holidays are not modelled: a rule row's note
    says so, and the secretary extends the notice when a holiday falls in it)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start.weekday() + offset) % 7 < 5:
            count += 1
    return count


class StageInterval(Rule):
    """“From event X to event Y at least / at most N (days, working days, months, years)” (发展党员工作细则).

    When from_event equals to_event the row bounds an amount recorded at that event (training of at least
    3 days, or — a second row in another unit — 24 hours: either suffices; an extension of 6–12 months).
    `max_with_reason` is the outer bound the rules allow as an exception, only with a recorded reason;
    `max_times` how often the event may happen at all (a probation is extended once)."""

    name = models.CharField("规则名称", max_length=100)
    from_event = models.CharField("起点", max_length=20, choices=MemberEvent.choices)
    to_event = models.CharField("终点", max_length=20, choices=MemberEvent.choices)
    unit = models.CharField("单位", max_length=12, choices=IntervalUnit.choices, default=IntervalUnit.DAY)
    min_days = models.PositiveIntegerField("至少", null=True, blank=True, help_text="以“单位”计")
    max_days = models.PositiveIntegerField("至多", null=True, blank=True, help_text="以“单位”计")
    max_with_reason = models.PositiveIntegerField("说明理由时至多", null=True, blank=True,
                                                  help_text="超过“至多”但不超过此数时，须记录理由方可通过")
    max_times = models.PositiveSmallIntegerField("至多次数", null=True, blank=True)

    class Meta:
        verbose_name = "发展党员时间规则"
        verbose_name_plural = "发展党员时间规则"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days__isnull=False) | Q(max_days__isnull=False) | Q(max_times__isnull=False),
                name="stageinterval_has_a_bound"
            ),
            models.CheckConstraint(
                condition=Q(max_with_reason__isnull=True) | Q(max_days__isnull=False, max_with_reason__gte=F("max_days")),
                name="stageinterval_exception_beyond_limit",
            ),
            models.UniqueConstraint(
                fields=["from_event", "to_event", "unit", "effective_from"], name="stageinterval_unique_events_date"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_amount(self) -> bool:
        return self.from_event == self.to_event

    def limit_text(self) -> str:
        unit = self.get_unit_display()
        parts = []
        if self.min_days is not None:
            parts.append(f"至少 {self.min_days} {unit}")
        if self.max_days is not None:
            parts.append(f"至多 {self.max_days} {unit}")
        if self.max_with_reason is not None:
            parts.append(f"说明理由的最长 {self.max_with_reason} {unit}")
        if self.max_times is not None:
            parts.append(f"至多 {self.max_times} 次")
        return "，".join(parts)

    def _shifted(self, start: dt.date, amount: int) -> dt.date:
        from dateutil.relativedelta import relativedelta

        if self.unit == IntervalUnit.MONTH:
            return start + relativedelta(months=amount)
        if self.unit == IntervalUnit.YEAR:
            return start + relativedelta(years=amount)
        return start + dt.timedelta(days=amount)

    def measure(self, start: dt.date, end: dt.date) -> int:
        """How far apart two dates are in this rule's unit (whole units, calendar-exact for months/years)."""
        if self.unit == IntervalUnit.WORKING_DAY:
            return working_days(start, end)
        if self.unit in (IntervalUnit.MONTH, IntervalUnit.YEAR):
            from dateutil.relativedelta import relativedelta

            delta = relativedelta(end, start)
            months = delta.years * 12 + delta.months
            return months if self.unit == IntervalUnit.MONTH else delta.years
        return (end - start).days

    def too_short(self, start: dt.date, end: dt.date) -> bool:
        if self.min_days is None:
            return False
        if self.unit in (IntervalUnit.WORKING_DAY, IntervalUnit.DAY):
            return self.measure(start, end) < self.min_days
        return end < self._shifted(start, self.min_days)

    def beyond(self, bound: int | None, start: dt.date, end: dt.date) -> bool:
        if bound is None:
            return False
        if self.unit in (IntervalUnit.WORKING_DAY, IntervalUnit.DAY):
            return self.measure(start, end) > bound
        return end > self._shifted(start, bound)

    def too_long(self, start: dt.date, end: dt.date) -> bool:
        return self.beyond(self.max_days, start, end)

    def too_long_even_with_reason(self, start: dt.date, end: dt.date) -> bool:
        return self.beyond(self.max_with_reason if self.max_with_reason is not None else self.max_days, start, end)

    def amount_breaks(self, amount) -> bool:
        return ((self.min_days is not None and amount < self.min_days)
                or (self.max_days is not None and amount > self.max_days))

    @classmethod
    def rules_for(cls, from_event: str, to_event: str, on: dt.date) -> list["StageInterval"]:
        """The rows in force on `on` for this pair: all rows of the newest effective date (alternatives in
        different units take effect together)."""
        rows = in_force_rows([row for row in cached_rows(cls)
                              if row.from_event == from_event and row.to_event == to_event], on)
        if not rows:
            return []
        newest = rows[0].effective_from
        return [row for row in rows if row.effective_from == newest]


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
