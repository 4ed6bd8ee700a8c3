import datetime as dt

from django.urls import reverse
from freezegun import freeze_time

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from activities.planning import year_plan_proposal
from activities.services import activity_create, activity_plan_create
from branches.choices import Position
from tests.factories import CommitteePositionFactory, MemberFactory, PartyGroupFactory

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day, hour=15):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def test_a_secretary_plans_a_themed_day_and_the_members_are_expected(city, login):
    MemberFactory.create_batch(3, organisation=city.branch_a)
    response = login(city.secretary).post(reverse("activities:activity_create"), {
        "organisation": city.branch_a.pk, "kind": "THEMED_DAY", "theme": "OATH_RENEWAL", "title": "重温入党誓词",
        "planned_start": "2030-05-15T15:00", "planned_end": "2030-05-15T17:00", "place": "三楼党员活动室",
    })
    activity = Activity.objects.get(title="重温入党誓词")
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.attendances.count() == 4
    assert activity.planned_start == at(dt.date(2030, 5, 15)) and activity.actual_start is None


def test_a_secretary_cannot_plan_for_another_organisation(city, login):
    response = login(city.secretary).post(reverse("activities:activity_create"), {
        "organisation": city.org_b.pk, "kind": "THEMED_DAY", "title": "越权",
        "planned_start": "2030-05-15T15:00", "planned_end": "2030-05-15T17:00",
    })
    assert "organisation" in response.context["form"].errors
    assert not Activity.objects.filter(title="越权").exists()


def test_bad_times_are_refused_and_the_form_keeps_the_title(city, login):
    response = login(city.secretary).post(reverse("activities:activity_create"), {
        "organisation": city.branch_a.pk, "kind": "THEMED_DAY", "title": "时间填反了",
        "planned_start": "2030-05-15T17:00", "planned_end": "2030-05-15T15:00",
    })
    assert "结束时间须晚于开始时间" in str(response.context["form"].errors["planned_end"])
    assert 'value="时间填反了"' in response.content.decode()


def test_a_group_meeting_expects_the_group_and_a_committee_meeting_the_committee(city):
    group = PartyGroupFactory(organisation=city.branch_a)
    in_group = MemberFactory.create_batch(2, organisation=city.branch_a, party_group=group)
    MemberFactory.create_batch(3, organisation=city.branch_a)
    seated = CommitteePositionFactory(organisation=city.branch_a, position=Position.SECRETARY).member
    start = at(dt.date(2030, 1, 10))
    group_meeting = activity_create(organisation=city.branch_a, by=city.secretary, kind=ActivityKind.GROUP_MEETING,
                                    party_group=group, title="党小组会", planned_start=start,
                                    planned_end=start + dt.timedelta(hours=1))
    committee = activity_create(organisation=city.branch_a, by=city.secretary, kind=ActivityKind.COMMITTEE_MEETING,
                                title="支委会", planned_start=start, planned_end=start + dt.timedelta(hours=1))
    assert set(group_meeting.attendances.values_list("member", flat=True)) == {m.pk for m in in_group}
    assert set(committee.attendances.values_list("member", flat=True)) == {seated.pk}


def test_a_joint_activity_expects_the_members_of_every_organisation(city):
    start = at(dt.date(2030, 1, 10))
    activity = activity_create(organisation=city.branch_a, by=city.admin, kind=ActivityKind.PARTY_LESSON,
                               title="联合党课", planned_start=start, planned_end=start + dt.timedelta(hours=1),
                               joint_organisations=[city.org_b])
    assert set(activity.attendances.values_list("member", flat=True)) == {city.member.pk, city.other_member.pk}


def test_a_monthly_plan_creates_one_activity_a_month_and_uses_the_last_day_of_short_months(city):
    plan = activity_plan_create(by=city.secretary, organisation=city.branch_a, kind=ActivityKind.THEMED_DAY,
                                title="主题党日", day_of_month=31, start_time=dt.time(15), first_month=dt.date(2031, 1, 1),
                                months=3)
    days = [a.planned_start.astimezone(TZ).date() for a in plan.activities.order_by("planned_start")]
    assert days == [dt.date(2031, 1, 31), dt.date(2031, 2, 28), dt.date(2031, 3, 31)]


@freeze_time("2027-01-01 09:00:00+08:00")
def test_the_year_plan_follows_the_rules_and_skips_meetings_a_branch_cannot_hold(city):
    proposal = year_plan_proposal(organisation=city.branch_a, year=2027)
    kinds = [row["kind"] for row in proposal]
    assert kinds.count("THEMED_DAY") == 12
    assert kinds.count("GENERAL_MEETING") == 4 and kinds.count("PARTY_LESSON") == 4
    assert kinds.count("COMMITTEE_MEETING") == 0, "no committee: not asked for committee meetings"
    assert kinds.count("GROUP_MEETING") == 0, "no party groups: not asked for group meetings"
    org_life = [row["date"] for row in proposal if row["kind"] == "ORG_LIFE_MEETING"]
    assert len(org_life) == 1 and org_life[0].month == 12

    for position in (Position.SECRETARY, Position.ORGANISATION, Position.PUBLICITY):
        CommitteePositionFactory(organisation=city.branch_a, position=position, starts_on=dt.date(2025, 1, 1))
    PartyGroupFactory.create_batch(2, organisation=city.branch_a)
    kinds = [row["kind"] for row in year_plan_proposal(organisation=city.branch_a, year=2027)]
    assert kinds.count("COMMITTEE_MEETING") == 12 and kinds.count("GROUP_MEETING") == 24


@freeze_time("2027-07-01 09:00:00+08:00")
def test_the_year_plan_proposes_only_what_is_still_ahead_and_creates_what_is_ticked(city, login):
    client = login(city.secretary)
    url = reverse("activities:year_plan", args=[city.branch_a.pk, 2027])
    initial = client.get(url).context["formset"].initial
    assert all(row["date"] >= dt.date(2027, 7, 1) for row in initial)
    data = {"form-TOTAL_FORMS": len(initial), "form-INITIAL_FORMS": len(initial)}
    for i, row in enumerate(initial):
        for key in ("kind", "party_group", "title", "duration_minutes"):
            data[f"form-{i}-{key}"] = row[key]
        data[f"form-{i}-date"] = row["date"].isoformat()
        data[f"form-{i}-start_time"] = "09:30"
        if i % 2 == 0:
            data[f"form-{i}-include"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    created = Activity.objects.filter(organisation=city.branch_a)
    assert created.count() == (len(initial) + 1) // 2
    assert all(a.planned_start.astimezone(TZ).time() == dt.time(9, 30) for a in created)
    assert set(created.values_list("status", flat=True)) == {ActivityStatus.PLANNED}
