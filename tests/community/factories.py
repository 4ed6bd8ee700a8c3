import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from community.models import (
    Campaign,
    CoBuildingAgreement,
    CommunityReport,
    Donation,
    JointProject,
    ReporterType,
    ServiceRecord,
)
from tests.factories import MemberFactory, OrganisationFactory


def member_reporter_type() -> ReporterType:
    """在职党员到居住地社区报到, seeded by the migration."""
    return ReporterType.objects.get(code="member-residence")


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = CoBuildingAgreement

    organisation = factory.SubFactory(OrganisationFactory)
    community = factory.Sequence(lambda n: f"相山区第{n}社区")
    signed_on = dt.date(2024, 3, 1)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = JointProject

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"共建项目{n}")
    year = 2024


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = CommunityReport

    member = factory.SubFactory(MemberFactory)
    reporter_type = factory.LazyFunction(member_reporter_type)
    community = "相山区东山社区"
    reported_on = dt.date(2024, 3, 5)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    report = factory.SubFactory(ReportFactory)
    served_on = factory.LazyAttribute(lambda s: s.report.reported_on + dt.timedelta(days=10))
    hours = Decimal("2.0")
    description = "社区环境整治"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"专项任务{n}")
    kind = "FLOOD_RELIEF"
    starts_on = dt.date(2024, 7, 1)
    ends_on = dt.date(2024, 8, 31)


class DonationFactory(DjangoModelFactory):
    class Meta:
        model = Donation

    campaign = factory.SubFactory(CampaignFactory)
    member = factory.SubFactory(MemberFactory)
    amount = Decimal("100.00")
    donated_on = dt.date(2024, 7, 10)
