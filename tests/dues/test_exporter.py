"""The 党费台账 report: monthly totals, each member's months and the arrears list, for the city or a subtree."""

import datetime as dt
from decimal import Decimal

from dues.exporters import DuesExporter
from tests.dues.helpers import base, pay
from tests.factories import MemberFactory


def test_the_ledger_report_shows_the_months_the_members_and_the_arrears(city):
    base(city.member, start=dt.date(2025, 1, 1), income="4000")  # 40.00 a month
    pay(city.member, dt.date(2025, 1, 1), dt.date(2025, 3, 1), paid_on=dt.date(2025, 4, 10))  # 补交
    other = MemberFactory(organisation=city.org_b, name="乙局党员")
    base(other, start=dt.date(2025, 1, 1), income="2000")
    pay(other, dt.date(2025, 1, 1))
    report = DuesExporter(organisation=None, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
                          today=dt.date(2025, 7, 15))
    months, _organisations, ledger, arrears = report.sheets()
    rows = list(months.rows)
    assert rows[0][1:4] == (2, Decimal("50.00"), Decimal("40.00"))  # two payers; 40 of the 50 paid late
    assert rows[-1][0] == "全年" and rows[-1][2] == Decimal("130.00")
    member_row = next(r for r in ledger.rows if r[0] == "甲党员")
    assert member_row[4] == Decimal("40.00") and member_row[5:8] == (Decimal("40.00"),) * 3 and member_row[-1] == 120
    assert {r[0]: r[2] for r in arrears.rows} == {"甲党员": 3, "乙局党员": 5}  # April–June; February–June

    scoped = DuesExporter(organisation=city.org_b, period_start=dt.date(2025, 1, 1),
                          period_end=dt.date(2025, 12, 31), today=dt.date(2025, 7, 15))
    assert [r[0] for r in scoped.sheets()[2].rows] == ["乙党员", "乙局党员"]  # branch A's member is not in it
