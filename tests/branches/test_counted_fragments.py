"""Rows rendered from a kept summary are kept rendered with it (`{% cache counted.fragment_seconds …
counted.fragment_key %}`, branches.versions.Counted): rendered once for each counting, never shown to another
scope, never after a recount."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from branches.versions import SUMMARY_SECONDS, counted_for
from development import services as development
from oversight import duties, elections
from tests.factories import OrganisationFactory
from tests.html import table

pytestmark = pytest.mark.django_db


def test_each_counting_of_an_admins_summary_names_its_own_fragment(city):
    with freeze_time("2026-03-02 09:00:00+08:00") as clock:
        first = counted_for(city.admin, "example", lambda: 1)
        assert first.fragment_seconds == SUMMARY_SECONDS
        assert counted_for(city.admin, "example", lambda: 2).fragment_key == first.fragment_key  # kept
        clock.tick(dt.timedelta(seconds=SUMMARY_SECONDS + 1))
        again = counted_for(city.admin, "example", lambda: 2)
    # The value is kept under the same key, but a fragment rendered from the first counting is not this one's.
    assert (again.value, again.key) == (2, first.key)
    assert again.fragment_key != first.fragment_key


def test_a_secretarys_fragment_is_their_own_and_follows_their_organisations(city):
    mine = counted_for(city.secretary, "example", lambda: 1)
    assert mine.fragment_key and mine.fragment_seconds == SUMMARY_SECONDS
    assert counted_for(city.other_secretary, "example", lambda: 1).fragment_key != mine.fragment_key
    assert counted_for(city.secretary, "example", lambda: 1).fragment_key == mine.fragment_key
    OrganisationFactory(parent=city.branch_a, name="甲局新党小组")  # something in the secretary's subtree
    assert counted_for(city.secretary, "example", lambda: 1).fragment_key != mine.fragment_key


def test_a_summary_counted_afresh_keeps_no_fragment(city):
    counted = counted_for(city.secretary, "example", lambda: 1, secretaries=False)
    assert (counted.fragment_key, counted.fragment_seconds) == ("", 0)


def test_each_secretary_sees_their_own_plans_and_a_new_one_at_once(city, login):
    for organisation, planned in ((city.org_a, 3), (city.org_b, 4)):
        development.plan_set(organisation=organisation, year=2026, planned=planned, by=city.admin)
    url = reverse("development:overview") + "?year=2026"
    for user, own, other in ((city.secretary, city.org_a, city.org_b), (city.other_secretary, city.org_b, city.org_a),
                             (city.secretary, city.org_a, city.org_b)):
        plans = table(login(user).get(url).content.decode(), "plans")
        assert own.display_name in plans and other.display_name not in plans
    development.plan_set(organisation=city.branch_a, year=2026, planned=2, by=city.secretary)
    assert city.branch_a.display_name in table(login(city.secretary).get(url).content.decode(), "plans")


def test_the_admins_election_lists_follow_a_recorded_re_election_at_once(city, login):
    with freeze_time("2025-01-01"):
        for organisation in (city.org_a, city.org_b):
            elections.election_record(organisation=organisation, by=city.admin, elected_on=dt.date(2020, 1, 1),
                                      starts_on=dt.date(2020, 1, 1), number=1, ends_on=dt.date(2025, 1, 1))
    client = login(city.admin)
    with freeze_time("2025-03-01 10:00:00+08:00"):
        url = reverse("oversight:election_list")
        page = client.get(url).content.decode()
        overdue = table(page, "election-overdue")
        assert city.org_a.name in overdue and city.org_b.name in overdue
        assert "2030-02-26" not in table(page, "election-all")
        elections.election_record(organisation=city.org_a, by=city.admin, elected_on=dt.date(2025, 2, 27),
                                  starts_on=dt.date(2025, 2, 27), number=2, ends_on=dt.date(2030, 2, 26))
        page = client.get(url).content.decode()
    assert city.org_a.name not in table(page, "election-overdue") and city.org_b.name in table(page, "election-overdue")
    assert "第2届" in table(page, "election-all") and "2030-02-26" in table(page, "election-all")  # every term, at once


def test_each_page_of_the_admins_duty_table_by_organisation_shows_its_own_rows(city, login, monkeypatch):
    monkeypatch.setattr("oversight.views.duties.ROWS_PER_PAGE", 1)
    duties.duty_create(by=city.admin, title="制定年度计划", deadline=dt.date(2030, 1, 1),
                       organisations=[city.org_a, city.org_b])
    client = login(city.admin)
    url = reverse("oversight:duty_list")
    first = table(client.get(url).content.decode(), "duty-by-organisation")
    second = table(client.get(url, {"org_page": 2}).content.decode(), "duty-by-organisation")
    assert city.org_a.name in first and city.org_b.name not in first
    assert city.org_b.name in second and city.org_a.name not in second
    assert table(client.get(url).content.decode(), "duty-by-organisation") == first


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_duty_lists_rows_are_kept_rendered_and_follow_a_report_at_once(city, login, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.models import DutyAssignment

    duty = duties.duty_create(by=city.admin, title="制定年度计划", deadline=dt.date(2030, 1, 1),
                              organisations=[city.org_a, city.branch_a])
    client = login(getattr(city, persona))
    url = reverse("oversight:duty_list")
    first = table(client.get(url).content.decode(), "duty-assignments")
    assert first.count("报告完成") == 2 and "查看/补充" not in first
    with CaptureQueriesContext(connection) as second:
        assert table(client.get(url).content.decode(), "duty-assignments") == first
    assert not [q for q in second.captured_queries if 'FROM "oversight_dutyassignment"' in q["sql"]
                and '"oversight_dutyassignment"."id" IN (' in q["sql"]], "the page's rows are not read again"
    duties.duty_report(assignment=DutyAssignment.objects.get(duty=duty, organisation=city.org_a),
                       by=city.secretary, report="已完成")
    after = table(client.get(url).content.decode(), "duty-assignments")
    assert after.count("报告完成") == 1 and after.count("查看/补充") == 1
