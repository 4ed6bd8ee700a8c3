"""党费: a member's dues base (with the month it applies from) and the months paid.

The base is the fact the secretary enters once a year (or when the income changes); the monthly amount is derived
from it and the `rules.DuesRate` bracket in force in the month paid for, and frozen on the payment when it is
recorded, so a later change of base or rate never rewrites what was paid."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rules.models import DuesCategory

from .choices import PaymentKind


class DuesBase(models.Model):
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="dues_bases")
    effective_from = models.DateField("起始月份", help_text="自该月起按此基数交纳（记为当月1日）")
    category = models.CharField("交纳类别", max_length=20, choices=DuesCategory.choices)
    monthly_income = models.DecimalField("月收入基数（元）", max_digits=10, decimal_places=2, null=True, blank=True,
                                         help_text="在职党员为税后月工资收入，离退休党员为月退休费；学生、无固定收入者不填")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = "党费基数"
        ordering = ["member", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_from"], name="duesbase_one_per_member_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="duesbase_starts_on_first_of_month"),
            models.CheckConstraint(
                condition=(Q(category=DuesCategory.NO_INCOME, monthly_income__isnull=True)
                           | (~Q(category=DuesCategory.NO_INCOME) & Q(monthly_income__gt=0))),
                name="duesbase_income_matches_category"),
        ]

    def __str__(self):
        return f"{self.member} {self.effective_from:%Y-%m} {self.get_category_display()}"

    def clean(self):
        if self.category == DuesCategory.NO_INCOME:
            self.monthly_income = None
        elif self.monthly_income is None or self.monthly_income <= 0:
            raise ValidationError({"monthly_income": "在职和离退休党员须填写大于零的月收入基数。"})
        if self.effective_from and self.effective_from.day != 1:
            self.effective_from = self.effective_from.replace(day=1)


class DuesPayment(models.Model):
    """One month's dues of one member. Several months paid at once are several rows with one `paid_on`."""

    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="dues_payments")
    # Where the member belonged when paying: the branch's totals stay right after a transfer.
    organisation = models.ForeignKey("branches.Organisation", verbose_name="收缴党组织", on_delete=models.PROTECT,
                                     related_name="dues_payments")
    month = models.DateField("所属月份", help_text="记为当月1日")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    base = models.ForeignKey(DuesBase, verbose_name="依据基数", on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField("交纳日期")
    kind = models.CharField("交纳方式", max_length=10, choices=PaymentKind.choices, default=PaymentKind.ON_TIME)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "党费交纳记录"
        verbose_name_plural = "党费交纳记录"
        ordering = ["member", "month"]
        indexes = [
            models.Index(fields=["organisation", "month"], name="duespayment_org_month"),
            models.Index(fields=["month"], name="duespayment_month"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="duespayment_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="duespayment_month_is_first_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="duespayment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m} {self.amount} 元"
