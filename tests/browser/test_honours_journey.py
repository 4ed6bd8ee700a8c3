"""A nomination walked in a real browser: a secretary nominates a member of their branch, the working committee
approves it, and the honour shows on the member's page (through templates/honours/_member_honours.html)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise wipe the
# commendation titles seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_a_secretary_nominates_a_member_the_admin_approves_and_the_honour_shows_on_the_members_page(
        city, page, log_in, screenshot):
    log_in(page, city.secretary)
    page.goto(reverse("honours:nomination_create"))
    page.get_by_label("推荐称号").select_option(label="优秀共产党员")
    page.get_by_label("级别").select_option(label="市直机关")
    page.get_by_label("被推荐党员").select_option(label="甲党员")
    page.get_by_label("推荐理由").fill("带头攻坚克难，群众公认。")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    expect(page.get_by_test_id("nomination-status")).to_have_text("待审核")
    nomination_url = page.url
    screenshot(page, "secretary")

    page.context.clear_cookies()
    log_in(page, city.admin)
    page.goto(nomination_url)
    page.get_by_label("批准", exact=True).check()
    page.get_by_label("文号").fill("市直工〔2026〕12号")
    click_and_wait(page, page.get_by_role("button", name="提交审核结果"))
    expect(page.get_by_test_id("nomination-status")).to_have_text("已批准")
    screenshot(page, "admin")

    page.context.clear_cookies()
    log_in(page, city.member_user)
    page.goto(reverse("honours:commendation_list"))
    expect(page.get_by_test_id("commendation-list")).to_contain_text("优秀共产党员")
    page.goto(reverse("members:member_detail", args=[city.member.pk]))
    expect(page.get_by_test_id("member-honours")).to_contain_text("优秀共产党员")
    screenshot(page, "member")
