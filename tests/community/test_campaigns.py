import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.choices import OrganisationKind, OrganisationStatus, Position
from branches.models import CommitteePosition
from community import selectors, services
from community.models import Donation
from tests.community.factories import CampaignFactory, DonationFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_temporary_branch_is_set_up_for_a_campaign_and_dissolved_after_it(city):
    campaign = CampaignFactory(starts_on=dt.date(2024, 7, 1), ends_on=dt.date(2024, 8, 31))
    link = services.temporary_branch_create(campaign=campaign, parent=city.org_a, name="防汛临时党支部",
                                            secretary=city.member, established_on=dt.date(2024, 7, 2), by=city.admin)
    branch = link.organisation
    assert branch.kind == OrganisationKind.TEMPORARY_BRANCH and branch.parent == city.org_a
    assert branch.path.startswith(city.org_a.path)
    position = CommitteePosition.objects.get(organisation=branch)
    assert position.member == city.member and position.position == Position.SECRETARY
    city.member.refresh_from_db()
    assert city.member.organisation == city.branch_a  # the secretary keeps their own organisation
    services.temporary_branch_dissolve(link=link, dissolved_on=dt.date(2024, 9, 1))
    branch.refresh_from_db()
    position.refresh_from_db()
    assert branch.status == OrganisationStatus.DISSOLVED and branch.dissolved_on == dt.date(2024, 9, 1)
    assert position.ends_on == dt.date(2024, 9, 1)
    with pytest.raises(ValidationError):
        services.temporary_branch_dissolve(link=link, dissolved_on=dt.date(2024, 9, 2))


def test_a_secretary_sets_up_a_temporary_branch_only_below_their_organisations(city, login):
    campaign = CampaignFactory()
    data = {"name": "临时党支部", "parent": city.org_b.pk, "secretary": city.member.pk, "established_on": "2024-07-02"}
    response = login(city.secretary).post(reverse("community:temporary_branch_create", args=[campaign.pk]), data)
    assert response.status_code == 200 and not campaign.temporary_branches.exists()
    response = login(city.secretary).post(reverse("community:temporary_branch_create", args=[campaign.pk]),
                                          {**data, "parent": city.org_a.pk})
    assert response.status_code == 302 and campaign.temporary_branches.count() == 1


def test_a_donation_is_by_a_member_or_an_organisation_never_both(city):
    campaign = CampaignFactory()
    with pytest.raises(ValidationError):
        services.donation_record(campaign=campaign, by=None, amount=Decimal("10"), donated_on=dt.date(2024, 7, 2),
                                 member=city.member, organisation=city.branch_a)
    with pytest.raises(ValidationError):
        services.donation_record(campaign=campaign, by=None, amount=Decimal("10"), donated_on=dt.date(2024, 7, 2))


def test_a_secretary_records_donations_of_their_own_members_only(city, login):
    campaign = CampaignFactory()
    client = login(city.secretary)
    url = reverse("community:donation_create", args=[campaign.pk])
    response = client.post(url, {"member": city.other_member.pk, "amount": "100", "donated_on": "2024-07-02"})
    assert response.status_code == 200 and not Donation.objects.exists()
    response = client.post(url, {"member": city.member.pk, "amount": "100", "donated_on": "2024-07-02"})
    assert response.status_code == 302 and Donation.objects.get().recorded_by == city.secretary


def test_donation_totals_match_hand_counts(city):
    flood, epidemic = CampaignFactory(name="防汛"), CampaignFactory(name="抗疫")
    a2 = MemberFactory(organisation=city.branch_a)
    DonationFactory(campaign=flood, member=city.member, amount=Decimal("100.50"))
    DonationFactory(campaign=flood, member=a2, amount=Decimal("200"))
    DonationFactory(campaign=flood, member=None, organisation=city.org_b, amount=Decimal("1000"))
    DonationFactory(campaign=flood, member=city.other_member, amount=Decimal("50"))
    DonationFactory(campaign=epidemic, member=city.member, amount=Decimal("30"))
    CampaignFactory(name="无捐款")
    totals = {c.name: (c.donated, c.donation_count)
              for c in selectors.with_donation_totals(selectors.campaigns_with_totals())}
    assert totals == {"防汛": (Decimal("1350.50"), 4), "抗疫": (Decimal("30"), 1), "无捐款": (Decimal("0"), 0)}
    by_org = {row.organisation_id: (row.total, row.count)
              for row in selectors.donations_by_organisation(campaign=flood)}
    assert by_org == {city.branch_a.pk: (Decimal("300.50"), 2), city.org_b.pk: (Decimal("1050"), 2)}


def test_the_totals_are_summed_once_and_follow_every_donation(city, login, django_assert_num_queries):
    flood, epidemic = CampaignFactory(name="防汛"), CampaignFactory(name="抗疫")
    first = DonationFactory(campaign=flood, member=city.member, amount=Decimal("100"))
    DonationFactory(campaign=epidemic, member=city.member, amount=Decimal("30"))

    def totals():
        return {c.name: (c.donated, c.donation_count)
                for c in selectors.with_donation_totals(selectors.campaigns_with_totals())}

    assert totals() == {"防汛": (Decimal("100"), 1), "抗疫": (Decimal("30"), 1)}
    with django_assert_num_queries(1):  # the campaigns; their sums are kept
        assert totals()["防汛"] == (Decimal("100"), 1)
    DonationFactory(campaign=flood, member=None, organisation=city.org_b, amount=Decimal("300"))
    with django_assert_num_queries(2):  # the one campaign whose donations changed is summed again
        assert totals() == {"防汛": (Decimal("400"), 2), "抗疫": (Decimal("30"), 1)}
    first.amount = Decimal("500")
    first.save()
    assert totals()["防汛"] == (Decimal("800"), 2)
    first.delete()
    assert totals()["防汛"] == (Decimal("300"), 1)
    page = login(city.admin).get(reverse("community:campaign_detail", args=[flood.pk]))
    assert (page.context["campaign"].donated, page.context["campaign"].donation_count) == (Decimal("300"), 1)
    assert "300.00 元（1 笔）" in page.content.decode()
    listed = login(city.admin).get(reverse("community:campaign_list"))
    assert {c.name: c.donated for c in listed.context["campaigns"]} == {"防汛": Decimal("300"), "抗疫": Decimal("30")}


def test_the_ranking_is_counted_once_and_follows_every_donation(city, django_assert_num_queries):
    flood = CampaignFactory(name="防汛")
    first = DonationFactory(campaign=flood, member=city.member, amount=Decimal("100"))
    selectors.donations_by_organisation(campaign=flood)
    with django_assert_num_queries(0):  # every page of the campaign reads the same ranking
        assert [row.total for row in selectors.donations_by_organisation(campaign=flood)] == [Decimal("100")]

    DonationFactory(campaign=flood, member=None, organisation=city.org_b, amount=Decimal("300"))
    assert {row.organisation_id: row.total for row in selectors.donations_by_organisation(campaign=flood)} == {
        city.org_b.pk: Decimal("300"), city.branch_a.pk: Decimal("100")}
    first.amount = Decimal("500")
    first.save()
    assert selectors.donations_by_organisation(campaign=flood)[0].total == Decimal("500")
    first.delete()
    assert [row.organisation_id for row in selectors.donations_by_organisation(campaign=flood)] == [city.org_b.pk]


def test_the_campaign_page_shows_fifty_donating_organisations_a_page_and_who_may_dissolve_what(city, login,
                                                                                                monkeypatch):
    from tests.factories import OrganisationFactory

    campaign = CampaignFactory()
    for n in range(3):
        DonationFactory(campaign=campaign, member=None, organisation=OrganisationFactory(parent=city.root),
                        amount=Decimal(100 + n))
    mine = services.temporary_branch_create(campaign=campaign, parent=city.org_a, name="防汛临时党支部（甲）",
                                            secretary=city.member, established_on=dt.date(2024, 7, 2), by=city.admin)
    services.temporary_branch_create(campaign=campaign, parent=city.org_b, name="防汛临时党支部（乙）",
                                     secretary=city.other_member, established_on=dt.date(2024, 7, 2), by=city.admin)
    import community.views.campaigns as views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    client = login(city.secretary)
    url = reverse("community:campaign_detail", args=[campaign.pk])
    first, second = client.get(url), client.get(url, {"org_page": 2})
    assert [row.total for row in first.context["by_organisation"]] == [Decimal(102), Decimal(101)]
    assert [row.total for row in second.context["by_organisation"]] == [Decimal(100)]
    assert "org_page=2" in first.content.decode()
    assert first.context["managed_ids"] == {mine.organisation_id}  # dissolves only the branch below their own
