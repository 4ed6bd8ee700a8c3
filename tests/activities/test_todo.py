"""A secretary's 待办 lists the meetings that took place but are not recorded, one click from the record form."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _past(city, days_ago, **fields):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return ActivityFactory(organisation=fields.pop("organisation", city.branch_a), planned_start=start,
                           planned_end=start + dt.timedelta(hours=2), **fields)


def test_the_home_page_lists_last_weeks_unrecorded_meeting_with_a_record_button(city, login):
    meeting = _past(city, 7, kind="GENERAL_MEETING", theme="", title="11月支部党员大会")
    _past(city, -3, title="下周的主题党日")  # not yet held: not a to-do
    _past(city, 7, organisation=city.org_b, title="乙局的会")  # another secretary's

    page = login(city.secretary).get("/").content.decode()

    assert 'data-testid="todo-meetings-to-record"' in page
    assert "11月支部党员大会" in page
    assert f'href="/activities/{meeting.pk}/record/"' in page
    assert "下周的主题党日" not in page and "乙局的会" not in page


def test_a_recorded_meeting_leaves_the_list(city, login):
    meeting = _past(city, 2)
    meeting.status, meeting.actual_start, meeting.actual_end = "HELD", meeting.planned_start, meeting.planned_end
    meeting.save()
    assert 'data-testid="todo-meetings-to-record"' not in login(city.secretary).get("/").content.decode()


def test_members_and_admins_get_no_secretary_to_do(city, login):
    _past(city, 2)
    assert 'data-testid="todo"' not in login(city.member_user).get("/").content.decode()
    assert 'data-testid="todo-meetings-to-record"' not in login(city.admin).get("/").content.decode()


def test_the_to_do_list_costs_the_same_queries_for_one_meeting_or_many(city, client, django_assert_max_num_queries):
    client.force_login(city.secretary)
    _past(city, 3)
    with django_assert_max_num_queries(70) as few:
        client.get("/")
    for days in range(4, 30):
        _past(city, days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")
