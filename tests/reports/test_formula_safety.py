"""Every Excel workbook an admin can reach, after an organisation, a member and an activity are named like formulas
(starting with =, +, - and @): not one formula cell. The reports' workbooks and the oversight downloads (the
三会一课 matrix and the review results) all go through core.workbook, the one formula-safe writer."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from core.workbook import csv_safe, workbook_bytes
from reports.exporters import EXPORTERS
from reports.render import render_xlsx

from .conftest import YEAR

ORGANISATION = '=HYPERLINK("http://evil.example/","点我")'
SHORT_NAME = "-1+丙局"
MEMBER = "+1+2"
OTHER_MEMBER = "-3-4"
ACTIVITY = "@SUM(1+1)"


def formula_cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def texts(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)}


def test_no_workbook_an_admin_can_download_has_a_formula_cell(known_city, login):
    city = known_city.city
    org_c = known_city.org_c
    org_c.name, org_c.short_name = ORGANISATION, SHORT_NAME
    org_c.save(update_fields=["name", "short_name"])
    city.member.name = MEMBER
    city.member.save(update_fields=["name"])
    city.other_member.name = OTHER_MEMBER  # commended as an advanced model: on the honours list
    city.other_member.save(update_fields=["name"])
    known_city.themed_day.title = ACTIVITY
    known_city.themed_day.save(update_fields=["title"])

    workbooks = {}
    for identifier, exporter_class in EXPORTERS.items():
        start, end = exporter_class.period_for(year=YEAR, month=3, today=dt.date(YEAR, 12, 31))
        workbooks[identifier] = render_xlsx(exporter_class(organisation=None, period_start=start, period_end=end,
                                                           today=dt.date(YEAR, 12, 31)))
    client = login(city.admin)
    for name in ("oversight:matrix_export", "oversight:review_export"):
        response = client.get(reverse(name), {"year": YEAR})
        assert response.status_code == 200, name
        workbooks[name] = response.content

    for name, content in workbooks.items():
        assert formula_cells(content) == [], name
    everything = set().union(*(texts(content) for content in workbooks.values()))
    for dangerous in (ORGANISATION, MEMBER, OTHER_MEMBER, ACTIVITY):
        assert any(text.startswith(dangerous) for text in everything), f"{dangerous} reached no workbook"


def test_the_writer_makes_a_formula_written_by_mistake_text():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+1"
    book.active["B1"] = 3
    assert formula_cells(workbook_bytes(book)) == []
    assert load_workbook(io.BytesIO(workbook_bytes(book))).active["B1"].value == 3


def test_csv_values_that_could_be_formulas_are_quoted():
    assert [csv_safe(v) for v in ("=A1", "+1", "-1", "@x", "\tx", "甲局", 3, None)] == [
        "'=A1", "'+1", "'-1", "'@x", "'\tx", "甲局", "3", ""]
