"""The year's standardisation review results as an Excel workbook, laid out as an office prints it:
a title over the table, a frozen header that repeats on every printed page, landscape A4 fitted to
the page width, page numbers in the footer.

One row per organisation (its status and decision), one column per checklist item (its verdict).
At city scale (82 organisations × 10 items) it is built in the request; the Celery exporter base
of the reports issue can call `reviews_workbook` unchanged.
"""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.workbook import workbook_bytes

from .choices import ItemVerdict, ReviewStatus
from .reviews import Results

SHEET_TITLE = "标准化验收结果"
# Fixed columns before the per-item verdicts: (header, width in characters).
LEADING = [("序号", 6), ("党组织", 28), ("所在单位", 18), ("验收状态", 13), ("提交时间", 17)]
TRAILING = [("验收时间", 17), ("验收人", 10), ("验收意见", 30)]
ITEM_WIDTH = 10
HEADER_ROW = 3  # row 1: title, row 2: subtitle (date, pass rate), row 3: column headers

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_VERDICT_FONTS = {
    ItemVerdict.PASS: Font(color="006100"),
    ItemVerdict.NEEDS_CORRECTION: Font(color="9C0006", bold=True),
    ItemVerdict.PENDING: Font(color="7F7F7F"),
}
_STATUS_FONTS = {
    ReviewStatus.ACCEPTED: Font(color="006100", bold=True),
    ReviewStatus.FAILED: Font(color="9C0006", bold=True),
}


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _rate_text(rate: dict) -> str:
    if rate["rate"] is None:
        return "验收合格率：—（尚无验收）"
    return f"验收合格率：{rate['rate']:g}%（合格 {rate['accepted']} 个 / 共 {rate['total']} 个）"


def _layout(sheet: Worksheet, width: int) -> None:
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"  # header rows and 序号/党组织 stay in view
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{max(sheet.max_row, HEADER_ROW)}"


def reviews_workbook(results: Results, *, scope: str = "") -> Workbook:
    """Build the workbook. `scope` (e.g. the secretary's organisation) is printed under the title."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    headers = [*LEADING, *((item.title, ITEM_WIDTH) for item in results.columns), *TRAILING]
    width = len(headers)

    sheet.cell(row=1, column=1, value=f"{results.year}年度基层党组织标准化建设验收结果")
    sheet.cell(row=1, column=1).font = Font(size=16, bold=True)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 30
    subtitle = "　".join(part for part in (scope, _rate_text(results.rate),
                                            f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}") if part)
    sheet.cell(row=2, column=1, value=subtitle).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)

    for column, (header, column_width) in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.row_dimensions[HEADER_ROW].height = 32

    item_start = len(LEADING) + 1
    for number, row in enumerate(results.rows, start=1):
        review = row.review
        organisation = review.organisation
        values = [number, organisation.name, organisation.unit.name if organisation.unit_id else "",
                  review.get_status_display(), _when(review.submitted_at)]
        values += [ItemVerdict(row.verdicts[item.pk]).label if item.pk in row.verdicts else "—"
                   for item in results.columns]
        values += [_when(review.decided_at), review.decided_by.get_full_name() if review.decided_by else "",
                   review.decision_comment]
        line = HEADER_ROW + number
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True,
                                       horizontal="center" if column != 2 and column != width else "left")
        sheet.cell(row=line, column=4).font = _STATUS_FONTS.get(review.status, Font())
        for offset, item in enumerate(results.columns):
            verdict = row.verdicts.get(item.pk)
            if verdict:
                sheet.cell(row=line, column=item_start + offset).font = _VERDICT_FONTS[verdict]
    if not results.rows:
        sheet.cell(row=HEADER_ROW + 1, column=1, value="该年度没有验收记录。")
        sheet.merge_cells(start_row=HEADER_ROW + 1, start_column=1, end_row=HEADER_ROW + 1, end_column=width)
    _layout(sheet, width)
    workbook.properties.title = f"{results.year}年度标准化验收结果"
    workbook.properties.creator = "机关党建"
    return workbook


def reviews_xlsx(results: Results, *, scope: str = "") -> bytes:
    # Saved through the one formula-safe writer: organisation names and comments stay text.
    return workbook_bytes(reviews_workbook(results, scope=scope))
