"""The notification centre in a real browser (issue 6): a member sees the bell's unread count, opens the list,
follows the reminder to the activity, and the count is gone; a secretary chooses immediate reminders for one
kind of duty."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.reminders import activity_dues
from notifications.choices import Kind, Mode
from notifications.models import Notification, NotificationSettings
from notifications.services import notifications_create
from tests.factories import ActivityFactory, AttendanceFactory

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise
# wipe the rule tables seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEETING = "支部党员大会"


def remind_member_of_a_meeting(city):
    """The real sweep finds a meeting the member is expected at, starting in two hours: with the "shortly before"
    reminder turned off, the day-before reminder (18:00 the day before, so long past) is due now."""
    NotificationSettings.objects.create(user=city.member_user, soon=False)
    start = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    activity = ActivityFactory(organisation=city.branch_a, title=MEETING, planned_start=start,
                               planned_end=start + dt.timedelta(hours=2))
    AttendanceFactory(activity=activity, member=city.member)
    assert notifications_create(activity_dues(now=timezone.now())) == 1
    return activity, Notification.objects.get(recipient=city.member_user)


def test_member_follows_the_bell_to_the_reminder_and_on_to_the_activity(city, page, log_in, screenshot):
    activity, notification = remind_member_of_a_meeting(city)
    assert notification.kind == Kind.ACTIVITY_DAY_BEFORE and notification.title.endswith(MEETING)

    log_in(page, city.member_user)
    bell = page.locator("#notification-bell")
    expect(bell.get_by_test_id("unread-count")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "通知（1 条未读）")

    with page.expect_navigation():
        bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator("h1")).to_have_text("通知")
    item = page.locator(".list-group-item", has_text=notification.title)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("未读")
    expect(item).to_contain_text("甲局第一党支部")
    screenshot(page, "list")

    with page.expect_navigation():
        item.click()
    expect(page).to_have_url(re.compile(rf"/activities/{activity.pk}/$"))
    expect(page.locator("h1")).to_have_text(MEETING)
    expect(page.locator("#notification-bell")).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    notification.refresh_from_db()
    assert notification.is_read

    page.goto("/notifications/")
    expect(page.locator(".list-group-item", has_text=notification.title)).not_to_contain_text("未读")
    screenshot(page, "read")


def test_secretary_chooses_immediate_reminders_for_one_kind_of_duty(city, page, log_in):
    log_in(page, city.secretary)
    page.goto("/notifications/settings/")
    expect(page.locator("h1")).to_have_text("提醒设置")
    duty = page.locator("fieldset", has_text=Kind.DUTY_DUE.label)
    expect(duty.get_by_label(Mode.DIGEST.label)).to_be_checked()
    duty.get_by_label(Mode.IMMEDIATE.label).check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(re.compile(r"/notifications/settings/$"))
    expect(page.locator(".alert-success")).to_contain_text("提醒设置已保存。")
    expect(page.locator("fieldset", has_text=Kind.DUTY_DUE.label).get_by_label(Mode.IMMEDIATE.label)).to_be_checked()
    expect(page.locator("fieldset", has_text=Kind.MEETINGS_DUE.label).get_by_label(Mode.DIGEST.label)).to_be_checked()
    choices = NotificationSettings.objects.get(user=city.secretary)
    assert choices.mode_for(Kind.DUTY_DUE) == Mode.IMMEDIATE
    assert choices.mode_for(Kind.MEETINGS_DUE) == Mode.DIGEST
