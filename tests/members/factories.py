import datetime as dt

import factory
from factory.django import DjangoModelFactory

from members.choices import Stage, TransferKind, TransferStatus
from members.models import MemberCategory, Transfer
from tests.factories import MemberFactory, OrganisationFactory


class TransferFactory(DjangoModelFactory):
    class Meta:
        model = Transfer

    kind = TransferKind.WITHIN
    status = TransferStatus.SENT
    member = factory.SubFactory(MemberFactory)
    from_organisation = factory.SelfAttribute("member.organisation")
    to_organisation = factory.SubFactory(OrganisationFactory)
    reason = "工作调动"
    sent_on = dt.date(2026, 3, 2)
    letter_year = 2026
    letter_number = factory.Sequence(lambda n: n + 1)
    valid_until = dt.date(2026, 5, 31)
    stage = Stage.FULL


class MemberCategoryFactory(DjangoModelFactory):
    class Meta:
        model = MemberCategory

    member = factory.SubFactory(MemberFactory)
    kind = "FLOWING"
    starts_on = dt.date(2025, 6, 1)
    place = "上海市浦东新区"
    contact = "13900000000"
    pledge = "每季度向支部汇报思想"
