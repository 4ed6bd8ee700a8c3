"""表彰名单: the year's commendations of the scope (organisations and their members), its new brands and the
top-ten selections."""

from honours.models import Brand, Commendation
from honours.selectors import honours_figures, in_scope
from reports.choices import ReportKind
from reports.exporters.base import COUNT, Column, Exporter, Sheet


class HonoursExporter(Exporter):
    identifier = ReportKind.HONOURS
    name = "表彰名单"
    description = "本年度受表彰的党组织和党员、新培育的党建品牌和“十佳”评选结果。"

    def sheets(self) -> list[Sheet]:
        commendations = Commendation.objects.filter(year=self.year)
        brands = Brand.objects.filter(year=self.year)
        if self.organisations is not None:
            commendations = commendations.filter(in_scope(self.organisations))
            brands = brands.filter(organisation__in=self.organisations)
        commendations = (commendations.select_related("title", "organisation", "member", "member__organisation")
                         .order_by("title__sort_order", "level", "pk"))
        rows = []
        for number, c in enumerate(commendations, 1):
            holder = c.member.name if c.member_id else c.organisation.name
            home = c.member.organisation.name if c.member_id else c.organisation.name
            rows.append((number, c.title.name, c.get_level_display(), "党员" if c.member_id else "党组织", holder,
                         home, c.issuing_body, c.document_number))
        figures = honours_figures(year=self.year, organisations=self.organisations)
        top = [("十佳党建品牌", rank, name) for rank, name in
               enumerate(figures["top_ten_brands_by_year"].get(self.year, []), 1)]
        top += [("十佳开放式党课", rank, title) for rank, title in
                enumerate(figures["top_ten_lectures_by_year"].get(self.year, []), 1)]
        brand_rows = [(b.name, b.organisation.name, b.summary) for b in
                      brands.select_related("organisation").order_by("organisation__path", "name")]
        return [
            Sheet("表彰名单", [Column("序号", 6, COUNT), Column("称号", 16), Column("级别", 8), Column("对象", 8),
                             Column("受表彰党组织或党员", 24), Column("所在党组织", 26), Column("授予机关", 20),
                             Column("文号", 20)], rows, heading="一、表彰名单", landscape=True,
                  note=f"共 {figures['commendations_total']} 项，其中先进典型 {figures['advanced_models']} 名。"),
            Sheet("党建品牌", [Column("品牌名称", 28), Column("党组织", 28), Column("简介", 40)], brand_rows,
                  heading="二、本年度培育的党建品牌"),
            Sheet("十佳评选", [Column("评选", 16), Column("名次", 8, COUNT), Column("名称", 40)], top,
                  heading="三、“十佳”评选结果"),
        ]
