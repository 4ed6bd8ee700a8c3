"""党费台账 (Excel/PDF through the reports app): the year's dues of the city or one organisation's subtree.

Registered as report kind DUES in reports/exporters/__init__.py (with the others, until the reports registry
lets feature apps register themselves). The ledger sheet streams members in chunks: two queries per chunk, the
rate table once, whatever the number of members."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from members.choices import MembershipStatus, Stage
from members.models import Member
from reports.choices import ReportKind
from reports.exporters.base import COUNT, MONEY, Breakdown, Column, Exporter, Sheet
from rules.models import DuesCategory

from .choices import PaymentKind
from .ledger import first_of_month
from .rates import RateTable
from .selectors import dues_for, payments_in, unpaid_months_limit

CHUNK = 1000
ZERO = Decimal(0)


class DuesExporter(Exporter):
    identifier = ReportKind.DUES
    name = "党费台账"
    description = "全年各月党费收缴合计、各党组织收缴情况、每名党员的交纳明细和欠交名单（按党费所属月份）。"

    def _members(self):
        return (Member.objects.filter(organisation__in=self.scope.values("pk"),
                                      stage__in=[Stage.FULL, Stage.PROBATIONARY])
                .filter(Q(status=MembershipStatus.ACTIVE) | Q(left_on__gte=self.period_start))
                .select_related("organisation").order_by("organisation__path", "name", "pk"))

    def _payments(self):
        return payments_in(self.organisations, self.year)

    def _month_rows(self):
        rows = {row["month"].month: row for row in self._payments().order_by().values("month").annotate(
            payers=Count("member", distinct=True), total=Sum("amount"),
            late=Sum("amount", filter=Q(kind=PaymentKind.LATE)),
            ahead=Sum("amount", filter=Q(kind=PaymentKind.ADVANCE)))}
        result = []
        for month in range(1, 13):
            row = rows.get(month, {})
            result.append((f"{month}月", row.get("payers", 0), row.get("total") or ZERO, row.get("late") or ZERO,
                           row.get("ahead") or ZERO))
        result.append(("全年", None, sum((r[2] for r in result), ZERO), sum((r[3] for r in result), ZERO),
                       sum((r[4] for r in result), ZERO)))
        return result

    def _organisation_rows(self):
        breakdown = Breakdown(self)
        for organisation_id, amount, payers in (self._payments().order_by().values("organisation_id")
                                                .annotate(amount=Sum("amount"), payers=Count("member", distinct=True))
                                                .values_list("organisation_id", "amount", "payers")):
            breakdown.add(organisation_id, "amount", amount)
            breakdown.add(organisation_id, "payers", payers)
        for organisation_id, n in (Member.objects.party_members().filter(organisation__in=self.scope.values("pk"))
                                   .order_by().values("organisation_id").annotate(n=Count("pk"))
                                   .values_list("organisation_id", "n")):
            breakdown.add(organisation_id, "members", n)
        return [(g.name, g.values.get("members", 0), g.values.get("payers", 0), g.values.get("amount", ZERO))
                for g in breakdown.rows()]

    def _ledger(self):
        """(ledger rows, arrears rows), member by member in chunks."""
        rates, ledger, arrears = RateTable(), [], []
        month_now = first_of_month(min(self.today, self.period_end))
        limit = unpaid_months_limit(self.today)
        categories = dict(DuesCategory.choices)
        members = list(self._members())
        for start in range(0, len(members), CHUNK):
            chunk = members[start:start + CHUNK]
            by_member = dues_for(chunk, today=self.today, rates=rates)
            for member in chunk:
                dues = by_member[member.pk]
                months = [dues.paid.get(self.period_start.replace(month=m, day=1)) for m in range(1, 13)]
                base = dues.base_for(month_now)
                ledger.append((member.name, member.organisation.name,
                               categories.get(base.category, "") if base else "未核定",
                               base.monthly_income if base else None, dues.amount_for(month_now),
                               *months, sum((m for m in months if m), ZERO)))
                if dues.arrears:
                    arrears.append((member.name, member.organisation.name, len(dues.arrears), dues.arrears_total,
                                    dues.unpaid_streak, "是" if dues.unpaid_streak >= limit else ""))
        return ledger, arrears

    def sheets(self) -> list[Sheet]:
        ledger, arrears = self._ledger()
        month_columns = [Column(f"{m}月", 8, MONEY) for m in range(1, 13)]
        return [
            Sheet("月度汇总", [Column("月份", 10), Column("交纳人数", 10, COUNT), Column("金额（元）", 14, MONEY),
                           Column("其中补交（元）", 14, MONEY), Column("其中预交（元）", 14, MONEY)],
                  self._month_rows(), heading="一、各月党费收缴"),
            Sheet("各党组织", [Column("党组织", 30), Column("党员", 10, COUNT), Column("交纳人数", 10, COUNT),
                           Column("全年金额（元）", 14, MONEY)], self._organisation_rows(),
                  heading="二、各党组织收缴情况"),
            Sheet("党费台账", [Column("姓名", 10), Column("所在党组织", 26), Column("交纳类别", 14),
                           Column("月收入基数（元）", 12, MONEY), Column("月交纳额（元）", 12, MONEY), *month_columns,
                           Column("全年合计（元）", 12, MONEY)], ledger, heading="三、党员党费交纳明细",
                  landscape=True, note="党费金额属个人信息，请妥善保管本表。"),
            Sheet("欠交名单", [Column("姓名", 10), Column("所在党组织", 26), Column("欠交月数", 10, COUNT),
                           Column("欠交金额（元）", 12, MONEY), Column("连续未交月数", 12, COUNT),
                           Column("连续六个月未交", 12)], arrears, heading="四、欠交党费名单",
                  note="按《中国共产党章程》第九条，没有正当理由连续六个月不交纳党费的，被认为是自行脱党，由支部研究处理。"),
        ]
