import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.choices import ActivityStatus, AttendanceRole, AttendanceStatus, RecordedBy
from activities.services import activity_cancel, activity_update
from tests.factories import ActivityFactory, MemberFactory

PAST = dt.datetime(2025, 3, 15, 7, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def meeting(city):
    activity = ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", theme="", title="支部党员大会",
                               planned_start=PAST, planned_end=PAST + dt.timedelta(hours=2))
    others = MemberFactory.create_batch(2, organisation=city.branch_a)
    for member in [city.member, *others]:
        activity.attendances.create(member=member)
    return activity


def record_data(meeting, statuses, **extra):
    data = {"record-actual_start": "2025-03-15T15:10", "record-actual_end": "2025-03-15T17:00",
            "record-host": "甲书记", "record-recorder": "组织委员", "record-minutes": "传达学习了上级会议精神。",
            "record-resolutions": "同意接收预备党员。"}
    for row, (status, reason) in zip(meeting.attendances.order_by("member__name", "pk"), statuses):
        data[f"att-status_{row.pk}"] = status
        data[f"att-reason_{row.pk}"] = reason
    data.update(extra)
    return data


def test_the_secretary_records_the_meeting_and_everyones_attendance(city, login, meeting):
    client = login(city.secretary)
    statuses = [("PRESENT", ""), ("LEAVE", "出差"), ("ABSENT", "")]
    response = client.post(reverse("activities:activity_record", args=[meeting.pk]),
                           record_data(meeting, statuses, **{"obs-name": "王群众", "obs-unit": "市档案馆"}))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.HELD and meeting.minutes.startswith("传达")
    assert meeting.actual_start == dt.datetime(2025, 3, 15, 7, 10, tzinfo=dt.timezone.utc)
    assert meeting.planned_start == PAST, "the planned date is kept beside the actual one"
    rows = {a.status: a for a in meeting.attendances.filter(member__isnull=False)}
    assert rows["LEAVE"].leave_reason == "出差" and rows["LEAVE"].recorded_by == city.secretary
    assert rows["PRESENT"].recorded_via == RecordedBy.SECRETARY
    observer = meeting.attendances.get(member__isnull=True)
    assert (observer.guest_name, observer.role) == ("王群众", AttendanceRole.OBSERVER)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "出席 2 · 请假 1 · 缺席 1" in page


def test_leave_without_a_reason_is_refused_and_nothing_is_lost(city, login, meeting):
    client = login(city.secretary)
    response = client.post(reverse("activities:activity_record", args=[meeting.pk]),
                           record_data(meeting, [("PRESENT", ""), ("LEAVE", ""), ("ABSENT", "")]))
    assert response.status_code == 200
    assert "请假须填写事由" in response.content.decode()
    assert "传达学习了上级会议精神。" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.PLANNED
    assert not meeting.attendances.exclude(status=AttendanceStatus.EXPECTED).exists()


def test_a_held_activity_is_locked_against_silent_edits(city, meeting):
    meeting.status, meeting.actual_start, meeting.actual_end = ActivityStatus.HELD, PAST, PAST + dt.timedelta(hours=1)
    meeting.save()
    meeting.place = "改了地点"
    with pytest.raises(ValidationError):
        activity_update(activity=meeting, by=city.secretary, changed=["place"])
    activity_update(activity=meeting, by=city.secretary, changed=["place"], reason="记录有误，更正地点")
    latest = meeting.history.latest()
    assert latest.place == "改了地点" and latest.history_change_reason == "记录有误，更正地点"


def test_editing_a_held_activity_in_the_browser_asks_for_a_reason(city, login, meeting):
    meeting.status, meeting.actual_start, meeting.actual_end = ActivityStatus.HELD, PAST, PAST + dt.timedelta(hours=1)
    meeting.save()
    client = login(city.secretary)
    data = {"organisation": city.branch_a.pk, "kind": "GENERAL_MEETING", "title": "支部党员大会（更正）",
            "planned_start": "2025-03-15T15:00", "planned_end": "2025-03-15T17:00"}
    response = client.post(reverse("activities:activity_edit", args=[meeting.pk]), data)
    assert "change_reason" in response.context["form"].errors
    response = client.post(reverse("activities:activity_edit", args=[meeting.pk]), {**data, "change_reason": "更正标题"})
    assert response.status_code == 302
    assert meeting.history.latest().history_user == city.secretary


def test_cancelling_needs_a_reason_and_bumps_the_calendar_sequence(city, login, meeting):
    client = login(city.secretary)
    url = reverse("activities:activity_cancel", args=[meeting.pk])
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    assert client.post(url, {"reason": "与上级会议冲突"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.CANCELLED and meeting.sequence == 1


def test_a_held_activity_cannot_be_cancelled(city, meeting):
    meeting.status, meeting.actual_start, meeting.actual_end = ActivityStatus.HELD, PAST, PAST + dt.timedelta(hours=1)
    meeting.save()
    with pytest.raises(ValidationError):
        activity_cancel(activity=meeting, by=city.secretary, reason="晚了")


def test_the_member_page_shows_the_attendance_record_by_year(city, login, meeting):
    client = login(city.secretary)
    client.post(reverse("activities:activity_record", args=[meeting.pk]),
                record_data(meeting, [("PRESENT", "")] * 3))
    cancelled = ActivityFactory(organisation=city.branch_a, planned_start=PAST, planned_end=PAST + dt.timedelta(hours=1))
    cancelled.attendances.create(member=city.member)
    activity_cancel(activity=cancelled, by=city.secretary, reason="取消")
    page = login(city.member_user).get(city.member.get_absolute_url())
    summary = page.context["attendance_summary"]
    assert summary == [{"year": 2025, "expected": 1, "present": 1, "leave": 0, "absent": 0, "pending": 0}]


def test_a_meeting_cannot_be_recorded_as_held_before_it_happened(city, login, meeting):
    future = dt.datetime.now() + dt.timedelta(days=3)
    data = record_data(meeting, [("PRESENT", "")] * 3, **{
        "record-actual_start": future.strftime("%Y-%m-%dT%H:%M"),
        "record-actual_end": (future + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    response = login(city.secretary).post(reverse("activities:activity_record", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "实际开始时间不能晚于现在" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.PLANNED


def test_a_secretarys_list_starts_with_their_own_and_puts_city_wide_events_apart(city, login):
    future = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=3)
    ActivityFactory(organisation=city.branch_a, title="本支部的主题党日")
    ActivityFactory(organisation=city.root, title="市直机关大讲堂", is_city_wide=True, kind="OPEN_LECTURE", theme="",
                    planned_start=future, planned_end=future + dt.timedelta(hours=2))
    response = login(city.secretary).get(reverse("activities:activity_list"))
    listed = [a.title for a in response.context["page"].object_list]
    assert listed == ["本支部的主题党日"]
    assert [a.title for a in response.context["city_wide"]] == ["市直机关大讲堂"]
    chosen = login(city.secretary).get(reverse("activities:activity_list") + f"?organisation={city.branch_a.pk}")
    assert chosen.context["own_only"] is False
    admin = login(city.admin).get(reverse("activities:activity_list"))
    assert {a.title for a in admin.context["page"].object_list} == {"本支部的主题党日", "市直机关大讲堂"}
    ActivityFactory(organisation=city.org_b, title="乙支部的内部会议", planned_start=future,
                    planned_end=future + dt.timedelta(hours=1))
    ActivityFactory(organisation=city.org_b, title="乙支部的开放党课", is_open=True, kind="OPEN_LECTURE", theme="",
                    planned_start=future + dt.timedelta(hours=3), planned_end=future + dt.timedelta(hours=4))
    shown = [a.title for a in login(city.secretary).get(reverse("activities:activity_list")).context["city_wide"]]
    assert shown == ["市直机关大讲堂", "乙支部的开放党课"]
    # Each event shows its title, time and host, all read by the section's one query, however many it lists.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = login(city.secretary), reverse("activities:activity_list")
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for n in range(3):
        start = future + dt.timedelta(days=n + 1)
        ActivityFactory(organisation=city.org_b, title=f"乙支部的开放党课{n}", is_open=True, kind="OPEN_LECTURE",
                        theme="", planned_start=start, planned_end=start + dt.timedelta(hours=1))
    client.get(url)  # what is kept per user is made again once after the changes
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert len(page.context["city_wide"]) == 5 and len(five) == len(two)
    assert "乙支部的开放党课2" in page.content.decode() and city.org_b.name in page.content.decode()
    # What the section reads without the user's visible set is inside every user's visible set.
    from activities import access as activity_access

    for user in (city.member_user, city.secretary, city.other_secretary, city.outsider):
        assert set(activity_access.open_to_everyone()) <= set(activity_access.activities_visible_to(user))


def test_the_list_pages_activities_before_it_reads_their_organisations(city, login):
    """The query that sorts and limits sorts activities alone; their organisations come for the rows shown (joined
    first, a province's every organisation was hashed for each page). The order is then kept: the next view reads
    the page's rows by pk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ActivityFactory(organisation=city.branch_a, title="本支部的主题党日")
    client = login(city.member_user)
    for view in ("first", "again"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("activities:activity_list")).content.decode()
        assert "本支部的主题党日" in page and city.branch_a.display_name in page
        listing = [q["sql"] for q in queries.captured_queries
                   if 'FROM "activities_activity"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
        if view == "first":
            assert listing and not any('JOIN "branches_organisation"' in sql for sql in listing)
        else:
            assert not listing
