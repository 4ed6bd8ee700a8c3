"""Writing Excel workbooks safely: every text cell stays text.

A value typed by a user ("=HYPERLINK(...)", "+1", "@SUM") must never become a formula in a workbook we hand
out (CSV/formula injection), and control characters Excel cannot store are dropped. Every workbook the project
writes goes through `text_cell`/`cell` (write-only sheets) or `set_value` (ordinary sheets)."""

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _prepared(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return clean_text(value)
    return value


def set_value(cell, value, number_format: str = "") -> None:
    """Put a value into an ordinary (not write-only) cell; text is forced to stay text."""
    value = _prepared(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = number_format or DATE_FORMAT
    elif number_format:
        cell.number_format = number_format


def cell(sheet, value, number_format: str = "") -> WriteOnlyCell:
    """A cell for a write-only sheet; text is forced to stay text, dates get a date format."""
    value = _prepared(value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"
    elif isinstance(value, dt.date):
        result.number_format = number_format or DATE_FORMAT
    elif number_format:
        result.number_format = number_format
    return result


def header_cell(sheet, title: str) -> WriteOnlyCell:
    result = cell(sheet, title)
    result.font, result.fill, result.alignment, result.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, \
        HEADER_BORDER
    return result


def style_header(target) -> None:
    """Header look for an ordinary cell."""
    target.font, target.fill, target.alignment, target.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, \
        HEADER_BORDER


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
