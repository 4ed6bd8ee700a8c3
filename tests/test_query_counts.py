"""Pages cost the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommitteePositionFactory, MemberFactory, OrganisationFactory, PartyGroupFactory, TermFactory


def grow(city, n):
    """Add n branches under organisation A, each with members, a group, a term and a secretary."""
    for _ in range(n):
        branch = OrganisationFactory(parent=city.org_a)
        TermFactory(organisation=branch)
        group = PartyGroupFactory(organisation=branch)
        MemberFactory.create_batch(3, organisation=branch, party_group=group)
        CommitteePositionFactory(organisation=branch)
    MemberFactory.create_batch(n, organisation=city.branch_a)
    CommitteePositionFactory.create_batch(2, organisation=city.branch_a, position="ORGANISATION")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    ("admin", lambda c: reverse("branches:organisation_list")),
    ("secretary", lambda c: reverse("branches:organisation_list")),
    ("admin", lambda c: reverse("branches:organisation_detail", args=[c.org_a.pk])),
    ("secretary", lambda c: reverse("branches:organisation_detail", args=[c.branch_a.pk])),
    ("admin", lambda c: reverse("members:member_list")),
    ("secretary", lambda c: reverse("members:member_list") + "?sort=organisation&stage=FULL"),
    ("secretary", lambda c: reverse("members:member_detail", args=[c.member.pk])),
    ("admin", lambda c: reverse("home")),
    ("secretary", lambda c: reverse("home")),
]


@pytest.mark.parametrize(("persona", "url_for"), PAGES)
def test_query_count_does_not_grow_with_the_data(city, client, persona, url_for, django_assert_max_num_queries):
    client.force_login(getattr(city, persona))
    url = url_for(city)
    grow(city, 2)
    small = queries_for(client, url)
    grow(city, 12)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


# --- activities, calendars, the matrix, dashboards and lists that grow with activities ----------------------

def grow_activities(city, n):
    """n activities of branch A (some held, some joint with B), each with expected members; a donation each."""
    import datetime as dt

    from django.utils import timezone

    from activities.choices import ActivityStatus
    from tests.community.factories import DonationFactory
    from tests.factories import ActivityFactory, AttendanceFactory

    now = timezone.now().replace(microsecond=0)
    for i in range(n):
        start = now + dt.timedelta(days=i % 20 - 10, hours=1)
        fields = {}
        if start < now:
            fields = {"status": ActivityStatus.HELD, "actual_start": start, "actual_end": start + dt.timedelta(hours=2)}
        activity = ActivityFactory(organisation=city.branch_a, planned_start=start,
                                   planned_end=start + dt.timedelta(hours=2), **fields)
        AttendanceFactory(activity=activity, member=city.member)
        AttendanceFactory(activity=activity)
        if i % 3 == 0:
            activity.joint_organisations.add(city.org_b)
        DonationFactory(member=city.member)
    grow(city, 1)


def _feed(city, user):
    from activities.ical import calendar_feed_for

    return reverse("activities:calendar_feed", args=[calendar_feed_for(user=user).token])


def _calendar_range(city):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return (reverse("activities:calendar_events")
            + f"?start={(today - dt.timedelta(days=20)).isoformat()}&end={(today + dt.timedelta(days=20)).isoformat()}")


ACTIVITY_PAGES = [
    ("admin", lambda c: reverse("activities:activity_list")),
    ("secretary", lambda c: reverse("activities:activity_list")),
    ("member_user", lambda c: reverse("activities:activity_list")),
    ("secretary", lambda c: reverse("activities:activity_list") + f"?organisation={c.org_a.pk}"),
    ("admin", lambda c: reverse("activities:activity_create")),
    ("secretary", lambda c: reverse("activities:activity_create")),
    ("admin", lambda c: _calendar_range(c)),
    ("secretary", lambda c: _calendar_range(c)),
    ("member_user", lambda c: _calendar_range(c)),
    ("admin", lambda c: reverse("activities:calendar")),
    ("member_user", lambda c: _feed(c, c.member_user)),
    ("secretary", lambda c: _feed(c, c.secretary)),
    ("admin", lambda c: reverse("oversight:matrix")),
    ("secretary", lambda c: reverse("oversight:matrix")),
    ("admin", lambda c: reverse("home")),
    ("secretary", lambda c: reverse("home")),
    ("member_user", lambda c: reverse("home")),
    ("secretary", lambda c: reverse("activities:wish_board")),
    ("member_user", lambda c: reverse("activities:wish_board")),
    ("admin", lambda c: reverse("community:campaign_list")),
    ("admin", lambda c: reverse("branches:organisation_list")),
]


@pytest.mark.parametrize(("persona", "url_for"), ACTIVITY_PAGES)
def test_activity_pages_cost_the_same_queries_with_more_activities(city, client, persona, url_for,
                                                                   django_assert_max_num_queries):
    client.force_login(getattr(city, persona))
    url = url_for(city)
    grow_activities(city, 2)
    small = queries_for(client, url)
    grow_activities(city, 12)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_a_conditional_feed_request_costs_at_most_two_queries_at_any_size(city, client):
    url = _feed(city, city.member_user)
    grow_activities(city, 12)
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]) <= 2


@pytest.mark.parametrize("name", ["activities:activity_detail", "activities:activity_minutes"])
def test_the_attendance_table_costs_the_same_queries_for_more_rows(city, client, name, django_assert_max_num_queries):
    """Each row shows its member, the member's organisation, a guest's unit and who recorded it: all read with the
    rows (a column left out of the rows' narrowed read would cost a query per row)."""
    from activities.choices import AttendanceRole, AttendanceStatus, RecordedBy
    from tests.factories import ActivityFactory, AttendanceFactory

    activity = ActivityFactory(organisation=city.branch_a)

    def grow_rows(n):
        for _ in range(n):
            AttendanceFactory(activity=activity, member=MemberFactory(organisation=city.branch_a),
                              status=AttendanceStatus.LEAVE, leave_reason="出差", recorded_by=city.secretary,
                              recorded_via=RecordedBy.SECRETARY)
            AttendanceFactory(activity=activity, member=None, guest_name="列席嘉宾", guest_unit="某街道",
                              role=AttendanceRole.OBSERVER, status=AttendanceStatus.PRESENT)

    client.force_login(city.secretary)
    url = reverse(name, args=[activity.pk])
    grow_rows(1)
    small = queries_for(client, url)
    grow_rows(8)
    with django_assert_max_num_queries(small):
        page = client.get(url).content.decode()
    assert page.count("出差") >= 9 and page.count("列席嘉宾") == 9
