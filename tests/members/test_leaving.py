"""Leaving the register (停止党籍, 出党, 去世): recorded once with its document, read-only afterwards, gone from
current lists, activities and reminders from that day, still counted before it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from activities.models import Attendance
from activities.services import activity_create
from members import services
from members.choices import LeavingKind, MembershipStatus
from members.models import Leaving, Member
from members.selectors import members_on
from tests.factories import ActivityFactory, AttendanceFactory, CommitteePositionFactory, MemberFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@freeze_time("2026-04-10")
def test_a_member_who_died_in_march_is_expected_at_nothing_after_march_and_counts_in_january(city):
    january = ActivityFactory(organisation=city.branch_a, planned_start=dt.datetime(2026, 1, 20, 2, tzinfo=UTC))
    AttendanceFactory(activity=january, member=city.member, status="PRESENT")
    april = ActivityFactory(organisation=city.branch_a, planned_start=dt.datetime(2026, 4, 20, 2, tzinfo=UTC))
    AttendanceFactory(activity=april, member=city.member)
    seat = CommitteePositionFactory(organisation=city.branch_a, member=city.member, position="ORGANISATION")

    services.member_leave(member=city.member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 3, 18),
                          reason="因病去世", by=city.secretary)

    member = Member.objects.get(pk=city.member.pk)
    assert member.status == MembershipStatus.DECEASED and member.left_on == dt.date(2026, 3, 18)
    assert list(Attendance.objects.filter(member=member).values_list("activity_id", flat=True)) == [january.pk]
    may = activity_create(organisation=city.branch_a, by=city.secretary, kind="THEMED_DAY", title="五月主题党日",
                          planned_start=dt.datetime(2026, 5, 12, 2, tzinfo=UTC),
                          planned_end=dt.datetime(2026, 5, 12, 4, tzinfo=UTC), place="党员活动室")
    assert not may.attendances.filter(member=member).exists()
    assert member.pk in set(members_on(dt.date(2026, 1, 31)).values_list("pk", flat=True))
    assert member.pk not in set(members_on(dt.date(2026, 3, 31)).values_list("pk", flat=True))
    seat.refresh_from_db()
    assert seat.ends_on == dt.date(2026, 3, 17)


@freeze_time("2026-04-10")
def test_a_member_who_left_disappears_from_the_current_list_and_their_record_is_read_only(city, client):
    services.member_leave(member=city.member, kind=LeavingKind.LAPSED, left_on=dt.date(2026, 4, 1),
                          reason="连续六个月不交纳党费、不参加组织生活", document_number="某党委〔2026〕3号",
                          by=city.secretary)
    client.force_login(city.secretary)
    assert city.member.name not in client.get(reverse("members:member_list")).content.decode()
    page = client.get(reverse("members:member_detail", args=[city.member.pk])).content.decode()
    assert "自行脱党" in page and "某党委〔2026〕3号" in page and "此记录只读" in page
    for name in ("member_edit", "member_leave", "transfer_create", "category_create", "member_retire"):
        assert client.get(reverse(f"members:{name}", args=[city.member.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.member_leave(member=city.member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 4, 2),
                              reason="再次登记", by=city.secretary)
    assert Leaving.objects.count() == 1


@freeze_time("2026-04-10")
def test_the_decision_document_is_kept_and_served_to_the_secretary_only(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("members:member_leave", args=[city.member.pk]), {
        "kind": LeavingKind.EXPELLED, "left_on": "2026-04-01", "reason": "严重违纪", "document_number": "纪〔2026〕1号",
        "document": SimpleUploadedFile("决定.pdf", b"%PDF-1.4 decision", content_type="application/pdf")})
    assert response.status_code == 302
    leaving = Leaving.objects.get(member=city.member)
    assert leaving.document_content_type == "application/pdf"
    assert Member.objects.get(pk=city.member.pk).get_status_display() == "出党"
    download = client.get(reverse("members:leaving_document", args=[city.member.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(city.other_secretary)
    assert client.get(reverse("members:leaving_document", args=[city.member.pk])).status_code == 404


@freeze_time("2026-04-10")
def test_a_document_that_is_neither_pdf_nor_an_image_is_refused_and_the_form_keeps_the_data(city, client):
    client.force_login(city.secretary)
    response = client.post(reverse("members:member_leave", args=[city.member.pk]), {
        "kind": LeavingKind.SUSPENDED, "left_on": "2026-04-01", "reason": "失联超过六个月",
        "document": SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")})
    assert response.status_code == 200 and "失联超过六个月" in response.content.decode()
    assert Member.objects.get(pk=city.member.pk).status == MembershipStatus.ACTIVE
    assert not Leaving.objects.exists()


@freeze_time("2026-04-10")
def test_a_leaving_date_in_the_future_is_refused(city):
    with pytest.raises(ValidationError):
        services.member_leave(member=city.member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 5, 1),
                              reason="—", by=city.secretary)


def test_a_member_with_an_open_transfer_cannot_leave_until_it_is_settled(city):
    services.transfer_send(member=city.member, to_organisation=city.org_b, reason="调动", sent_on=dt.date(2026, 3, 2),
                           by=city.secretary)
    with pytest.raises(ValidationError, match="未办结"):
        services.member_leave(member=city.member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 3, 5),
                              reason="—", by=city.secretary)


@freeze_time("2026-04-10")
def test_a_probationary_member_who_left_is_not_reminded_of_their_probation(city):
    from oversight.reminders import secretary_dues

    member = MemberFactory(organisation=city.branch_a, stage="PROBATIONARY", admitted_on=dt.date(2025, 4, 20),
                           full_on=None)
    assert any(d.target == f"member:{member.pk}" for d in secretary_dues(today=dt.date(2026, 4, 10)))
    services.member_leave(member=member, kind=LeavingKind.DECEASED, left_on=dt.date(2026, 4, 5), reason="病故",
                          by=city.secretary)
    assert not any(d.target == f"member:{member.pk}" for d in secretary_dues(today=dt.date(2026, 4, 10)))
