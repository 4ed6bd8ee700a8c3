"""A member's dues month by month, computed from their bases, their payments and the rate table (no queries).

A month is due from the first base's month (never before the month of admission) until the member leaves; it is
in arrears once it has ended unpaid. The six-month warning (党章第九条) looks at the unpaid months running up to the
last month that has ended."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .rates import RateTable

ZERO = Decimal(0)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from start's to end's, both included (empty when end is before start)."""
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def month_count(start: dt.date, end: dt.date) -> int:
    """How many months from start's month to end's month, both included (0 when end is before start)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def last_ended_month(today: dt.date) -> dt.date:
    return first_of_month(today) - relativedelta(months=1)


@dataclass(frozen=True)
class BaseRow:
    effective_from: dt.date
    category: str
    monthly_income: Decimal | None
    pk: int = 0


@dataclass
class MemberDues:
    bases: list[BaseRow]  # oldest first
    paid: dict[dt.date, Decimal]  # month → amount paid
    admitted_on: dt.date | None
    left_on: dt.date | None
    today: dt.date
    rates: RateTable
    arrears: list[tuple[dt.date, Decimal | None]] = field(default_factory=list)

    def __post_init__(self):
        self.arrears = [(month, self.amount_for(month)) for month in self.due_months() if month not in self.paid]

    @property
    def start(self) -> dt.date | None:
        if not self.bases:
            return None
        start = self.bases[0].effective_from
        if self.admitted_on is not None:
            start = max(start, first_of_month(self.admitted_on))
        return start

    @property
    def end(self) -> dt.date:
        end = last_ended_month(self.today)
        if self.left_on is not None:
            end = min(end, first_of_month(self.left_on))
        return end

    def due_months(self) -> list[dt.date]:
        return months_between(self.start, self.end) if self.start else []

    def base_for(self, month: dt.date) -> BaseRow | None:
        found = None
        for base in self.bases:
            if base.effective_from <= month:
                found = base
        return found

    def amount_for(self, month: dt.date) -> Decimal | None:
        base = self.base_for(month)
        if base is None:
            return None
        return self.rates.amount(base.category, base.monthly_income, month)

    @property
    def current_amount(self) -> Decimal | None:
        return self.amount_for(first_of_month(self.today))

    @property
    def arrears_total(self) -> Decimal:
        return sum((amount or ZERO for _, amount in self.arrears), ZERO)

    @property
    def unpaid_streak(self) -> int:
        return unpaid_streak(start=self.start, last_paid=max(self.paid, default=None), end=self.end)


def unpaid_streak(*, start: dt.date | None, last_paid: dt.date | None, end: dt.date) -> int:
    """Months unpaid in a row up to `end`: from the month after the last one paid (or from the start)."""
    if start is None:
        return 0
    first_unpaid = max(start, last_paid + relativedelta(months=1)) if last_paid else start
    return month_count(first_unpaid, end)


def member_dues(*, bases: Iterable[BaseRow], paid: dict[dt.date, Decimal], admitted_on, left_on, today: dt.date,
                rates: RateTable) -> MemberDues:
    return MemberDues(sorted(bases, key=lambda b: b.effective_from), paid, admitted_on, left_on, today, rates)
