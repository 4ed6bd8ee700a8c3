"""A transfer between two branches walked in a real browser: A's secretary issues the letter from the member's
page, B's secretary finds it in their list and accepts it, and both see it — the member now on B's side."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise wipe the rule rows
# (the letter's validity) seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_a_transfer_between_two_branches_is_issued_by_one_secretary_and_accepted_by_the_other(
        city, page, log_in, screenshot):
    log_in(page, city.secretary)
    page.goto(reverse("members:member_detail", args=[city.member.pk]))
    click_and_wait(page, page.get_by_role("link", name="组织关系转出"))
    page.get_by_label("系统内转接").check()
    page.get_by_label("转入党组织（系统内）").select_option(label=city.org_b.name)
    page.get_by_label("转接原因").fill("工作调动")
    click_and_wait(page, page.get_by_role("button", name="开具介绍信"))
    expect(page.get_by_test_id("transfer-status")).to_have_text("待接收")
    transfer_url = page.url
    screenshot(page, "sent")

    page.context.clear_cookies()
    log_in(page, city.other_secretary)
    page.goto(reverse("members:transfer_list"))
    expect(page.get_by_test_id("transfer-table")).to_contain_text(city.member.name)
    expect(page.get_by_test_id("transfer-table")).to_contain_text("转入方")
    click_and_wait(page, page.get_by_test_id("transfer-table").get_by_role("link").first)
    click_and_wait(page, page.get_by_role("link", name="接收", exact=True))
    click_and_wait(page, page.get_by_role("button", name="确定"))
    expect(page.get_by_test_id("transfer-status")).to_have_text("已接收")
    page.goto(reverse("members:member_detail", args=[city.member.pk]))
    expect(page.get_by_test_id("transfer-history")).to_contain_text("已接收")
    screenshot(page, "accepted")

    page.context.clear_cookies()
    log_in(page, city.secretary)
    page.goto(transfer_url)
    expect(page.get_by_test_id("transfer-status")).to_have_text("已接收")
    page.goto(reverse("members:transfer_list"))
    expect(page.get_by_test_id("transfer-table")).to_contain_text("转出方")
