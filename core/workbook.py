"""The one formula-safe way this project writes Excel workbooks (and CSV, should it ever write any).

Data typed by users (an organisation called `=HYPERLINK("http://…","x")`, a member called `+1`, an activity
called `@SUM(A1)`) must reach the reader as text, never as a formula that Excel evaluates. openpyxl turns any
string starting with "=" into a formula cell; these helpers make every string a string cell:

- `text_cell(worksheet, value)` for write-only worksheets (streamed reports);
- `workbook_bytes(workbook)` for ordinary workbooks: every string cell that openpyxl typed as a formula is
  written as text, then the workbook is saved to bytes. Every workbook the app produces is saved through it.
- `csv_safe(value)` for CSV, where there are no cell types: a leading =, +, -, @, tab or CR gets a quote (OWASP).
"""

import datetime as dt
import io

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
    """Save an ordinary (not write-only) workbook, formula-safe."""
    neutralise(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_TRIGGERS) else text
