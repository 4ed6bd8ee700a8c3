"""The monthly amount from a base and the `rules.DuesRate` bracket in force in the month paid for.

The rate table is a few rows: it is read once into a `RateTable` and every month of every member is judged in
Python, so a page or an export costs one query for the rules whatever the number of members and months."""

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rules.models import DuesCategory, DuesRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bracket:
    category: str
    effective_from: dt.date
    income_above: Decimal
    income_up_to: Decimal | None
    rate_percent: Decimal | None
    fixed_amount: Decimal | None

    def holds(self, income: Decimal | None) -> bool:
        if self.category == DuesCategory.NO_INCOME:
            return True
        return income is not None and income > self.income_above and (
            self.income_up_to is None or income <= self.income_up_to)

    def amount(self, income: Decimal | None) -> Decimal:
        if self.fixed_amount is not None:
            return self.fixed_amount
        return (income * self.rate_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def label(self) -> str:
        if self.fixed_amount is not None:
            return f"每月 {self.fixed_amount} 元"
        return f"{self.rate_percent.normalize()}%"


class RateTable:
    """Every recorded bracket; `bracket(category, income, month)` is the one in force on the month's first day
    (the newest effective date on or before it; before the first recorded rule, the first one)."""

    def __init__(self, rows: list[Bracket] | None = None):
        if rows is None:
            rows = [Bracket(r.category, r.effective_from, r.income_above, r.income_up_to, r.rate_percent,
                            r.fixed_amount) for r in DuesRate.objects.order_by("effective_from", "pk")]
        self.by_category: dict[str, list[Bracket]] = {}
        for row in rows:
            self.by_category.setdefault(row.category, []).append(row)
        self._dates = {category: sorted({row.effective_from for row in rows})
                       for category, rows in self.by_category.items()}
        self._amounts: dict[tuple, Decimal | None] = {}  # a city's ledger asks the same few questions many times

    def _in_force(self, category: str, month: dt.date) -> dt.date | None:
        dates = self._dates.get(category)
        if not dates:
            return None
        index = bisect_right(dates, month)
        return dates[index - 1] if index else dates[0]

    def brackets_in_force(self, category: str, month: dt.date) -> list[Bracket]:
        in_force = self._in_force(category, month)
        return [row for row in self.by_category.get(category, []) if row.effective_from == in_force]

    def bracket(self, category: str, income: Decimal | None, month: dt.date) -> Bracket | None:
        return next((row for row in self.brackets_in_force(category, month) if row.holds(income)), None)

    def amount(self, category: str, income: Decimal | None, month: dt.date) -> Decimal | None:
        key = (category, income, self._in_force(category, month))
        if key not in self._amounts:
            bracket = self.bracket(category, income, month)
            self._amounts[key] = None if bracket is None else bracket.amount(income)
        return self._amounts[key]


def monthly_amount(*, category: str, income: Decimal | None, month: dt.date) -> Decimal | None:
    """One amount (tests, forms); lists build a RateTable once and ask it."""
    return RateTable().amount(category, income, month)
