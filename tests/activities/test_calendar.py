"""The browser calendar: its page, its JSON events, the subscription page and .ics downloads."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from activities import services
from activities.calendar_selectors import CANCELLED_COLOUR, KIND_COLOURS
from activities.choices import ActivityKind
from activities.models import CalendarFeed
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, OrganisationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENTS = reverse("activities:calendar_events")
JUNE = {"start": "2025-06-01T00:00:00+08:00", "end": "2025-07-01T00:00:00+08:00"}


def at(day: int, hour: int = 14, month: int = 6) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=SHANGHAI)


def activity(organisation, start: dt.datetime, hours: int = 2, **fields):
    return ActivityFactory(organisation=organisation, planned_start=start,
                           planned_end=start + dt.timedelta(hours=hours), **fields)


def events(client, **params) -> dict[str, dict]:
    response = client.get(EVENTS, {**JUNE, **params})
    assert response.status_code == 200, response.content.decode()
    return {event["title"]: event for event in response.json()}


# --- the JSON events ------------------------------------------------------------------

def test_it_returns_the_activities_overlapping_the_visible_range(city, login):
    activity(city.branch_a, at(15), title="六月主题党日")
    activity(city.branch_a, at(31, month=5, hour=23), hours=3, title="跨月的夜间学习")
    activity(city.branch_a, at(31, month=5, hour=9), title="五月的会")
    activity(city.branch_a, at(1, month=7, hour=9), title="七月的会")

    shown = events(login(city.member_user))

    assert set(shown) == {"六月主题党日", "跨月的夜间学习"}


def test_each_event_carries_what_fullcalendar_needs(city, login):
    lesson = activity(city.branch_a, at(15), kind=ActivityKind.PARTY_LESSON, title="专题党课", place="三楼会议室")

    event = events(login(city.member_user))["专题党课"]

    assert event["id"] == str(lesson.pk)
    assert event["start"] == "2025-06-15T14:00:00+08:00"
    assert event["end"] == "2025-06-15T16:00:00+08:00"
    assert event["url"] == reverse("activities:activity_detail", args=[lesson.pk])
    assert event["color"] == KIND_COLOURS[ActivityKind.PARTY_LESSON]
    assert event["extendedProps"] == {"kind": "党课", "status": "计划中", "organisation": city.branch_a.name,
                                      "place": "三楼会议室", "cancelled": False}


def test_a_held_activity_is_placed_at_its_actual_time(city, login):
    meeting = activity(city.branch_a, at(10), title="推迟开的会")
    services.activity_mark_held(activity=meeting, by=city.secretary, actual_start=at(11, hour=9),
                                actual_end=at(11, hour=11))

    event = events(login(city.member_user))["推迟开的会"]

    assert (event["start"], event["end"]) == ("2025-06-11T09:00:00+08:00", "2025-06-11T11:00:00+08:00")
    assert event["extendedProps"]["status"] == "已开展"


def test_a_cancelled_activity_is_greyed_and_struck_through(city, login):
    meeting = activity(city.branch_a, at(20), title="取消的会")
    services.activity_cancel(activity=meeting, by=city.secretary, reason="与上级会议冲突")

    event = events(login(city.member_user))["取消的会"]

    assert event["color"] == CANCELLED_COLOUR
    assert event["classNames"] == ["event-cancelled"]
    assert event["extendedProps"]["status"] == "已取消"


def test_a_member_sees_their_branch_what_they_are_expected_at_and_open_events_only(city, login):
    activity(city.branch_a, at(2), title="本支部的会")
    activity(city.org_b, at(3), title="乙局内部会议")
    activity(city.org_b, at(4), title="乙局开放式党课", is_open=True, kind=ActivityKind.OPEN_LECTURE)
    activity(city.root, at(5), title="市直机关大讲堂", is_city_wide=True)
    invited = activity(city.org_b, at(6), title="受邀列席的会")
    AttendanceFactory(activity=invited, member=city.member)

    shown = events(login(city.member_user))

    assert set(shown) == {"本支部的会", "乙局开放式党课", "市直机关大讲堂", "受邀列席的会"}


def test_a_secretary_filters_by_one_of_their_organisations_and_what_is_below_it(city, login):
    activity(city.org_a, at(2), title="总支的会")
    activity(city.branch_a, at(3), title="一支部的会")
    activity(city.org_b, at(4), title="乙局开放式党课", is_open=True)
    client = login(city.secretary)

    assert set(events(client)) == {"总支的会", "一支部的会", "乙局开放式党课"}
    assert set(events(client, organisation=city.org_a.pk)) == {"总支的会", "一支部的会"}
    assert set(events(client, organisation=city.branch_a.pk)) == {"一支部的会"}


def test_a_joint_activity_shows_under_each_organisation_that_takes_part(city, login):
    joint = activity(city.org_b, at(8), title="联合主题党日")
    joint.joint_organisations.add(city.branch_a)

    assert set(events(login(city.secretary), organisation=city.branch_a.pk)) == {"联合主题党日"}


def test_a_secretary_cannot_see_another_organisation_by_passing_its_id(city, login):
    activity(city.org_b, at(3), title="乙局内部会议")
    activity(city.org_b, at(4), title="乙局开放式党课", is_open=True)

    response = login(city.secretary).get(EVENTS, {**JUNE, "organisation": city.org_b.pk})

    assert response.status_code == 404
    assert "乙局" not in response.content.decode()


def test_a_member_cannot_use_the_organisation_filter(city, login):
    activity(city.branch_a, at(2), title="本支部的会")

    response = login(city.member_user).get(EVENTS, {**JUNE, "organisation": city.branch_a.pk})

    assert response.status_code == 404


def test_it_filters_by_kind(city, login):
    activity(city.branch_a, at(2), title="党课", kind=ActivityKind.PARTY_LESSON)
    activity(city.branch_a, at(3), title="支委会", kind=ActivityKind.COMMITTEE_MEETING)

    assert set(events(login(city.member_user), kind=ActivityKind.PARTY_LESSON)) == {"党课"}


def test_an_admin_sees_everything_and_filters_by_any_organisation(city, login):
    activity(city.branch_a, at(2), title="甲局的会")
    activity(city.org_b, at(3), title="乙局内部会议")
    client = login(city.admin)

    assert set(events(client)) == {"甲局的会", "乙局内部会议"}
    assert set(events(client, organisation=city.org_b.pk)) == {"乙局内部会议"}


def test_an_admins_events_come_from_the_cache_until_what_they_show_changes(city, login):
    meeting = activity(city.branch_a, at(2), title="甲局的会")
    activity(city.org_b, at(3), title="乙局内部会议")
    admin = login(city.admin)
    assert set(events(admin)) == {"甲局的会", "乙局内部会议"}

    with CaptureQueriesContext(connection) as second:
        assert set(events(admin)) == {"甲局的会", "乙局内部会议"}
    assert not [q for q in second.captured_queries if "activities_activity" in q["sql"]]

    meeting.title = "甲局的会（改期）"
    meeting.save()
    activity(city.branch_a, at(4), title="新的会")
    assert set(events(admin)) == {"甲局的会（改期）", "乙局内部会议", "新的会"}

    city.branch_a.short_name = "甲支部"
    city.branch_a.save()
    assert events(admin)["新的会"]["extendedProps"]["organisation"] == "甲支部"
    # Another view of the same month (a filter) is a calendar of its own.
    assert set(events(admin, organisation=city.org_b.pk)) == {"乙局内部会议"}
    # A secretary's events are their own, never the admin's.
    assert "乙局内部会议" not in events(login(city.secretary))


def test_dates_without_an_offset_are_read_as_shanghai_time(city, login):
    activity(city.branch_a, at(1, hour=1), title="凌晨的会")

    shown = events(login(city.member_user), start="2025-06-01", end="2025-06-02")

    assert set(shown) == {"凌晨的会"}


def test_without_a_range_it_answers_the_current_month(city, login):
    activity(city.branch_a, dt.datetime.now(SHANGHAI).replace(hour=10, minute=0, second=0, microsecond=0),
             title="本月的会")

    response = login(city.member_user).get(EVENTS)

    assert response.status_code == 200
    assert [event["title"] for event in response.json()] == ["本月的会"]


@pytest.mark.parametrize("params", [
    {"start": "2025-06-01"},
    {"end": "2025-06-01"},
    {"start": "yesterday", "end": "2025-06-01"},
    {"start": "2025-06-01", "end": "2025-13-01"},
    {"start": "2025-06-10", "end": "2025-06-01"},
    {"start": "2020-01-01", "end": "2025-06-01"},
    {**JUNE, "kind": "PICNIC"},
    {**JUNE, "organisation": "甲局"},
])
def test_bad_parameters_are_refused_with_a_chinese_message(city, login, params):
    response = login(city.member_user).get(EVENTS, params)

    assert response.status_code == 400
    message = response.json()["error"]
    assert any("\u4e00" <= char <= "\u9fff" for char in message)


def test_a_plus_sign_typed_into_the_address_bar_still_works(city, login):
    activity(city.branch_a, at(15), title="六月主题党日")

    response = login(city.member_user).get(EVENTS + "?start=2025-06-01T00:00:00+08:00&end=2025-07-01T00:00:00+08:00")

    assert response.status_code == 200
    assert [event["title"] for event in response.json()] == ["六月主题党日"]


def _grow(city, n):
    """n activities of branch A in June, each with a few expected members, one joint, some cancelled."""
    members = MemberFactory.create_batch(3, organisation=city.branch_a)
    for i in range(n):
        meeting = activity(city.branch_a, at(1 + i % 28, hour=8 + i % 10), kind=list(KIND_COLOURS)[i % 11])
        for member in members:
            AttendanceFactory(activity=meeting, member=member)
        if i % 5 == 0:
            meeting.joint_organisations.add(OrganisationFactory(parent=city.org_a))
        if i % 7 == 0:
            services.activity_cancel(activity=meeting, by=city.secretary, reason="改期")


@pytest.mark.parametrize("persona", ["member_user", "secretary", "admin"])
def test_the_events_endpoint_costs_the_same_queries_for_3_and_30_activities(city, client, persona,
                                                                              django_assert_max_num_queries):
    client.force_login(getattr(city, persona))
    params = {**JUNE, "organisation": city.org_a.pk} if persona != "member_user" else JUNE
    _grow(city, 3)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(EVENTS, params).json()) == 3
    _grow(city, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(EVENTS, params).json()) == 30


# --- the calendar page ---------------------------------------------------------------

def test_the_page_loads_fullcalendar_from_our_own_static_files_with_a_legend(city, login):
    response = login(city.member_user).get(reverse("activities:calendar"))

    html = response.content.decode()
    assert "vendor/fullcalendar/fullcalendar.min.js" in html
    assert "vendor/fullcalendar/zh-cn.min.js" in html
    assert "js/calendar.js" in html
    assert "//cdn" not in html and "https://" not in html
    for label in ("支部党员大会", "党课", "主题党日", "已取消"):
        assert label in html
    assert reverse("activities:calendar_events") in html


def test_only_secretaries_and_admins_get_the_organisation_filter(city, login):
    member_page = login(city.member_user).get(reverse("activities:calendar")).content.decode()
    assert 'id="filter-organisation"' not in member_page

    secretary_page = login(city.secretary).get(reverse("activities:calendar")).content.decode()
    assert 'id="filter-organisation"' in secretary_page
    assert city.branch_a.name in secretary_page
    assert city.org_b.name not in secretary_page


# --- subscribing ------------------------------------------------------------------------

def test_the_subscribe_page_creates_one_secret_feed_and_explains_ios_and_android(city, login):
    client = login(city.member_user)

    first = client.get(reverse("activities:calendar_subscribe")).content.decode()
    again = client.get(reverse("activities:calendar_subscribe")).content.decode()

    feed = CalendarFeed.objects.get(user=city.member_user)
    assert len(feed.token) >= 43
    url = "http://testserver" + reverse("activities:calendar_feed", args=[feed.token])
    assert url in first and url in again
    assert "webcal://testserver" in first
    assert "添加已订阅的日历" in first
    assert "安卓" in first


def test_resetting_the_token_revokes_the_old_url(city, login):
    client = login(city.member_user)
    client.get(reverse("activities:calendar_subscribe"))
    old = CalendarFeed.objects.get(user=city.member_user).token

    response = client.post(reverse("activities:calendar_feed_reset"))

    assert response.status_code == 302
    assert response["Location"] == reverse("activities:calendar_subscribe")
    new = CalendarFeed.objects.get(user=city.member_user).token
    assert new != old
    assert client.get(reverse("activities:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("activities:calendar_feed", args=[new])).status_code == 200


def test_a_get_never_resets_the_token(city, login):
    client = login(city.member_user)
    client.get(reverse("activities:calendar_subscribe"))
    token = CalendarFeed.objects.get(user=city.member_user).token

    assert client.get(reverse("activities:calendar_feed_reset")).status_code == 405
    assert CalendarFeed.objects.get(user=city.member_user).token == token


# --- one activity as .ics ------------------------------------------------------------------

def test_one_activity_downloads_as_an_ics_file(city, login):
    lesson = activity(city.branch_a, at(15), title="专题党课", place="三楼会议室")

    response = login(city.member_user).get(reverse("activities:activity_ics", args=[lesson.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="activity-{lesson.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.events
    assert str(event["UID"]) == f"{lesson.uid}@jiguan-dangjian"
    assert event.start == at(15)
    assert str(event["LOCATION"]) == "三楼会议室"
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Shanghai"]


def test_another_organisations_private_activity_cannot_be_downloaded(city, login):
    private = activity(city.org_b, at(15), title="乙局内部会议")

    assert login(city.member_user).get(reverse("activities:activity_ics", args=[private.pk])).status_code == 404


def test_the_activity_page_links_to_its_ics_file(city, login):
    lesson = activity(city.branch_a, at(15))

    html = login(city.member_user).get(reverse("activities:activity_detail", args=[lesson.pk])).content.decode()

    assert reverse("activities:activity_ics", args=[lesson.pk]) in html
    assert reverse("activities:calendar_subscribe") in html


def test_the_calendar_names_each_chips_organisation_for_whoever_oversees_several(city, login):
    admin_options = login(city.admin).get(reverse("activities:calendar")).context["calendar_options"]
    member_options = login(city.member_user).get(reverse("activities:calendar")).context["calendar_options"]
    assert admin_options["showOrganisation"] is True
    assert member_options["showOrganisation"] is False


def test_own_only_shows_what_the_users_top_organisation_hosts_or_joins(city, login):
    activity(city.root, at(2), title="市直机关大讲堂")
    joint = activity(city.org_b, at(3), title="工委参加的联合主题党日")
    joint.joint_organisations.add(city.root)
    activity(city.branch_a, at(4), title="甲局一支部的支委会")
    activity(city.org_a, at(5), title="甲局总支的会")

    assert set(events(login(city.admin), organisation="own")) == {"市直机关大讲堂", "工委参加的联合主题党日"}
    # A general branch's secretary: their top organisation is the general branch, not its branches.
    assert set(events(login(city.secretary), organisation="own")) == {"甲局总支的会"}


def test_the_organisation_filter_refuses_anything_but_an_id_or_own(city, login):
    response = login(city.admin).get(EVENTS, {**JUNE, "organisation": "everything"})

    assert response.status_code == 400
    assert "筛选条件无效" in response.json()["error"]


def test_a_crowded_calendar_opens_on_the_own_organisations_activities(city, login, monkeypatch):
    from activities.views import calendar as calendar_views

    page = login(city.admin).get(reverse("activities:calendar")).content.decode()
    assert '<option value="own" selected>' not in page  # four organisations are not a crowd

    monkeypatch.setattr(calendar_views, "CROWDED", 2)
    page = login(city.admin).get(reverse("activities:calendar")).content.decode()
    assert '<option value="own" selected>本级组织的活动' in page
    assert "我能看到的全部活动" in page


def test_past_a_selects_worth_of_organisations_the_filter_lists_the_top_and_searches_the_rest(city, login,
                                                                                             monkeypatch):
    from core import lookups

    page = login(city.admin).get(reverse("activities:calendar")).content.decode()
    assert "filter-organisation_search" not in page and "乙局机关党支部" in page  # three organisations: all listed

    monkeypatch.setattr(lookups, "SEARCH_THRESHOLD", 2)  # a province: thousands at the second level
    lookups.forget_choice_counts()
    response = login(city.admin).get(reverse("activities:calendar"))
    page = response.content.decode()
    assert 'id="filter-organisation_search"' in page and "其他党组织请输入名称查找" in page
    assert "市直机关工委" in page and "乙局机关党支部" not in page and "甲局机关党总支" not in page
    assert '<option value="own" selected>' in page  # crowded: opens on the own level, as with a long list
    assert response.context["calendar_options"]["showOrganisation"] is True
    # The box asks the organisations the admin runs by name; a found one filters the calendar like a listed one.
    search = response.context["search_url"]
    found = login(city.admin).get(search, {"name": "organisation", "q": "乙局", "empty": "我能看到的全部活动"})
    assert f'<option value="{city.org_b.pk}">乙局机关党支部</option>' in found.content.decode()
    activity(city.org_b, at(6), title="乙局的主题党日")
    activity(city.org_a, at(7), title="甲局的会")
    assert set(events(login(city.admin), organisation=str(city.org_b.pk))) == {"乙局的主题党日"}


def test_an_activity_that_began_weeks_before_the_range_still_shows_while_it_lasts(city, login):
    activity(city.branch_a, at(10, month=5), hours=24 * 25, title="为期25天的集中轮训")

    assert "为期25天的集中轮训" in events(login(city.member_user))


def test_an_activity_cannot_last_longer_than_the_calendars_reach(city, login):
    from activities.models import MAX_ACTIVITY_LENGTH

    response = login(city.secretary).post(reverse("activities:activity_create"), {
        "organisation": city.branch_a.pk, "kind": ActivityKind.TRAINING, "title": "全年培训",
        "planned_start": "2025-06-01 09:00", "planned_end": "2025-08-01 09:00", "place": "党校"})

    assert response.status_code == 200
    assert f"一项活动最长 {MAX_ACTIVITY_LENGTH.days} 天" in response.content.decode()
    assert response.context["form"]["title"].value() == "全年培训"  # nothing typed is lost


def test_whoever_oversees_many_organisations_subscribes_to_their_own_level_and_their_own_activities(
        city, login, monkeypatch):
    from activities import calendar_selectors
    from activities.ical import calendar_feed_for

    today = dt.datetime.now(SHANGHAI).replace(minute=0, second=0, microsecond=0)
    activity(city.root, today + dt.timedelta(days=3), title="市直机关大讲堂")
    activity(city.branch_a, today + dt.timedelta(days=4), title="甲局一支部的支委会")
    client = login(city.admin)
    feed = calendar_feed_for(user=city.admin)

    def titles():
        body = client.get(reverse("activities:calendar_feed", args=[feed.token])).content
        return {str(event.get("summary")) for event in Calendar.from_ical(body).walk("VEVENT")}

    assert {"市直机关大讲堂", "甲局一支部的支委会"} <= titles()
    monkeypatch.setattr(calendar_selectors, "CROWDED", 2)
    from django.core.cache import cache
    cache.clear()  # the built feed is cached per version
    shown = titles()
    assert "市直机关大讲堂" in shown and "甲局一支部的支委会" not in shown
    assert "本级组织主办或参加的活动" in client.get(reverse("activities:calendar_subscribe")).content.decode()


def test_literal_scopes_and_the_others_find_the_same_events(city, login, monkeypatch):
    """A bounded scope tests the dates on the rows it reads, the others through the dates' indexes: same events."""
    from activities import access
    from branches import access as tree_access

    activity(city.branch_a, at(15), title="六月主题党日")
    activity(city.branch_a, at(31, month=5, hour=23), hours=3, title="跨月的夜间学习")
    activity(city.branch_a, at(31, month=5, hour=9), title="五月的会")
    activity(city.branch_a, at(1, month=7, hour=9), title="七月的会")
    activity(city.branch_a, at(30, hour=23), hours=2, title="跨入七月的会")
    expected = {"六月主题党日", "跨月的夜间学习", "跨入七月的会"}

    assert access.visible_activities(city.secretary)[1] and not access.visible_activities(city.admin)[1]
    literal = events(login(city.secretary), organisation=city.branch_a.pk)
    assert set(literal) == expected
    assert set(events(login(city.admin), organisation=city.branch_a.pk)) == expected

    monkeypatch.setattr(tree_access, "LITERAL_ORGANISATIONS", 0)
    monkeypatch.setattr(access, "LITERAL_ORGANISATIONS", 0)
    assert not access.visible_activities(city.secretary)[1]
    assert events(login(city.secretary), organisation=city.branch_a.pk) == literal


@pytest.mark.parametrize("root_dissolved", [False, True])
def test_the_admins_filter_starts_at_the_shallowest_active_organisation(city, root_dissolved):
    """The tree's tops give the shallowest depth (read by their indexes), the same as a MIN over every active
    organisation, also when the root is no longer active."""
    import datetime as dt

    from django.db.models import Min

    from activities.views.calendar import _filter_organisations
    from branches.models import Organisation

    if root_dissolved:
        Organisation.objects.filter(pk=city.root.pk).update(status="DISSOLVED", dissolved_on=dt.date(2025, 1, 1))
    top = Organisation.objects.filter(status="ACTIVE").aggregate(top=Min("depth"))["top"]
    expected = [(pk, "\u3000" * (depth - top) + (short or name)) for pk, name, short, depth in
                Organisation.objects.filter(status="ACTIVE", depth__lte=top + 1).order_by("path")
                .values_list("pk", "name", "short_name", "depth")]
    assert _filter_organisations(city.admin) == (expected, False)
    assert expected[0][1][0] != "\u3000"  # the first option is not indented
