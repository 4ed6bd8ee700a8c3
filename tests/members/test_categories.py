"""Member categories: 离退休 with a date, 流动 (where, contact, pledge), 失联 (since when, efforts), 出国（境）;
lists and counts by category, and the category a member was in on a past day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.choices import CategoryKind
from members.selectors import members_on
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_flowing_member_needs_a_place_and_only_one_open_period_of_a_kind(city):
    with pytest.raises(ValidationError):
        services.category_start(member=city.member, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 6, 1),
                                by=city.secretary)
    services.category_start(member=city.member, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 6, 1),
                            place="上海市浦东新区", contact="13900000000", pledge="每季度汇报", by=city.secretary)
    with pytest.raises(ValidationError):
        services.category_start(member=city.member, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 8, 1),
                                place="杭州", by=city.secretary)


def test_the_category_on_a_past_day_is_the_one_that_covered_it(city):
    category = services.category_start(member=city.member, kind=CategoryKind.LOST_CONTACT,
                                       starts_on=dt.date(2025, 3, 1), efforts="三次上门、两次电话均未联系上",
                                       by=city.secretary)
    services.category_update(category=category, by=city.secretary, ends_on=dt.date(2025, 9, 30),
                             efforts=category.efforts + "；9月已联系上")
    then = lambda day: dict(members_on(day).filter(pk=city.member.pk).values_list("pk", "category_then"))
    assert then(dt.date(2025, 2, 1)) == {city.member.pk: None}
    assert then(dt.date(2025, 6, 1)) == {city.member.pk: CategoryKind.LOST_CONTACT}
    assert then(dt.date(2025, 10, 1)) == {city.member.pk: None}


def test_retirement_has_a_date_and_counts_from_it(city):
    services.member_retire(member=city.member, retired_on=dt.date(2025, 7, 1), by=city.secretary)
    retired = lambda day: members_on(day).get(pk=city.member.pk).retired_then
    assert not retired(dt.date(2025, 6, 30)) and retired(dt.date(2025, 7, 1))


def test_the_category_page_counts_and_lists_each_category_in_the_secretarys_reach(city, client):
    services.category_start(member=city.member, kind=CategoryKind.ABROAD, starts_on=dt.date(2025, 6, 1),
                            place="新加坡", by=city.secretary)
    retired = MemberFactory(organisation=city.branch_a, name="老书记")
    services.member_retire(member=retired, retired_on=dt.date(2024, 1, 1), by=city.secretary)
    services.category_start(member=city.other_member, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 6, 1),
                            place="深圳", by=city.other_secretary)
    client.force_login(city.secretary)
    page = client.get(reverse("members:category_list")).content.decode()
    assert city.member.name in page and "新加坡" in page
    assert city.other_member.name not in page and "深圳" not in page
    counts = page[page.index('data-testid="category-counts"'):page.index('data-testid="category-table"')]
    assert "离退休</td><td class=\"text-end\">1" in counts and "出国（境）党员</a></td><td class=\"text-end\">1" in counts
    assert "流动党员</a></td><td class=\"text-end\">0" in counts


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_category_lists_order_is_kept_and_a_new_category_shows_at_once(city, client, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.category_start(member=city.member, kind=CategoryKind.ABROAD, starts_on=dt.date(2025, 6, 1),
                            place="新加坡", by=city.secretary)
    client.force_login(getattr(city, persona))

    def listed():
        return [(c.member.name, c.kind) for c in client.get(reverse("members:category_list")).context["page"]]

    assert listed() == [(city.member.name, CategoryKind.ABROAD)]
    with CaptureQueriesContext(connection) as again:
        listed()
    # Only the page's rows are read (by their pks), none sorted over every open category.
    assert not [q for q in again.captured_queries if 'FROM "members_membercategory"' in q["sql"]
                and "ORDER BY" in q["sql"] and '"members_membercategory"."id" IN (' not in q["sql"]]
    second = MemberFactory(organisation=city.branch_a, name="甲二")
    services.category_start(member=second, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 7, 1), place="深圳",
                            by=city.secretary)
    assert listed() == [(city.member.name, CategoryKind.ABROAD), (second.name, CategoryKind.FLOWING)]


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_category_tables_rows_are_kept_rendered_and_follow_each_change_at_once(city, client, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.html import table

    services.category_start(member=city.member, kind=CategoryKind.ABROAD, starts_on=dt.date(2025, 6, 1),
                            place="新加坡", by=city.secretary)
    client.force_login(getattr(city, persona))

    def shown() -> str:
        return table(client.get(reverse("members:category_list")).content.decode(), "category-table")

    first = shown()
    assert city.member.name in first and "新加坡" in first
    with CaptureQueriesContext(connection) as again:
        assert shown() == first
    assert not [q for q in again.captured_queries if 'FROM "members_membercategory"' in q["sql"]
                and '"members_membercategory"."id" IN (' in q["sql"]], "the page's rows are not read again"
    city.member.name = "甲党员（改名）"
    city.member.save()
    assert "甲党员（改名）" in shown()
    second = MemberFactory(organisation=city.branch_a, name="甲二")
    services.category_start(member=second, kind=CategoryKind.FLOWING, starts_on=dt.date(2025, 7, 1), place="深圳",
                            by=city.secretary)
    assert "甲二" in shown() and "深圳" in shown()
