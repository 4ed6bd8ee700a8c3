"""A yearly report on a past year counts the register as it stood at that year's end."""

import datetime as dt

from members.choices import MembershipStatus, Stage
from yearly.exporters import YearlyExporter
from tests.factories import MemberFactory


def figures(year: int) -> dict:
    exporter = YearlyExporter(organisation=None, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
                              today=dt.date(2026, 11, 24))
    return exporter.figures["stages"]


def test_a_past_year_counts_who_was_there_and_at_which_stage(city):
    # The city fixture: the member and the other member, full since 2005.
    MemberFactory(organisation=city.branch_a, name="去年离开", status=MembershipStatus.TRANSFERRED_OUT,
                  left_on=dt.date(2025, 5, 1))
    MemberFactory(organisation=city.branch_a, stage=Stage.PROBATIONARY, candidate_on=dt.date(2024, 5, 1),
                  admitted_on=dt.date(2025, 6, 1), full_on=None)
    assert figures(2024) == {Stage.FULL: 3, Stage.CANDIDATE: 1}
    assert figures(2026) == {Stage.FULL: 2, Stage.PROBATIONARY: 1}, "the current year is today's register"


def test_a_past_years_report_of_an_organisation_is_unchanged_by_a_transfer_this_year(city):
    from members import services

    def org_a_stages(year):
        return YearlyExporter(organisation=city.org_a, period_start=dt.date(year, 1, 1),
                              period_end=dt.date(year, 12, 31), today=dt.date(2026, 11, 24)).figures["stages"]

    before = org_a_stages(2025)
    transfer = services.transfer_send(member=city.member, to_organisation=city.org_b, reason="工作调动",
                                      sent_on=dt.date(2026, 3, 2), by=city.secretary)
    services.transfer_accept(transfer=transfer, by=city.other_secretary, accepted_on=dt.date(2026, 3, 9))
    assert org_a_stages(2025) == before == {Stage.FULL: 1}
    assert figures(2025) == {Stage.FULL: 2}
