import datetime as dt

from django.urls import reverse

from branches.choices import OrganisationKind, Position
from tests.factories import CommitteePositionFactory, MemberFactory, PartyGroupFactory, TermFactory


def names(response):
    return [row["name"] for row in response.context["rows"]]


TREE = reverse("branches:organisation_list")


def test_the_admin_sees_the_root_and_the_level_below_it_collapsed(city, login):
    response = login(city.admin).get(TREE)
    # The root opened; below it, siblings by sort order, then name; deeper levels closed until opened.
    assert names(response) == ["市直机关工委", "乙局机关党支部", "甲局机关党总支"]
    rows = {row["name"]: row for row in response.context["rows"]}
    assert {name: row["total_count"] for name, row in rows.items()} == {
        "市直机关工委": 2, "甲局机关党总支": 1, "乙局机关党支部": 1}
    assert {name: row["level"] for name, row in rows.items()} == {"市直机关工委": 0, "甲局机关党总支": 1, "乙局机关党支部": 1}
    assert rows["甲局机关党总支"]["has_children"] and not rows["乙局机关党支部"]["has_children"]
    page = response.content.decode()
    assert f'data-children-url="{TREE}?parent={city.org_a.pk}&amp;level=2"' in page
    assert "甲局第一党支部" not in page


def test_an_organisation_under_a_dissolved_one_is_a_top_of_the_admins_tree(city, login):
    from branches.choices import OrganisationStatus
    from branches.models import Organisation

    dissolved = Organisation.objects.create(kind=OrganisationKind.GENERAL_BRANCH, name="已撤销的党总支",
                                            parent=city.root, status=OrganisationStatus.DISSOLVED,
                                            dissolved_on=dt.date(2025, 1, 1))
    Organisation.objects.create(kind=OrganisationKind.BRANCH, name="留下的党支部", parent=dissolved)
    # Two tops now: both listed as the first level, nothing opened.
    assert names(login(city.admin).get(TREE)) == ["市直机关工委", "留下的党支部"]
    dissolved.status, dissolved.dissolved_on = OrganisationStatus.ACTIVE, None
    dissolved.save()
    assert names(login(city.admin).get(TREE)) == ["市直机关工委", "乙局机关党支部", "已撤销的党总支", "甲局机关党总支"]


def test_opening_an_organisation_in_place_returns_its_rows_only(city, login):
    response = login(city.admin).get(TREE, {"parent": city.org_a.pk, "level": 2}, HTTP_HX_REQUEST="true")

    assert [row["name"] for row in response.context["rows"]] == ["甲局第一党支部"]
    assert response.context["rows"][0]["level"] == 2
    html = response.content.decode()
    assert "<html" not in html and f'data-ancestors="{city.root.pk} {city.org_a.pk}"' in html


def test_a_long_level_is_paged_and_an_opened_one_links_to_the_rest(city, login, monkeypatch):
    from branches import views
    from tests.factories import OrganisationFactory

    for n in range(3):
        OrganisationFactory(name=f"甲局第{n + 2}党支部", parent=city.org_a, unit=city.org_a.unit)
    monkeypatch.setattr(views, "TREE_ROWS_PER_PAGE", 2)
    client = login(city.admin)

    opened = client.get(TREE, {"parent": city.org_a.pk, "level": 2}, HTTP_HX_REQUEST="true")
    assert len(opened.context["rows"]) == 2 and opened.context["more"] == 2
    assert "还有 2 个下级组织，查看全部" in opened.content.decode()

    second = client.get(TREE, {"parent": city.org_a.pk, "page": 2})
    assert names(second)[0] == "甲局机关党总支"  # the organisation itself heads each page
    assert len(names(second)) == 3 and second.context["total"] == 4
    assert [crumb.pk for crumb in second.context["breadcrumbs"]] == [city.root.pk]


def test_the_search_finds_organisations_at_any_depth(city, login):
    client = login(city.admin)
    assert names(client.get(TREE, {"q": "第一"})) == ["甲局第一党支部"]
    assert set(names(client.get(TREE, {"kind": OrganisationKind.BRANCH}))) == {"甲局第一党支部", "乙局机关党支部"}
    assert names(client.get(TREE, {"unit": city.org_b.unit_id})) == ["乙局机关党支部"]


def test_a_secretary_sees_only_their_organisation_and_what_is_below(city, login):
    client = login(city.secretary)
    assert names(client.get(TREE)) == ["甲局机关党总支", "甲局第一党支部"]
    assert client.get(TREE, {"parent": city.org_b.pk}).status_code == 404
    assert client.get(TREE, {"parent": city.root.pk}).status_code == 404
    assert names(client.get(TREE, {"q": "局"})) == ["甲局机关党总支", "甲局第一党支部"]


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


def test_the_member_totals_below_an_organisation_are_kept_until_a_member_below_it_changes(city, login, monkeypatch):
    from branches import selectors
    from members.choices import Stage

    client = login(city.admin)

    def totals():
        return {row["name"]: row["total_count"] for row in client.get(TREE).context["rows"]}

    assert totals()["市直机关工委"] == 2
    MemberFactory(organisation=city.branch_a)  # below the root and 甲局机关党总支
    assert totals() == {"市直机关工委": 3, "甲局机关党总支": 2, "乙局机关党支部": 1}
    city.member.stage = Stage.ACTIVIST
    city.member.save()
    assert totals() == {"市直机关工委": 2, "甲局机关党总支": 1, "乙局机关党支部": 1}
    # Nothing changed since: every total comes from the cache, no subtree's members are counted.
    kept = selectors.per_subtree

    def without_counting(name, pks, count):
        return kept(name, pks, lambda missing: (_ for _ in ()).throw(AssertionError("counted again")))

    monkeypatch.setattr(selectors, "per_subtree", without_counting)
    assert totals()["市直机关工委"] == 2


def test_the_organisation_page_is_kept_until_anything_it_shows_changes(city, login, django_assert_max_num_queries):
    from branches.models import Organisation
    from members.choices import Stage

    client = login(city.secretary)
    url = reverse("branches:organisation_detail", args=[city.org_a.pk])

    def shown():
        page = client.get(url)
        return page.context, page.content.decode()

    context, _ = shown()
    with django_assert_max_num_queries(4):  # kept: the organisation and its honours panel only
        shown()
    today = dt.date.today()
    # Each change below is to a row of another kind the page shows; each is seen on the next view.
    group = PartyGroupFactory(organisation=city.org_a, name="机关第二党小组")
    assert "机关第二党小组" in shown()[1]
    group.name = "机关第三党小组"
    group.save()
    assert "机关第三党小组" in shown()[1]
    TermFactory(organisation=city.org_a, number=7, elected_on=today - dt.timedelta(days=900),
                ends_on=today + dt.timedelta(days=30))
    context, page = shown()
    assert "第7届" in page and "即将到期" in page
    seat = CommitteePositionFactory(organisation=city.org_a, position=Position.SECRETARY)
    assert shown()[0]["secretary"].member.name == seat.member.name
    MemberFactory(organisation=city.org_a, stage=Stage.PROBATIONARY, full_on=None)
    assert dict(shown()[0]["stage_counts"])["预备党员"] == 1
    before = shown()[0]["subtree_member_total"]
    MemberFactory(organisation=city.branch_a)  # below: the total with the organisations below moves
    assert shown()[0]["subtree_member_total"] == before + 1
    Organisation.objects.create(kind=city.branch_a.kind, name="甲局第二党支部", parent=city.org_a)
    assert "甲局第二党支部" in shown()[1]


def test_the_tree_rows_are_kept_until_anything_they_show_changes(city, login, django_assert_max_num_queries):
    from branches.models import Organisation

    client = login(city.admin)

    def page():
        html = client.get(TREE).content.decode()
        return html[html.index('data-testid="organisation-tree"'):]

    first = page()
    assert "乙局机关党支部" in first
    with django_assert_max_num_queries(6):  # kept: the page's count and ids, the form's units, the tops
        assert page() == first
    city.org_b.name = "乙局机关第一党支部"
    city.org_b.save()
    assert "乙局机关第一党支部" in page()
    city.org_a.unit.name = "甲局（更名）"
    city.org_a.unit.save()
    assert "甲局（更名）" in page()
    Organisation.objects.create(kind=city.org_b.kind, name="丙局机关党支部", parent=city.root)
    assert "丙局机关党支部" in page()
    MemberFactory.create_batch(2, organisation=city.org_b)
    rows = {row["name"]: row for row in client.get(TREE).context["rows"]}
    assert rows["乙局机关第一党支部"]["member_count"] == 3 and 'class="text-end">3</td>' in page()


def test_the_tree_rows_kept_for_a_secretary_follow_a_role_given_to_them(city, login):
    """A secretary of branch A who is a member of organisation A sees organisation A (their own) with branch A
    below it; made secretary of organisation A too, they see its other branches at once."""
    from tests.factories import OrganisationFactory, RoleFactory, UserFactory

    OrganisationFactory(name="甲局第二党支部", parent=city.org_a, unit=city.org_a.unit)
    user = UserFactory(username="secretary-a1")
    RoleFactory(user=user, organisation=city.branch_a)
    MemberFactory(organisation=city.org_a, user=user)
    client = login(user)
    assert names(client.get(TREE)) == ["甲局机关党总支", "甲局第一党支部"]
    RoleFactory(user=user, organisation=city.org_a)
    assert names(client.get(TREE)) == ["甲局机关党总支", "甲局第一党支部", "甲局第二党支部"]
