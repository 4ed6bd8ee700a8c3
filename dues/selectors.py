"""Reads: a member's dues, a page of a branch's ledger, arrears and warnings, and monthly/yearly totals.

Every function costs a fixed number of queries: bases and payments of the members shown are read in one query
each and the months are judged in Python (dues.ledger) against the rate table read once."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from branches.models import Organisation
from branches.versions import per_subtree
from core.cache import bump_now_and_at_commit
from members.models import Member
from rules.models import Threshold, ThresholdCode

from .ledger import BaseRow, MemberDues, last_ended_month, member_dues, month_count, unpaid_streak
from .models import DuesBase, DuesPayment
from .rates import RateTable

FALLBACK_UNPAID_MONTHS = 6


def unpaid_months_limit(today: dt.date) -> int:
    """The 党章第九条 rule: months without paying after which the branch must look at the member."""
    try:
        return Threshold.value_of(ThresholdCode.DUES_UNPAID_MONTHS, today)
    except LookupError:
        return FALLBACK_UNPAID_MONTHS


def dues_members(organisation: Organisation, *, subtree: bool = True) -> QuerySet[Member]:
    """Who pays dues in an organisation today: active full and probationary members."""
    members = Member.objects.party_members()
    if subtree:
        return members.filter(organisation__path__startswith=organisation.path)
    return members.filter(organisation=organisation)


def dues_for(members: list[Member], *, today: dt.date, rates: RateTable | None = None) -> dict[int, MemberDues]:
    """Each member's dues (two queries for any number of members, plus the rate table once)."""
    rates = rates or RateTable()
    ids = [m.pk for m in members]
    bases: dict[int, list[BaseRow]] = defaultdict(list)
    for member_id, pk, start, category, income in (DuesBase.objects.filter(member_id__in=ids).values_list(
            "member_id", "pk", "effective_from", "category", "monthly_income")):
        bases[member_id].append(BaseRow(start, category, income, pk))
    paid: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for member_id, month, amount in DuesPayment.objects.filter(member_id__in=ids).values_list(
            "member_id", "month", "amount"):
        paid[member_id][month] = amount
    return {m.pk: member_dues(bases=bases[m.pk], paid=paid[m.pk], admitted_on=m.admitted_on, left_on=m.left_on,
                              today=today, rates=rates) for m in members}


@dataclass
class LedgerRow:
    member: Member
    dues: MemberDues
    months: list[Decimal | None]  # the year's twelve months: the amount paid, or None
    year_total: Decimal
    warning: bool


def ledger_rows(members: list[Member], *, year: int, today: dt.date) -> list[LedgerRow]:
    limit = unpaid_months_limit(today)
    by_member = dues_for(members, today=today)
    rows = []
    for member in members:
        dues = by_member[member.pk]
        months = [dues.paid.get(dt.date(year, m, 1)) for m in range(1, 13)]
        rows.append(LedgerRow(member, dues, months, sum((a for a in months if a), Decimal(0)),
                              dues.unpaid_streak >= limit))
    return rows


@dataclass(frozen=True)
class Standing:
    arrears: int  # months ended unpaid
    streak: int  # of which in a row up to last month
    first_unpaid: dt.date | None  # the streak's first month


def standings(*, today: dt.date, members: QuerySet[Member] | None = None) -> dict[int, Standing]:
    """Member pk → arrears and the unpaid run, for every member given who has a base (three grouped queries
    over the whole register, whatever its size)."""
    members = Member.objects.party_members() if members is None else members
    end = last_ended_month(today)
    starts = dict(DuesBase.objects.filter(member__in=members.values("pk")).values("member_id")
                  .annotate(start=Min("effective_from")).values_list("member_id", "start"))
    paid = {row["member_id"]: row for row in DuesPayment.objects.filter(member__in=members.values("pk"))
            .values("member_id").annotate(last=Max("month"), upto_end=Count("pk", filter=Q(month__lte=end)))}
    result = {}
    for member_id, admitted_on, left_on in members.filter(pk__in=starts).values_list("pk", "admitted_on",
                                                                                      "left_on"):
        start = starts[member_id]
        if admitted_on:
            start = max(start, admitted_on.replace(day=1))
        until = min(end, left_on.replace(day=1)) if left_on else end
        row = paid.get(member_id, {"last": None, "upto_end": 0})
        streak = unpaid_streak(start=start, last_paid=row["last"], end=until)
        arrears = max(0, month_count(start, until) - row["upto_end"])
        first = until - relativedelta(months=streak - 1) if streak else None
        result[member_id] = Standing(arrears, streak, first)
    return result


# --- totals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTotal:
    month: int
    payers: int
    amount: Decimal


def payments_in(organisations: QuerySet[Organisation] | None, year: int) -> QuerySet[DuesPayment]:
    payments = DuesPayment.objects.filter(month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1))
    if organisations is not None:
        payments = payments.filter(organisation__in=organisations.values("pk"))
    return payments


# The city's (or province's) monthly totals read millions of payments: kept in the cache under a version every
# recorded, changed or deleted payment bumps (dues.services and the admin's saves, via dues.apps).
TOTALS_VERSION_KEY = "dues:totals-version"


def totals_changed() -> None:
    """Now and again at commit (core.cache.bump_now_and_at_commit)."""
    bump_now_and_at_commit(TOTALS_VERSION_KEY)


def monthly_totals(*, organisations: QuerySet[Organisation] | None, year: int) -> list[MonthTotal]:
    """Dues of each month of the year (by the month paid for), for the organisations given or the city."""
    if organisations is None:
        key = f"dues:months:{cache.get_or_set(TOTALS_VERSION_KEY, 1, timeout=None)}:{year}"
        totals = cache.get(key)
        if totals is None:
            totals = _monthly_totals(organisations=None, year=year)
            cache.set(key, totals, 6 * 3600)
        return totals
    return _monthly_totals(organisations=organisations, year=year)


def _monthly_totals(*, organisations: QuerySet[Organisation] | None, year: int) -> list[MonthTotal]:
    # One payment per member and month (the table's unique constraint), so a month's payments are its payers:
    # a plain count, not a DISTINCT that sorted five million payments at province scale (8.8 s).
    rows = {row["month"].month: row for row in payments_in(organisations, year).order_by().values("month")
            .annotate(payers=Count("pk"), amount=Sum("amount"))}
    return [MonthTotal(m, rows[m]["payers"] if m in rows else 0, rows[m]["amount"] if m in rows else Decimal(0))
            for m in range(1, 13)]


def totals_by_organisation(*, organisation_ids: list[int], year: int) -> dict[int, dict]:
    """Organisation pk → the year's total and payments of the organisations given (one grouped query for those not
    in the cache), kept per organisation while nothing in its subtree changed (a payment recorded in it moves the
    version on, branches/versions.py): the overview's page of fifty organisations counted its payers afresh on
    every view (5 ms)."""
    def count(pks: list[int]) -> dict[int, dict]:
        rows = {row["organisation_id"]: row for row in (
            payments_in(None, year).filter(organisation_id__in=pks).order_by().values("organisation_id")
            .annotate(amount=Sum("amount"), months=Count("pk"), payers=Count("member", distinct=True),
                      late=Count("pk", filter=Q(kind="LATE"))))}
        return {pk: rows.get(pk, {}) for pk in pks}

    found = per_subtree(f"dues-own:{year}", organisation_ids, count) if organisation_ids else {}
    return {pk: row for pk, row in found.items() if row}


def subtree_totals(*, organisations: list[Organisation], year: int) -> dict[int, Decimal]:
    """Organisation pk → the year's dues of it and everything below it: the payments below those not in the
    cache grouped by organisation once, then rolled up by path; kept per subtree version (a payment recorded
    below an organisation moves its version on, branches/versions.py)."""
    return _per_subtree(f"dues-total:{year}", organisations, lambda condition: (
        payments_in(None, year).filter(condition).order_by().values("organisation__path")
        .annotate(n=Sum("amount")).values_list("organisation__path", "n")), zero=Decimal(0))


def party_member_counts(organisations: list[Organisation]) -> dict[int, int]:
    """Organisation pk → party members (full and probationary) in it and below it (as subtree_totals)."""
    return _per_subtree("dues-party-members", organisations, lambda condition: (
        Member.objects.party_members().filter(condition).order_by().values("organisation__path")
        .annotate(n=Count("pk")).values_list("organisation__path", "n")), zero=0)


def _per_subtree(name: str, organisations: list[Organisation], grouped, *, zero):
    """`grouped(condition)` yields (organisation path, value) for the rows below the organisations matching
    `condition`; summed per organisation shown, from the cache while its subtree is unchanged."""
    by_pk = {organisation.pk: organisation for organisation in organisations}

    def count(pks: list[int]) -> dict:
        totals = {pk: zero for pk in pks}
        condition = Q(pk__in=[])
        for pk in pks:
            condition |= Q(organisation__path__startswith=by_pk[pk].path)
        for path, n in grouped(condition):
            for pk in pks:
                if path.startswith(by_pk[pk].path):
                    totals[pk] += n
        return totals

    return per_subtree(name, list(by_pk), count) if by_pk else {}
