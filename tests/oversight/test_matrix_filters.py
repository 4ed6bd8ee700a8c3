"""The matrix filtered to what an admin asks: a month, a kind, only what is incomplete, a kind of organisation;
and the admin's home page one click away from last month's incomplete organisations."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from activities.choices import ActivityKind
from tests.oversight.test_compliance import activity

K = ActivityKind


@pytest.fixture
def may(city):
    """In May 2025 branch A held its themed day; organisation B held nothing."""
    with freeze_time("2025-06-10 10:00:00+08:00"):
        activity(city.branch_a, K.THEMED_DAY, dt.date(2025, 5, 15))
        yield city


def _names(response) -> list[str]:
    return [row.name for row, _ in response.context["rows"]]


def test_only_incomplete_in_a_month_lists_just_the_organisations_that_missed_a_meeting(may, login):
    response = login(may.admin).get(reverse("oversight:matrix") + "?year=2025&month=5&incomplete=1")
    assert response.status_code == 200
    assert _names(response) == ["乙局机关党支部"]
    assert "筛选结果：1 个党组织" in response.content.decode()


def test_a_kind_filter_asks_about_that_kind_only(may, login):
    client = login(may.admin)
    themed = client.get(reverse("oversight:matrix") + "?year=2025&month=5&kind=THEMED_DAY&incomplete=1")
    assert _names(themed) == ["乙局机关党支部"]
    lessons = client.get(reverse("oversight:matrix") + "?year=2025&month=5&kind=PARTY_LESSON&incomplete=1")
    assert _names(lessons) == [], "no party lesson is due in May (a quarterly requirement is counted in June)"


def test_an_organisation_kind_filter_keeps_only_that_kind(may, login):
    response = login(may.admin).get(reverse("oversight:matrix") + "?year=2025&org_kind=GENERAL_BRANCH")
    assert _names(response) == [], "general branches have no meetings of their own in this city"
    response = login(may.admin).get(reverse("oversight:matrix") + "?year=2025&org_kind=BRANCH")
    assert set(_names(response)) == {"甲局第一党支部", "乙局机关党支部"}


def test_nonsense_filters_are_ignored_not_an_error(may, login):
    response = login(may.admin).get(reverse("oversight:matrix") + "?year=2025&month=13&kind=NOPE&org_kind=X")
    assert response.status_code == 200
    assert response.context["filters"].active is False


def test_a_secretary_filters_only_their_own_organisations(may, login):
    response = login(may.secretary).get(reverse("oversight:matrix") + "?year=2025&month=5&incomplete=1")
    assert "乙局机关党支部" not in _names(response)


def test_the_admin_home_page_links_to_last_months_incomplete_organisations(may, login):
    with freeze_time("2025-06-10 10:00:00+08:00"):
        home = login(may.admin).get("/").content.decode()
    assert 'data-testid="last-month-incomplete"' in home
    assert "2025年5月：<strong>1</strong> 个党组织未完成" in home
    link = "/oversight/matrix/?year=2025&amp;month=5&amp;incomplete=1"
    assert link in home
