"""demo/register.py: three years of transfers, leavings, categories and past committees, deterministic."""

import datetime as dt
import random

from django.db import transaction

from branches.choices import OrganisationKind
from branches.models import CommitteePosition
from demo.register import seed_register
from members.choices import MembershipStatus, TransferKind, TransferStatus
from members.models import Leaving, Member, MemberCategory, MemberOrganisationPeriod, Transfer
from members.selectors import members_on, register_year
from tests.factories import CommitteePositionFactory, MemberFactory, OrganisationFactory, TermFactory

TODAY = dt.date(2026, 11, 24)


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    for _ in range(12):
        branch = OrganisationFactory(parent=root)
        MemberFactory.create_batch(12, organisation=branch)
        old = TermFactory(organisation=branch, elected_on=dt.date(2020, 5, 1), ends_on=dt.date(2023, 5, 1))
        new = TermFactory(organisation=branch, number=2, elected_on=dt.date(2023, 5, 1))
        CommitteePositionFactory(organisation=branch, term=new, starts_on=new.starts_on)
    return root, old


def snapshot():
    return list(Transfer.objects.order_by("pk").values_list("kind", "status", "member__name", "sent_on",
                                                            "letter_number"))


def test_it_seeds_three_years_of_register_movement_that_the_figures_show(db):
    root, old = small_city()
    result = seed_register(rng=random.Random(3), today=TODAY, years=3)
    assert result["转接"] == Transfer.objects.count() > 12
    kinds = set(Transfer.objects.values_list("kind", flat=True))
    assert kinds == {TransferKind.WITHIN, TransferKind.OUT, TransferKind.IN}
    assert {d.year for d in Transfer.objects.values_list("sent_on", flat=True)} >= {2024, 2025, 2026}
    assert Transfer.objects.filter(status=TransferStatus.SENT).exists()
    # Every accepted move left its trace: the member sits where the letter took them.
    for transfer in Transfer.objects.filter(kind=TransferKind.WITHIN, status=TransferStatus.ACCEPTED):
        assert transfer.member.organisation_id == transfer.to_organisation_id
        assert MemberOrganisationPeriod.objects.filter(member=transfer.member, starts_on=transfer.accepted_on,
                                                       organisation=transfer.to_organisation).exists()
    assert Leaving.objects.exists()
    assert not Member.objects.filter(pk__in=Leaving.objects.values("member"), status=MembershipStatus.ACTIVE).exists()
    assert MemberCategory.objects.exists()
    # The past term got its committee.
    assert CommitteePosition.objects.filter(term=old, ends_on__isnull=False).exists()
    figures = [register_year(organisations=[root], year=year) for year in (2024, 2025, 2026)]
    assert sum(f["out_outside"] + f["in_outside"] for f in figures) > 0
    assert members_on(dt.date(2024, 1, 1)).count() > 0


def test_the_same_generator_gives_the_same_register(db):
    small_city()
    with transaction.atomic():
        before = transaction.savepoint()
        seed_register(rng=random.Random(3), today=TODAY, years=3)
        first = snapshot()
        transaction.savepoint_rollback(before)
    assert not Transfer.objects.exists()
    seed_register(rng=random.Random(3), today=TODAY, years=3)
    assert snapshot() == first and len(first) > 0
