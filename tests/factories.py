import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from branches.choices import OrganisationKind, Position, RoleKind
from branches.models import CommitteePosition, Organisation, PartyGroup, Role, Term, Unit
from members.choices import Gender, Stage
from members.idnumbers import make_id_number
from members.models import Member

PASSWORD = "test-password-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"市第{n}局")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.BRANCH
    name = factory.Sequence(lambda n: f"第{n}党支部")
    unit = factory.SubFactory(UnitFactory)
    established_on = dt.date(2010, 1, 1)


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    organisation = factory.SubFactory(OrganisationFactory)
    number = 1
    elected_on = dt.date(2024, 3, 1)
    starts_on = factory.SelfAttribute("elected_on")
    ends_on = factory.LazyAttribute(lambda t: t.starts_on.replace(year=t.starts_on.year + 3))


class PartyGroupFactory(DjangoModelFactory):
    class Meta:
        model = PartyGroup

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    birth_date = dt.date(1980, 5, 17)
    id_number = factory.LazyAttributeSequence(
        lambda m, n: make_id_number(region="340602", birth_date=m.birth_date, sequence=n,
                                    female=m.gender == Gender.FEMALE)
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    organisation = factory.SubFactory(OrganisationFactory)
    stage = Stage.FULL
    applied_on = dt.date(2003, 3, 1)
    activist_on = dt.date(2003, 6, 1)
    candidate_on = dt.date(2004, 7, 1)
    admitted_on = dt.date(2004, 10, 1)
    full_on = dt.date(2005, 10, 1)


class CommitteePositionFactory(DjangoModelFactory):
    class Meta:
        model = CommitteePosition

    organisation = factory.SubFactory(OrganisationFactory)
    member = factory.SubFactory(MemberFactory, organisation=factory.SelfAttribute("..organisation"))
    position = Position.SECRETARY
    starts_on = dt.date(2024, 3, 1)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.SECRETARY
    organisation = factory.SubFactory(OrganisationFactory)


class ActivityFactory(DjangoModelFactory):
    """A planned themed day of branch A-like organisation, next week by default."""

    class Meta:
        model = "activities.Activity"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "THEMED_DAY"
    theme = "OATH_RENEWAL"
    title = factory.Sequence(lambda n: f"主题党日活动{n}")
    planned_start = factory.LazyFunction(
        lambda: (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)).replace(microsecond=0))
    planned_end = factory.LazyAttribute(lambda a: a.planned_start + dt.timedelta(hours=2))
    place = "机关三楼党员活动室"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Attendance"

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory, organisation=factory.SelfAttribute("..activity.organisation"))
