"""The register's pages cost the same number of queries whatever the number of transfers and categories."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.factories import MemberCategoryFactory

pytestmark = pytest.mark.django_db


def grow(city, n):
    for i in range(n):
        member = MemberFactory(organisation=city.branch_a)
        target = OrganisationFactory(parent=city.root)
        transfer = services.transfer_send(member=member, to_organisation=target, reason="调动",
                                          sent_on=dt.date(2026, 3, 2), by=city.secretary)
        if i % 2:
            services.transfer_accept(transfer=transfer, by=city.admin, accepted_on=dt.date(2026, 3, 9))
        MemberCategoryFactory(member=MemberFactory(organisation=city.branch_a))


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["members:transfer_list", "members:category_list", "members:register_summary"])
def test_the_registers_pages_do_not_grow_with_the_data(city, client, name, django_assert_max_num_queries):
    client.force_login(city.secretary)
    url = reverse(name)
    grow(city, 2)
    small = queries_for(client, url)
    grow(city, 8)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_member_page_reads_only_the_register_history_a_member_has(city, django_assert_num_queries):
    """One query asks which sections exist; only those are read — and each is read whole."""
    from members.models import Leaving
    from members.selectors import member_register_history

    member = MemberFactory(organisation=city.branch_a)
    with django_assert_num_queries(1):
        assert member_register_history(member) == {"transfers": [], "periods": [], "categories": [], "leaving": None}

    target = OrganisationFactory(parent=city.root)
    transfer = services.transfer_send(member=member, to_organisation=target, reason="调动",
                                      sent_on=dt.date(2026, 3, 2), by=city.secretary)
    services.transfer_accept(transfer=transfer, by=city.admin, accepted_on=dt.date(2026, 3, 9))
    category = MemberCategoryFactory(member=member)
    leaving = Leaving.objects.create(member=member, kind="DECEASED", left_on=dt.date(2026, 5, 1), reason="病故")
    with django_assert_num_queries(5):
        history = member_register_history(member)
    assert history["transfers"] == [transfer] and history["categories"] == [category]
    assert history["leaving"] == leaving
    assert [(p.organisation, p.starts_on) for p in history["periods"]] == [
        (city.branch_a, None), (target, dt.date(2026, 3, 9))]


def _tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return " ".join(q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SELECT EXISTS"))


def test_the_member_page_asks_once_which_sections_and_panels_have_rows(city, client):
    """Positions, the development record and the honours panel's tables are asked with the register's sections
    in one query; a member with none of them costs no query on those tables, and one with all shows them."""
    from development import services as development
    from tests.factories import CommitteePositionFactory
    from tests.honours.factories import CommendationFactory, StarRatingFactory, title

    client.force_login(city.secretary)
    member = MemberFactory(organisation=city.branch_a, stage="PROBATIONARY")
    url = reverse("members:member_detail", args=[member.pk])
    sql = _tables_read(client, url)
    for table in ("honours_commendation", "honours_starrating", "branches_committeeposition",
                  "development_developmentrecord", "members_transfer", "members_membercategory"):
        assert f'FROM "{table}"' not in sql.replace("`", '"'), table

    CommendationFactory(member=member, title=title("优秀共产党员"), year=2025)
    StarRatingFactory(member=member, year=2025, stars=5)
    CommitteePositionFactory(member=member, organisation=city.branch_a)
    record = development.record_open(member=member, by=city.secretary)
    page = client.get(url).content.decode()
    assert "优秀共产党员" in page and "★★★★★" in page and "党内职务" in page
    assert reverse("development:timeline", args=[record.pk]) in page
