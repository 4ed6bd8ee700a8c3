"""The meeting record printed as a formal 会议记录 with signature lines."""

import pytest

from activities.choices import AttendanceStatus
import datetime as dt

from tests.factories import ActivityFactory, AttendanceFactory

pytestmark = pytest.mark.django_db


def _held(city, **fields):
    start = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.timezone.utc)
    return ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", theme="", status="HELD",
                           planned_start=start, planned_end=start + dt.timedelta(hours=2), actual_start=start,
                           actual_end=start + dt.timedelta(hours=2), **fields)


def test_the_printed_record_names_who_came_who_was_on_leave_and_has_signature_lines(city, login):
    activity = _held(city, title="11月支部党员大会", host="甲书记", recorder="王记录", minutes="学习传达会议精神。")
    AttendanceFactory(activity=activity, member=city.member, status=AttendanceStatus.PRESENT)
    on_leave = AttendanceFactory(activity=activity, status=AttendanceStatus.LEAVE, leave_reason="出差",
                                 member__organisation=city.branch_a, member__name="请假的人")

    page = login(city.secretary).get(f"/activities/{activity.pk}/minutes/").content.decode()

    assert "会 议 记 录" in page
    assert "11月支部党员大会" in page
    assert "甲党员" in page
    assert f"{on_leave.member.name}（出差）" in page
    assert "学习传达会议精神。" in page
    assert "主持人（签字）" in page and "记录人（签字）" in page


def test_a_member_cannot_print_the_record(city, login):
    activity = _held(city)
    assert login(city.member_user).get(f"/activities/{activity.pk}/minutes/").status_code == 403
    assert login(city.other_secretary).get(f"/activities/{activity.pk}/minutes/").status_code == 404
