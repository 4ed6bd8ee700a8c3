"""Recording dues: a base per member from a month on, payments of one or several months (预交, 补交), arrears and
the six-month warning (党章第九条)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from dues import selectors
from dues.choices import PaymentKind
from dues.models import DuesPayment
from members.choices import Stage
from rules.models import DuesCategory
from tests.dues.helpers import base, pay
from tests.factories import MemberFactory


def months(payments):
    return {(p.month, p.amount, p.kind) for p in payments}


@freeze_time("2025-12-15")
def test_a_base_change_mid_year_applies_from_its_month_and_earlier_months_keep_the_old_amount(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1), income="4000")  # 1%: 40.00
    base(member, start=dt.date(2025, 7, 1), income="6000")  # 1.5%: 90.00
    payments = pay(member, dt.date(2025, 1, 1), dt.date(2025, 12, 1), paid_on=dt.date(2025, 12, 15),
                   by=city.secretary)
    amounts = {p.month.month: p.amount for p in payments}
    assert [amounts[m] for m in range(1, 7)] == [Decimal("40.00")] * 6
    assert [amounts[m] for m in range(7, 13)] == [Decimal("90.00")] * 6
    row = selectors.ledger_rows([member], year=2025, today=dt.date(2025, 12, 15))[0]
    assert row.year_total == Decimal("780.00")
    assert row.dues.current_amount == Decimal("90.00")


@freeze_time("2025-12-15")
def test_late_payment_of_several_months_is_recorded_at_once_as_buxiao_and_clears_the_arrears(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1), income="2000")  # 0.5%: 10.00
    pay(member, dt.date(2025, 1, 1), dt.date(2025, 6, 1), paid_on=dt.date(2025, 6, 20))
    before = selectors.dues_for([member], today=dt.date(2025, 12, 15))[member.pk]
    assert [m for m, _ in before.arrears] == [dt.date(2025, m, 1) for m in range(7, 12)]
    assert before.arrears_total == Decimal("50.00")

    payments = pay(member, dt.date(2025, 7, 1), dt.date(2025, 11, 1), paid_on=dt.date(2025, 12, 15),
                   by=city.secretary)
    assert len(payments) == 5 and {p.kind for p in payments} == {PaymentKind.LATE}
    assert sum(p.amount for p in payments) == Decimal("50.00")
    after = selectors.dues_for([member], today=dt.date(2025, 12, 15))[member.pk]
    assert after.arrears == [] and after.unpaid_streak == 0
    assert DuesPayment.history.filter(member=member).count() == 11  # history kept for bulk-recorded months


def test_paying_ahead_is_yujiao_and_the_current_month_on_time(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1))
    payments = pay(member, dt.date(2025, 3, 1), dt.date(2025, 5, 1), paid_on=dt.date(2025, 3, 5))
    assert [p.kind for p in payments] == [PaymentKind.ON_TIME, PaymentKind.ADVANCE, PaymentKind.ADVANCE]


def test_a_month_already_paid_refuses_the_whole_payment_and_names_the_month(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1))
    pay(member, dt.date(2025, 3, 1))
    with pytest.raises(ValidationError) as error:
        pay(member, dt.date(2025, 1, 1), dt.date(2025, 4, 1), paid_on=dt.date(2025, 4, 2))
    assert "2025年3月" in str(error.value)
    assert DuesPayment.objects.filter(member=member).count() == 1  # nothing half-written


def test_a_month_before_the_first_base_is_refused(city):
    base(city.member, start=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="还没有核定党费基数"):
        pay(city.member, dt.date(2025, 5, 1), dt.date(2025, 6, 1))


def test_an_applicant_pays_no_dues(city):
    applicant = MemberFactory(organisation=city.branch_a, stage=Stage.ACTIVIST, candidate_on=None, admitted_on=None,
                              full_on=None)
    base(applicant, start=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="正式党员和预备党员"):
        pay(applicant, dt.date(2025, 1, 1))


def test_a_member_without_income_pays_the_fixed_amount_each_month(city):
    base(city.member, start=dt.date(2025, 1, 1), income=None, category=DuesCategory.NO_INCOME)
    payments = pay(city.member, dt.date(2025, 1, 1), dt.date(2025, 12, 1), paid_on=dt.date(2025, 12, 1))
    assert {p.amount for p in payments} == {Decimal("0.20")}


def test_the_six_month_warning_comes_after_six_unpaid_months_in_a_row_and_not_before(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1))
    pay(member, dt.date(2025, 1, 1), dt.date(2025, 3, 1), paid_on=dt.date(2025, 3, 1))  # April onwards unpaid
    limit = selectors.unpaid_months_limit(dt.date(2025, 10, 1))
    assert limit == 6
    five = selectors.standings(today=dt.date(2025, 9, 15))[member.pk]  # April–August ended unpaid
    assert five.streak == 5 and five.arrears == 5
    six = selectors.standings(today=dt.date(2025, 10, 1))[member.pk]  # April–September
    assert six.streak == 6 and six.first_unpaid == dt.date(2025, 4, 1)
    row = selectors.ledger_rows([member], year=2025, today=dt.date(2025, 10, 1))[0]
    assert row.warning and not selectors.ledger_rows([member], year=2025, today=dt.date(2025, 9, 15))[0].warning


def test_a_month_paid_ahead_ends_the_unpaid_run(city):
    member = city.member
    base(member, start=dt.date(2025, 1, 1))
    pay(member, dt.date(2025, 12, 1), paid_on=dt.date(2025, 10, 1))
    standing = selectors.standings(today=dt.date(2025, 10, 15))[member.pk]
    assert standing.streak == 0 and standing.arrears == 9  # January–September still owed
