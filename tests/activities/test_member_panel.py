"""The member page's section on organisational life (registered by activities): totals per year and the recent
activities, each with its date, title, link and the member's attendance."""

import datetime as dt

from django.urls import reverse

from activities.choices import AttendanceStatus
from activities.services import activity_cancel
from tests.factories import ActivityFactory, AttendanceFactory
from tests.test_query_counts import queries_for

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _attended(city, day: int, title: str, status=AttendanceStatus.PRESENT, **attendance):
    activity = ActivityFactory(organisation=city.branch_a, title=title,
                               planned_start=dt.datetime(2025, 6, day, 9, tzinfo=SHANGHAI),
                               planned_end=dt.datetime(2025, 6, day, 11, tzinfo=SHANGHAI))
    AttendanceFactory(activity=activity, member=city.member, status=status, **attendance)
    return activity


def test_the_member_page_lists_recent_activities_with_the_members_attendance(city, login):
    lesson = _attended(city, 3, "六月专题党课")
    _attended(city, 5, "六月支部委员会", status=AttendanceStatus.LEAVE, leave_reason="出差")
    cancelled = _attended(city, 7, "改期的主题党日", status=AttendanceStatus.EXPECTED)
    activity_cancel(activity=cancelled, by=city.secretary, reason="改期")
    client = login(city.secretary)
    url = reverse("members:member_detail", args=[city.member.pk])

    page = client.get(url).content.decode()
    recent = page.split("最近的活动")[1]

    assert f'2025-06-03 <a href="{lesson.get_absolute_url()}">六月专题党课</a> · 出席' in recent
    assert "六月支部委员会</a> · 请假" in recent
    assert "改期的主题党日</a> · 待签到（活动已取消）" in recent
    assert recent.index("改期的主题党日") < recent.index("六月支部委员会") < recent.index("六月专题党课")

    few = queries_for(client, url)
    for day in range(10, 25):
        _attended(city, day, f"第{day}天的会")
    assert queries_for(client, url) == few  # the section reads what it shows in one query, however many
