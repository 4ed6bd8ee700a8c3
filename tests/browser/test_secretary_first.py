"""Secretary-first journeys in Chromium: last week's meeting recorded from the home page in three clicks, the
admin one click from last month's incomplete organisations, the matrix printed in colour, the calendar in
Beijing time on a device set to UTC."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_secretary_records_last_weeks_meeting_from_the_home_page_in_three_clicks(city, page, log_in):
    start = (timezone.now() - dt.timedelta(days=7)).replace(second=0, microsecond=0)
    meeting = ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", theme="", title="上周的支部党员大会",
                              planned_start=start, planned_end=start + dt.timedelta(hours=2))
    meeting.attendances.create(member=city.member)
    log_in(page, city.secretary)

    todo = page.get_by_test_id("todo-meetings-to-record")
    expect(todo).to_contain_text("上周的支部党员大会")
    with page.expect_navigation():
        todo.get_by_role("link", name="记录").click()  # click 1
    expect(page.locator("h1")).to_contain_text("记录活动与出勤")
    planned = timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
    expect(page.locator("input[name=record-actual_start]")).to_have_value(planned)
    page.fill("textarea[name=record-minutes]", "传达学习上级会议精神。")  # typing, not a click
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("保存")).click()  # click 2
    expect(page.locator("main")).to_contain_text("活动记录与出勤情况已保存")
    meeting.refresh_from_db()
    assert meeting.status == "HELD"
    assert meeting.attendances.get(member=city.member).status == "PRESENT"


def test_the_admin_reaches_last_months_incomplete_organisations_in_one_click(city, page, log_in):
    log_in(page, city.admin)
    banner = page.get_by_test_id("last-month-incomplete")
    expect(banner).to_contain_text("个党组织未完成")
    with page.expect_navigation():
        banner.get_by_role("link", name="查看未完成的党组织").click()
    expect(page.get_by_test_id("matrix-filter-summary")).to_contain_text("筛选结果")
    expect(page.get_by_test_id("compliance-matrix")).to_contain_text("乙局机关党支部")
    expect(page.get_by_label("只看未完成")).to_be_checked()


def test_the_printed_matrix_keeps_its_cell_colours(city, page, log_in):
    log_in(page, city.admin)
    page.goto("/oversight/matrix/")
    page.emulate_media(media="print")
    red = page.locator("td.c-r").first
    expect(red).to_have_css("background-color", "rgb(255, 199, 206)")
    assert page.evaluate("getComputedStyle(document.querySelector('td.c-r')).printColorAdjust") == "exact"
    expect(page.locator("nav.navbar")).to_be_hidden()


def test_the_calendar_shows_beijing_time_on_a_device_set_to_utc(city, browser, live_server, log_in):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9, 10)))
    ActivityFactory(organisation=city.branch_a, title="早上九点十分的会", planned_start=start,
                    planned_end=start + dt.timedelta(hours=1)).attendances.create(member=city.member)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="UTC",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, city.member_user)
        page.goto("/activities/calendar/")
        page.get_by_role("button", name="列表").click()
        row = page.locator(".fc-list-event", has_text="早上九点十分的会")
        expect(row).to_contain_text("09:10")
    finally:
        context.close()


def test_after_midnight_in_beijing_the_calendar_is_already_on_the_new_day(city, browser, live_server, log_in):
    """01:00 on 2 June in Beijing is still 1 June on a UTC clock: the calendar's today is Beijing's."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="UTC",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, city.member_user)
        page.clock.set_fixed_time(dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.timezone.utc))
        page.goto("/activities/calendar/")
        expect(page.locator(".fc-day-today")).to_have_attribute("data-date", "2026-06-02")
        expect(page.locator(".fc-toolbar-title")).to_have_text("2026年6月")
    finally:
        context.close()


def test_among_a_provinces_organisations_the_admin_finds_one_by_name_for_the_calendar(city, page, log_in,
                                                                                      monkeypatch):
    from core import lookups

    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 2)  # more organisations than a select lists
    lookups.forget_choice_counts()
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    for organisation, title in ((city.org_b, "乙局的主题党日"), (city.org_a, "甲局的支委会")):
        ActivityFactory(organisation=organisation, title=title, planned_start=start,
                        planned_end=start + dt.timedelta(hours=1))
    log_in(page, city.admin)
    page.goto("/activities/calendar/")
    page.get_by_role("button", name="列表").click()
    calendar = page.locator("#calendar")
    expect(page.get_by_label("党组织", exact=True)).to_have_value("own")  # the own level's: neither meeting
    expect(calendar).not_to_contain_text("乙局的主题党日")

    page.get_by_placeholder("输入名称查找，再从下面选择").fill("乙局")
    organisation = page.locator("#filter-organisation")
    expect(organisation.locator("option", has_text="乙局机关党支部")).to_have_count(1)
    organisation.select_option(label="乙局机关党支部")
    expect(calendar).to_contain_text("乙局的主题党日")
    expect(calendar).not_to_contain_text("甲局的支委会")


def test_the_admin_opens_and_closes_the_organisation_tree_in_place(city, page, log_in):
    log_in(page, city.admin)
    page.goto("/organisations/")
    tree = page.get_by_test_id("organisation-tree")
    expect(tree).to_contain_text("甲局机关党总支")
    expect(tree).not_to_contain_text("甲局第一党支部")

    opener = tree.get_by_role("link", name="展开甲局机关党总支的下级组织")
    opener.click()
    branch = tree.get_by_role("link", name="甲局第一党支部")
    expect(branch).to_be_visible()
    closer = tree.get_by_role("link", name="收起甲局机关党总支的下级组织")
    expect(closer).to_have_attribute("aria-expanded", "true")

    closer.click()
    expect(branch).to_be_hidden()
    tree.get_by_role("link", name="展开甲局机关党总支的下级组织").click()
    expect(branch).to_be_visible()
    assert tree.get_by_role("link", name="甲局第一党支部").count() == 1  # shown again, not fetched twice

    page.fill("input[name=q]", "第一")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    expect(tree.locator("tbody tr")).to_have_count(1)


def test_dates_are_picked_from_a_chinese_calendar_and_can_still_be_typed(city, page, log_in):
    log_in(page, city.secretary)
    page.goto("/activities/new/")
    start = page.locator("input[name=planned_start]")
    start.fill("2026-12-08 09:30")  # typing does not open the calendar over the next field
    expect(page.locator(".flatpickr-calendar.open")).to_have_count(0)

    page.get_by_role("button", name="从日历选择计划开始时间").click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text("周一")  # weeks from Monday, in Chinese
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="15").first.click()
    expect(start).to_have_value("2026-12-15 09:30")  # the typed time is kept, 24-hour
