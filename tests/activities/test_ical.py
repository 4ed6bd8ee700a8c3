"""The personal iCalendar feed a phone subscribes to."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from activities import ical, services
from activities.choices import ActivityKind
from activities.ical import calendar_feed_for
from members.models import Member
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, OrganisationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def in_days(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate(timezone=SHANGHAI) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def activity(organisation, start: dt.datetime, hours: int = 2, **fields):
    return ActivityFactory(organisation=organisation, planned_start=start,
                           planned_end=start + dt.timedelta(hours=hours), **fields)


def feed_url(user) -> str:
    return reverse("activities:calendar_feed", args=[calendar_feed_for(user=user).token])


def fetch(client, user, **headers):
    return client.get(feed_url(user), headers=headers)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.content)


def events_by_title(response) -> dict:
    return {str(event["SUMMARY"]): event for event in parse(response).events}


def test_it_answers_without_a_login_as_text_calendar(city, client):
    response = fetch(client, city.member_user)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "机关党建 · 我的组织生活"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert calendar["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"


def test_it_round_trips_an_activitys_time_place_and_status(city, client):
    lesson = activity(city.branch_a, in_days(5, hour=9), hours=3, title="专题党课", place="机关三楼党员活动室",
                      kind=ActivityKind.PARTY_LESSON, agenda="一、学习党章\n二、交流发言\n")

    event = events_by_title(fetch(client, city.member_user))["专题党课"]

    assert event.start == in_days(5, hour=9)
    assert event.start.tzinfo.key == "Asia/Shanghai"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.end == in_days(5, hour=12)
    assert str(event["LOCATION"]) == "机关三楼党员活动室"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == f"{lesson.uid}@jiguan-dangjian"
    assert str(event["URL"]) == "http://testserver" + reverse("activities:activity_detail", args=[lesson.pk])
    assert event["ORGANIZER"].params["CN"] == city.branch_a.name
    assert str(event["ORGANIZER"]).startswith("mailto:")
    description = str(event["DESCRIPTION"])
    assert "类型：党课" in description and city.branch_a.name in description and "一、学习党章" in description


def test_it_has_a_vtimezone_for_asia_shanghai(city, client):
    activity(city.branch_a, in_days(5))

    calendar = parse(fetch(client, city.member_user))

    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Shanghai"]
    assert calendar.get_missing_tzids() == set()


def test_a_held_activity_shows_its_actual_times(city, client):
    meeting = activity(city.branch_a, in_days(-3), title="支部党员大会")
    services.activity_mark_held(activity=meeting, by=city.secretary, actual_start=in_days(-2, hour=9),
                                actual_end=in_days(-2, hour=11))

    event = events_by_title(fetch(client, city.member_user))["支部党员大会"]

    assert (event.start, event.end) == (in_days(-2, hour=9), in_days(-2, hour=11))
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_cancelled_activity_stays_in_the_feed_marked_cancelled(city, client):
    meeting = activity(city.branch_a, in_days(10), title="支委会")
    services.activity_cancel(activity=meeting, by=city.secretary, reason="与上级会议冲突")

    [event] = parse(fetch(client, city.member_user)).events

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "（已取消）支委会"
    assert "取消原因：与上级会议冲突" in str(event["DESCRIPTION"])


def test_the_uid_stays_while_the_sequence_grows_with_each_change(city, client):
    meeting = activity(city.branch_a, in_days(10), place="一楼会议室")
    [before] = parse(fetch(client, city.member_user)).events

    meeting.place = "三楼会议室"
    services.activity_update(activity=meeting, by=city.secretary, changed=["place"])
    [moved] = parse(fetch(client, city.member_user)).events
    services.activity_cancel(activity=meeting, by=city.secretary, reason="改期")
    [cancelled] = parse(fetch(client, city.member_user)).events

    assert str(before["UID"]) == str(moved["UID"]) == str(cancelled["UID"]) == f"{meeting.uid}@jiguan-dangjian"
    assert (before["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert str(moved["LOCATION"]) == "三楼会议室"


def test_a_token_never_shows_another_organisations_private_activities(city, client):
    activity(city.branch_a, in_days(3), title="本支部的会")
    activity(city.org_b, in_days(4), title="乙局内部会议")
    activity(city.org_b, in_days(5), title="乙局开放式党课", is_open=True, kind=ActivityKind.OPEN_LECTURE)
    activity(city.root, in_days(6), title="市直机关大讲堂", is_city_wide=True)

    member_sees = set(events_by_title(fetch(client, city.member_user)))
    other_sees = set(events_by_title(fetch(client, city.other_secretary)))

    assert member_sees == {"本支部的会", "乙局开放式党课", "市直机关大讲堂"}
    assert other_sees == {"乙局内部会议", "乙局开放式党课", "市直机关大讲堂"}


def test_the_feed_covers_ninety_days_back_to_a_year_ahead(city, client):
    activity(city.branch_a, in_days(-120), title="太久以前")
    activity(city.branch_a, in_days(-80), title="近三个月")
    activity(city.branch_a, in_days(300), title="今年之内")
    activity(city.branch_a, in_days(400), title="一年以后")

    assert set(events_by_title(fetch(client, city.member_user))) == {"近三个月", "今年之内"}


def test_an_unknown_token_is_not_found(city, client):
    calendar_feed_for(user=city.member_user)

    assert client.get(reverse("activities:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_a_reset_token_is_not_found_any_more(city, client):
    old_url = feed_url(city.member_user)
    etag = client.get(old_url)["ETag"]  # the old URL's answer is in the cache
    client.force_login(city.member_user)
    client.post(reverse("activities:calendar_feed_reset"))
    client.logout()

    assert client.get(old_url).status_code == 404
    assert client.get(old_url, headers={"if-none-match": etag}).status_code == 404
    assert fetch(client, city.member_user).status_code == 200
    from audit.models import Action, ActionLog
    assert ActionLog.objects.filter(action=Action.CALENDAR_FEED_RESET, actor=city.member_user).count() == 1


def test_a_deactivated_users_feed_stops_answering(city, client):
    url = feed_url(city.member_user)
    etag = client.get(url)["ETag"]  # answered once, so the answer is in the cache
    city.member_user.is_active = False
    city.member_user.save()

    assert client.get(url).status_code == 404
    assert client.get(url, headers={"if-none-match": etag}).status_code == 404


def test_a_deleted_users_feed_stops_answering(city, client):
    url = feed_url(city.member_user)
    assert client.get(url).status_code == 200
    city.member_user.delete()

    assert client.get(url).status_code == 404


def test_a_login_does_not_empty_the_feeds_cache(city, client, monkeypatch):
    url = feed_url(city.member_user)
    first = client.get(url)
    client.force_login(city.member_user)
    from django.contrib.auth.models import update_last_login
    update_last_login(None, city.member_user)
    client.logout()
    monkeypatch.setattr(ical, "feed_calendar", lambda **kwargs: pytest.fail("a login rebuilt the feed"))

    assert client.get(url).content == first.content


def test_an_unchanged_feed_answers_304_to_its_etag(city, client):
    activity(city.branch_a, in_days(5))
    first = fetch(client, city.member_user)

    again = fetch(client, city.member_user, if_none_match=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_an_unchanged_feed_answers_304_to_if_modified_since(city, client):
    activity(city.branch_a, in_days(5))
    first = fetch(client, city.member_user)

    assert fetch(client, city.member_user, if_modified_since=first["Last-Modified"]).status_code == 304


def test_a_change_to_an_activity_changes_the_etag(city, client):
    meeting = activity(city.branch_a, in_days(5))
    first = fetch(client, city.member_user)

    meeting.place = "新地点"
    services.activity_update(activity=meeting, by=city.secretary, changed=["place"])
    after = fetch(client, city.member_user, if_none_match=first["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert "新地点" in after.content.decode()


def test_a_new_visible_activity_changes_the_etag(city, client):
    activity(city.branch_a, in_days(5))
    first = fetch(client, city.member_user)

    activity(city.org_b, in_days(6), title="乙局开放式党课", is_open=True)

    assert fetch(client, city.member_user, if_none_match=first["ETag"]).status_code == 200


def test_the_same_data_gives_the_same_bytes(city, client):
    activity(city.branch_a, in_days(5))

    first, second = fetch(client, city.member_user), fetch(client, city.member_user)

    assert first.content == second.content


def test_the_etag_moves_with_the_window_each_day(city, client):
    activity(city.branch_a, in_days(5))
    first = fetch(client, city.member_user)

    with freeze_time(timezone.now() + dt.timedelta(days=1)):
        assert fetch(client, city.member_user, if_none_match=first["ETag"]).status_code == 200


def _grow(city, n):
    members = MemberFactory.create_batch(3, organisation=city.branch_a)
    for i in range(n):
        meeting = activity(city.branch_a, in_days(1 + i), kind=ActivityKind.THEMED_DAY, agenda="学习\n讨论")
        for member in members:
            AttendanceFactory(activity=meeting, member=member)
        if i % 5 == 0:
            meeting.joint_organisations.add(OrganisationFactory(parent=city.org_a))
        if i % 7 == 0:
            services.activity_cancel(activity=meeting, by=city.secretary, reason="改期")
    activity(city.org_b, in_days(2), is_open=True)


@pytest.mark.parametrize("persona", ["member_user", "secretary", "admin"])
def test_the_feed_costs_the_same_queries_for_3_and_30_activities(city, client, persona,
                                                                   django_assert_max_num_queries):
    user = getattr(city, persona)
    url = feed_url(user)
    _grow(city, 3)
    with CaptureQueriesContext(connection) as small:
        assert len(parse(client.get(url)).events) == 4
    _grow(city, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(parse(client.get(url)).events) == 32


def test_a_304_runs_no_query_and_never_builds_the_feed(city, client, monkeypatch):
    _grow(city, 10)
    url = feed_url(city.member_user)
    etag = client.get(url)["ETag"]

    def must_not_build(**kwargs):
        raise AssertionError("the 304 path built the calendar")

    monkeypatch.setattr(ical, "feed_calendar", must_not_build)
    from django.core.cache import cache

    read = []

    def reading(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        read.append(value)
        return value

    real_get = cache.get
    monkeypatch.setattr(cache, "get", reading)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    # Not even the token: the answer for this URL and calendar version is in the cache …
    assert _statements(cached) == []
    # … and only its validators are read, not the feed's body (tens of kilobytes for a secretary's feed).
    assert read and not [value for value in read if b"BEGIN:VCALENDAR" in repr(value).encode()]


def test_a_first_conditional_poll_after_a_change_looks_up_the_token_once(city, client, monkeypatch):
    _grow(city, 10)
    url = feed_url(city.member_user)
    etag = client.get(url)["ETag"]
    ical.calendar_changed()  # e.g. an activity elsewhere in the city: this feed's content is the same
    monkeypatch.setattr(ical, "feed_calendar", lambda **kwargs: pytest.fail("the 304 path built the calendar"))
    with CaptureQueriesContext(connection) as polled:
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    sql = _statements(polled)
    # The token, then what the feed holds (the member's own and their organisations' joint activities as
    # literal lists, the latest change and count): a fixed number, whatever the city's size.
    assert len(sql) <= 4
    assert sum("ACTIVITIES_CALENDARFEED" in statement for statement in sql) == 1


def test_an_unchanged_feed_is_served_from_the_cache_without_rebuilding(city, client, monkeypatch):
    _grow(city, 3)
    url = feed_url(city.member_user)
    first = client.get(url)
    monkeypatch.setattr(ical, "feed_calendar", lambda **kwargs: pytest.fail("rebuilt an unchanged feed"))
    again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_new_attendance_row_makes_the_feed_show_the_activity(city, client):
    url = feed_url(city.member_user)
    before = client.get(url)
    meeting = activity(city.org_b, in_days(3), title="市直机关联学会")
    services.attendance_expect(activity=meeting, members=Member.objects.filter(pk=city.member.pk))
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    assert meeting.title in after.content.decode()


def _statements(context) -> list[str]:
    return [query["sql"].upper() for query in context.captured_queries if "SAVEPOINT" not in query["sql"].upper()]
