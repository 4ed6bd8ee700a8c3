"""The one formula-safe way this project writes Excel workbooks (and CSV, should it ever write any).

Data typed by users (an organisation called `=HYPERLINK("http://…","x")`, a member called `+1`, an activity
called `@SUM(A1)`) must reach the reader as text, never as a formula that Excel evaluates. openpyxl turns any
string starting with "=" into a formula cell; these helpers make every string a string cell:

- `text_cell(worksheet, value)` / `cell(worksheet, value, number_format)` for write-only worksheets (streamed
  reports, import templates and error reports), `header_cell` for their header row;
- `set_value(cell, value, number_format)` for a cell of an ordinary workbook;
- `workbook_bytes(workbook)` for ordinary workbooks: every string cell that openpyxl typed as a formula is
  written as text, then the workbook is saved to bytes. Every workbook the app produces is saved through it.
- `csv_safe(value)` for CSV, where there are no cell types: a leading =, +, -, @, tab or CR gets a quote (OWASP).
"""

import datetime as dt
import io

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def cell_value(value):
    """A value as Excel should store it: local wall-clock time (Excel has no time zones), strings without the
    control characters the file format cannot hold."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def text_cell(worksheet, value) -> WriteOnlyCell:
    """A write-only cell; a string stays text whatever it starts with."""
    cell = WriteOnlyCell(worksheet, value=cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell(worksheet, value, number_format: str = "") -> WriteOnlyCell:
    """`text_cell` with a number format: dates get a date format unless another is given."""
    result = text_cell(worksheet, value)
    if isinstance(result.value, dt.date) and not isinstance(result.value, str):
        result.number_format = number_format or DATE_FORMAT
    elif number_format:
        result.number_format = number_format
    return result


def header_cell(worksheet, title: str) -> WriteOnlyCell:
    result = text_cell(worksheet, title)
    style_header(result)
    return result


def style_header(target) -> None:
    """The header look, for a write-only or an ordinary cell."""
    target.font, target.fill, target.alignment, target.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, \
        HEADER_BORDER


def set_value(target, value, number_format: str = "") -> None:
    """Put a value into an ordinary (not write-only) cell; text is forced to stay text."""
    value = cell_value(value)
    target.value = value
    if isinstance(value, str):
        target.data_type = "s"
        target.number_format = TEXT_FORMAT
    elif isinstance(value, dt.date):
        target.number_format = number_format or DATE_FORMAT
    elif number_format:
        target.number_format = number_format


def neutralise(workbook) -> int:
    """Make every formula-looking string cell of an ordinary workbook a text cell; return how many there were.
    This project writes no formulas on purpose, so any "formula" came from data."""
    changed = 0
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                    cell.value = cell_value(str(cell.value))
                    cell.data_type = "s"
                    changed += 1
    return changed


def workbook_bytes(workbook) -> bytes:
    """Save a workbook, formula-safe: an ordinary one is neutralised first; a write-only one cannot be read back
    and is safe already when every cell came from `text_cell`/`cell`/`header_cell`."""
    if not getattr(workbook, "write_only", False):
        neutralise(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_TRIGGERS) else text
