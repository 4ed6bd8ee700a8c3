import factory
from factory.django import DjangoModelFactory

from honours.choices import Level
from honours.models import (
    Brand,
    Commendation,
    CommendationTitle,
    Nomination,
    SelectionEntry,
    StarRating,
    TopTenSelection,
)
from tests.factories import MemberFactory, OrganisationFactory


def title(name: str) -> CommendationTitle:
    """A title seeded by the migration (先进基层党组织, 优秀共产党员 …)."""
    return CommendationTitle.objects.get(name=name)


class CommendationFactory(DjangoModelFactory):
    class Meta:
        model = Commendation

    title = factory.LazyFunction(lambda: title("优秀共产党员"))
    level = Level.CITY
    year = 2024
    issuing_body = "中共市直机关工委"
    document_number = factory.Sequence(lambda n: f"市直工〔2024〕{n}号")
    member = factory.SubFactory(MemberFactory)
    organisation = None


class NominationFactory(DjangoModelFactory):
    class Meta:
        model = Nomination

    title = factory.LazyFunction(lambda: title("优秀共产党员"))
    level = Level.CITY_ORGANS
    year = 2024
    member = factory.SubFactory(MemberFactory)
    organisation = factory.LazyAttribute(lambda o: o.member.organisation)
    reasons = "工作扎实，群众公认。"


class StarRatingFactory(DjangoModelFactory):
    class Meta:
        model = StarRating

    member = factory.SubFactory(MemberFactory)
    year = 2024
    stars = 5
    reason = "模范作用突出"


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"红色先锋{n}")
    summary = "以党建引领业务"
    year = 2024


class SelectionFactory(DjangoModelFactory):
    class Meta:
        model = TopTenSelection

    year = 2024
    subject = "BRAND"


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = SelectionEntry

    selection = factory.SubFactory(SelectionFactory)
    brand = factory.SubFactory(BrandFactory)
