"""The register as it stood on a past date, from the recorded dates (for reports on past years)."""

import datetime as dt

from members.choices import MembershipStatus, Stage
from members.selectors import members_on
from tests.factories import MemberFactory

END_2024 = dt.date(2024, 12, 31)


def stages_on(day) -> dict[str, str]:
    return dict(members_on(day).values_list("name", "stage_then"))


def test_each_member_counts_at_the_stage_their_dates_give_for_that_day(db):
    MemberFactory(name="老党员")  # full since 2005
    MemberFactory(name="去年转正", admitted_on=dt.date(2024, 3, 1), full_on=dt.date(2025, 3, 1))
    MemberFactory(name="今年入党", stage=Stage.PROBATIONARY, candidate_on=dt.date(2024, 5, 1),
                  admitted_on=dt.date(2025, 6, 1), full_on=None)
    MemberFactory(name="今年申请", stage=Stage.APPLICANT, applied_on=dt.date(2025, 9, 1), activist_on=None,
                  candidate_on=None, admitted_on=None, full_on=None)
    MemberFactory(name="已转出", status=MembershipStatus.TRANSFERRED_OUT, left_on=dt.date(2025, 4, 1))
    MemberFactory(name="早已转出", status=MembershipStatus.TRANSFERRED_OUT, left_on=dt.date(2023, 4, 1))
    assert stages_on(END_2024) == {"老党员": Stage.FULL, "去年转正": Stage.PROBATIONARY, "今年入党": Stage.CANDIDATE,
                                   "已转出": Stage.FULL}


def test_a_record_without_dates_keeps_its_stage_and_a_stray_date_beyond_the_stage_is_ignored(db):
    MemberFactory(name="无日期", stage=Stage.APPLICANT, applied_on=None, activist_on=None, candidate_on=None,
                  admitted_on=None, full_on=None)
    MemberFactory(name="积极分子", stage=Stage.ACTIVIST, candidate_on=dt.date(2004, 7, 1), admitted_on=None,
                  full_on=None)
    assert stages_on(END_2024) == {"无日期": Stage.APPLICANT, "积极分子": Stage.ACTIVIST}


def test_the_fast_register_count_agrees_with_members_on_for_every_kind_of_history(city):
    """party_members_on (two joins) must give what members_on's per-member subqueries give, by organisation."""
    from branches.models import Organisation
    from members.models import MemberOrganisationPeriod
    from members.selectors import party_members_on

    moved = MemberFactory(organisation=city.org_b, admitted_on=dt.date(2019, 1, 1), full_on=dt.date(2020, 1, 1))
    MemberOrganisationPeriod.objects.create(member=moved, organisation=city.branch_a, starts_on=None,
                                            ends_on=dt.date(2024, 6, 1))
    MemberOrganisationPeriod.objects.create(member=moved, organisation=city.org_b, starts_on=dt.date(2024, 6, 1))
    arrived = MemberFactory(organisation=city.branch_a, admitted_on=dt.date(2023, 3, 1), full_on=None,
                            stage=Stage.PROBATIONARY)
    MemberOrganisationPeriod.objects.create(member=arrived, organisation=city.branch_a,
                                            starts_on=dt.date(2024, 9, 1))
    MemberFactory(organisation=city.branch_a, status=MembershipStatus.TRANSFERRED_OUT, left_on=dt.date(2024, 3, 1))
    MemberFactory(organisation=city.branch_a, stage=Stage.CANDIDATE, admitted_on=None, full_on=None)
    MemberFactory(organisation=city.org_b, admitted_on=dt.date(2024, 8, 1), full_on=None, stage=Stage.PROBATIONARY)

    for day in (dt.date(2023, 12, 31), dt.date(2024, 5, 31), dt.date(2024, 6, 1), dt.date(2024, 10, 1),
                dt.date(2025, 1, 1)):
        for organisation in (city.root, city.org_a, city.branch_a, city.org_b):
            scope = Organisation.objects.subtree_of([organisation]).values("pk")
            expected = members_on(day).filter(organisation_then__in=scope,
                                              stage_then__in=[Stage.PROBATIONARY, Stage.FULL]).count()
            assert party_members_on(day, scope=scope) == expected, (day, organisation.name)
