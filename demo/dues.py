"""Three years of 党费 for the demo city (called by `seed_demo`): a base per member from the first month of the
period (or the month of admission), a raise for some in a later January, monthly payments with some paid quarterly
or late (补交), a few paid ahead for the year (预交), and some arrears — among them members who have paid nothing
for six months or more, so the 党章 Art. 9 warning has cases to show.

Deterministic for a given random generator; bulk-inserted without per-row history (the demo's rows were never
edited), amounts from the rate table as the service would compute them."""

import datetime as dt
import functools
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from demo.activities import _insert_rows
from demo.bulk import copy_lines, insert_rows
from dues.choices import CATEGORY_FOR_EMPLOYMENT, PaymentKind
from dues.ledger import first_of_month, last_ended_month, months_between
from dues.models import DuesBase, DuesPayment
from dues.rates import RateTable
from members.choices import EmploymentStatus
from members.models import Member
from rules.models import DuesCategory


def _income(rng: random.Random, status: str) -> Decimal | None:
    if status == EmploymentStatus.RETIRED:
        return Decimal(rng.randrange(2600, 7200, 10))
    if status == EmploymentStatus.SERVING:
        return Decimal(round(rng.lognormvariate(8.75, 0.32), -1))  # about 6,300 a month, most 3,500–11,000
    return None


def _kind(month: dt.date, paid_on: dt.date) -> str:
    paid_month = paid_on.replace(day=1)
    return PaymentKind.ADVANCE if month > paid_month else PaymentKind.LATE if month < paid_month else PaymentKind.ON_TIME


def seed_dues(*, rng: random.Random, today: dt.date, years: int = 3) -> dict:
    first = dt.date(today.year - years + 1, 1, 1)  # this year and the full years before it
    end = last_ended_month(today)
    rates = RateTable()
    members = list(Member.objects.party_members().order_by("pk").values_list(
        "pk", "organisation_id", "employment_status", "admitted_on"))
    if not members:
        return {}
    bases: list[tuple] = []  # half a million at province scale: plain rows, no model instances
    plans = []  # (member pk, organisation pk, [(from, category, income)], start)
    for pk, organisation_id, status, admitted_on in members:
        start = max(first, admitted_on.replace(day=1)) if admitted_on else first
        category = CATEGORY_FOR_EMPLOYMENT.get(status, DuesCategory.SERVING)
        income = _income(rng, status)
        steps = [(start, category, income)]
        if income is not None and rng.random() < 0.35:  # a raise from a later January
            raise_from = dt.date(rng.randint(start.year + 1, today.year + 1), 1, 1)
            if raise_from <= today:
                steps.append((raise_from, category, (income * Decimal(rng.uniform(1.03, 1.12))).quantize(
                    Decimal(10))))
        bases += [(pk, f, str(c), i, "年度核定" if f != start else "") for f, c, i in steps]
        plans.append((pk, organisation_id, steps, start))
    insert_rows(DuesBase, ["member_id", "effective_from", "category", "monthly_income", "note"], bases)
    base_ids = {(pk, f): base_pk for pk, f, base_pk in DuesBase.objects.values_list("member_id", "effective_from",
                                                                                     "pk")}

    # A quarter of a million rows at city scale, fourteen million at province scale: text lines streamed into
    # COPY on PostgreSQL (demo.bulk.copy_lines), plain tuples elsewhere.
    columns = ["member_id", "organisation_id", "month", "amount", "base_id", "paid_on", "kind", "note", "created_at"]
    counts = {"bases": len(bases), "payments": 0, "late": 0, "ahead": 0, "members_in_arrears": 0, "six_months": 0}
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    # Every month any member may pay for, once: relativedelta per member and month cost most of the time.
    calendar = months_between(first, end + relativedelta(months=1))
    index_of = {month: i for i, month in enumerate(calendar)}
    six_back, last_index = end - relativedelta(months=5), len(calendar)
    on_time, late, advance = PaymentKind.ON_TIME.value, PaymentKind.LATE.value, PaymentKind.ADVANCE.value
    randint, random_ = rng.randint, rng.random

    def rows():
        for pk, organisation_id, steps, start in plans:
            habit = random_()
            stop = None  # the first month never paid (arrears up to today)
            if habit < 0.03:
                stop = end - relativedelta(months=randint(5, 10))  # six months or more unpaid by now
            elif habit < 0.08:
                stop = end - relativedelta(months=randint(0, 2))
            quarterly = 0.08 <= habit < 0.2
            yearly_ahead = 0.2 <= habit < 0.24
            if stop is not None:
                counts["members_in_arrears"] += 1
                counts["six_months"] += stop <= six_back
            # most have paid the current month too (the calendar runs to the month after the last ended one)
            for month in calendar[index_of.get(first_of_month(start), last_index):]:
                if stop is not None and month >= stop:
                    break
                if yearly_ahead:
                    paid_on = max(dt.date(month.year, 1, randint(5, 25)), start)
                elif quarterly:
                    paid_on = dt.date(month.year, ((month.month - 1) // 3) * 3 + 3, randint(10, 28))
                else:
                    paid_on = dt.date(month.year, month.month, randint(3, 26))
                if paid_on > today:
                    if month > today.replace(day=1):
                        break
                    paid_on = today
                step = steps[0]
                for candidate in steps[1:]:
                    if candidate[0] <= month:
                        step = candidate
                amount = rates.amount(step[1], step[2], month)
                if not amount:
                    continue
                paid_month = dt.date(paid_on.year, paid_on.month, 1)
                kind = advance if month > paid_month else late if month < paid_month else on_time
                counts["late"] += kind == late
                counts["ahead"] += kind == advance
                yield (pk, organisation_id, month, amount, base_ids[(pk, step[0])], paid_on, kind, "", created_at)

    if connection.vendor == "postgresql":
        # Dates and amounts repeat (some forty months, a few hundred paying days, a few amounts per member): each
        # written as text once — formatting a date or a Decimal per line took a third of the lines' making.
        text = functools.cache(str)
        counts["payments"] = copy_lines(DuesPayment._meta.db_table, columns, (
            f"{pk}\t{org}\t{text(month)}\t{text(amount)}\t{base}\t{text(paid_on)}\t{kind}\t\t{text(at)}\n"
            for pk, org, month, amount, base, paid_on, kind, _, at in rows()), in_thread=True)
    else:
        payments = []
        for row in rows():
            payments.append(row)
            if len(payments) >= 20000:
                counts["payments"] += _insert_rows(DuesPayment._meta.db_table, columns, payments)
                payments = []
        counts["payments"] += _insert_rows(DuesPayment._meta.db_table, columns, payments)
    return counts
