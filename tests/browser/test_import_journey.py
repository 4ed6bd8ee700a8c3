"""A branch secretary brings two members in from Excel, in a real browser: downloads the roster template, fills
two rows with one mistake (a wrong check digit), sees the error named by row and column, fixes it, imports and
finds both members in the member list."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.idnumbers import make_id_number
from members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill(template: bytes, rows: list[dict]) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for number, row in enumerate(rows, 2):
        for column, header in enumerate(headers, 1):
            if header in row:
                sheet.cell(row=number, column=column, value=row[header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(page, path):
    form = page.get_by_test_id("upload-form")
    form.get_by_label("导入类型").select_option(label="党员名册（本平台格式）")
    form.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    with page.expect_navigation():
        form.get_by_role("button", name="上传并检查").click()


def test_secretary_imports_two_members_after_fixing_a_mistake(city, page, log_in, screenshot, tmp_path):
    log_in(page, city.secretary)
    page.goto("/")
    page.locator("nav.navbar").get_by_role("button", name="党员", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="数据导入导出").click()
    expect(page.locator("h1")).to_have_text("数据导入导出")

    with page.expect_download() as download:
        page.get_by_test_id("template-list").locator("li", has_text="党员名册（本平台格式）").get_by_role(
            "link", name="下载模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    good = make_id_number(region="340602", birth_date=dt.date(1988, 4, 12), sequence=7, female=True)
    other = make_id_number(region="340603", birth_date=dt.date(1979, 11, 3), sequence=8, female=False)
    wrong = other[:17] + ("1" if other[17] != "1" else "2")
    rows = [
        {"姓名": "周小红", "性别": "女", "公民身份号码": good, "所在党组织": city.branch_a.name, "发展阶段": "正式党员",
         "入党日期": dt.date(2012, 6, 20), "转正日期": dt.date(2013, 6, 20), "手机号码": "13955550001"},
        {"姓名": "吴大军", "性别": "男", "公民身份号码": wrong, "所在党组织": city.branch_a.name, "发展阶段": "预备党员",
         "入党日期": dt.date(2025, 9, 1)},
    ]
    filled = tmp_path / "名册.xlsx"
    filled.write_bytes(fill(template.read_bytes(), rows))
    upload(page, filled)

    expect(page.get_by_test_id("job-status-label")).to_have_text("有错误，未导入")
    error = page.get_by_test_id("error-row")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("第 3 行")
    expect(error).to_contain_text("公民身份号码")
    expect(error).to_contain_text("校验位不正确")
    expect(page.get_by_test_id("error-report")).to_be_visible()
    screenshot(page, "error")
    assert not Member.objects.filter(name__in=["周小红", "吴大军"]).exists()

    rows[1]["公民身份号码"] = other
    filled.write_bytes(fill(template.read_bytes(), rows))
    with page.expect_navigation():
        page.get_by_role("link", name="修改后重新上传").click()
    upload(page, filled)
    expect(page.get_by_test_id("job-status-label")).to_have_text("检查通过，待确认")
    expect(page.get_by_test_id("job-counts")).to_contain_text("新增 2 条")
    with page.expect_navigation():
        page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("job-done")).to_contain_text("新增 2 条")

    with page.expect_navigation():
        page.get_by_role("link", name="查看党员名册").click()
    table = page.get_by_test_id("member-table")
    expect(table).to_contain_text("周小红")
    expect(table).to_contain_text("吴大军")
    screenshot(page, "members")
