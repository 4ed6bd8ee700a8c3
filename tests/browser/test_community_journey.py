"""Community reporting walked in a real browser: a member records that they reported to their residential
community and a service there; their organisation's secretary sees them counted in the totals."""

import pytest
from playwright.sync_api import expect

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise wipe the
# reporter types seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_a_member_claims_a_community_reporting_record_and_it_shows_in_the_organisations_totals(
        city, page, log_in, screenshot):
    log_in(page, city.member_user)
    page.goto("/community/reporting/mine/")
    click_and_wait(page, page.get_by_role("link", name="登记报到"))
    page.get_by_label("报到类型").select_option(label="在职党员到居住地社区报到")
    page.get_by_label("报到社区").fill("相山区东山社区")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    report = page.get_by_test_id("my-report")
    expect(report).to_contain_text("相山区东山社区")
    click_and_wait(page, report.get_by_role("link", name="登记志愿服务"))
    page.get_by_label("服务时长（小时）").fill("2.5")
    page.get_by_label("服务内容").fill("疫情防控卡口值守")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_test_id("my-report-hours")).to_have_text("1 次，2.5 小时")
    screenshot(page, "member")

    page.context.clear_cookies()
    log_in(page, city.secretary)
    page.goto("/community/reporting/")
    expect(page.get_by_test_id("total-reported")).to_have_text("1")
    expect(page.get_by_test_id("total-hours")).to_have_text("2.5 小时")
    row = page.get_by_test_id("reporting-row").filter(has_text="甲局第一党支部")
    expect(row.locator("td")).to_have_text(["甲局第一党支部", "1", "1", "1", "2.5"])
    expect(page.get_by_test_id("non-reporters")).not_to_contain_text("甲党员")
    screenshot(page, "secretary")
