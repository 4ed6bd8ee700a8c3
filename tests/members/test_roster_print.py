"""The printed roster: every row of the filter, not one page of 30; refused politely when it would be huge."""

import pytest

from members import views
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_printout_lists_every_member_of_the_filter_not_one_page(city, login, settings):
    settings.MEMBER_LIST_PAGE_SIZE = 5
    MemberFactory.create_batch(12, organisation=city.branch_a)

    listing = login(city.secretary).get("/members/")
    printout = login(city.secretary).get("/members/print/").content.decode()

    assert len(listing.context["page"].object_list) == 5, "the list shows one page"
    assert printout.count("<tr><td class=\"text-end\">") == 13  # 12 + the member of the city fixture
    assert "共 13 人" in printout
    assert "乙党员" not in printout  # organisation B's member is not this secretary's


def test_a_huge_printout_asks_to_choose_an_organisation(city, login, monkeypatch):
    monkeypatch.setattr(views, "ROSTER_PRINT_LIMIT", 3)
    MemberFactory.create_batch(4, organisation=city.branch_a)

    page = login(city.secretary).get("/members/print/").content.decode()

    assert "请先在名册中选择一个党组织" in page
    assert "超过 3 人" in page and "共 3 人" not in page
    assert 'data-testid="roster-print"' not in page


def test_a_huge_printout_builds_no_member(city, login, monkeypatch):
    """Past the limit the page only says so: no member of the thousands is read into Python."""
    from members.models import Member

    monkeypatch.setattr(views, "ROSTER_PRINT_LIMIT", 3)
    MemberFactory.create_batch(4, organisation=city.branch_a)
    built = []
    original = Member.from_db.__func__
    monkeypatch.setattr(Member, "from_db", classmethod(lambda cls, *a: built.append(1) or original(cls, *a)))

    client = login(city.secretary)
    client.get("/members/")  # the session's own member and roles are read and cached first
    built.clear()
    assert "请先在名册中选择一个党组织" in client.get("/members/print/").content.decode()
    assert built == []


def test_at_the_limit_every_row_is_printed(city, login, monkeypatch):
    monkeypatch.setattr(views, "ROSTER_PRINT_LIMIT", 4)
    MemberFactory.create_batch(3, organisation=city.branch_a)  # with the fixture's member: 4

    page = login(city.secretary).get("/members/print/").content.decode()

    assert "共 4 人" in page and page.count('<tr><td class="text-end">') == 4
