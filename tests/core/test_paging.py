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
