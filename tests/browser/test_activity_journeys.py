"""Activities walked in a real browser (issue 3): the secretary plans a themed day, a member finds it
on the month calendar of a phone, checks in through the QR code's URL, the secretary records the
attendance and uploads a photo, and the photo shows."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from activities.choices import ActivityStatus, AttendanceStatus, RecordedBy
from activities.models import Activity, Attendance, Photo
from tests.factories import MemberFactory

# serialized_rollback: the live server needs transactional tests, whose flush would otherwise
# wipe the rule tables seeded by migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "主题党日：重温入党誓词"
LOCAL_INPUT = "%Y-%m-%d %H:%M"  # what the date-time picker shows and takes


def photo_file(folder, name: str) -> str:
    """A real JPEG (Pillow-made), as a phone's album would hand it to the file input."""
    path = folder / name
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "firebrick").save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_themed_day_planned_seen_on_phone_calendar_checked_in_recorded_and_photographed(
        city, page, phone_page, log_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process
    colleague_on_leave = MemberFactory(name="丙党员", organisation=city.branch_a)
    colleague_absent = MemberFactory(name="丁党员", organisation=city.branch_a)

    # Check-in opens an hour before the planned start: planning it ten minutes ahead opens it now.
    now = timezone.localtime().replace(second=0, microsecond=0)
    planned_start = now + dt.timedelta(minutes=10)
    planned_end = now + dt.timedelta(hours=2)

    # (1) The secretary of 甲局 plans the themed day for the branch through the form.
    secretary = page
    log_in(secretary, city.secretary)
    secretary.goto("/activities/new/")
    expect(secretary.locator("h1")).to_have_text("安排活动")
    secretary.select_option("select[name=organisation]", str(city.branch_a.pk))
    secretary.select_option("select[name=kind]", "THEMED_DAY")
    secretary.select_option("select[name=theme]", "OATH_RENEWAL")
    secretary.fill("input[name=title]", TITLE)
    secretary.fill("input[name=planned_start]", planned_start.strftime(LOCAL_INPUT))
    secretary.fill("input[name=planned_end]", planned_end.strftime(LOCAL_INPUT))
    secretary.fill("input[name=place]", "机关三楼党员活动室")
    click_and_wait(secretary, secretary.get_by_role("button", name="保存", exact=True))

    activity = Activity.objects.get(title=TITLE)
    assert (activity.organisation, activity.kind, activity.theme) == (city.branch_a, "THEMED_DAY", "OATH_RENEWAL")
    assert (activity.planned_start, activity.planned_end) == (planned_start, planned_end)
    expect(secretary).to_have_url(re.compile(rf"/activities/{activity.pk}/$"))
    expect(secretary.locator(".alert-success")).to_contain_text(f"已安排活动“{TITLE}”，应到 3 人。")
    expect(secretary.locator("h1")).to_have_text(TITLE)
    expect(secretary.get_by_test_id("status")).to_have_text("计划中")
    expect(secretary.locator("main")).to_contain_text("重温入党誓词")
    expect(secretary.get_by_test_id("attendance-counts")).to_contain_text("待签到 3")
    checkin_panel = secretary.get_by_test_id("checkin-panel")
    expect(checkin_panel).to_contain_text("签到中")
    expect(checkin_panel).to_contain_text("党员扫码签到")
    expect(checkin_panel.locator("svg.checkin-qr")).to_be_visible()
    checkin_link = secretary.get_by_test_id("checkin-url")
    checkin_url = checkin_link.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(secretary.url.split('/activities/')[0])}/activities/checkin/[^/]+/",
                        checkin_url), checkin_url
    assert checkin_link.get_attribute("href") == checkin_url
    screenshot(secretary, "planned")

    # (2) A member of the branch, on a phone, finds it on the month calendar and opens it.
    member = phone_page
    log_in(member, city.member_user)
    member.goto("/activities/calendar/")
    expect(member.locator("h1")).to_have_text("活动日历")
    calendar = member.get_by_test_id("calendar")
    month_button = calendar.get_by_role("button", name="月", exact=True)
    if "fc-button-active" not in (month_button.get_attribute("class") or ""):
        month_button.click()
    expect(calendar.locator(".fc-dayGridMonth-view")).to_be_visible()
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(f"{now.year}年{now.month}月")
    event = calendar.locator(".fc-daygrid-event", has_text=TITLE)
    expect(event).to_have_count(1)
    expect(event).to_be_visible()
    expect(event).to_contain_text(planned_start.strftime("%H:%M"))
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(member, "calendar")
    click_and_wait(member, event)
    expect(member).to_have_url(re.compile(rf"/activities/{activity.pk}/$"))
    expect(member.locator("h1")).to_have_text(TITLE)
    expect(member.get_by_test_id("my-attendance")).to_have_text("待签到")
    # Members get no QR code and no upload form: those are for the host's secretaries.
    expect(member.get_by_test_id("checkin-url")).to_have_count(0)
    expect(member.get_by_test_id("photo-upload-form")).to_have_count(0)

    # (3) The member opens the QR code's URL, confirms, and is present.
    member.goto(checkin_url)
    expect(member.get_by_test_id("checkin-page")).to_contain_text(TITLE)
    expect(member.get_by_test_id("checkin-page")).to_contain_text("甲党员，请确认您已到达活动现场。")
    click_and_wait(member, member.get_by_test_id("checkin-confirm"))
    expect(member.get_by_test_id("checkin-result")).to_contain_text("签到成功！")
    expect(member.get_by_test_id("checkin-result")).to_contain_text("甲党员，签到时间")
    screenshot(member, "checked-in")
    row = Attendance.objects.get(activity=activity, member=city.member)
    assert (row.status, row.recorded_via, row.recorded_by) == (AttendanceStatus.PRESENT, RecordedBy.QR,
                                                               city.member_user)
    # Scanning again changes nothing.
    member.goto(checkin_url)
    expect(member.get_by_test_id("checkin-result")).to_contain_text("您已签到")
    expect(member.get_by_test_id("checkin-confirm")).to_have_count(0)
    click_and_wait(member, member.get_by_role("link", name="查看活动详情"))
    expect(member.get_by_test_id("my-attendance")).to_have_text("出席")

    # (4) The secretary records the activity: actual times, host, recorder, minutes, everyone's attendance.
    secretary.reload()
    expect(secretary.get_by_test_id("attendance-counts")).to_have_text("出席 1 · 请假 0 · 缺席 0 · 待签到 2")
    expect(secretary.get_by_test_id("attendance-table").locator("tr", has_text="甲党员")).to_contain_text("扫码签到")
    click_and_wait(secretary, secretary.get_by_role("link", name="记录活动与出勤"))
    expect(secretary.locator("h1")).to_have_text(f"记录活动与出勤：{TITLE}")
    actual_start = now - dt.timedelta(minutes=5)  # it may not start later than now
    actual_end = actual_start + dt.timedelta(minutes=90)
    secretary.fill("input[name=record-actual_start]", actual_start.strftime(LOCAL_INPUT))
    secretary.fill("input[name=record-actual_end]", actual_end.strftime(LOCAL_INPUT))
    secretary.fill("input[name=record-host]", "甲书记")
    secretary.fill("input[name=record-recorder]", "甲党员")
    secretary.fill("textarea[name=record-minutes]", "全体党员面向党旗重温入党誓词，书记领誓。")
    form_rows = secretary.get_by_test_id("attendance-form")
    expect(form_rows.locator("tr", has_text="甲党员")).to_contain_text("已扫码")
    pk = {m.pk: Attendance.objects.get(activity=activity, member=m).pk
          for m in (city.member, colleague_on_leave, colleague_absent)}
    expect(secretary.locator(f"input[name=att-status_{pk[city.member.pk]}][value=PRESENT]")).to_be_checked()
    secretary.check(f"input[name=att-status_{pk[colleague_on_leave.pk]}][value=LEAVE]")
    secretary.fill(f"input[name=att-reason_{pk[colleague_on_leave.pk]}]", "外出学习")
    secretary.check(f"input[name=att-status_{pk[colleague_absent.pk]}][value=ABSENT]")
    click_and_wait(secretary, secretary.get_by_role("button", name="保存记录"))

    expect(secretary).to_have_url(re.compile(rf"/activities/{activity.pk}/$"))
    expect(secretary.locator(".alert-success")).to_contain_text("活动记录与出勤情况已保存。")
    expect(secretary.get_by_test_id("status")).to_have_text("已开展")
    expect(secretary.get_by_test_id("attendance-counts")).to_have_text("出席 1 · 请假 1 · 缺席 1")
    expect(secretary.locator("main")).to_contain_text("全体党员面向党旗重温入党誓词")
    table = secretary.get_by_test_id("attendance-table")
    expect(table.locator("tr", has_text="甲党员")).to_contain_text("扫码签到")
    expect(table.locator("tr", has_text="丙党员")).to_contain_text("请假（外出学习）")
    expect(table.locator("tr", has_text="丁党员")).to_contain_text("缺席")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD
    assert (activity.actual_start, activity.actual_end, activity.recorder) == (actual_start, actual_end, "甲党员")
    statuses = dict(activity.attendances.values_list("member__name", "status"))
    assert statuses == {"甲党员": "PRESENT", "丙党员": "LEAVE", "丁党员": "ABSENT"}
    # The QR check-in stays recorded as such: the secretary's save did not overwrite it.
    assert Attendance.objects.get(pk=pk[city.member.pk]).recorded_via == RecordedBy.QR

    # (5) The secretary uploads a photo; its thumbnail shows in the grid.
    photos = secretary.get_by_test_id("photos-panel")
    expect(photos).to_contain_text("活动照片")
    expect(photos.get_by_test_id("photo-grid")).to_have_count(0)
    photos.get_by_test_id("photo-input").set_input_files(photo_file(tmp_path, "重温誓词.jpg"))
    expect(photos).to_contain_text("已选择 1 张")
    click_and_wait(secretary, photos.get_by_role("button", name="上传照片"))
    expect(secretary.locator(".alert-success")).to_contain_text("已上传 1 张照片。")
    expect(secretary.get_by_test_id("photo-errors")).to_have_count(0)
    expect(photos).to_contain_text("（1 张）")
    thumbnail = photos.get_by_test_id("photo-grid").locator("img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()  # loading="lazy"
    secretary.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 400  # the 800×600 photo's thumbnail
    response = secretary.request.get(thumbnail.get_attribute("src"))
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    photo = Photo.objects.get(activity=activity)
    assert (photo.width, photo.height) == (800, 600)
    screenshot(secretary, "recorded")

    # The member sees the photo too.
    member.goto(f"/activities/{activity.pk}/")
    member_thumbnail = member.get_by_test_id("photo-grid").locator("img")
    expect(member_thumbnail).to_have_count(1)
    member_thumbnail.scroll_into_view_if_needed()
    member.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=member_thumbnail.element_handle())
    expect(member.get_by_test_id("status")).to_have_text("已开展")
    expect(member.get_by_test_id("my-attendance")).to_have_text("出席")
    screenshot(member, "photo")
