import datetime as dt
import random

from activities.choices import ActivityKind
from branches.choices import OrganisationKind
from demo.honours import seed_honours
from honours.models import Brand, Commendation, SelectionEntry, StarRating
from honours.selectors import honours_figures
from tests.factories import ActivityFactory, MemberFactory, OrganisationFactory

TODAY = dt.date(2026, 11, 24)


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    for _ in range(60):
        organisation = OrganisationFactory(parent=root)
        MemberFactory.create_batch(2, organisation=organisation)
    ActivityFactory(organisation=organisation, kind=ActivityKind.OPEN_LECTURE,
                    planned_start=dt.datetime(2025, 5, 1, 9, tzinfo=dt.timezone.utc),
                    planned_end=dt.datetime(2025, 5, 1, 11, tzinfo=dt.timezone.utc))


def snapshot():
    return (list(Commendation.objects.order_by("pk").values_list("title__name", "level", "year", "member__name")),
            list(Brand.objects.order_by("pk").values_list("name", "year")),
            list(SelectionEntry.objects.order_by("pk").values_list("rank", "brand__name")))


def test_it_seeds_the_articles_honours_and_the_figures_show_them(db):
    small_city()
    result = seed_honours(rng=random.Random(5), today=TODAY)
    figures = honours_figures()
    assert figures["commendations_total"] == 200 == result["commendations"]
    assert figures["advanced_models"] == 35
    assert all(n > 0 for n in figures["commendations_by_level"].values())
    assert set(figures["commendations_by_year"]) == {2023, 2024, 2025}
    assert figures["brands_total"] == 148 and figures["brands_by_year"] == {2023: 50, 2024: 49, 2025: 49}
    assert {year: len(names) for year, names in figures["top_ten_brands_by_year"].items()} == {
        2023: 10, 2024: 10, 2025: 10}
    assert len(figures["top_ten_lectures_by_year"][2025]) == 1
    assert StarRating.objects.filter(year=2025).count() == result["star_ratings"] > 0


def test_the_same_generator_gives_the_same_honours(db):
    small_city()
    seed_honours(rng=random.Random(5), today=TODAY)
    first = snapshot()
    for model in (SelectionEntry, Commendation, Brand):
        model.objects.all().delete()
    from honours.models import Nomination, StarCriterion, TopTenSelection

    for model in (TopTenSelection, StarRating, StarCriterion, Nomination):
        model.objects.all().delete()
    seed_honours(rng=random.Random(5), today=TODAY)
    second = snapshot()
    assert [row[:3] for row in first[0]] == [row[:3] for row in second[0]]
    assert first[1] == second[1] and [r[0] for r in first[2]] == [r[0] for r in second[2]]
