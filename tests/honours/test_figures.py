import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.choices import ActivityKind
from honours import services
from honours.choices import Level, SelectionSubject
from honours.selectors import honours_figures
from tests.factories import ActivityFactory, MemberFactory, OrganisationFactory
from tests.honours.factories import (
    BrandFactory,
    CommendationFactory,
    EntryFactory,
    NominationFactory,
    SelectionFactory,
    title,
)

pytestmark = pytest.mark.django_db


def _build(city):
    """By hand: 2023 — one national 优秀共产党员 (A's member), one city 先进典型 (B's member);
    2024 — one provincial 先进典型 (A's member), two 市直机关 先进基层党组织 (A's branch, B).
    Brands: A has two (2023, 2024), B one (2024); the 2024 brand top ten ranks B's then A's 2024 brand.
    One open lecture of A in the 2024 lecture top ten."""
    CommendationFactory(member=city.member, level=Level.NATIONAL, year=2023)
    CommendationFactory(member=city.other_member, level=Level.CITY, year=2023, title=title("先进典型"))
    CommendationFactory(member=city.member, level=Level.PROVINCE, year=2024, title=title("先进典型"))
    for organisation in (city.branch_a, city.org_b):
        CommendationFactory(member=None, organisation=organisation, level=Level.CITY_ORGANS, year=2024,
                            title=title("先进基层党组织"))
    BrandFactory(organisation=city.branch_a, year=2023, name="甲旧品牌")
    a_2024 = BrandFactory(organisation=city.branch_a, year=2024, name="甲新品牌")
    b_2024 = BrandFactory(organisation=city.org_b, year=2024, name="乙品牌")
    selection = SelectionFactory(year=2024)
    entries = [EntryFactory(selection=selection, brand=b_2024), EntryFactory(selection=selection, brand=a_2024)]
    services.selection_decide_by_marks(selection=selection, entries=entries)
    lectures = SelectionFactory(year=2024, subject=SelectionSubject.OPEN_LECTURE)
    lecture = ActivityFactory(organisation=city.branch_a, kind=ActivityKind.OPEN_LECTURE, title="新时代开放党课")
    services.entry_add(selection=lectures, activity=lecture)
    services.selection_decide_by_marks(selection=lectures, entries=list(lectures.entries.all()))


def test_the_city_figures_match_the_hand_count(city):
    _build(city)
    figures = honours_figures()
    assert figures["commendations_total"] == 5
    assert figures["commendations_by_level"] == {"全国": 1, "省": 1, "市": 1, "市直机关": 2}
    assert figures["commendations_by_year"] == {2023: 2, 2024: 3}
    assert figures["commendations_by_level_and_year"][(2024, "市直机关")] == 2
    assert figures["commendations_by_title"] == {"优秀共产党员": 1, "先进典型": 2, "先进基层党组织": 2}
    assert figures["advanced_models"] == 2
    assert figures["brands_total"] == 3 and figures["brands_by_year"] == {2023: 1, 2024: 2}
    assert figures["top_ten_brands_by_year"] == {2024: ["乙品牌", "甲新品牌"]}
    assert figures["top_ten_lectures_by_year"] == {2024: ["新时代开放党课"]}


def test_the_figures_of_a_year_and_of_organisation_a_match_the_hand_count(city):
    _build(city)
    a = city.org_a.__class__.objects.subtree_of([city.org_a])
    figures = honours_figures(year=2024, organisations=a)
    assert figures["commendations_total"] == 2  # the provincial 先进典型 and A's branch
    assert figures["advanced_models"] == 1
    assert figures["brands_total"] == 1
    assert figures["top_ten_brands_by_year"] == {2024: ["甲新品牌"]}
    assert figures["top_ten_lectures_by_year"] == {2024: ["新时代开放党课"]}
    assert honours_figures(year=2022)["commendations_total"] == 0


def _grow(city, n: int, *, start: int = 0):
    for i in range(start, start + n):
        organisation = OrganisationFactory(parent=city.org_a)
        member = MemberFactory(organisation=organisation)
        CommendationFactory(member=member, year=2020 + i % 5, level=Level.values[i % 4])
        NominationFactory(member=member)
        CommendationFactory(member=None, organisation=organisation, title=title("红旗党支部"))
        brand = BrandFactory(organisation=organisation, year=2022 + i % 3)
        EntryFactory(selection=SelectionFactory(year=2000 + i, status="DECIDED"), brand=brand, rank=1)


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context)


@pytest.mark.parametrize("view", ["commendation_list", "brand_gallery", "nomination_list"])
def test_the_lists_take_the_same_number_of_queries_at_two_sizes(city, client, view, monkeypatch):
    from honours.views import brands

    monkeypatch.setattr(brands, "BRAND_GALLERY_SECONDS", 0)  # the gallery rendered every time, not kept
    client.force_login(city.admin)
    _grow(city, 2)
    client.get(reverse(f"honours:{view}"))  # warm: the shell's roles and own member are cached after one page
    small = _queries(lambda: client.get(reverse(f"honours:{view}")))
    _grow(city, 12, start=2)
    client.get(reverse(f"honours:{view}"))  # new organisations: the shell's entry is made again once
    assert _queries(lambda: client.get(reverse(f"honours:{view}"))) == small


def test_the_figures_take_the_same_number_of_queries_at_two_sizes(city):
    _grow(city, 2)
    small = _queries(honours_figures)
    _grow(city, 12, start=2)
    assert _queries(honours_figures) == small
    scoped = city.org_a.__class__.objects.subtree_of([city.org_a])
    assert _queries(lambda: honours_figures(year=2022, organisations=scoped)) == small
