"""标准化验收结果: the year's standardisation reviews of the scope, one row per organisation, a column per item."""

from django.utils import timezone

from oversight.choices import ItemVerdict, ReviewStatus
from oversight.reviews import results
from reports.choices import ReportKind
from reports.exporters.base import DATETIME, Column, Exporter, Sheet


class StandardisationExporter(Exporter):
    identifier = ReportKind.STANDARDISATION
    name = "标准化验收结果"
    description = "各党组织标准化建设验收状态、逐项审核结论和合格率。"

    def sheets(self) -> list[Sheet]:
        found = results(year=self.year, organisations=self.scope)
        verdicts, statuses = dict(ItemVerdict.choices), dict(ReviewStatus.choices)

        def local(value):
            return timezone.localtime(value) if value else None

        rows = [(row.review.organisation.name, row.review.organisation.unit.name if row.review.organisation.unit
                 else "", statuses[row.review.status], local(row.review.submitted_at),
                 local(row.review.decided_at),
                 *(verdicts.get(row.verdicts.get(item.pk), "—") for item in found.columns),
                 row.review.decision_comment) for row in found.rows]
        rate = found.rate
        note = ("本年尚无验收。" if rate["rate"] is None else
                f"验收合格率 {rate['rate']:g}%（合格 {rate['accepted']} 个 / 共 {rate['total']} 个）。")
        return [Sheet("验收结果", [
            Column("党组织", 28), Column("所在单位", 16), Column("验收状态", 12), Column("提交时间", 17, DATETIME),
            Column("验收时间", 17, DATETIME), *(Column(item.title, 10) for item in found.columns),
            Column("验收意见", 30)], rows, heading="标准化验收结果", note=note, landscape=True)]
