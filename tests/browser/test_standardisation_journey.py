"""The standardisation review (标准化验收) walked in a real browser: the secretary submits a
self-assessment with photos, the admin sends one item back, the secretary corrects it and
resubmits, the admin accepts, and the year's pass rate moves."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from oversight.models import Evidence, StandardisationReview

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise
# wipe the checklist seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASS_RATE = "standardisation-pass-rate"


def photo_file(folder, name: str, colour: str) -> str:
    path = folder / name
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def switch_user(page, log_in, user):
    page.context.clear_cookies()
    log_in(page, user)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def expect_pass_rate(page, rate: str) -> None:
    """The admin's dashboard (home page) and the review list show the year's pass rate, both from
    oversight.reviews.pass_rate, both as data-testid="standardisation-pass-rate"."""
    page.goto("/")
    expect(page.get_by_test_id(PASS_RATE)).to_have_text(rate)
    page.goto("/oversight/reviews/")
    expect(page.get_by_test_id(PASS_RATE)).to_have_text(re.compile(rf"验收合格率 {re.escape(rate)}$"))


def test_secretary_submits_admin_returns_one_item_secretary_corrects_admin_accepts(
        city, page, log_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process
    venue_photo = photo_file(tmp_path, "活动室.jpg", "red")
    flag_photo = photo_file(tmp_path, "党旗.jpg", "darkred")

    # The secretary of 甲局 opens the current year's review of their branch and fills every item in.
    log_in(page, city.secretary)
    page.goto("/oversight/reviews/")
    start_row = page.get_by_test_id("review-start-row").filter(has_text="甲局第一党支部")
    click_and_wait(page, start_row.get_by_role("button", name="开始自评"))
    expect(page.locator("h1")).to_contain_text("甲局第一党支部")
    expect(page.get_by_test_id("review-status")).to_have_text("填报中")
    items = page.get_by_test_id("review-item")
    expect(items).to_have_count(10)
    for index in range(items.count()):
        item = items.nth(index)
        item.locator("textarea").fill(f"第{index + 1}项已按标准落实，详见佐证材料。")
        if item.get_by_text("须上传佐证材料").count():
            item.locator("input[type=file]").set_input_files(venue_photo)
    click_and_wait(page, page.get_by_role("button", name="保存草稿"))
    expect(page.get_by_role("alert").filter(has_text="草稿已保存")).to_be_visible()
    expect(page.get_by_test_id("review-status")).to_have_text("填报中")
    expect(page.get_by_test_id("review-missing")).to_have_count(0)
    expect(page.get_by_test_id("item-evidence").locator("img")).to_have_count(8)
    click_and_wait(page, page.get_by_role("button", name="提交自评"))
    expect(page.get_by_test_id("review-status")).to_have_text("已提交待审核")
    screenshot(page, "submitted")
    review = StandardisationReview.objects.get(organisation=city.branch_a)
    assert Evidence.objects.filter(review_item__review=review, content_type="image/jpeg").count() == 8

    # The admin sees a 0% pass rate, passes nine items and sends the 党旗 item back.
    switch_user(page, log_in, city.admin)
    expect_pass_rate(page, "0%")
    page.get_by_role("link", name="甲局第一党支部").click()
    for index in range(10):
        item = page.get_by_test_id("review-item").nth(index)
        if item.get_attribute("data-code") == "flag":
            item.get_by_label("审核意见").fill("未见党旗照片，请补充。")
            click_and_wait(page, item.get_by_role("button", name="需整改"))
        else:
            click_and_wait(page, item.get_by_role("button", name="通过"))
    expect(page.get_by_test_id("verdict-counts")).to_have_text("通过 9 项 · 需整改 1 项 · 待审核 0 项")
    expect(page.get_by_role("button", name="验收合格")).to_be_disabled()
    click_and_wait(page, page.get_by_role("button", name="退回整改"))
    expect(page.get_by_test_id("review-status")).to_have_text("退回整改")
    screenshot(page, "returned")

    # The secretary sees the comment; only the returned item can be changed; they correct it and resubmit.
    switch_user(page, log_in, city.secretary)
    page.goto(f"/oversight/reviews/{review.pk}/")
    flag = page.locator("[data-testid=review-item][data-code=flag]")
    expect(flag.get_by_test_id("item-comment")).to_contain_text("未见党旗照片，请补充。")
    expect(page.locator("#review-form textarea")).to_have_count(1)
    flag.locator("textarea").fill("已在活动室悬挂党旗，张贴入党誓词，照片见附件。")
    flag.locator("input[type=file]").set_input_files(flag_photo)
    click_and_wait(page, page.get_by_role("button", name="重新提交"))
    expect(page.get_by_test_id("review-status")).to_have_text("已提交待审核")
    expect(flag.get_by_test_id("item-verdict")).to_have_text("待审核")

    # The admin passes the corrected item and accepts the review: the pass rate moves to 100%.
    switch_user(page, log_in, city.admin)
    page.goto(f"/oversight/reviews/{review.pk}/")
    flag = page.locator("[data-testid=review-item][data-code=flag]")
    expect(flag.get_by_test_id("item-evidence").locator("img")).to_have_count(2)
    click_and_wait(page, flag.get_by_role("button", name="通过"))
    page.get_by_label("验收意见").fill("“六有”齐全，验收合格。")
    click_and_wait(page, page.get_by_role("button", name="验收合格"))
    expect(page.get_by_test_id("review-status")).to_have_text("验收合格")
    timeline = page.get_by_test_id("review-timeline")
    for step in ("提交自评", "单项退回整改", "退回整改", "整改后重新提交", "验收合格"):
        expect(timeline).to_contain_text(step)
    screenshot(page, "accepted")
    expect_pass_rate(page, "100%")
