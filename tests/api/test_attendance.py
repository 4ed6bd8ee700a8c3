"""Recording attendance is the API's only write: the host organisation's secretary (or an admin) marks an expected
member present, absent or on leave; anyone else is refused (404 outside their reach, 403 inside it)."""

import pytest
from django.test import Client
from django.urls import reverse

from activities.choices import AttendanceStatus, RecordedBy
from activities.models import Attendance
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory


@pytest.fixture
def expected(city):
    """Branch A's activity with its member expected."""
    return AttendanceFactory(activity=ActivityFactory(organisation=city.branch_a), member=city.member)


def url(attendance) -> str:
    return reverse("api:activity-attendance", args=[attendance.activity_id])


def test_the_own_secretary_records_a_member_present(city, call, expected):
    response = call("secretary", "post", url(expected), {"member": city.member.pk, "status": "PRESENT"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "PRESENT" and response.json()["member"] == city.member.pk
    expected.refresh_from_db()
    assert (expected.status, expected.recorded_by, expected.recorded_via) == (
        AttendanceStatus.PRESENT, city.secretary, RecordedBy.SECRETARY)
    assert expected.recorded_at is not None
    assert expected.history.count() == 2  # the change is in the row's history like one made on the record page


def test_an_admin_records_leave_with_its_reason(city, call, expected):
    response = call("admin", "post", url(expected), {"member": city.member.pk, "status": "LEAVE",
                                                     "leave_reason": "出差"})
    assert response.status_code == 200
    expected.refresh_from_db()
    assert (expected.status, expected.leave_reason) == (AttendanceStatus.LEAVE, "出差")


@pytest.mark.parametrize(("persona", "status"), [
    ("other_secretary", 404), ("outsider", 404), ("member", 403), ("anonymous", 401), ("revoked", 401)])
def test_anyone_but_the_host_is_refused_and_nothing_changes(city, call, expected, persona, status):
    response = call(persona, "post", url(expected), {"member": city.member.pk, "status": "ABSENT"})
    assert response.status_code == status
    expected.refresh_from_db()
    assert expected.status == AttendanceStatus.EXPECTED and expected.recorded_by is None


def test_a_foreign_activity_is_not_found_for_the_secretary(city, call):
    foreign = AttendanceFactory(activity=ActivityFactory(organisation=city.org_b), member=city.other_member)
    response = call("secretary", "post", url(foreign), {"member": city.other_member.pk, "status": "PRESENT"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == AttendanceStatus.EXPECTED


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "LEAVE"}, "leave_reason"),
    ({"status": "EXPECTED"}, "status"),
    ({"status": "ABSENT", "member": "x"}, "member"),
])
def test_bad_input_is_a_400_with_the_reason_and_nothing_is_written(city, call, expected, body, field):
    response = call("secretary", "post", url(expected), {"member": city.member.pk, **body})
    assert response.status_code == 400
    assert field in response.json()
    expected.refresh_from_db()
    assert expected.status == AttendanceStatus.EXPECTED


def test_a_member_not_on_the_list_cannot_be_marked(city, call, expected):
    stranger = MemberFactory(organisation=city.branch_a)
    response = call("secretary", "post", url(expected), {"member": stranger.pk, "status": "PRESENT"})
    assert response.status_code == 400 and "应到名单" in response.json()["member"][0]
    assert not Attendance.objects.filter(member=stranger).exists()


def test_a_cancelled_activity_takes_no_attendance(city, call, expected):
    expected.activity.status, expected.activity.cancel_reason = "CANCELLED", "改期"
    expected.activity.save()
    response = call("secretary", "post", url(expected), {"member": city.member.pk, "status": "PRESENT"})
    assert response.status_code == 400 and "已取消" in response.json()["activity"][0]


def test_the_browser_session_must_carry_the_csrf_token_to_write(city, expected):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(city.secretary)
    response = browser.post(url(expected), {"member": city.member.pk, "status": "PRESENT"},
                            content_type="application/json")
    assert response.status_code == 403
    expected.refresh_from_db()
    assert expected.status == AttendanceStatus.EXPECTED
