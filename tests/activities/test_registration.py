"""Open-event registrations: places, the waiting list in order, promotion on cancel; attendance by organisation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from activities import registration as services
from activities.choices import ActivityStatus, AttendanceRole, AttendanceStatus, RegistrationStatus
from activities.models import Registration
from tests.factories import ActivityFactory, MemberFactory, OrganisationFactory, UserFactory

REGISTERED, WAITLISTED, CANCELLED = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED,
                                     RegistrationStatus.CANCELLED)
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 7, 1, 14, 30, tzinfo=SHANGHAI)
BEFORE = START - dt.timedelta(days=5)


@pytest.fixture
def lecture(city):
    """Organisation A's open lecture with two places, on 1 July 2025."""
    return ActivityFactory(organisation=city.org_a, kind="OPEN_LECTURE", theme="", title="开放式党课：学习二十届三中全会精神",
                           is_open=True, capacity=2, planned_start=START, planned_end=START + dt.timedelta(hours=2))


@pytest.fixture
def members(city):
    return [MemberFactory(name=f"报名人{i}", organisation=city.branch_a if i % 2 else city.org_b) for i in range(5)]


def register_in_turn(lecture, members, minutes_apart=1):
    """Register each member a minute after the previous one (order of registration is by time)."""
    for i, member in enumerate(members):
        with freeze_time(BEFORE + dt.timedelta(minutes=i * minutes_apart)):
            services.registration_create(activity=lecture, member=member)


def statuses(lecture) -> list[tuple[str, str]]:
    return [(r.member.name, r.status) for r in services.registration_list(lecture)]


# --- the service ----------------------------------------------------------------------------

def test_places_are_taken_in_order_and_the_rest_wait_in_line(lecture, members):
    register_in_turn(lecture, members[:4])

    assert statuses(lecture) == [("报名人0", REGISTERED), ("报名人1", REGISTERED),
                                 ("报名人2", WAITLISTED), ("报名人3", WAITLISTED)]
    summary = services.registration_summary(lecture)
    assert (summary.capacity, summary.registered, summary.waitlisted, summary.places_left) == (2, 2, 2, 0)


def test_a_cancellation_promotes_the_first_on_the_waiting_list(lecture, members):
    register_in_turn(lecture, members[:4])

    with freeze_time(BEFORE + dt.timedelta(days=1)):
        cancelled, promoted = services.registration_cancel(activity=lecture, member=members[0])

    assert cancelled.status == CANCELLED
    assert [r.member for r in promoted] == [members[2]]
    assert statuses(lecture) == [("报名人1", REGISTERED), ("报名人2", REGISTERED), ("报名人3", WAITLISTED)]


def test_cancelling_a_waiting_place_promotes_nobody(lecture, members):
    register_in_turn(lecture, members[:4])

    with freeze_time(BEFORE + dt.timedelta(days=1)):
        _, promoted = services.registration_cancel(activity=lecture, member=members[2])

    assert promoted == []
    assert statuses(lecture) == [("报名人0", REGISTERED), ("报名人1", REGISTERED), ("报名人3", WAITLISTED)]


@pytest.mark.parametrize("who", [0, 3], ids=["registered", "waitlisted"])
def test_registering_twice_is_refused(lecture, members, who):
    register_in_turn(lecture, members[:4])

    with freeze_time(BEFORE + dt.timedelta(hours=1)), pytest.raises(ValidationError) as refused:
        services.registration_create(activity=lecture, member=members[who])

    assert refused.value.code == "duplicate"
    assert Registration.objects.filter(activity=lecture, member=members[who]).count() == 1


def test_registering_again_after_cancelling_joins_the_end_of_the_line(lecture, members):
    register_in_turn(lecture, members[:3])
    with freeze_time(BEFORE + dt.timedelta(hours=1)):
        services.registration_cancel(activity=lecture, member=members[0])  # 报名人2 moves up
        services.registration_create(activity=lecture, member=members[3])
    with freeze_time(BEFORE + dt.timedelta(hours=2)):
        again = services.registration_create(activity=lecture, member=members[0])

    assert again.status == WAITLISTED
    assert statuses(lecture) == [("报名人1", REGISTERED), ("报名人2", REGISTERED), ("报名人3", WAITLISTED),
                                 ("报名人0", WAITLISTED)]


def test_more_places_go_to_those_already_waiting_before_a_newcomer(lecture, members):
    register_in_turn(lecture, members[:4])
    lecture.capacity = 3
    lecture.save()

    with freeze_time(BEFORE + dt.timedelta(hours=1)):
        newcomer = services.registration_create(activity=lecture, member=members[4])

    assert newcomer.status == WAITLISTED
    assert statuses(lecture)[2] == ("报名人2", REGISTERED)


@pytest.mark.parametrize(("change", "code"), [
    ({"is_open": False}, "no_registration"),
    ({"capacity": None}, "no_registration"),
    ({"status": ActivityStatus.CANCELLED, "cancel_reason": "讲师临时有事"}, "cancelled"),
])
def test_registration_is_refused_where_it_does_not_apply(lecture, members, change, code):
    for name, value in change.items():
        setattr(lecture, name, value)
    lecture.save()

    with freeze_time(BEFORE), pytest.raises(ValidationError) as refused:
        services.registration_create(activity=lecture, member=members[0])

    assert refused.value.code == code
    assert not lecture.registrations.exists()


def test_registration_closes_when_the_lecture_starts(lecture, members):
    register_in_turn(lecture, members[:1])

    with freeze_time(START + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="报名已截止"):
            services.registration_create(activity=lecture, member=members[1])
        with pytest.raises(ValidationError, match="不能取消报名"):
            services.registration_cancel(activity=lecture, member=members[0])


def test_cancelling_without_a_registration_is_refused(lecture, members):
    with freeze_time(BEFORE), pytest.raises(ValidationError, match="您没有报名"):
        services.registration_cancel(activity=lecture, member=members[0])


# --- the views ------------------------------------------------------------------------------

@freeze_time(BEFORE)
def test_a_member_registers_sees_their_status_and_cancels(city, login, lecture):
    client = login(city.member_user)

    response = client.post(reverse("activities:registration_create", args=[lecture.pk]), follow=True)

    page = response.content.decode()
    assert "报名成功" in page
    assert "剩余 1" in page
    assert 'data-testid="my-registration">已报名<' in page

    response = client.post(reverse("activities:registration_cancel", args=[lecture.pk]), follow=True)

    assert "已取消报名" in response.content.decode()
    assert lecture.registrations.get().status == CANCELLED


@freeze_time(BEFORE)
def test_a_full_lecture_puts_the_member_on_the_waiting_list(city, login, lecture, members):
    register_in_turn(lecture, members[:2])

    response = login(city.member_user).post(reverse("activities:registration_create", args=[lecture.pk]), follow=True)

    page = response.content.decode()
    assert "候补名单" in page
    assert 'data-testid="my-registration">候补<' in page


@freeze_time(BEFORE)
def test_a_second_registration_through_the_page_says_so(city, login, lecture):
    client = login(city.member_user)
    url = reverse("activities:registration_create", args=[lecture.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "无需重复报名" in response.content.decode()
    assert lecture.registrations.count() == 1


@freeze_time(BEFORE)
def test_the_secretary_sees_registrations_then_the_waiting_list_in_order(city, login, lecture, members):
    register_in_turn(lecture, [members[3], members[1], members[4]])

    page = login(city.secretary).get(lecture.get_absolute_url()).content.decode()

    table = page[page.index('data-testid="registration-table"'):]
    assert table.index("报名人3") < table.index("报名人1") < table.index("候补 1") < table.index("报名人4")


@freeze_time(BEFORE)
def test_a_member_who_may_not_see_the_activity_cannot_register(city, login):
    private_b = ActivityFactory(organisation=city.org_b, capacity=10, planned_start=START,
                                planned_end=START + dt.timedelta(hours=1))

    response = login(city.member_user).post(reverse("activities:registration_create", args=[private_b.pk]))

    assert response.status_code == 404
    assert not private_b.registrations.exists()


@freeze_time(BEFORE)
def test_a_get_registers_nobody(city, login, lecture):
    response = login(city.member_user).get(reverse("activities:registration_create", args=[lecture.pk]))

    assert response.status_code == 405
    assert not lecture.registrations.exists()


# --- attendance counted in each attendee's organisation --------------------------------------

def test_attendance_is_counted_per_member_organisation_plus_guests(city, lecture, django_assert_num_queries):
    third = OrganisationFactory(name="丙局机关党支部", parent=city.root)
    for organisation, present, absent in ((city.branch_a, 3, 1), (city.org_b, 1, 0), (third, 2, 2)):
        for i in range(present + absent):
            lecture.attendances.create(member=MemberFactory(organisation=organisation),
                                       status=AttendanceStatus.PRESENT if i < present else AttendanceStatus.ABSENT)
    lecture.attendances.create(member=MemberFactory(organisation=city.org_b))  # expected, never came
    for name in ("群众甲", "群众乙"):
        lecture.attendances.create(guest_name=name, guest_unit="东城社区", role=AttendanceRole.GUEST,
                                   status=AttendanceStatus.PRESENT)
    lecture.attendances.create(guest_name="列席人", role=AttendanceRole.OBSERVER, status=AttendanceStatus.PRESENT)

    with django_assert_num_queries(1):
        tally = services.attendance_by_organisation(lecture)

    assert sorted((row.name, row.present) for row in tally.organisations) == [
        ("丙局机关党支部", 2), ("乙局机关党支部", 1), ("甲局第一党支部", 3)]
    assert (tally.members, tally.guests, tally.total) == (6, 3, 9)


def test_the_recorded_participant_count_wins_over_the_check_ins(city, lecture):
    lecture.attendances.create(member=city.member, status=AttendanceStatus.PRESENT)
    lecture.participant_count = 350

    tally = services.attendance_by_organisation(lecture)

    assert (tally.members, tally.guests, tally.total) == (1, 0, 350)


@freeze_time(BEFORE)
def test_the_secretary_sees_the_counts_by_organisation_on_the_page(city, login, lecture):
    lecture.attendances.create(member=city.member, status=AttendanceStatus.PRESENT)
    lecture.attendances.create(guest_name="群众甲", role=AttendanceRole.GUEST, status=AttendanceStatus.PRESENT)

    page = login(city.secretary).get(lecture.get_absolute_url()).content.decode()
    member_page = login(city.member_user).get(lecture.get_absolute_url()).content.decode()

    assert 'data-testid="participant-total">2<' in page
    assert "甲局第一党支部" in page and "群众 / 来宾" in page
    assert "attendance-by-organisation" not in member_page


def test_a_member_of_another_organisation_registers_for_an_open_lecture(city, login, lecture):
    user = UserFactory(username="member-b")
    MemberFactory(organisation=city.org_b, user=user)

    with freeze_time(BEFORE):
        response = login(user).post(reverse("activities:registration_create", args=[lecture.pk]))

    assert response.status_code == 302
    assert lecture.registrations.get().member.organisation == city.org_b
