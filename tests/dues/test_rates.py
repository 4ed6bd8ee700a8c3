"""The monthly amount comes from the bracket of the rules.DuesRate table in force in the month paid for."""

import datetime as dt
from decimal import Decimal

import pytest

from dues.rates import monthly_amount
from rules.models import DuesCategory, DuesRate

MONTH = dt.date(2025, 3, 1)


def amount(category, income):
    return monthly_amount(category=category, income=Decimal(income) if income is not None else None, month=MONTH)


@pytest.mark.django_db
@pytest.mark.parametrize(("income", "expected"), [
    ("3000", "15.00"),  # 3,000 is still the 0.5% bracket
    ("3000.01", "30.00"),  # above it: 1%
    ("5000", "50.00"),
    ("5000.01", "75.00"),  # 1.5%
    ("10000", "150.00"),
    ("10000.01", "200.00"),  # 2%
    ("1200", "6.00"),
])
def test_a_serving_member_pays_the_rate_of_the_bracket_the_income_falls_in(income, expected):
    assert amount(DuesCategory.SERVING, income) == Decimal(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("pension", "expected"), [("5000", "25.00"), ("5000.01", "50.00"), ("4000", "20.00")])
def test_a_retired_member_pays_half_a_percent_up_to_5000_and_one_percent_above(pension, expected):
    assert amount(DuesCategory.RETIRED, pension) == Decimal(expected)


@pytest.mark.django_db
def test_a_student_or_member_without_income_pays_the_fixed_amount():
    assert amount(DuesCategory.NO_INCOME, None) == Decimal("0.20")


@pytest.mark.django_db
def test_a_new_rate_applies_from_its_month_and_not_before():
    for row in DuesRate.objects.filter(category=DuesCategory.NO_INCOME):
        DuesRate.objects.create(category=row.category, income_above=row.income_above, fixed_amount=Decimal("0.50"),
                                source="测试：新标准", effective_from=dt.date(2026, 1, 1))
    assert monthly_amount(category=DuesCategory.NO_INCOME, income=None, month=dt.date(2025, 12, 1)) == Decimal("0.20")
    assert monthly_amount(category=DuesCategory.NO_INCOME, income=None, month=dt.date(2026, 1, 1)) == Decimal("0.50")
