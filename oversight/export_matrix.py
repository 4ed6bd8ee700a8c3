"""The 三会一课 matrix as an Excel workbook, laid out as an office prints it (A4 landscape, one page wide,
header rows repeated on every page). Built from ``compliance.matrix_for`` so it shows the page's numbers.

For the city's 82 organisations it is small enough to build while the user waits; the background report jobs
(Celery, with progress and a stored file) come with the reports issue.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from core.workbook import workbook_bytes

from .compliance import AMBER, GREEN, MONTHS, RED, Matrix

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
RATE_COLUMN = len(MONTHS) + 2
HEADERS = ["党组织", *[f"{m}月" for m in MONTHS], "全年完成率"]

FILLS = {
    GREEN: PatternFill("solid", fgColor="C6EFCE"),
    AMBER: PatternFill("solid", fgColor="FFEB9C"),
    RED: PatternFill("solid", fgColor="FFC7CE"),
}
GREY = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"  # what the offices' templates use; Excel substitutes where it is missing
CENTRE = Alignment(horizontal="center", vertical="center")


def title_for(year: int) -> str:
    return f"{year}年度市直机关“三会一课”落实情况"


def filename_for(year: int) -> str:
    return f"{year}年度三会一课落实情况.xlsx"


def matrix_workbook(matrix: Matrix, *, scope: str = "") -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{matrix.year}年"
    last_column = get_column_letter(RATE_COLUMN)

    sheet.merge_cells(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")
    title = sheet.cell(TITLE_ROW, 1, title_for(matrix.year))
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = CENTRE
    sheet.row_dimensions[TITLE_ROW].height = 30

    today = matrix.today
    note = [f"统计范围：{scope}" if scope else "", f"统计截至{today.year}年{today.month}月{today.day}日",
            "单元格为“已开展/应开展”次数；完成率只计已结束的月份",
            "绿：全部开展　黄：部分开展　红：均未开展　灰：无要求、未成立或尚未到期"]
    sheet.merge_cells(f"A{NOTE_ROW}:{last_column}{NOTE_ROW}")
    sheet.cell(NOTE_ROW, 1, "；".join(part for part in note if part) + "。").font = Font(name=FONT, size=9)
    sheet.row_dimensions[NOTE_ROW].height = 18

    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTRE

    body = Font(name=FONT, size=10)
    bold = Font(name=FONT, size=10, bold=True)
    row_number = FIRST_DATA_ROW
    for row in matrix.rows:
        name = sheet.cell(row_number, 1, row.name)
        name.alignment = Alignment(indent=row.indent, vertical="center")
        name.border = BORDER
        if row.is_header:
            name.font = bold
            for column in range(2, RATE_COLUMN + 1):
                sheet.cell(row_number, column).border = BORDER
            row_number += 1
            continue
        name.font = body
        for column, month_cell in enumerate(row.cells, start=2):
            cell = sheet.cell(row_number, column, month_cell.text or None)
            cell.fill = FILLS.get(month_cell.state, GREY)
            cell.font = Font(name=FONT, size=10, bold=month_cell.current)
            cell.border = BORDER
            cell.alignment = CENTRE
        rate = sheet.cell(row_number, RATE_COLUMN, row.rate if row.rate is not None else "—")
        rate.number_format = "0.0%"
        rate.font, rate.border, rate.alignment = body, BORDER, CENTRE
        row_number += 1

    total = sheet.cell(row_number, 1, "合计")
    total.font, total.border = bold, BORDER
    for column in range(2, RATE_COLUMN):
        sheet.cell(row_number, column).border = BORDER
    rate = sheet.cell(row_number, RATE_COLUMN, matrix.rate if matrix.rate is not None else "—")
    rate.number_format = "0.0%"
    rate.font, rate.border, rate.alignment = bold, BORDER, CENTRE

    sheet.column_dimensions["A"].width = 34
    for column in range(2, RATE_COLUMN):
        sheet.column_dimensions[get_column_letter(column)].width = 7
    sheet.column_dimensions[last_column].width = 11
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2)

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return workbook


def matrix_xlsx(matrix: Matrix, *, scope: str = "") -> bytes:
    # Saved through the one formula-safe writer: an organisation named "=HYPERLINK(…)" stays text.
    return workbook_bytes(matrix_workbook(matrix, scope=scope))

