"""A city-wide roster in the PDF: a sheet's first rows and where the rest is; the Excel keeps every row."""

import datetime as dt

from reports import render
from reports.choices import ReportKind
from reports.exporters import EXPORTERS
from tests.reports.conftest import YEAR
from tests.reports.helpers import pdf_text, workbook


def roster():
    cls = EXPORTERS[ReportKind.ROSTER]
    start, end = cls.period_for(year=YEAR, month=3, today=dt.date(2026, 11, 24))
    return cls(organisation=None, period_start=start, period_end=end, today=dt.date(2026, 11, 24))


def test_a_long_sheet_prints_its_first_rows_in_the_pdf_and_every_row_in_the_excel(known_city, monkeypatch):
    rows_in_excel = workbook(render.render_xlsx(roster()))["党员花名册"].max_row - 1
    assert rows_in_excel > 2
    monkeypatch.setattr(render, "PDF_MAX_ROWS", 2)
    text = pdf_text(render.render_pdf(roster()))
    assert f"本表共{rows_in_excel}行，PDF仅列出前2行，其余{rows_in_excel - 2}行见同一报表的Excel文件" in text
