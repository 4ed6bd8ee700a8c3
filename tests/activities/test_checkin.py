"""QR check-in: signed, windowed tokens; members confirm then POST, once; guests of open events by name and unit."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from activities import checkin
from activities.choices import ActivityStatus, AttendanceRole, AttendanceStatus, RecordedBy
from activities.models import Attendance
from tests.factories import ActivityFactory, MemberFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI)
END = START + dt.timedelta(hours=2)
DURING = START + dt.timedelta(minutes=10)


@pytest.fixture
def meeting(city):
    """Branch A's themed day, 9:00–11:00 on 10 June 2025; the member is expected."""
    activity = ActivityFactory(organisation=city.branch_a, planned_start=START, planned_end=END)
    activity.attendances.create(member=city.member)
    return activity


@pytest.fixture
def open_lecture(city):
    """Organisation B's open lecture at the same time: anyone may come."""
    return ActivityFactory(organisation=city.org_b, kind="OPEN_LECTURE", theme="", title="开放式党课",
                           is_open=True, planned_start=START, planned_end=END)


def checkin_url(activity, *, guest=False) -> str:
    name = "activities:checkin_guest" if guest else "activities:checkin"
    return reverse(name, args=[checkin.checkin_token(activity)])


def row_of(activity, member) -> Attendance:
    return Attendance.objects.get(activity=activity, member=member)


def tampered(token: str, activity_id: int) -> str:
    """The same timestamp and signature with another activity id in the payload."""
    _, rest = token.split(":", 1)
    payload = signing.b64_encode(json.dumps({"a": activity_id}, separators=(",", ":")).encode()).decode()
    return f"{payload}:{rest}"


# --- the member's check-in ------------------------------------------------------------------

@freeze_time(DURING)
def test_it_asks_for_confirmation_on_get_and_checks_in_nobody(city, login, meeting):
    response = login(city.member_user).get(checkin_url(meeting))

    assert response.status_code == 200
    assert "确认签到" in response.content.decode()
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED


@freeze_time(DURING)
def test_it_marks_an_expected_member_present_on_post(city, login, meeting):
    response = login(city.member_user).post(checkin_url(meeting))

    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    row = row_of(meeting, city.member)
    assert row.status == AttendanceStatus.PRESENT
    assert row.role == AttendanceRole.ATTENDEE
    assert (row.recorded_via, row.recorded_by, row.recorded_at) == (RecordedBy.QR, city.member_user, DURING)


def test_a_replayed_scan_says_already_checked_in_and_changes_nothing(city, login, meeting):
    client = login(city.member_user)
    url = checkin_url(meeting)
    with freeze_time(DURING):
        client.post(url)
    versions = row_of(meeting, city.member).history.count()

    with freeze_time(DURING + dt.timedelta(minutes=30)):
        again = client.post(url)
        shown = client.get(url)

    assert again.status_code == 200
    assert "您已签到" in again.content.decode()
    assert "您已签到" in shown.content.decode() and "确认签到" not in shown.content.decode()
    row = row_of(meeting, city.member)
    assert row.recorded_at == DURING
    assert row.history.count() == versions
    assert Attendance.objects.filter(activity=meeting, member=city.member).count() == 1


@freeze_time(DURING)
def test_a_member_not_expected_at_an_open_event_gets_an_attendee_row(city, login, open_lecture):
    response = login(city.member_user).post(checkin_url(open_lecture))

    assert response.status_code == 200
    row = row_of(open_lecture, city.member)
    assert (row.role, row.status, row.recorded_via) == (
        AttendanceRole.ATTENDEE, AttendanceStatus.PRESENT, RecordedBy.QR)


@freeze_time(DURING)
def test_a_scan_never_overrides_leave_recorded_by_the_secretary(city, login, meeting):
    Attendance.objects.filter(activity=meeting).update(status=AttendanceStatus.LEAVE, leave_reason="出差")

    response = login(city.member_user).post(checkin_url(meeting))

    assert "请假" in response.content.decode()
    assert row_of(meeting, city.member).status == AttendanceStatus.LEAVE


@freeze_time(DURING)
def test_a_member_who_may_not_see_the_activity_gets_a_404(city, login):
    private_b = ActivityFactory(organisation=city.org_b, planned_start=START, planned_end=END)

    client = login(city.member_user)

    assert client.get(checkin_url(private_b)).status_code == 404
    assert client.post(checkin_url(private_b)).status_code == 404
    assert not Attendance.objects.filter(activity=private_b).exists()


@freeze_time(DURING)
def test_a_user_without_a_member_record_is_refused_and_pointed_to_the_guest_page(city, login, open_lecture):
    response = login(city.outsider).post(checkin_url(open_lecture))

    assert response.status_code == 403
    assert "没有关联党员信息" in response.content.decode()
    assert checkin_url(open_lecture, guest=True) in response.content.decode()
    assert not Attendance.objects.filter(activity=open_lecture).exists()


def test_an_anonymous_scan_is_sent_to_log_in_and_back(client, meeting):
    url = checkin_url(meeting)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=" in response["Location"]


# --- tokens and the window --------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "opened"), [
    (START - dt.timedelta(hours=1, minutes=1), False),
    (START - dt.timedelta(minutes=59), True),
    (END + dt.timedelta(hours=1, minutes=59), True),
    (END + dt.timedelta(hours=2, minutes=1), False),
])
def test_check_in_is_open_from_an_hour_before_the_start_to_two_hours_after_the_end(city, login, meeting, moment,
                                                                                     opened):
    # The code may have been printed a week ahead: its age does not matter, the activity's times do.
    with freeze_time(START - dt.timedelta(days=7)):
        url = checkin_url(meeting)
    with freeze_time(moment):
        response = login(city.member_user).post(url)

    assert response.status_code == (200 if opened else 403)
    assert (row_of(meeting, city.member).status == AttendanceStatus.PRESENT) is opened


@freeze_time(START - dt.timedelta(hours=3))
def test_an_early_scan_says_check_in_has_not_started(city, login, meeting):
    response = login(city.member_user).get(checkin_url(meeting))

    assert response.status_code == 403
    assert "签到尚未开始" in response.content.decode()


@freeze_time(END + dt.timedelta(days=1))
def test_an_expired_code_says_check_in_has_ended(city, login, meeting):
    response = login(city.member_user).post(checkin_url(meeting))

    assert response.status_code == 403
    assert "签到已结束" in response.content.decode()
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED


def test_the_window_follows_the_recorded_actual_times(meeting):
    meeting.actual_start, meeting.actual_end = START + dt.timedelta(minutes=30), END + dt.timedelta(hours=1)

    opens, closes = checkin.checkin_window(meeting)

    assert opens == START - checkin.OPENS_BEFORE_START
    assert closes == END + dt.timedelta(hours=1) + checkin.CLOSES_AFTER_END


@freeze_time(DURING)
def test_a_cancelled_activity_refuses_check_in(city, login, meeting):
    url = checkin_url(meeting)
    meeting.status, meeting.cancel_reason = ActivityStatus.CANCELLED, "与上级会议冲突"
    meeting.save()

    response = login(city.member_user).post(url)

    assert response.status_code == 403
    assert "已取消" in response.content.decode()
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED


@freeze_time(DURING)
@pytest.mark.parametrize("forge", [
    lambda activity: "not-a-token",
    lambda activity: signing.TimestampSigner(salt="some.other.purpose").sign_object({"a": activity.pk}),
    lambda activity: signing.TimestampSigner(key="a-different-secret-key", salt=checkin.CHECKIN_SALT)
    .sign_object({"a": activity.pk}),
    lambda activity: signing.TimestampSigner(salt=checkin.CHECKIN_SALT).sign_object({"a": str(activity.pk)}),
    lambda activity: checkin.checkin_token(activity)[:-2] + "xx",
], ids=["garbage", "other-salt", "other-key", "bad-payload", "bad-signature"])
def test_a_forged_code_is_refused_as_invalid(city, login, meeting, forge):
    token = forge(meeting)
    client = login(city.member_user)

    for response in (client.post(reverse("activities:checkin", args=[token])),
                     client.post(reverse("activities:checkin_guest", args=[token]), {"name": "张三", "unit": "市民"})):
        assert response.status_code == 400
        assert "签到二维码无效" in response.content.decode()
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED
    assert meeting.attendances.count() == 1


@freeze_time(DURING)
def test_a_code_with_another_activity_id_pasted_into_it_is_refused(city, login, meeting, open_lecture):
    token = tampered(checkin.checkin_token(open_lecture), meeting.pk)

    response = login(city.member_user).post(reverse("activities:checkin", args=[token]))

    assert response.status_code == 400
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED


@freeze_time(DURING)
def test_a_code_signed_for_another_activity_checks_in_to_that_activity_only(city, login, meeting):
    same_time = ActivityFactory(organisation=city.branch_a, planned_start=START, planned_end=END)
    same_time.attendances.create(member=city.member)

    login(city.member_user).post(checkin_url(same_time))

    assert row_of(same_time, city.member).status == AttendanceStatus.PRESENT
    assert row_of(meeting, city.member).status == AttendanceStatus.EXPECTED


def test_a_token_older_than_the_backstop_is_refused(meeting):
    with freeze_time(START):
        token = checkin.checkin_token(meeting)
    with freeze_time(START + checkin.TOKEN_MAX_AGE + dt.timedelta(days=1)), pytest.raises(ValidationError) as refused:
        checkin.checkin_token_activity_id(token)

    assert refused.value.code == checkin.CLOSED


# --- guests at open events ---------------------------------------------------------------------

@freeze_time(DURING)
def test_a_guest_checks_in_to_an_open_event_with_name_and_unit_without_logging_in(client, open_lecture):
    url = checkin_url(open_lecture, guest=True)

    form = client.get(url)
    assert form.status_code == 200 and "确认签到" in form.content.decode()
    assert not open_lecture.attendances.exists()

    response = client.post(url, {"name": " 王  小明 ", "unit": "东城社区居委会"})

    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    row = open_lecture.attendances.get()
    assert (row.member, row.guest_name, row.guest_unit) == (None, "王 小明", "东城社区居委会")
    assert (row.role, row.status, row.recorded_via, row.recorded_at) == (
        AttendanceRole.GUEST, AttendanceStatus.PRESENT, RecordedBy.QR, DURING)


@freeze_time(DURING)
def test_the_same_guest_name_and_unit_twice_is_refused_as_a_duplicate(client, open_lecture):
    url = checkin_url(open_lecture, guest=True)
    client.post(url, {"name": "王小明", "unit": "东城社区"})

    again = client.post(url, {"name": "王小明 ", "unit": "东城社区"})
    other_unit = client.post(url, {"name": "王小明", "unit": "西城社区"})

    assert "已经签到" in again.content.decode()
    assert "签到成功" in other_unit.content.decode()
    assert list(open_lecture.attendances.order_by("pk").values_list("guest_unit", flat=True)) == ["东城社区", "西城社区"]


@freeze_time(DURING)
def test_a_guest_must_give_a_name_and_a_unit(client, open_lecture):
    response = client.post(checkin_url(open_lecture, guest=True), {"name": "  ", "unit": ""})

    assert response.status_code == 200
    assert "必填" in response.content.decode()
    assert not open_lecture.attendances.exists()


@freeze_time(DURING)
def test_guest_check_in_is_refused_on_an_activity_that_is_not_open(client, meeting):
    url = checkin_url(meeting, guest=True)

    for response in (client.get(url), client.post(url, {"name": "王小明", "unit": "东城社区"})):
        assert response.status_code == 403
        assert "不是公开活动" in response.content.decode()
        assert meeting.title not in response.content.decode()
    assert meeting.attendances.count() == 1


@freeze_time(END + dt.timedelta(hours=3))
def test_guest_check_in_is_refused_after_the_window(client, open_lecture):
    response = client.post(checkin_url(open_lecture, guest=True), {"name": "王小明", "unit": "东城社区"})

    assert response.status_code == 403
    assert "签到已结束" in response.content.decode()
    assert not open_lecture.attendances.exists()


# --- the QR code on the activity page -----------------------------------------------------------

@freeze_time(DURING)
def test_the_hosts_secretary_sees_a_qr_code_for_an_absolute_check_in_url(city, login, meeting):
    page = login(city.secretary).get(meeting.get_absolute_url()).content.decode()

    assert '<svg style="display:block;width:100%;height:auto" viewBox=' in page
    assert "http://testserver/activities/checkin/" in page
    assert reverse("activities:checkin_display", args=[meeting.pk]) in page


def test_the_token_and_its_qr_code_stay_the_same_all_day_and_are_drawn_once(city, login, meeting):
    checkin.checkin_qr_svg.cache_clear()
    with freeze_time(START - dt.timedelta(minutes=20)):  # 8:40 Beijing, 0:40 UTC: the window is open
        morning = checkin.checkin_token(meeting)
        first = login(city.secretary).get(meeting.get_absolute_url()).content.decode()
    with freeze_time(START + dt.timedelta(minutes=50)):
        assert checkin.checkin_token(meeting) == morning
        assert checkin.checkin_token_activity_id(morning) == meeting.pk
        second = login(city.secretary).get(meeting.get_absolute_url()).content.decode()
    with freeze_time(START + dt.timedelta(days=1)):
        assert checkin.checkin_token(meeting) != morning

    assert morning in first and morning in second
    assert checkin.checkin_qr_svg.cache_info().misses == 1 and checkin.checkin_qr_svg.cache_info().hits == 1


@freeze_time(DURING)
def test_an_open_event_also_shows_the_guests_qr_code(city, login, open_lecture):
    page = login(city.other_secretary).get(open_lecture.get_absolute_url()).content.decode()

    assert page.count("<svg ") == 2
    assert "/guest/" in page


@freeze_time(DURING)
def test_a_member_sees_no_qr_code(city, login, meeting):
    page = login(city.member_user).get(meeting.get_absolute_url()).content.decode()

    assert "checkin-qr" not in page


@freeze_time(DURING)
def test_the_full_screen_page_shows_the_code_and_its_url(city, login, meeting):
    page = login(city.secretary).get(reverse("activities:checkin_display", args=[meeting.pk])).content.decode()

    assert "checkin-qr" in page and "http://testserver/activities/checkin/" in page and "全屏显示" in page


@freeze_time(END + dt.timedelta(hours=3))
def test_after_the_window_the_panel_says_check_in_has_ended_instead_of_showing_a_code(city, login, meeting):
    page = login(city.secretary).get(meeting.get_absolute_url()).content.decode()

    assert "签到已结束" in page and "checkin-qr" not in page


def test_the_activity_page_costs_the_same_queries_with_many_check_ins(city, login, open_lecture):
    open_lecture.capacity = 100
    open_lecture.save()
    client = login(city.other_secretary)

    def grow(n):
        for i in range(n):
            user = UserFactory()
            member = MemberFactory(organisation=city.branch_a if i % 2 else city.org_b, user=user)
            open_lecture.registrations.create(member=member, status="REGISTERED")
            open_lecture.attendances.create(member=member, status=AttendanceStatus.PRESENT)
            open_lecture.attendances.create(guest_name=f"群众{i}", role=AttendanceRole.GUEST,
                                            status=AttendanceStatus.PRESENT)

    def queries() -> int:
        with freeze_time(START - dt.timedelta(days=1)), CaptureQueriesContext(connection) as ctx:
            assert client.get(open_lecture.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    # Each measured request follows one that filled the cache (session, user, roles, the bell's count: new
    # members move the roles' version on).
    grow(2)
    queries()
    small = queries()
    grow(10)
    queries()
    assert queries() == small
