"""Reading an uploaded workbook without trusting it.

Before openpyxl sees a byte: the size; the container (an .xlsx is a zip with xl/workbook.xml; an old .xls or
anything else is refused with what to do instead); the zip's members — their count, their declared total
uncompressed size and each large member's compression ratio — so a 100 KB "decompression bomb" that inflates to
gigabytes is refused before it is inflated (zipfile stops at the declared size and the CRC check fails if a
member lies about it). XML entity tricks are stopped by defusedxml, which openpyxl uses when it is installed.
While the rows are read: any formula cell refuses the file (a value must be a value, not an instruction), and so
does a sheet with more data rows than the limit (counted as they stream, never trusting the sheet's own claim).

Why not .xls: the maintained reader (xlrd 2) gives a formula's cached result with no way to tell it from a typed
value, so the formula refusal could not hold; WPS and Excel both save .xlsx ("另存为")."""

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et (old WPS), .doc …
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 2000
# A member above this size may not be compressed more than MAX_RATIO times: real sheets compress 5–30×.
RATIO_CHECKED_ABOVE = 1024 * 1024


class WorkbookRefused(Exception):
    """The file cannot be imported at all; the message (Chinese) says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def limits() -> dict:
    return {
        "max_bytes": getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024),
        "max_rows": getattr(settings, "IMPORT_MAX_ROWS", 20_000),
        "max_uncompressed": getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024),
        "max_ratio": getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 200),
    }


def inspect_container(upload) -> None:
    """Refuse what is not a sound .xlsx before anything parses it."""
    limit = limits()
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise WorkbookRefused("文件是空的，请重新选择。")
    if size > limit["max_bytes"]:
        raise WorkbookRefused(f"文件过大（超过 {limit['max_bytes'] // (1024 * 1024)} MB），请拆分成几个文件分别导入。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE_MAGIC):
        raise WorkbookRefused("这是旧版 Excel（.xls）或 WPS（.et）格式。请在 WPS 或 Excel 中“另存为” .xlsx 格式后再导入。")
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookRefused("该文件不是 Excel 工作簿（.xlsx）。请下载导入模板，填写后上传。")
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise WorkbookRefused("该文件不是 Excel 工作簿（.xlsx），可能是 Word 文档或其他压缩包。")
            if len(members) > MAX_ZIP_MEMBERS:
                raise WorkbookRefused("该工作簿结构异常（内部文件过多），已拒绝导入。")
            total = sum(member.file_size for member in members)
            if total > limit["max_uncompressed"]:
                raise WorkbookRefused("该工作簿解压后过大，疑似“解压炸弹”，已拒绝导入。请只保留需要导入的数据。")
            for member in members:
                if member.file_size > RATIO_CHECKED_ABOVE and \
                        member.file_size > limit["max_ratio"] * max(member.compress_size, 1):
                    raise WorkbookRefused("该工作簿的压缩比异常，疑似“解压炸弹”，已拒绝导入。")
    except zipfile.BadZipFile:
        raise WorkbookRefused("文件已损坏，无法读取。请在 Excel 或 WPS 中打开检查后重新保存再上传。")
    finally:
        upload.seek(0)


@dataclass
class Sheet:
    headers: list[str]
    rows: Iterator[tuple[int, list]]  # (Excel row number, values)


def _value(value):
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, str):
        return value.strip()
    return value


def open_sheet(file) -> tuple[object, Sheet]:
    """The first worksheet's header row and a stream of its rows. Returns (workbook, sheet); the caller closes the
    workbook. Raises WorkbookRefused for damaged files, formula cells and too many rows (while streaming)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    max_rows = limits()["max_rows"]
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file; all mean the same here
        raise WorkbookRefused("文件已损坏或格式不正确，无法读取。请在 Excel 或 WPS 中打开检查后重新保存再上传。")
    if not workbook.worksheets:
        workbook.close()
        raise WorkbookRefused("工作簿中没有工作表。")
    worksheet = workbook.worksheets[0]
    cells = worksheet.iter_rows()

    def values(row) -> list:
        result = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                raise WorkbookRefused(
                    f"第 {cell.row} 行 {get_column_letter(cell.column)} 列是公式（{str(cell.value)[:30]}）。导入文件只能包含数值，"
                    "请复制后“选择性粘贴为数值”再上传。")
            result.append(_value(cell.value))
        return result

    try:
        header_row = next(cells, None)
        headers = [str(v) if v is not None else "" for v in values(header_row or [])]
    except WorkbookRefused:
        workbook.close()
        raise
    except Exception:  # noqa: BLE001
        workbook.close()
        raise WorkbookRefused("文件已损坏或格式不正确，无法读取。请在 Excel 或 WPS 中打开检查后重新保存再上传。")

    def rows():
        data_rows = 0
        try:
            for number, row in enumerate(cells, start=2):
                row_values = values(row)
                if not any(v not in (None, "") for v in row_values):
                    continue
                data_rows += 1
                if data_rows > max_rows:
                    raise WorkbookRefused(f"数据超过 {max_rows:,} 行，请拆分成几个文件分别导入。")
                yield number, row_values
        except WorkbookRefused:
            raise
        except Exception:  # noqa: BLE001
            raise WorkbookRefused("文件已损坏，读取到中途出错。请在 Excel 或 WPS 中打开检查后重新保存再上传。")

    return workbook, Sheet(headers=headers, rows=rows())


def scan(file) -> int:
    """Read every row once (formula cells, row limit, damage) and return the number of data rows."""
    workbook, sheet = open_sheet(file)
    try:
        return sum(1 for _ in sheet.rows)
    finally:
        workbook.close()
