"""Whole-city summaries (the register summary, the set-up checks) are counted at most every five minutes for
admins, and say when; a secretary's are counted again as soon as anything in their organisations changes
(branches.versions.counted_for)."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from branches.versions import SUMMARY_SECONDS
from members import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _this_year(response) -> dict:
    return response.context["years"][-1]


def test_a_secretarys_register_summary_shows_a_transfer_at_once(city, client):
    client.force_login(city.secretary)
    with freeze_time("2026-05-15 10:00:00+08:00"):
        url = reverse("members:register_summary")
        before = client.get(url)
        assert before.context["counted_at"] is None  # their own organisations: always current
        services.transfer_send(member=city.member, to_organisation=city.org_b, reason="调动",
                               sent_on=dt.date(2026, 5, 10), by=city.secretary)
        transfer = city.member.transfers.get()
        services.transfer_accept(transfer=transfer, by=city.other_secretary, accepted_on=dt.date(2026, 5, 12))
        after = client.get(url)
    assert _this_year(after)["out_within"] == _this_year(before)["out_within"] + 1


def test_the_admins_register_summary_is_counted_at_most_every_five_minutes_and_says_when(city, client):
    client.force_login(city.admin)
    url = reverse("members:register_summary")
    with freeze_time("2026-05-15 10:00:00+08:00") as clock:
        first = client.get(url)
        assert "全市数据统计于 10:00" in first.content.decode()
        MemberFactory.create_batch(2, organisation=city.branch_a, admitted_on=dt.date(2025, 5, 1),
                                   full_on=dt.date(2026, 5, 1))
        assert _this_year(client.get(url))["at_end"] == _this_year(first)["at_end"]
        clock.tick(SUMMARY_SECONDS + 1)
        later = client.get(url)
    assert _this_year(later)["at_end"] == _this_year(first)["at_end"] + 2
    assert "全市数据统计于 10:05" in later.content.decode()


def test_a_secretarys_setup_checks_follow_their_members_at_once(city, client):
    client.force_login(city.secretary)
    url = reverse("oversight:setup_checks")
    codes = {(p.organisation, p.code) for p in client.get(url).context["problems"]}
    assert (city.branch_a, "TOO_FEW_FULL_MEMBERS") in codes
    MemberFactory.create_batch(3, organisation=city.branch_a)
    codes = {(p.organisation, p.code) for p in client.get(url).context["problems"]}
    assert (city.branch_a, "TOO_FEW_FULL_MEMBERS") not in codes


def test_a_threshold_changed_by_an_admin_is_checked_against_at_once(city, client):
    from rules.models import Threshold, ThresholdCode

    client.force_login(city.admin)
    url = reverse("oversight:setup_checks")
    MemberFactory.create_batch(3, organisation=city.branch_a)
    codes = {(p.organisation, p.code) for p in client.get(url).context["problems"]}
    assert (city.branch_a, "TOO_FEW_FULL_MEMBERS") not in codes
    Threshold.objects.create(code=ThresholdCode.BRANCH_MIN_FULL_MEMBERS, value=10, source="测试",
                             effective_from=dt.date(2026, 1, 1))
    codes = {(p.organisation, p.code) for p in client.get(url).context["problems"]}
    assert (city.branch_a, "TOO_FEW_FULL_MEMBERS") in codes


def test_a_secretarys_category_counts_show_a_new_category_at_once(city, client):
    from members.choices import CategoryKind
    from tests.members.factories import MemberCategoryFactory

    client.force_login(city.secretary)
    url = reverse("members:category_list")

    def open_count(kind) -> int:
        return next(n for value, _, n in client.get(url).context["counts"]["categories"] if value == kind)

    before = open_count(CategoryKind.FLOWING)
    MemberCategoryFactory(member=city.member, kind=CategoryKind.FLOWING)
    assert open_count(CategoryKind.FLOWING) == before + 1
