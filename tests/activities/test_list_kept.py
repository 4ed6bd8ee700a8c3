"""The activity list of a member or secretary keeps its order per user under the version their ways in were worked
out under (activities.selectors.activity_list, core.paging.BranchesInOrder): a second view reads only the page's
rows, and every change that adds, removes or reorders an activity shows in the very next view."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.access import activities_visible_to
from tests.factories import ActivityFactory, AttendanceFactory

pytestmark = pytest.mark.django_db

URL = reverse("activities:activity_list")
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)


def _listed(client, **params) -> tuple[list[int], str]:
    """The activities in the list's table, in its order, and the SQL of the view."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="activity-table"')[1].split("</table>")[0]
    return [int(pk) for pk in re.findall(r'href="/activities/(\d+)/"', table)], "\n".join(
        q["sql"] for q in queries.captured_queries)


def _at(days: int) -> dict:
    return {"planned_start": AT + dt.timedelta(days=days), "planned_end": AT + dt.timedelta(days=days, hours=2)}


@pytest.mark.parametrize("user", ["member_user", "secretary"])
def test_every_change_to_the_list_shows_in_the_next_view(city, login, user):
    user = getattr(city, user)
    own = ActivityFactory(organisation=city.branch_a, **_at(0))
    client = login(user)
    listed, sql = _listed(client)
    assert listed == [own.pk] and "DESC" in sql
    listed, sql = _listed(client)
    assert listed == [own.pk] and "DESC" not in sql  # kept: the page's rows read by pk

    later = ActivityFactory(organisation=city.branch_a, **_at(5))
    assert _listed(client)[0] == [later.pk, own.pk]
    own.planned_start, own.planned_end = _at(9).values()
    own.save()
    assert _listed(client)[0] == [own.pk, later.pk]

    elsewhere = ActivityFactory(organisation=city.org_b, **_at(1))
    AttendanceFactory(activity=elsewhere, member=city.member)  # opens it to the member, not to the secretary
    expected = [own.pk, later.pk, elsewhere.pk] if user == city.member_user else [own.pk, later.pk]
    assert _listed(client)[0] == expected
    if user == city.member_user:
        assert expected == list(activities_visible_to(user).order_by("-planned_start", "-id")
                                .values_list("pk", flat=True))

    later.status, later.cancel_reason = "CANCELLED", "改期"
    later.save()
    assert _listed(client, status="CANCELLED")[0] == [later.pk]
    later.delete()
    assert later.pk not in _listed(client)[0] and _listed(client, status="CANCELLED")[0] == []


def test_a_secretarys_own_list_follows_a_joint_activity_at_once(city, login):
    hosted_elsewhere = ActivityFactory(organisation=city.org_b, **_at(3))
    client = login(city.secretary)
    assert _listed(client)[0] == []
    hosted_elsewhere.joint_organisations.add(city.branch_a)
    assert _listed(client)[0] == [hosted_elsewhere.pk]
    hosted_elsewhere.joint_organisations.remove(city.branch_a)
    assert _listed(client)[0] == []


def test_an_admins_count_is_kept_until_an_activity_changes_anywhere(city, login):
    """An admin's list spans the province: its capped count is kept, not counted on every view, and every
    activity added or removed anywhere shows in the count of the very next view (filters counted each apart)."""
    ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", **_at(0))
    client = login(city.admin)

    def count(**params) -> tuple[int, bool]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        counted = any(q["sql"].startswith("SELECT COUNT(*)") and '"activities_activity"' in q["sql"]
                      for q in queries.captured_queries)
        return response.context["page"].paginator.count, counted

    assert count() == (1, True)
    assert count() == (1, False)  # kept
    assert count(kind="GENERAL_MEETING") == (1, True)
    assert count(kind="PARTY_LESSON") == (0, True)

    elsewhere = ActivityFactory(organisation=city.org_b, kind="PARTY_LESSON", **_at(3))
    assert count() == (2, True)
    assert count(kind="PARTY_LESSON") == (1, True)
    assert count(kind="GENERAL_MEETING")[0] == 1
    elsewhere.delete()
    assert count() == (1, True)
