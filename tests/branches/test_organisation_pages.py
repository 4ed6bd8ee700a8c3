import datetime as dt

from django.urls import reverse

from branches.choices import OrganisationKind, Position
from tests.factories import CommitteePositionFactory, MemberFactory, PartyGroupFactory, TermFactory


def names(response):
    return [row["name"] for row in response.context["rows"]]


def test_the_admin_sees_the_whole_tree_parents_before_children(city, login):
    response = login(city.admin).get(reverse("branches:organisation_list"))
    tree = names(response)
    # Depth first: each organisation directly followed by those below it; siblings by sort order, then name.
    assert tree == ["市直机关工委", "乙局机关党支部", "甲局机关党总支", "甲局第一党支部"]
    totals = {row["name"]: row["total_count"] for row in response.context["rows"]}
    assert totals == {"市直机关工委": 2, "甲局机关党总支": 1, "甲局第一党支部": 1, "乙局机关党支部": 1}
    levels = {row["name"]: row["level"] for row in response.context["rows"]}
    assert levels == {"市直机关工委": 0, "甲局机关党总支": 1, "甲局第一党支部": 2, "乙局机关党支部": 1}


def test_the_tree_filters_by_kind_and_unit(city, login):
    client = login(city.admin)
    assert set(names(client.get(reverse("branches:organisation_list"), {"kind": OrganisationKind.BRANCH}))) == {
        "甲局第一党支部", "乙局机关党支部"}
    assert names(client.get(reverse("branches:organisation_list"), {"unit": city.org_b.unit_id})) == ["乙局机关党支部"]


def test_a_secretary_sees_only_their_organisation_and_what_is_below(city, login):
    assert names(login(city.secretary).get(reverse("branches:organisation_list"))) == ["甲局机关党总支", "甲局第一党支部"]


def test_the_organisation_page_shows_committee_counts_term_and_groups(city, login):
    secretary_seat = CommitteePositionFactory(organisation=city.branch_a, position=Position.SECRETARY)
    CommitteePositionFactory(organisation=city.branch_a, position=Position.ORGANISATION)
    MemberFactory(organisation=city.branch_a, stage="PROBATIONARY", full_on=None)
    PartyGroupFactory(organisation=city.branch_a, name="第一党小组")
    today = dt.date.today()
    TermFactory(organisation=city.branch_a, elected_on=today - dt.timedelta(days=1000),
                ends_on=today + dt.timedelta(days=60))
    response = login(city.secretary).get(reverse("branches:organisation_detail", args=[city.branch_a.pk]))
    page = response.content.decode()
    assert secretary_seat.member.name in page and "组织委员" in page
    assert dict(response.context["stage_counts"])["预备党员"] == 1
    assert dict(response.context["stage_counts"])["正式党员"] == 3  # the member and the two committee members
    assert "即将到期" in page and "第一党小组" in page


def test_a_member_sees_only_the_public_page_of_their_organisation(city, login):
    response = login(city.member_user).get(reverse("branches:organisation_detail", args=[city.branch_a.pk]))
    assert response.status_code == 200
    assert "stage_counts" not in response.context and "编辑" not in response.content.decode()


def test_member_list_searches_by_name_and_phone_and_sorts(city, login):
    MemberFactory(name="赵一", organisation=city.branch_a, phone="13700001111", birth_date=dt.date(1970, 1, 1))
    MemberFactory(name="钱二", organisation=city.branch_a, phone="13700002222", birth_date=dt.date(1990, 1, 1))
    client = login(city.secretary)
    listed = lambda **q: [m.name for m in client.get(reverse("members:member_list"), q).context["page"]]  # noqa: E731
    assert listed(q="赵一") == ["赵一"]
    assert listed(q="13700002222") == ["钱二"]
    assert listed(q="2222") == ["钱二"]
    assert listed(sort="birth_date")[:2] == ["赵一", "甲党员"]
    assert "乙党员" not in listed(), "another organisation's member never appears"
