"""A call costs the same number of queries whatever the size of the register."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory
from tests.test_query_counts import grow


def grow_activities(city, n):
    for organisation in (city.branch_a, city.org_a):
        for _ in range(n):
            activity = ActivityFactory(organisation=organisation)
            AttendanceFactory.create_batch(2, activity=activity)
    MemberFactory.create_batch(n, organisation=city.branch_a)


CALLS = [
    ("admin", lambda c: reverse("api:organisation-list")),
    ("secretary", lambda c: reverse("api:organisation-list")),
    ("admin", lambda c: reverse("api:member-list")),  # unmasked: the action log grows by one INSERT, not per row
    ("secretary", lambda c: reverse("api:member-list") + f"?organisation={c.org_a.pk}"),
    ("admin", lambda c: reverse("api:activity-list")),
    ("secretary", lambda c: reverse("api:activity-list") + f"?organisation={c.org_a.pk}&date_from=2000-01-01"),
    ("member", lambda c: reverse("api:activity-list")),
    ("admin", lambda c: reverse("api:compliance-list")),
    ("secretary", lambda c: reverse("api:compliance-list") + "?month=1"),
    ("admin", lambda c: reverse("api:member-detail", args=[c.member.pk])),
]


def queries_for(call, persona, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call(persona, "get", url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("persona", "url_for"), CALLS)
def test_a_call_costs_the_same_queries_at_two_sizes(city, call, persona, url_for, django_assert_max_num_queries):
    url = url_for(city)
    grow(city, 2)
    grow_activities(city, 2)
    small = queries_for(call, persona, url)
    grow(city, 12)
    grow_activities(city, 12)
    with django_assert_max_num_queries(small):
        response = call(persona, "get", url)
    assert response.status_code == 200


def test_the_compliance_page_is_read_back_until_a_meeting_changes_it(city, call, monkeypatch):
    """The cells of a page of the compliance list come from the cache, as the matrix page's do; a meeting held in
    the meantime shows at the next call."""
    import datetime as dt

    from django.utils import timezone

    from activities.choices import ActivityKind, ActivityStatus

    from oversight import compliance

    url = reverse("api:compliance-list") + f"?organisation={city.branch_a.pk}&month=1"
    queries_for(call, "admin", url)
    computed = []
    matrix_for = compliance.matrix_for
    monkeypatch.setattr(compliance, "matrix_for", lambda **kwargs: computed.append(1) or matrix_for(**kwargs))
    queries_for(call, "admin", url)
    assert computed == []  # the same page again: nothing recounted

    def held():
        return call("admin", "get", url).json()["results"][0]["held"]

    before = held()
    year = timezone.localdate().year
    start = timezone.make_aware(dt.datetime(year, 1, 15, 9))
    ActivityFactory(organisation=city.branch_a, kind=ActivityKind.THEMED_DAY, status=ActivityStatus.HELD,
                    planned_start=start, actual_start=start)
    assert held() == before + 1


def test_the_compliance_list_pages_through_kept_pks_without_reading_the_index_again(city, call, monkeypatch):
    """A province's index is 2.6 MB of names and codes; the API needs only the organisations' pks, kept apart
    under the same version: a new organisation is listed at the next call."""
    from oversight import compliance
    from tests.factories import OrganisationFactory

    url = reverse("api:compliance-list")

    def listed() -> list[int]:
        return [row["organisation"] for row in call("admin", "get", url).json()["results"]]

    first = listed()
    assert city.branch_a.pk in first
    read = []
    index = compliance.cached_matrix_index
    monkeypatch.setattr(compliance, "cached_matrix_index", lambda **kwargs: read.append(1) or index(**kwargs))
    assert listed() == first and read == []
    added = OrganisationFactory(parent=city.org_b, name="乙局新党支部")
    assert added.pk in listed() and read == [1]
