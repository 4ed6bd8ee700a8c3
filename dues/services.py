"""Writes: a member's dues base, and payments of one or several months (预交 ahead, 补交 late).

Views have asked dues.access already. Each service checks the records (full_clean, the rule tables) and writes in
one transaction: a payment of several months is recorded whole or not at all."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from branches.versions import subtrees_changed
from members.choices import MembershipStatus, Stage
from members.models import Member
from rules.models import DuesCategory

from . import selectors
from .choices import CATEGORY_FOR_EMPLOYMENT, PaymentKind
from .ledger import first_of_month, months_between
from .models import DuesBase, DuesPayment
from .rates import RateTable

MAX_MONTHS_AT_ONCE = 36


def default_category(member: Member) -> str:
    return CATEGORY_FOR_EMPLOYMENT.get(member.employment_status, DuesCategory.SERVING)


@transaction.atomic
def dues_base_set(*, member: Member, effective_from: dt.date, category: str, monthly_income: Decimal | None,
                  note: str = "", by) -> DuesBase:
    """The base from a month on; a second base for the same month replaces the first (a correction)."""
    effective_from = first_of_month(effective_from)
    if DuesPayment.objects.filter(member=member, month__gte=effective_from,
                                  base__effective_from__lt=effective_from).exists() and not note:
        raise ValidationError({"note": "该月以后已有按原基数交纳的记录，更改基数须在备注中说明原因。"})
    base = DuesBase.objects.filter(member=member, effective_from=effective_from).first() or DuesBase(
        member=member, effective_from=effective_from)
    base.category, base.monthly_income, base.note, base.recorded_by = category, monthly_income, note, by
    base.full_clean()
    base.save()
    return base


def _kind(month: dt.date, paid_on: dt.date) -> str:
    paid_month = first_of_month(paid_on)
    if month > paid_month:
        return PaymentKind.ADVANCE
    if month < paid_month:
        return PaymentKind.LATE
    return PaymentKind.ON_TIME


def _month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


@transaction.atomic
def dues_payments_record(*, member: Member, first_month: dt.date, last_month: dt.date, paid_on: dt.date,
                         note: str = "", by, rates: RateTable | None = None) -> list[DuesPayment]:
    """Record the months from first_month to last_month as paid on paid_on, each at the amount its base and the
    rate in force in that month fix. Refused whole if any month is already paid, precedes the member's base or
    admission, or follows their leaving."""
    first_month, last_month = first_of_month(first_month), first_of_month(last_month)
    if last_month < first_month:
        raise ValidationError({"last_month": "截止月份不能早于起始月份。"})
    months = months_between(first_month, last_month)
    if len(months) > MAX_MONTHS_AT_ONCE:
        raise ValidationError({"last_month": f"一次最多登记 {MAX_MONTHS_AT_ONCE} 个月。"})
    if member.stage not in (Stage.PROBATIONARY, Stage.FULL):
        raise ValidationError("只有正式党员和预备党员交纳党费。")
    if member.status != MembershipStatus.ACTIVE and (member.left_on is None or last_month > member.left_on):
        raise ValidationError({"last_month": "该党员已不在册，不能登记离开以后的党费。"})
    if member.admitted_on and first_month < first_of_month(member.admitted_on):
        raise ValidationError({"first_month": f"该党员{_month_text(first_of_month(member.admitted_on))}入党，"
                                              "不能登记此前的党费。"})
    paid = sorted(DuesPayment.objects.filter(member=member, month__in=months).values_list("month", flat=True))
    if paid:
        raise ValidationError({"first_month": "以下月份已经交纳：" + "、".join(_month_text(m) for m in paid) + "。"})
    bases = list(DuesBase.objects.filter(member=member, effective_from__lte=last_month).order_by("effective_from"))
    if not bases or bases[0].effective_from > first_month:
        raise ValidationError({"first_month": "该月份还没有核定党费基数，请先登记基数。"})
    rates = rates or RateTable()
    payments = []
    for month in months:
        base = [b for b in bases if b.effective_from <= month][-1]
        amount = rates.amount(base.category, base.monthly_income, month)
        if not amount:
            raise ValidationError({"first_month": f"{_month_text(month)}按现行标准计算的党费为零，请核对基数。"})
        payment = DuesPayment(member=member, organisation_id=member.organisation_id, month=month, amount=amount,
                              base=base, paid_on=paid_on, kind=_kind(month, paid_on), note=note, recorded_by=by)
        payment.full_clean(exclude=["member", "organisation", "base"])
        payments.append(payment)
    created = bulk_create_with_history(payments, DuesPayment, default_user=by)
    selectors.totals_changed()
    subtrees_changed([member.organisation_id])  # bulk: no signal
    return created
