"""One renderer for every exporter: an Excel workbook (openpyxl) and an A4 PDF (WeasyPrint).

Why WeasyPrint: it lays out HTML/CSS (repeated table headers, page counters, named landscape pages) and embeds
the subset of the system's CJK font it used (Noto CJK from fonts-noto-cjk), so the PDF prints the same anywhere.
ReportLab's built-in CJK font is not embedded and it cannot embed Noto CJK (CFF outlines)."""

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.routers import replica_reads
from core.workbook import text_cell

from .exporters.base import COUNT, DATE, HOURS, MONEY, RATE, Exporter, Figure, Sheet

Progress = Callable[[float, str], None]  # (fraction done 0..1, Chinese message)

# WeasyPrint lays out a 10,000-row city roster in 1.5–2.5 minutes: the PDF prints a sheet's first rows and says
# where the rest is (the Excel file of the same report always has every row). Layout costs about 35 ms a row on
# a slow two-core machine: 500 rows (some 34 landscape pages) keep a city roster's PDF and Excel under 30 s there.
PDF_MAX_ROWS = 500

_THIN = Side(style="thin", color="999999")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FORBIDDEN_IN_TITLES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _nothing(fraction: float, message: str) -> None:
    pass


def sheet_title(title: str) -> str:
    return title.translate(_FORBIDDEN_IN_TITLES)[:31]


def _cell(sheet, value, number_format: str) -> WriteOnlyCell:
    if isinstance(value, Figure):
        value, number_format = value.value, value.number_format
    if value is None and number_format in (RATE, COUNT, MONEY, HOURS):
        value = "—"
    cell = text_cell(sheet, value)  # text stays text: a name starting with "=" never becomes a formula
    if not isinstance(cell.value, str) and number_format:
        cell.number_format = number_format
    return cell


def render_xlsx(exporter: Exporter, *, progress: Progress = _nothing, sheets: list[Sheet] | None = None) -> bytes:
    """One worksheet per sheet: bold frozen header row, column widths, number formats. Write-only mode, so a
    city roster streams through without building every cell in memory."""
    with replica_reads():  # the rows are read while they are written out: from the replica when there is one
        return _render_xlsx(exporter, progress=progress, sheets=sheets)


def _render_xlsx(exporter: Exporter, *, progress: Progress, sheets: list[Sheet] | None) -> bytes:
    sheets = exporter.sheets() if sheets is None else sheets
    workbook = Workbook(write_only=True)
    for index, sheet in enumerate(sheets):
        progress(index / len(sheets), f"正在生成 Excel：{sheet.title}")
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
        for number, column in enumerate(sheet.columns, 1):
            worksheet.column_dimensions[get_column_letter(number)].width = column.width
        worksheet.freeze_panes = "A2"
        worksheet.print_title_rows = "1:1"
        header = []
        for column in sheet.columns:
            cell = text_cell(worksheet, column.header)  # headers can come from data (checklist items)
            cell.font, cell.fill, cell.alignment, cell.border = (_HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT,
                                                                 _HEADER_BORDER)
            header.append(cell)
        worksheet.append(header)
        formats = [column.number_format for column in sheet.columns]
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value, formats[i] if i < len(formats) else "")
                              for i, value in enumerate(row)])
    progress(1, "Excel 已生成")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def display(value, number_format: str = "") -> str:
    """A value as the PDF prints it, matching the Excel number format."""
    if isinstance(value, Figure):
        value, number_format = value.value, value.number_format
    if value is None or value == "":
        return "—" if number_format in (RATE, COUNT, MONEY, HOURS) or value is None else ""
    if isinstance(value, str):
        return value
    if number_format == RATE:
        return f"{value * 100:.1f}%"
    if number_format == MONEY:
        return f"{value:,.2f}"
    if number_format == HOURS:
        return f"{value:,.1f}"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%Y-%m-%d %H:%M}" if number_format != DATE else f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | Decimal | float):
        return f"{value:,}"
    return str(value)


def _refuse_fetch(url: str, timeout=10, ssl_context=None):
    # The PDF is built from our own template only: nothing is fetched, from the network or the disk.
    raise ValueError(f"PDF 模板不得引用外部资源：{url}")


def render_pdf(exporter: Exporter, *, progress: Progress = _nothing, sheets: list[Sheet] | None = None) -> bytes:
    """A4 PDF: cover page (organisation, period), the exporter's extra context, then each sheet as a section
    with its chart and a table whose header repeats on every page; page numbers in the footer."""
    from weasyprint import HTML

    progress(0, "正在排版 PDF")
    with replica_reads():
        sections, context = _pdf_sections(exporter, sheets)
    html = render_to_string(exporter.template, {
        "exporter": exporter,
        "title": exporter.title,
        "scope": exporter.scope_name,
        "period": exporter.period_label(exporter.period_start, exporter.period_end),
        "generated_on": exporter.today,
        "sections": sections,
        **context,
    })
    progress(0.3, "正在排版 PDF")
    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    progress(0.8, f"正在写出 PDF（共 {len(document.pages)} 页）")
    return document.write_pdf()


def _pdf_sections(exporter: Exporter, sheets: list[Sheet] | None) -> tuple[list[dict], dict]:
    """Each sheet's rows as the PDF prints them (at most PDF_MAX_ROWS), and the exporter's extra context."""
    sheets = exporter.sheets() if sheets is None else sheets
    sections = []
    for sheet in sheets:
        formats = [column.number_format for column in sheet.columns]
        numeric = [f in (COUNT, RATE, MONEY, HOURS) for f in formats]
        total_width = sum(column.width for column in sheet.columns) or 1
        rows, total = [], 0
        for row in sheet.rows:
            total += 1
            if total <= PDF_MAX_ROWS:
                rows.append([(display(v, formats[i] if i < len(formats) else ""), i < len(numeric) and numeric[i])
                             for i, v in enumerate(row)])
        sections.append({
            "sheet": sheet,
            "widths": [f"{100 * column.width / total_width:.2f}" for column in sheet.columns],
            "numeric": numeric,
            "rows": rows,
            "total_rows": total,
            "omitted_rows": total - len(rows),
        })
    return sections, exporter.context()
