"""The home page: the working committee's dashboard, a secretary's (their organisations, what is due this
month, quick links), a member's next activities; the numbers beside the charts; constant query counts."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus
from branches.choices import OrganisationKind
from members.choices import Stage
from oversight import dashboard
from oversight import duties as duty_services
from oversight.choices import ReviewStatus
from oversight.models import StandardisationReview
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommitteePositionFactory,
    MemberFactory,
    OrganisationFactory,
    PartyGroupFactory,
    TermFactory,
)

NOW = "2025-05-15 10:00:00+08:00"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def held(organisation, kind, when, **fields):
    return ActivityFactory(organisation=organisation, kind=kind, planned_start=when,
                           planned_end=when + dt.timedelta(hours=2), status=ActivityStatus.HELD, actual_start=when,
                           **fields)


def planned(organisation, kind, when, **fields):
    return ActivityFactory(organisation=organisation, kind=kind, planned_start=when,
                           planned_end=when + dt.timedelta(hours=2), **fields)


@pytest.fixture
def town(city):
    """Mid-May 2025 in a small city (branch A under organisation A; organisation B apart):
    - members: branch A has a full member and an activist; B a full member and a probationary one;
    - activities: branch A held a party lesson on 10 May, plans a themed day on 25 May, cancelled one on
      12 May; B planned one in March — so in May branch A and B have held no themed day (both red);
    - reviews 2025: branch A accepted, B still a draft;
    - terms: branch A's ended on 1 March, not renewed (overdue); B's ended 1 February, renewed on 20 January
      (on time); A's ends 1 August (due within six months);
    - duties: one due 1 May, done by B, overdue for branch A; one due 31 May for branch A."""
    with freeze_time(NOW):
        MemberFactory(organisation=city.branch_a, stage=Stage.ACTIVIST, admitted_on=None, full_on=None,
                      candidate_on=None)
        MemberFactory(organisation=city.org_b, stage=Stage.PROBATIONARY, full_on=None)
        held(city.branch_a, ActivityKind.PARTY_LESSON, local(2025, 5, 10, 9))
        themed_day = planned(city.branch_a, ActivityKind.THEMED_DAY, local(2025, 5, 25, 9), title="五月主题党日")
        planned(city.branch_a, ActivityKind.THEMED_DAY, local(2025, 5, 12, 9), status=ActivityStatus.CANCELLED,
                cancel_reason="改期")
        planned(city.org_b, ActivityKind.GENERAL_MEETING, local(2025, 3, 20, 9))
        StandardisationReview.objects.create(organisation=city.branch_a, year=2025, status=ReviewStatus.ACCEPTED)
        StandardisationReview.objects.create(organisation=city.org_b, year=2025)
        TermFactory(organisation=city.branch_a, elected_on=dt.date(2022, 3, 1))
        TermFactory(organisation=city.org_b, elected_on=dt.date(2022, 2, 1))
        TermFactory(organisation=city.org_b, number=2, elected_on=dt.date(2025, 1, 20))
        TermFactory(organisation=city.org_a, elected_on=dt.date(2022, 8, 1))
        early = duty_services.duty_create(by=city.admin, title="报送一季度党建工作总结", deadline=dt.date(2025, 5, 1),
                                          organisations=[city.branch_a, city.org_b], today=dt.date(2025, 4, 1))
        duty_services.duty_report(assignment=early.assignments.get(organisation=city.org_b),
                                  by=city.other_secretary, report="已报送")
        duty_services.duty_create(by=city.admin, title="开展主题党日活动", deadline=dt.date(2025, 5, 31),
                                  organisations=[city.branch_a])
        AttendanceFactory(activity=themed_day, member=city.member)
    return themed_day


def text_of(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', page)
    assert match, f"no element with data-testid={name}"
    return match.group(1).strip()


def chart_data(page: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the chart data is passed with json_script"
    return json.loads(match.group(1))


@freeze_time(NOW)
def test_the_admin_sees_the_whole_citys_numbers(city, login, town):
    response = login(city.admin).get(reverse("home"))
    page = response.content.decode()
    context = response.context
    # The working committee itself is not one of the organisations it oversees.
    assert text_of(page, "organisation-total") == "3"
    assert [(kind, n) for kind, _, n in context["organisation_counts"]] == [
        (OrganisationKind.GENERAL_BRANCH, 1), (OrganisationKind.BRANCH, 2)]
    assert {stage: n for stage, _, n in context["member_stage_counts"]} == {
        Stage.APPLICANT: 0, Stage.ACTIVIST: 1, Stage.CANDIDATE: 0, Stage.PROBATIONARY: 1, Stage.FULL: 2}
    assert text_of(page, "activities-this-month") == "1 / 1"  # the cancelled one does not count
    assert text_of(page, "standardisation-pass-rate") == "50%"
    assert text_of(page, "on-time-rate") == "50%"
    assert text_of(page, "overdue-duty-count") == "1"
    assert text_of(page, "term-overdue-count") == "1" and text_of(page, "term-due-count") == "1"
    assert [(c.organisation, c.missing_kinds) for c in context["red_cells"].rows] == [
        (city.branch_a, [ActivityKind.THEMED_DAY]), (city.org_b, [ActivityKind.THEMED_DAY])]
    assert {(p.organisation, p.code) for p in context["setup_problems"].rows} >= {
        (city.branch_a, "TOO_FEW_FULL_MEMBERS"), (city.org_b, "TOO_FEW_FULL_MEMBERS"), (city.org_b, "SILENT")}
    assert [a.organisation for a in context["overdue_duties"].rows] == [city.branch_a]
    assert context["dashboard"] == "admin" and "due-this-month" not in page


@freeze_time(NOW)
def test_the_charts_get_the_same_numbers_as_the_tables(city, login, town):
    page = login(city.admin).get(reverse("home")).content.decode()
    data = chart_data(page)
    assert data["stages"] == {"labels": ["入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员"],
                              "values": [0, 1, 0, 1, 2]}
    assert data["months"]["labels"][0] == "1月"
    assert data["months"]["held"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert data["months"]["planned"] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert text_of(page, f"stage-{Stage.FULL}") == "2"
    assert "vendor/echarts/echarts.min.js" in page and "js/dashboard.js" in page


@freeze_time(NOW)
def test_a_secretary_sees_their_organisations_and_what_is_due_this_month(city, login, town):
    response = login(city.secretary).get(reverse("home"))
    page = response.content.decode()
    context = response.context
    assert context["dashboard"] == "secretary"
    assert text_of(page, "organisation-total") == "2"
    assert text_of(page, "standardisation-pass-rate") == "100%"
    assert text_of(page, "on-time-rate") == "0%"  # branch A's term ran out unrenewed
    assert text_of(page, "overdue-duty-count") == "1"
    assert [(row["name"], [k.kind for k in row["kinds"]]) for row in context["meetings_due"].rows] == [
        (city.branch_a.name, [ActivityKind.THEMED_DAY])]
    assert [a.duty.title for a in context["duties_due"].rows] == ["开展主题党日活动"]
    assert [o.name for o in context["overdue_terms"].rows] == [city.branch_a.name]
    assert [o.name for o in context["due_terms"].rows] == [city.org_a.name]
    assert [c.organisation for c in context["red_cells"].rows] == [city.branch_a]
    assert city.org_b.name not in page
    # Quick links for each organisation: add a member, plan an activity, the year plan of a branch.
    assert f'{reverse("members:member_create")}?organisation={city.branch_a.pk}' in page
    assert f'/activities/new/?organisation={city.branch_a.pk}' in page
    assert f'/activities/year-plan/{city.branch_a.pk}/2025/' in page
    assert f'/activities/year-plan/{city.org_a.pk}/2025/' not in page  # a general branch holds no 三会一课


@freeze_time(NOW)
def test_a_member_sees_their_record_and_next_activities(city, login, town):
    with freeze_time("2025-05-01 10:00:00+08:00"):
        past = planned(city.branch_a, ActivityKind.THEMED_DAY, local(2025, 5, 2, 9), title="已过去的活动")
        AttendanceFactory(activity=past, member=city.member)
        cancelled = planned(city.branch_a, ActivityKind.THEMED_DAY, local(2025, 5, 28, 9), title="取消的活动",
                            status=ActivityStatus.CANCELLED, cancel_reason="改期")
        AttendanceFactory(activity=cancelled, member=city.member)
        left = planned(city.branch_a, ActivityKind.THEMED_DAY, local(2025, 5, 29, 9), title="已请假的活动")
        AttendanceFactory(activity=left, member=city.member, status=AttendanceStatus.LEAVE, leave_reason="出差")
    response = login(city.member_user).get(reverse("home"))
    page = response.content.decode()
    assert response.context["dashboard"] is None
    assert [a.activity.title for a in response.context["next_activities"]] == ["五月主题党日"]
    assert reverse("members:member_detail", args=[city.member.pk]) in page
    assert reverse("branches:organisation_detail", args=[city.branch_a.pk]) in page
    assert "standardisation-pass-rate" not in page and "dashboard-data" not in page


def test_a_member_sees_at_most_five_activities_soonest_first(city):
    starts = [timezone.now() + dt.timedelta(days=days) for days in (9, 3, 7, 1, 5, 2, 8)]
    for start in starts:
        AttendanceFactory(activity=ActivityFactory(organisation=city.branch_a, planned_start=start,
                                                   planned_end=start + dt.timedelta(hours=1)),
                          member=city.member)
    rows = dashboard.next_activities(member=city.member)
    assert [a.activity.planned_start for a in rows] == sorted(starts)[:5]


def test_the_members_next_activities_show_title_time_place_and_host_without_a_query_per_row(city, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = timezone.now() + dt.timedelta(days=2)
    for n, organisation in enumerate([city.branch_a, city.org_a, city.org_b]):
        AttendanceFactory(member=city.member, activity=ActivityFactory(
            organisation=organisation, title=f"下周活动{n}", place=f"第{n}会议室", planned_start=start,
            planned_end=start + dt.timedelta(hours=1)))
    city.org_b.short_name = "乙支部"
    city.org_b.save()
    client = login(city.member_user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    items = page.split('data-testid="next-activities"')[1].split("</ul>")[0]
    for n, host in enumerate([city.branch_a.display_name, city.org_a.display_name, "乙支部"]):
        assert f"下周活动{n}" in items and f"第{n}会议室" in items and host in items
    assert len([q for q in queries.captured_queries if "activities_" in q["sql"]]) == 1


def test_someone_with_a_login_but_no_role_or_record_is_told_what_to_do(city, login):
    page = login(city.outsider).get(reverse("home")).content.decode()
    assert "尚未关联党员档案" in page


@freeze_time(NOW)
def test_the_rates_show_a_dash_when_there_is_nothing_to_count(city, login):
    page = login(city.admin).get(reverse("home")).content.decode()
    assert text_of(page, "standardisation-pass-rate") == "—"
    assert text_of(page, "on-time-rate") == "—"


# --- cost ---------------------------------------------------------------------------------------

def grow(city, n):
    """n more branches under organisation A, each with members, a group, a committee seat, a term (some
    overdue), a review, activities this month (held, planned) with attendance, and a duty assignment."""
    branches = []
    for i in range(n):
        branch = OrganisationFactory(parent=city.org_a)
        branches.append(branch)
        TermFactory(organisation=branch, elected_on=dt.date(2022, 1 + i % 12, 1))
        group = PartyGroupFactory(organisation=branch)
        members = MemberFactory.create_batch(3, organisation=branch, party_group=group)
        CommitteePositionFactory(organisation=branch, member=members[0])
        StandardisationReview.objects.create(organisation=branch, year=2025,
                                             status=ReviewStatus.ACCEPTED if i % 2 else ReviewStatus.DRAFT)
        held(branch, ActivityKind.THEMED_DAY, local(2025, 5, 3, 9))
        activity = planned(branch, ActivityKind.GROUP_MEETING, local(2025, 5, 20 + i % 8, 9), party_group=group)
        AttendanceFactory(activity=activity, member=city.member)
    duty = duty_services.duty_create(by=city.admin, title="任务", deadline=dt.date(2025, 5, 1),
                                     organisations=[city.branch_a, *branches], today=dt.date(2025, 4, 1))
    assert duty.assignments.count() == n + 1


@freeze_time(NOW)
@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user"])
def test_the_home_page_costs_the_same_number_of_queries_whatever_the_data(city, client, town, persona,
                                                                           django_assert_max_num_queries):
    client.force_login(getattr(city, persona))
    url = reverse("home")
    grow(city, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django.core.cache import cache

    # Both requests start from an empty cache: the working committee's figures are counted every five minutes,
    # and the session, the user and the bell's count come from the cache once read.
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(city, 12)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if persona != "member_user":
        assert int(text_of(response.content.decode(), "organisation-total")) >= 14


def test_the_city_figures_are_counted_at_most_every_five_minutes_and_say_when(city, client, town):
    from oversight.dashboard import CITY_FIGURES_SECONDS
    from tests.factories import MemberFactory

    client.force_login(city.admin)
    with freeze_time("2025-04-15 10:00:00+08:00") as clock:
        first = client.get(reverse("home")).content.decode()
        assert "统计于 10:00" in first
        total = int(text_of(first, "member-total"))
        MemberFactory.create_batch(3, organisation=city.branch_a)  # members change all day: not recounted at once
        assert int(text_of(client.get(reverse("home")).content.decode(), "member-total")) == total
        clock.tick(CITY_FIGURES_SECONDS + 1)
        later = client.get(reverse("home")).content.decode()
    assert int(text_of(later, "member-total")) == total + 3 and "统计于 10:05" in later


def test_a_decision_an_admin_takes_is_on_the_home_page_at_once(city, client, town):
    from tests.factories import TermFactory

    client.force_login(city.admin)
    with freeze_time("2025-04-15 10:00:00+08:00"):
        client.get(reverse("home"))  # counted and kept for five minutes
        cached = client.get(reverse("home")).context["term_counts"]
        TermFactory(organisation=city.branch_a, number=2, elected_on=dt.date(2025, 4, 1))  # the overdue one re-elected
        assert client.get(reverse("home")).context["term_counts"] != cached


def test_a_secretarys_figures_are_counted_again_as_soon_as_something_in_their_organisations_changes(
        city, client, town):
    """Cached per subtree (branches/versions.py): a meeting recorded in a branch below the secretary's
    organisation, a member added, a term recorded — each is on the home page at once."""
    client.force_login(city.secretary)
    with freeze_time(NOW):
        first = client.get(reverse("home")).context
        held_before = first["activities_this_month"]["held"]
        members_before = first["member_total"]
        held(city.branch_a, ActivityKind.GENERAL_MEETING, local(2025, 5, 14, 9))
        assert client.get(reverse("home")).context["activities_this_month"]["held"] == held_before + 1
        MemberFactory(organisation=city.branch_a)
        assert client.get(reverse("home")).context["member_total"] == members_before + 1
        TermFactory(organisation=city.branch_a, number=2, elected_on=dt.date(2025, 5, 10))
        assert client.get(reverse("home")).context["term_counts"]["overdue"] == 0


def test_a_change_elsewhere_in_the_city_does_not_recount_a_secretarys_figures(city, client, town, monkeypatch):
    client.force_login(city.secretary)
    with freeze_time(NOW):
        client.get(reverse("home"))
        held(city.org_b, ActivityKind.GENERAL_MEETING, local(2025, 5, 14, 9))  # another organisation's subtree
        MemberFactory(organisation=city.org_b)
        monkeypatch.setattr(dashboard, "_management", lambda **kwargs: pytest.fail("recounted for another subtree"))
        assert client.get(reverse("home")).status_code == 200


def test_a_member_moved_out_is_counted_again_in_the_organisation_they_left(city, client, town):
    from members.signals import member_moved

    client.force_login(city.secretary)
    with freeze_time(NOW):
        before = client.get(reverse("home")).context["member_total"]
        mover = city.member
        type(mover).objects.filter(pk=mover.pk).update(organisation=city.org_b)  # as a transfer writes it
        mover.refresh_from_db()
        receivers = member_moved.send(sender=type(mover), member=mover, from_organisation=city.branch_a,
                                             on=dt.date(2025, 5, 15))
        assert receivers
        assert client.get(reverse("home")).context["member_total"] == before - 1


def test_the_subtree_versions_move_for_the_organisation_and_everything_above_it(city):
    from branches.versions import subtree_versions, subtrees_changed

    before = dict(zip(["root", "org_a", "branch_a", "org_b"], [
        subtree_versions([org.pk])[0] for org in (city.root, city.org_a, city.branch_a, city.org_b)]))
    subtrees_changed([city.branch_a.pk])
    after = dict(zip(["root", "org_a", "branch_a", "org_b"], [
        subtree_versions([org.pk])[0] for org in (city.root, city.org_a, city.branch_a, city.org_b)]))
    assert {name for name in before if after[name] != before[name]} == {"root", "org_a", "branch_a"}


def test_joining_or_clearing_joint_organisations_moves_their_subtrees_version(city):
    from branches.versions import subtree_versions

    meeting = ActivityFactory(organisation=city.branch_a)

    def org_b() -> int:
        return subtree_versions([city.org_b.pk])[0]

    before = org_b()
    meeting.joint_organisations.add(city.org_b)
    joined = org_b()
    assert joined != before
    meeting.joint_organisations.clear()  # a clear names no organisations: they are read before it
    assert org_b() != joined


@freeze_time(NOW)
@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_home_pages_read_the_months_digest_not_every_gap(city, login, town, persona, monkeypatch):
    """A province's month is 15,000 gaps: the home shows the first few and counts, from the cached digest alone
    (nothing recomputed, nothing read but the digests)."""
    from oversight import compliance

    expected = login(getattr(city, persona)).get(reverse("home")).context
    monkeypatch.setattr(compliance, "matrix_for", lambda **kwargs: pytest.fail("the matrix computed again"))
    monkeypatch.setattr(compliance, "month_gaps", lambda *args: pytest.fail("every gap read"))
    context = login(getattr(city, persona)).get(reverse("home")).context
    assert context["red_cells"] == expected["red_cells"]
    if persona == "admin":
        assert context["last_month"] == expected["last_month"] and context["last_month"]["count"] == 2
    else:
        assert context["meetings_due"] == expected["meetings_due"] and context["meetings_due"].rows
