import datetime as dt
import random

from branches.choices import OrganisationKind, OrganisationStatus
from community.models import CampaignBranch, CoBuildingAgreement, CommunityReport, ServiceRecord
from community.selectors import community_figures
from demo.community import seed_community
from members.choices import EmploymentStatus
from tests.factories import MemberFactory, OrganisationFactory

TODAY = dt.date(2026, 11, 24)


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    affiliated = [OrganisationFactory(kind=OrganisationKind.PARTY_COMMITTEE, parent=root) for _ in range(3)]
    for organisation in affiliated:
        branch = OrganisationFactory(parent=organisation)
        MemberFactory.create_batch(10, organisation=branch, residential_community="相山区东山社区")
        MemberFactory.create_batch(2, organisation=branch, employment_status=EmploymentStatus.RETIRED)
    return affiliated


def snapshot():
    return (list(CommunityReport.objects.order_by("member_id").values_list("member_id", "community", "reported_on")),
            list(ServiceRecord.objects.order_by("report__member_id", "served_on", "hours")
                 .values_list("served_on", "hours")))


def test_every_affiliated_organisation_signs_and_serving_members_report_and_serve(db):
    affiliated = small_city()
    result = seed_community(rng=random.Random(3), today=TODAY)
    assert set(CoBuildingAgreement.objects.values_list("organisation", flat=True)) == {o.pk for o in affiliated}
    reports = CommunityReport.objects.select_related("member")
    assert 0 < result["community_reports"] == reports.filter(reported_on__year=2026).count() <= 30
    assert reports.filter(reported_on__year=2025).exists()
    assert all(r.member.employment_status == EmploymentStatus.SERVING and r.reported_on.year in (2025, 2026)
               for r in reports)
    assert not ServiceRecord.objects.filter(served_on__gt=TODAY).exists()
    link = CampaignBranch.objects.select_related("organisation").get()
    assert link.organisation.kind == OrganisationKind.TEMPORARY_BRANCH
    assert link.organisation.status == OrganisationStatus.DISSOLVED
    figures = community_figures(year=2026)
    assert figures.organisations_with_agreement == 3
    assert figures.members_reported == result["community_reports"]
    assert figures.volunteers == result["volunteers"] and figures.temporary_branches == 1
    assert figures.donations_total > 0


def test_the_same_seed_gives_the_same_rows(db):
    small_city()
    seed_community(rng=random.Random(3), today=TODAY)
    first = snapshot()
    CampaignBranch.objects.all().delete()
    from community.models import Campaign, Donation

    Donation.objects.all().delete()
    Campaign.objects.all().delete()
    CoBuildingAgreement.objects.all().delete()
    CommunityReport.objects.all().delete()
    seed_community(rng=random.Random(3), today=TODAY)
    assert snapshot() == first
