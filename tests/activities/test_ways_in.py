"""A user's ways into the activities (the organisations they run and their own, the activities those join, the ones
they are expected at) are counted once and kept under the calendar version (activities.access.ways_in): an
activity page does not ask for them again, and every change that opens or closes an activity shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import access
from branches.choices import RoleKind
from tests.factories import ActivityFactory, AttendanceFactory, OrganisationFactory, RoleFactory


def _sql(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("user", ["member_user", "secretary"])
def test_the_ways_in_are_read_once_and_kept(city, login, user):
    user = getattr(city, user)
    AttendanceFactory(activity=ActivityFactory(organisation=city.org_b), member=city.member)
    client = login(user)
    url = reverse("api:activity-list") if user == city.member_user else reverse("activities:calendar_events")
    first = _sql(client, url)
    assert "activities_activity_joint_organisations" in first  # counted on the first view …
    again = _sql(client, url)
    assert "activities_activity_joint_organisations" not in again  # … kept for the next
    assert f'"activities_attendance"."member_id" = {city.member.pk}' not in again
    assert "branches_organisation\".\"path\"::text LIKE" not in again


def _detail(activity):
    return reverse("activities:activity_detail", args=[activity.pk])


def test_an_activity_the_member_is_now_expected_at_opens_at_once_and_closes_at_once(city, login):
    elsewhere = ActivityFactory(organisation=city.org_b)
    client = login(city.member_user)
    assert client.get(_detail(elsewhere)).status_code == 404
    attendance = AttendanceFactory(activity=elsewhere, member=city.member)
    assert client.get(_detail(elsewhere)).status_code == 200
    attendance.delete()
    assert client.get(_detail(elsewhere)).status_code == 404


def test_an_activity_joined_by_the_secretarys_organisation_opens_at_once(city, login):
    activity = ActivityFactory(organisation=city.org_a)
    client = login(city.other_secretary)
    assert client.get(_detail(activity)).status_code == 404
    activity.joint_organisations.add(city.org_b)
    assert client.get(_detail(activity)).status_code == 200
    activity.joint_organisations.remove(city.org_b)
    assert client.get(_detail(activity)).status_code == 404


def test_a_new_role_a_new_organisation_and_a_moved_member_show_at_once(city, login):
    in_b = ActivityFactory(organisation=city.org_b)
    client = login(city.secretary)
    assert client.get(_detail(in_b)).status_code == 404
    RoleFactory(user=city.secretary, kind=RoleKind.SECRETARY, organisation=city.org_b)
    assert client.get(_detail(in_b)).status_code == 200

    below_a = ActivityFactory(organisation=OrganisationFactory(parent=city.branch_a, unit=city.org_a.unit))
    assert client.get(_detail(below_a)).status_code == 200  # an organisation made below a managed one

    member = login(city.member_user)
    assert member.get(_detail(in_b)).status_code == 404
    city.member.organisation = city.org_b
    city.member.save()
    assert member.get(_detail(in_b)).status_code == 200


def test_the_ways_in_follow_a_change_made_earlier_in_the_same_request_or_test(city):
    elsewhere = ActivityFactory(organisation=city.org_b)
    user = city.member_user
    assert elsewhere not in access.activities_visible_to(user)
    AttendanceFactory(activity=elsewhere, member=city.member)
    assert elsewhere in access.activities_visible_to(user)  # the same user object: not its remembered ways


def test_a_secretarys_own_list_is_what_the_organisations_they_run_host_or_join(city, login):
    """Named from the ways in when they cover exactly the organisations run; a secretary who is a member of a
    branch they do not run gets the same list, counted without them."""
    from tests.factories import MemberFactory, UserFactory

    ActivityFactory(organisation=city.org_b, title="乙支部主办")
    ActivityFactory(organisation=city.root, title="乙支部参加").joint_organisations.add(city.org_b)
    ActivityFactory(organisation=city.root, title="甲支部参加").joint_organisations.add(city.branch_a)
    ActivityFactory(organisation=city.org_a, title="甲总支主办")
    member_too = UserFactory(username="secretary-b2")
    RoleFactory(user=member_too, organisation=city.org_b)
    MemberFactory(organisation=city.branch_a, user=member_too)

    def listed(user):
        response = login(user).get(reverse("activities:activity_list"))
        assert response.context["own_only"]
        return {a.title for a in response.context["page"].object_list}

    assert access.hosted_or_joined_by_managed_branches(city.other_secretary) is not None
    assert access.hosted_or_joined_by_managed_branches(member_too) is None
    assert listed(city.other_secretary) == listed(member_too) == {"乙支部主办", "乙支部参加"}


@pytest.mark.parametrize("literal", [True, False])
def test_whether_one_activity_opens_is_judged_as_the_visible_set_would(city, monkeypatch, literal):
    """can_open_activity decides on the row from the ways in (literal lists) or asks the visible set (past the
    limits): either way, exactly the activities the visible set holds."""
    from branches import access as tree_access
    from tests.factories import MemberFactory, UserFactory

    if not literal:
        monkeypatch.setattr(tree_access, "LITERAL_ORGANISATIONS", 0)
        monkeypatch.setattr(access, "LITERAL_ORGANISATIONS", 0)
        monkeypatch.setattr(access, "LITERAL_ACTIVITIES", 0)
    activities = [
        ActivityFactory(organisation=city.branch_a), ActivityFactory(organisation=city.org_a),
        ActivityFactory(organisation=city.org_b), ActivityFactory(organisation=city.root),
        ActivityFactory(organisation=city.org_b, is_open=True),
        ActivityFactory(organisation=city.root, is_city_wide=True),
    ]
    activities[3].joint_organisations.add(city.branch_a)
    AttendanceFactory(activity=activities[2], member=city.member)
    both = UserFactory(username="secretary-member")
    RoleFactory(user=both, organisation=city.org_b)
    MemberFactory(organisation=city.branch_a, user=both)
    for user in (city.admin, city.secretary, city.other_secretary, city.member_user, both, city.outsider):
        visible = set(access.activities_visible_to(user).values_list("pk", flat=True))
        assert {a.pk for a in activities if access.can_open_activity(user, a)} == visible & {a.pk for a in activities}
