"""Workbooks for the import tests, built in memory."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from exchange.kinds import kind_class
from members.idnumbers import make_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导入数据")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kind_bytes(kind: str, records: list[dict]) -> bytes:
    headers = [c.header for c in kind_class(kind).columns]
    return workbook_bytes(headers, [[record.get(h) for h in headers] for record in records])


def roster_bytes(records: list[dict]) -> bytes:
    return kind_bytes("roster", records)


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def person(n: int, organisation: str, **overrides) -> dict:
    birth = dt.date(1960 + n % 30, 1 + n % 12, 1 + n % 28)
    record = {
        "姓名": f"导入党员{n}", "性别": "男", "民族": "汉族",
        "公民身份号码": make_id_number(region="340603", birth_date=birth, sequence=n, female=False),
        "学历": "大学本科", "工作状态": "在职", "职务/岗位": "科员", "手机号码": f"137{n:08d}",
        "所在党组织": organisation, "发展阶段": "正式党员",
        "入党日期": dt.date(2010, 7, 1), "转正日期": dt.date(2011, 7, 1),
    }
    record.update(overrides)
    return record


def huge_sheet_bytes(rows: int) -> bytes:
    """A real .xlsx with `rows` data rows, made fast: openpyxl (write-only) writes a one-row workbook, and its
    sheet XML is replaced by rows written as plain strings (openpyxl itself would take ~25 s on a busy machine)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(["姓名", "性别", "公民身份号码"], [])))
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>党员{n}</t></is></c>'
                   f'<c r="B{n}" t="inlineStr"><is><t>男</t></is></c></row>' for n in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
             f'{body}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    return buffer.getvalue()
