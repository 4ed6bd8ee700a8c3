"""Lists that may hold millions of rows count only up to a cap, so their cost stays flat."""

import datetime as dt

import pytest
from django.urls import reverse

from core import paging
from tests.factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_the_activity_list_counts_exactly_below_the_cap_and_says_more_past_it(city, login, monkeypatch):
    for _ in range(4):
        ActivityFactory(organisation=city.branch_a)
    client = login(city.admin)
    assert "共 4 项" in client.get(reverse("activities:activity_list")).content.decode()

    monkeypatch.setattr(paging.CappedPaginator, "cap", 3)
    response = client.get(reverse("activities:activity_list"))
    assert "共 3+ 项" in response.content.decode()
    assert response.context["page"].paginator.capped


def test_the_member_list_count_has_separators_and_a_cap(city, login, monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 2)
    MemberFactory.create_batch(3, organisation=city.branch_a)
    page = login(city.admin).get(reverse("members:member_list")).content.decode()
    assert "共 2+ 人" in page and "全部 2+ 人" in page


def test_the_capped_count_reads_no_more_rows_than_the_cap(city, django_assert_max_num_queries):
    for _ in range(5):
        ActivityFactory(organisation=city.branch_a)
    from activities.models import Activity

    paginator = paging.CappedPaginator(Activity.objects.order_by("pk"), 2)
    paginator.cap = 3
    with django_assert_max_num_queries(1) as captured:
        assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


def test_a_page_read_ids_first_keeps_the_order_and_brings_its_rows_whole(city, rf, django_assert_num_queries):
    from activities.models import Activity

    for day in range(1, 6):
        ActivityFactory(organisation=city.branch_a, title=f"第{day}次", planned_start=dt.datetime(
            2025, 6, day, 9, tzinfo=dt.timezone.utc), planned_end=dt.datetime(2025, 6, day, 11, tzinfo=dt.timezone.utc))
    ordered = Activity.objects.select_related("organisation").order_by("-planned_start", "pk")
    with django_assert_num_queries(3):  # the count, the page's ids, its rows
        page = paging.page_in_order(rf.get("/", {"page": 2}), ordered.values_list("pk", flat=True), ordered,
                                    per_page=2)
        titles = [(a.title, a.organisation.name) for a in page]
    assert titles == [("第3次", city.branch_a.name), ("第2次", city.branch_a.name)]
    assert page.paginator.count == 5 and page.has_next()
    # The ids kept as a list (a cached order): no count, no query for them; a row gone since is left out.
    kept = list(ordered.values_list("pk", flat=True))
    Activity.objects.filter(title="第3次").delete()
    with django_assert_num_queries(1):
        page = paging.page_in_order(rf.get("/", {"page": 2}), kept, ordered, per_page=2)
        assert [a.title for a in page] == ["第2次"] and page.paginator.count == 5


def test_the_transfer_list_counts_only_up_to_the_cap(city, login, monkeypatch):
    # A province's 75,000 transfers were counted whole on every view of the list.
    from members import services

    for _ in range(3):
        services.transfer_send(member=MemberFactory(organisation=city.branch_a), to_organisation=city.org_b,
                               reason="工作调动", sent_on=dt.date(2026, 3, 2), dues_paid_to=dt.date(2026, 2, 1),
                               by=city.secretary)
    monkeypatch.setattr(paging.CappedPaginator, "cap", 2)
    monkeypatch.setattr("members.views_transfers.PAGE_SIZE", 1)
    response = login(city.admin).get(reverse("members:transfer_list"))
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.num_pages == 2 and len(page.object_list) == 1


def test_rows_met_by_any_branch_come_once_in_the_lists_order_whatever_the_slice(city, django_assert_max_num_queries):
    from django.db import connection
    from django.db.models import Q

    from activities.models import Activity

    start = dt.datetime(2025, 6, 1, 9, tzinfo=dt.timezone.utc)
    made = []
    for i in range(12):
        at = start + dt.timedelta(days=i // 2)  # two by two at the same hour: the pk orders them
        made.append(ActivityFactory(organisation=[city.branch_a, city.org_b, city.org_a][i % 3], planned_start=at,
                                    planned_end=at + dt.timedelta(hours=2), is_open=i % 4 == 0, kind="TRAINING"))
    named = [made[0].pk, made[5].pk, made[8].pk]  # made[0] meets all three branches
    branches = [Q(is_open=True), Q(organisation_id__in=[city.branch_a.pk]), Q(pk__in=named)]
    order = ("-planned_start", "-id")
    expected = list(Activity.objects.filter(Q(is_open=True) | Q(organisation=city.branch_a) | Q(pk__in=named))
                    .order_by(*order).values_list("pk", flat=True))
    assert len(expected) == 7  # 4 of branch A, open ones 4 and 8, named 5 (0 and 8 counted once)

    rows = paging.BranchesInOrder(Activity.objects.select_related("organisation"), branches, order)
    assert len(rows) == rows.count_up_to(100) == 7 and rows.count_up_to(3) == 3
    for first in range(len(expected) + 1):
        for last in range(first, len(expected) + 2):
            assert [a.pk for a in rows[first:last]] == expected[first:last], (first, last)
    assert rows[2].pk == expected[2]

    with django_assert_max_num_queries(2) as captured:  # the keys, then the rows with their organisations
        names = [a.organisation.name for a in rows[1:4]]
    assert names == [Activity.objects.get(pk=pk).organisation.name for pk in expected[1:4]]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: each branch by its own index
        assert captured.captured_queries[0]["sql"].count("UNION") == 2

    # The base's own filters hold in every branch; a base that can hold nothing asks nothing.
    narrowed = paging.BranchesInOrder(Activity.objects.filter(organisation=city.org_b), branches, order)
    assert [a.pk for a in narrowed[0:10]] == [made[4].pk]  # of org B's four, only the open one is met
    with django_assert_max_num_queries(0):
        assert paging.BranchesInOrder(Activity.objects.none(), branches, order)[0:10] == []
