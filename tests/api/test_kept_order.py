"""A member's or secretary's activities through the API: the visible set's order and count are kept per user under
the version their ways in were worked out under (api.selectors.activities_for, core.paging.BranchesInOrder): a
second call reads only the page's rows, and every change that adds, removes or reorders an activity shows in the
very next call."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from core import paging
from tests.factories import ActivityFactory, AttendanceFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:activity-list")


def _listed(client, **params) -> tuple[list[int], int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    body = response.json()
    return [row["id"] for row in body["results"]], body["count"], "\n".join(q["sql"] for q in queries)


def _visible(user) -> list[int]:
    from activities.access import activities_visible_to

    return list(activities_visible_to(user).order_by("-planned_start", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("user", ["member_user", "secretary"])
def test_a_second_call_reads_only_the_pages_rows(city, login, user):
    user = getattr(city, user)
    for organisation in (city.branch_a, city.org_a, city.org_b):
        ActivityFactory(organisation=organisation)
    ActivityFactory(organisation=city.org_b, is_open=True)
    client = login(user)
    first, count, sql = _listed(client)
    # the member: their branch's and the open one; the secretary: also the general branch's own
    assert first == _visible(user) and count == len(first) == (2 if user == city.member_user else 3)
    # the first call orders the set (and, a set this short kept whole, needs no count) …
    assert "DESC" in sql and "COUNT(*)" not in sql
    again, count_again, sql = _listed(client)
    assert (again, count_again) == (first, count)
    assert "DESC" not in sql  # … the second reads the page's rows by pk


@pytest.mark.parametrize("user", ["member_user", "secretary"])
def test_every_change_to_the_set_or_its_order_shows_in_the_next_call(city, login, user):
    user = getattr(city, user)
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    own = ActivityFactory(organisation=city.branch_a, planned_start=at, planned_end=at + dt.timedelta(hours=2))
    client = login(user)
    assert _listed(client)[:2] == ([own.pk], 1)

    later = ActivityFactory(organisation=city.branch_a, planned_start=at + dt.timedelta(days=5),
                            planned_end=at + dt.timedelta(days=5, hours=2))  # a new one, first in the order
    assert _listed(client)[:2] == ([later.pk, own.pk], 2)

    own.planned_start, own.planned_end = at + dt.timedelta(days=9), at + dt.timedelta(days=9, hours=2)
    own.save()  # moved: now the newest
    assert _listed(client)[:2] == ([own.pk, later.pk], 2)

    elsewhere = ActivityFactory(organisation=city.org_b, planned_start=at, planned_end=at + dt.timedelta(hours=1))
    assert _listed(client)[0] == [own.pk, later.pk]
    Activity.objects.filter(pk=elsewhere.pk).first().save()  # an unrelated change moves the version on …
    AttendanceFactory(activity=elsewhere, member=city.member)  # … and being expected there opens it to the member
    expected = [own.pk, later.pk, elsewhere.pk] if user == city.member_user else [own.pk, later.pk]
    assert _listed(client)[:2] == (expected, len(expected)) and expected == _visible(user)

    later.status, later.cancel_reason = "CANCELLED", "改期"
    later.save()  # a filter on the status follows the row's change
    assert _listed(client, status="CANCELLED")[:2] == ([later.pk], 1)
    later.delete()
    assert later.pk not in _listed(client)[0]
    assert _listed(client, status="CANCELLED")[:2] == ([], 0)


def test_pages_past_the_kept_head_are_read_from_the_branches_and_the_count_is_kept(city, login, monkeypatch):
    monkeypatch.setattr(paging.BranchesInOrder, "KEPT_HEAD", 3)
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    for i in range(7):
        at = start + dt.timedelta(days=i)
        ActivityFactory(organisation=city.branch_a, planned_start=at, planned_end=at + dt.timedelta(hours=1))
    client = login(city.member_user)
    visible = _visible(city.member_user)
    assert len(visible) == 7
    for page_size in (2, 3, 4):
        pages, page = [], 1
        while True:
            response = client.get(URL, {"page": page, "page_size": page_size})
            assert response.status_code == 200
            body = response.json()
            assert body["count"] == 7
            pages += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
            page += 1
        assert pages == visible, page_size
