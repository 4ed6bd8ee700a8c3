"""Every kind of report: the workbook opens with openpyxl with the promised sheets and Chinese headers; the PDF has
a cover, numbered A4 pages and real Chinese text in an embedded CJK font."""

import datetime as dt

import pytest

from reports.choices import ReportKind
from reports.exporters import EXPORTERS
from reports.render import render_pdf, render_xlsx
from tests.reports.conftest import YEAR
from tests.reports.helpers import embedded_fonts, pdf_reader, pdf_text, workbook

PROMISED = {
    ReportKind.MONTHLY_ACTIVITY: {"按党组织汇总": ["党组织", "已开展", "其中主题党日"],
                                  "按活动类型": ["活动类型", "已开展", "计划未开展", "已取消"],
                                  "活动明细": ["时间", "党组织", "活动类型", "主题", "标题", "状态"]},
    ReportKind.YEARLY: {"概况": ["指标", "数值", "说明"], "各党组织": ["党组织", "党员", "正式党员"]},
    ReportKind.ROSTER: {"党员花名册": ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "手机号码"]},
    ReportKind.ATTENDANCE: {"按党组织": ["党组织", "活动场次", "应到人次", "出席", "请假", "缺席", "出勤率"],
                            "按党员": ["党组织", "姓名", "应到人次", "出席", "请假", "缺席", "出勤率"]},
    ReportKind.STANDARDISATION: {"验收结果": ["党组织", "所在单位", "验收状态"]},
    ReportKind.HONOURS: {"表彰名单": ["序号", "称号", "级别", "对象", "受表彰党组织或党员"],
                         "党建品牌": ["品牌名称", "党组织", "简介"], "十佳评选": ["评选", "名次", "名称"]},
    ReportKind.DUES: {"月度汇总": ["月份", "交纳人数", "金额（元）"], "党费台账": ["姓名", "所在党组织", "交纳类别"],
                      "欠交名单": ["姓名", "所在党组织", "欠交月数"]},
}


def exporter(kind, organisation=None):
    cls = EXPORTERS[kind]
    start, end = cls.period_for(year=YEAR, month=3, today=dt.date(2026, 11, 24))
    return cls(organisation=organisation, period_start=start, period_end=end, today=dt.date(2026, 11, 24))


def test_the_registry_has_one_exporter_per_kind_with_a_chinese_name():
    assert set(EXPORTERS) == set(ReportKind.values)
    for identifier, cls in EXPORTERS.items():
        assert cls.identifier == identifier and cls.name and cls.description


@pytest.mark.parametrize("kind", ReportKind.values)
def test_each_report_renders_a_workbook_and_a_pdf(known_city, kind):
    report = exporter(kind)
    book = workbook(render_xlsx(report))
    for title, headers in PROMISED[kind].items():
        sheet = book[title]
        assert [c.value for c in sheet[1]][:len(headers)] == headers
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
        assert sheet.column_dimensions["A"].width > 5

    content = render_pdf(report)
    reader = pdf_reader(content)
    assert len(reader.pages) >= 2  # a cover and at least one page of content
    assert "市直机关工委（全市）" in reader.pages[0].extract_text()
    text = pdf_text(content)
    assert "第1页/共" not in text  # the cover has no page number…
    assert f"第2页/共{len(reader.pages)}页" in text  # …the others do
    for title in PROMISED[kind]:
        assert all(header in text for header in PROMISED[kind][title][:2])
    assert any("Noto" in name and "CJK" in name for name in embedded_fonts(content))


def test_the_monthly_report_lists_the_months_activities_with_attendance(known_city):
    report = exporter(ReportKind.MONTHLY_ACTIVITY)  # March 2024: the themed day of 甲局第一党支部
    book = workbook(render_xlsx(report))
    detail = [[c.value for c in row] for row in book["活动明细"].iter_rows(min_row=2)]
    assert len(detail) == 1
    assert detail[0][1:9] == ["甲局第一党支部", "主题党日", "重温入党誓词", "重温入党誓词主题党日", "已开展", 2, 1, 1]
    assert detail[0][0] == dt.datetime(2024, 3, 15, 9, 0)  # local time, no time zone in Excel
    summary = [[c.value for c in row] for row in book["按党组织汇总"].iter_rows(min_row=2)]
    assert summary == [["甲局第一党支部", 1, 1, 0, 0, 0, 2, 1, 1, 0.5]]
    assert book["按党组织汇总"]["J2"].number_format == "0.0%"


def test_the_roster_masks_id_numbers_and_phones(known_city):
    member = known_city.city.member
    book = workbook(render_xlsx(exporter(ReportKind.ROSTER, known_city.city.org_a)))
    rows = {row[1].value: [c.value for c in row] for row in book["党员花名册"].iter_rows(min_row=2)}
    assert len(rows) == 6  # 甲局's members of every stage; none of 乙局 or 丙局
    row = rows["甲党员"]
    assert row[5] == member.masked_id_number and member.id_number not in row[5]
    assert row[6] == member.masked_phone and "****" in row[6]
    assert member.id_number not in str(list(rows.values()))


def test_text_that_looks_like_a_formula_stays_text(known_city):
    known_city.themed_day.title = "=HYPERLINK(\"http://example.com\")"
    known_city.themed_day.save()
    book = workbook(render_xlsx(exporter(ReportKind.MONTHLY_ACTIVITY)))
    cell = book["活动明细"]["E2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_the_attendance_report_counts_per_member(known_city):
    book = workbook(render_xlsx(exporter(ReportKind.ATTENDANCE)))
    by_org = [[c.value for c in row] for row in book["按党组织"].iter_rows(min_row=2)]
    assert by_org == [["甲局第一党支部", 1, 2, 1, 1, 0, 0.5]]
    by_member = {row[1].value: [c.value for c in row[2:]] for row in book["按党员"].iter_rows(min_row=2)}
    assert by_member["甲党员"] == [1, 1, 0, 0, 1]


def test_the_honours_list_names_who_was_commended(known_city):
    book = workbook(render_xlsx(exporter(ReportKind.HONOURS)))
    names = {row[4].value: [c.value for c in row] for row in book["表彰名单"].iter_rows(min_row=2)}
    assert set(names) == {"甲党员", "乙党员", "丙局机关党支部"}
    assert names["丙局机关党支部"][1:4] == ["先进基层党组织", "省", "党组织"]


def test_the_standardisation_results_show_each_review(known_city):
    book = workbook(render_xlsx(exporter(ReportKind.STANDARDISATION)))
    statuses = {row[0].value: row[2].value for row in book["验收结果"].iter_rows(min_row=2)}
    assert statuses == {"甲局第一党支部": "验收不合格", "乙局机关党支部": "验收合格", "丙局机关党支部": "验收合格"}


def test_the_roster_streams_at_a_fixed_number_of_queries(known_city, django_assert_max_num_queries):
    from tests.factories import MemberFactory

    MemberFactory.create_batch(30, organisation=known_city.org_c)
    with django_assert_max_num_queries(3):
        render_xlsx(exporter(ReportKind.ROSTER))
