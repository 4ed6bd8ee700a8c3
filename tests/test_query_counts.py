"""Pages cost the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommitteePositionFactory, MemberFactory, OrganisationFactory, PartyGroupFactory, TermFactory


def grow(city, n):
    """Add n branches under organisation A, each with members, a group, a term and a secretary."""
    for _ in range(n):
        branch = OrganisationFactory(parent=city.org_a)
        TermFactory(organisation=branch)
        group = PartyGroupFactory(organisation=branch)
        MemberFactory.create_batch(3, organisation=branch, party_group=group)
        CommitteePositionFactory(organisation=branch)
    MemberFactory.create_batch(n, organisation=city.branch_a)
    CommitteePositionFactory.create_batch(2, organisation=city.branch_a, position="ORGANISATION")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    ("admin", lambda c: reverse("branches:organisation_list")),
    ("secretary", lambda c: reverse("branches:organisation_list")),
    ("admin", lambda c: reverse("branches:organisation_detail", args=[c.org_a.pk])),
    ("secretary", lambda c: reverse("branches:organisation_detail", args=[c.branch_a.pk])),
    ("admin", lambda c: reverse("members:member_list")),
    ("secretary", lambda c: reverse("members:member_list") + "?sort=organisation&stage=FULL"),
    ("secretary", lambda c: reverse("members:member_detail", args=[c.member.pk])),
    ("admin", lambda c: reverse("home")),
    ("secretary", lambda c: reverse("home")),
]


@pytest.mark.parametrize(("persona", "url_for"), PAGES)
def test_query_count_does_not_grow_with_the_data(city, client, persona, url_for, django_assert_max_num_queries):
    client.force_login(getattr(city, persona))
    url = url_for(city)
    grow(city, 2)
    small = queries_for(client, url)
    grow(city, 12)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
