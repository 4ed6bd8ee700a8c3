"""The workbooks we hand out: a kind's template and an import's error report. Written through core.xlsx, so a
value from a user's file (e.g. "=cmd|…") comes back as text, never as a formula."""

import datetime as dt

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core import workbook as xlsx

from .workbook import open_sheet

TEMPLATE_ROWS = 5000  # rows the drop-down lists and text formats cover in a template
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
REQUIRED_FONT = Font(bold=True, color="C00000")
CODE_SHEET = "代码表"


def _sample(kind_class, column, organisations):
    if column.key in ("organisation",) and organisations:
        return organisations[0]
    if column.key == "id_number":
        from members.idnumbers import make_id_number

        return make_id_number(region="340602", birth_date=dt.date(1985, 5, 17), sequence=0, female=False)
    return column.sample


def template_workbook(kind_class, *, organisations: list[str]) -> bytes:
    """Sheet 1: the headers to fill in (required ones in red, a note on each), drop-down lists and text
    formats for ID numbers and phones. Sheet 2: how to fill it in, with a sample row. Sheet 3: the code lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind_class.sheet_title
    codes = workbook.create_sheet("填写说明")
    code_sheet = workbook.create_sheet(CODE_SHEET)

    lists = {}
    for column in kind_class.columns:
        values = column.choices or (tuple(organisations) if column.key == "organisation" else ())
        if values:
            lists[column.key] = values
    for index, (key, values) in enumerate(lists.items(), 1):
        letter = get_column_letter(index)
        header = code_sheet.cell(row=1, column=index)
        xlsx.set_value(header, next(c.header for c in kind_class.columns if c.key == key))
        xlsx.style_header(header)
        for row, value in enumerate(values, 2):
            xlsx.set_value(code_sheet.cell(row=row, column=index), value)
        code_sheet.column_dimensions[letter].width = 24
        lists[key] = f"{quote_sheetname(CODE_SHEET)}!${letter}$2:${letter}${len(values) + 1}"

    for index, column in enumerate(kind_class.columns, 1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        xlsx.set_value(header, column.header)
        xlsx.style_header(header)
        if column.required:
            header.font = REQUIRED_FONT
        note = ("必填。" if column.required else "选填。") + (column.note or "")
        if column.date:
            note += "日期格式如 2020-07-01。"
        header.comment = Comment(note, "机关党建")
        sheet.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.text:
            for row in range(2, 202):  # text format on the first rows a user fills by hand
                sheet.cell(row=row, column=index).number_format = xlsx.TEXT_FORMAT
        if column.key in lists:
            validation = DataValidation(type="list", formula1=lists[column.key], allow_blank=not column.required,
                                        showErrorMessage=True, errorTitle="请从列表中选择",
                                        error=f"“{column.header}”请从下拉列表中选择。")
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.date:
            validation = DataValidation(type="date", operator="greaterThan", formula1="1",
                                        showErrorMessage=True, errorTitle="日期格式不正确",
                                        error="请填写日期，如 2020-07-01。")
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    xlsx.set_value(codes.cell(row=1, column=1), f"{kind_class.name}：填写说明")
    codes.cell(row=1, column=1).font = Font(bold=True, size=14)
    lines = [kind_class.description, "第一个工作表的第一行是表头，请勿修改；从第二行起每行填写一条记录。",
             "红色表头为必填项；带下拉列表的列请从列表中选择。公民身份号码和手机号码列已设为文本格式。",
             "不能包含公式（请“选择性粘贴为数值”）；每个文件最多 2 万行。", *kind_class.notes,
             "下面是一行示例（仅供参考，不会被导入）："]
    for row, line in enumerate(lines, 2):
        xlsx.set_value(codes.cell(row=row, column=1), line)
    first = len(lines) + 2
    for index, column in enumerate(kind_class.columns, 1):
        head = codes.cell(row=first, column=index)
        xlsx.set_value(head, column.header)
        xlsx.style_header(head)
        xlsx.set_value(codes.cell(row=first + 1, column=index), _sample(kind_class, column, organisations))
        codes.column_dimensions[get_column_letter(index)].width = max(column.width, 12)
    return xlsx.workbook_bytes(workbook)


def error_report_workbook(job) -> bytes:
    """The uploaded rows with the errors beside them (a 错误说明 column, red rows and cells), and every error as
    a list on a second sheet."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row, column, value, reason in job.errors:
        by_row.setdefault(row, []).append((column, reason))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导入数据及错误")
    with job.file.open("rb") as stored:
        source, data = open_sheet(stored)
        try:
            headers = data.headers
            sheet.append([xlsx.header_cell(sheet, "Excel 行号"), xlsx.header_cell(sheet, "错误说明"),
                          *[xlsx.header_cell(sheet, h) for h in headers]])
            header_row = by_row.get(1)
            if header_row:
                sheet.append([xlsx.cell(sheet, 1), _error_cell(sheet, header_row), *[xlsx.cell(sheet, h)
                                                                                      for h in headers]])
            for number, values in data.rows:
                problems = by_row.get(number)
                marked = {column for column, _ in problems or ()}
                cells = [xlsx.cell(sheet, number), _error_cell(sheet, problems) if problems else xlsx.cell(sheet, "")]
                for index, value in enumerate(values):
                    target = xlsx.cell(sheet, value)
                    if index < len(headers) and headers[index].strip().rstrip("*＊") in marked:
                        target.fill = ERROR_FILL
                    cells.append(target)
                sheet.append(cells)
        finally:
            source.close()
    listing = workbook.create_sheet("错误清单")
    listing.append([xlsx.header_cell(listing, h) for h in ("行号", "列", "填写的内容", "原因")])
    for row, column, value, reason in job.errors:
        listing.append([xlsx.cell(listing, row), xlsx.cell(listing, column), xlsx.cell(listing, value),
                        xlsx.cell(listing, reason)])
    return xlsx.workbook_bytes(workbook)


def _error_cell(sheet, problems):
    target = xlsx.cell(sheet, "；".join(f"{column}：{reason}" for column, reason in problems))
    target.fill = ERROR_FILL
    return target
