"""The yearly party-building report shows the hand-built city's known figures, in Excel cells and in the PDF."""

import datetime as dt

import pytest

from oversight.compliance import completion_rate
from yearly.exporters import YearlyExporter
from reports.render import render_pdf, render_xlsx
from tests.reports.conftest import YEAR
from tests.reports.helpers import embedded_fonts, pdf_reader, pdf_text, summary_values, workbook

SHEETS = ["概况", "党组织和党员", "组织生活", "主题党日", "表彰", "品牌和十佳", "共建和捐款", "各党组织"]


def yearly(organisation=None) -> YearlyExporter:
    return YearlyExporter(organisation=organisation, period_start=dt.date(YEAR, 1, 1),
                          period_end=dt.date(YEAR, 12, 31), today=dt.date(2026, 11, 24))


def test_it_shows_the_known_figures_of_the_city_in_the_excel_cells(known_city):
    book = workbook(render_xlsx(yearly()))
    assert book.sheetnames == SHEETS
    summary = book["概况"]
    assert [c.value for c in summary[1]] == ["指标", "数值", "说明"]
    assert summary.freeze_panes == "A2"
    # Fixed cells: the order of the summary is part of the report.
    assert (summary["A2"].value, summary["B2"].value) == ("所属党组织（个）", 3)
    assert (summary["A3"].value, summary["B3"].value) == ("党员总数（名）", 7)
    assert (summary["A12"].value, summary["B12"].value) == ("按期换届率", 0.5)
    assert summary["B12"].number_format == "0.0%"
    assert (summary["A34"].value, float(summary["B34"].value)) == ("捐款（元）", 1000.5)
    assert summary["B34"].number_format == "#,##0.00"

    values = summary_values(summary)
    assert values["其中：正式党员（名）"] == 6
    assert values["其中：预备党员（名）"] == 1
    assert values["发展对象（名）"] == 1 and values["入党积极分子（名）"] == 1 and values["入党申请人（名）"] == 1
    assert values["本年发展党员（名）"] == 1
    assert (values["应换届党组织（个）"], values["按期换届（个）"]) == (2, 1)
    assert (values["参加标准化验收（个）"], values["验收合格（个）"]) == (3, 2)
    assert values["标准化验收合格率"] == pytest.approx(0.667)
    assert values["开展组织生活（次）"] == 4
    assert values["主题党日（次）"] == 2
    assert (values["开放式党课（场）"], values["参与党员群众（人次）"]) == (1, 120)
    assert values["举办培训班（期）"] == 1
    assert (values["本年培育党建品牌（个）"], values["累计培育党建品牌（个）"]) == (1, 2)
    assert values["入选“十佳”党建品牌（个）"] == 1
    assert (values["受到表彰（项）"], values["先进典型（名）"]) == (3, 1)
    assert values["签订共驻共建协议的党组织（个）"] == 1
    assert values["到居住地社区报到党员（名）"] == 1
    assert float(values["志愿服务时长（小时）"]) == 2.5
    completion = completion_rate(organisations=known_city.city.root.__class__.objects.all(), year=YEAR,
                                 today=dt.date(2026, 11, 24))
    assert values["“三会一课”完成率"] == pytest.approx(completion.rate)
    assert values["“三会一课”等已开展（次）"] == completion.held == 2  # the two themed days

    activities = {row[0].value: [c.value for c in row[1:]] for row in book["组织生活"].iter_rows(min_row=2)}
    assert activities["主题党日"] == [2, 0, 0]
    assert activities["支部党员大会"] == [0, 0, 1]  # the cancelled meeting
    assert {r[0].value: r[1].value for r in book["主题党日"].iter_rows(min_row=2)} == {"重温入党誓词": 1, "微心愿": 1}
    honours = [[c.value for c in row] for row in book["表彰"].iter_rows(min_row=2)]
    assert ["按级别", "省", 1] in honours and ["按级别", "市直机关", 1] in honours
    assert ["按称号", "先进典型", 1] in honours
    assert [c.value for c in book["品牌和十佳"][2]] == ["十佳党建品牌", 1, "红色先锋"]
    donations = [[c.value for c in row] for row in book["共建和捐款"].iter_rows(min_row=2)]
    assert [[name, float(total)] for name, total in donations] == [["防汛救灾", 1000.5], ["合计", 1000.5]]

    by_org = book["各党组织"]
    headers = [c.value for c in by_org[1]]
    rows = {row[0].value: dict(zip(headers, (c.value for c in row))) for row in by_org.iter_rows(min_row=2)}
    assert list(rows) == ["甲局机关党总支", "乙局机关党支部", "丙局党支部"]
    assert rows["甲局机关党总支"]["党员"] == 4  # 甲党员, two full, one probationary in the branch below
    assert rows["甲局机关党总支"]["主题党日（次）"] == 1
    assert rows["丙局党支部"]["标准化验收合格"] == "1/1"
    assert float(rows["丙局党支部"]["捐款（元）"]) == 120.5
    assert float(rows["乙局机关党支部"]["捐款（元）"]) == 880
    assert by_org["P2"].number_format == "#,##0.00"


def test_the_pdf_reads_like_the_article_with_the_known_figures(known_city):
    content = render_pdf(yearly())
    reader = pdf_reader(content)
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4 portrait
    assert len(reader.pages) >= 5
    cover = reader.pages[0].extract_text()
    assert "2024年度党建工作报告" in cover and "市直机关工委（全市）" in cover and "2024年度" in cover
    assert "第2页/共" in reader.pages[1].extract_text().replace(" ", "")
    text = pdf_text(content)
    for phrase in ("所属3家党组织、党员7名（正式党员6名，预备党员1名）",
                   "2个任期届满的党组织中1个按期改选换届，按期换届率50%",
                   "基层党组织标准化验收合格率达66.7%",
                   "开展主题党日2次，广泛开展“重温入党誓词”“微心愿”活动",
                   "举行开放式党课1场，参与党员群众120人次", "举办培训班1期",
                   "本年培育党建品牌1个，累计2个，1个品牌入选“十佳”",
                   "受到表彰3项（省级1项，市级1项，市直机关1项），选树先进典型1名",
                   "1家党组织与所在社区街道签署“共驻共建”协议，1名在职党员到居住地社区“报到”",
                   "自愿捐款1,000.50元", "七、各党组织情况", "丙局党支部"):
        assert phrase in text, phrase
    # The breakdown by organisation is on a landscape page.
    assert any(page.mediabox.width > page.mediabox.height for page in reader.pages)
    assert {name for name in embedded_fonts(content) if "CJK" in name}, embedded_fonts(content)


def test_an_organisation_report_counts_only_its_subtree(known_city):
    book = workbook(render_xlsx(yearly(known_city.city.org_a)))
    values = summary_values(book["概况"])
    assert values["党组织（个）"] == 2  # 甲局党总支 and its branch
    assert values["党员总数（名）"] == 4
    assert values["主题党日（次）"] == 1
    assert values["受到表彰（项）"] == 1
    assert values["捐款（元）"] in (0, None) or float(values["捐款（元）"]) == 0
    rows = [row[0].value for row in book["各党组织"].iter_rows(min_row=2)]
    assert rows == ["甲局第一党支部"]


def test_its_query_count_does_not_grow_with_members_and_activities(known_city, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MemberFactory
    from tests.reports.conftest import at, held

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            exporter = yearly()
            for sheet in exporter.sheets():
                list(sheet.rows)
        return len(queries)

    before = count()
    MemberFactory.create_batch(20, organisation=known_city.org_c)
    for day in range(1, 11):
        held(known_city.city.branch_a, "COMMITTEE_MEETING", at(YEAR, 8, day), theme="")
    assert count() == before
