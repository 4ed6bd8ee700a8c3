"""Members are reminded of the activities they are expected at, and told when one is moved or cancelled."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from activities import services as activity_services
from activities.choices import AttendanceStatus, RegistrationStatus
from activities.models import Registration
from activities.reminders import activity_dues
from activities.tasks import remind_activities
from members.choices import MembershipStatus
from notifications.choices import Kind
from notifications.models import Notification, NotificationSettings
from notifications.services import notifications_create
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, UserFactory
from tests.notifications.factories import WebhookEndpointFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def sweep(at: dt.datetime) -> int:
    with freeze_time(at):
        return notifications_create(activity_dues(now=at))


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def meeting(city):
    """A general meeting of branch A on Wednesday 25 November 2026 at 19:00, the member expected."""
    activity = ActivityFactory(organisation=city.branch_a, kind="GENERAL_MEETING", theme="",
                               title="支部党员大会", planned_start=local(2026, 11, 25, 19, 0),
                               planned_end=local(2026, 11, 25, 21, 0))
    AttendanceFactory(activity=activity, member=city.member)
    return activity


def test_it_reminds_the_day_before_at_six_in_the_evening_and_not_a_minute_earlier(city, meeting):
    assert sweep(local(2026, 11, 24, 17, 59)) == 0
    assert sweep(local(2026, 11, 24, 18, 0)) == 1
    notification = Notification.objects.get(recipient=city.member_user)
    assert notification.kind == Kind.ACTIVITY_DAY_BEFORE
    assert notification.title == "活动提醒：明天（11月25日 周三）19:00 支部党员大会"
    assert notification.link == meeting.get_absolute_url()


def test_it_sends_each_reminder_once_however_often_the_sweep_runs(city, meeting):
    for minute in (0, 5, 10, 0):
        sweep(local(2026, 11, 24, 18, minute))
    assert kinds_for(city.member_user) == [Kind.ACTIVITY_DAY_BEFORE]


def test_it_reminds_again_an_hour_before_the_start(city, meeting):
    sweep(local(2026, 11, 24, 18, 0))
    assert sweep(local(2026, 11, 25, 17, 59)) == 0
    assert sweep(local(2026, 11, 25, 18, 0)) == 1
    assert kinds_for(city.member_user) == [Kind.ACTIVITY_DAY_BEFORE, Kind.ACTIVITY_SOON]
    assert sweep(local(2026, 11, 25, 19, 1)) == 0, "nothing once it has started"


def test_it_crosses_a_month_end_for_the_day_before(city):
    activity = ActivityFactory(organisation=city.branch_a, planned_start=local(2026, 12, 1, 9, 0),
                               planned_end=local(2026, 12, 1, 11, 0))
    AttendanceFactory(activity=activity, member=city.member)
    assert sweep(local(2026, 11, 30, 17, 55)) == 0
    assert sweep(local(2026, 11, 30, 18, 0)) == 1
    assert "12月1日 周二" in Notification.objects.get().title


def test_it_does_not_remind_a_member_who_asked_for_leave(city, meeting):
    meeting.attendances.filter(member=city.member).update(status=AttendanceStatus.LEAVE, leave_reason="出差")
    assert sweep(local(2026, 11, 24, 18, 0)) == 0


def test_it_does_not_remind_members_who_left_or_have_no_login(city, meeting):
    gone = MemberFactory(organisation=city.branch_a, user=UserFactory(), status=MembershipStatus.TRANSFERRED_OUT,
                         left_on=dt.date(2026, 11, 1))
    AttendanceFactory(activity=meeting, member=gone)
    AttendanceFactory(activity=meeting, member=MemberFactory(organisation=city.branch_a, user=None))
    sweep(local(2026, 11, 24, 18, 0))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [city.member_user.pk]


def test_it_respects_a_member_who_turned_the_reminders_off(city, meeting):
    NotificationSettings.objects.create(user=city.member_user, day_before=False, soon=False)
    sweep(local(2026, 11, 24, 18, 0))
    sweep(local(2026, 11, 25, 18, 30))
    assert kinds_for(city.member_user) == []


def test_it_uses_the_members_own_times(city, meeting):
    NotificationSettings.objects.create(user=city.member_user, day_before_at=dt.time(20, 30), soon_minutes=15)
    assert sweep(local(2026, 11, 24, 20, 29)) == 0
    assert sweep(local(2026, 11, 24, 20, 30)) == 1
    assert sweep(local(2026, 11, 25, 18, 44)) == 0
    assert sweep(local(2026, 11, 25, 18, 45)) == 1


def test_a_late_planned_activity_gets_one_reminder_not_two(city):
    """Planned at 18:10 for 19:00 the same evening: the hour-before window has begun, so only that one."""
    activity = ActivityFactory(organisation=city.branch_a, planned_start=local(2026, 11, 24, 19, 0),
                               planned_end=local(2026, 11, 24, 20, 0))
    AttendanceFactory(activity=activity, member=city.member)
    sweep(local(2026, 11, 24, 18, 10))
    sweep(local(2026, 11, 24, 18, 15))
    assert kinds_for(city.member_user) == [Kind.ACTIVITY_SOON]


def test_a_cancelled_activity_is_not_reminded_but_its_cancellation_is_told_once(
        city, meeting, django_capture_on_commit_callbacks):
    with freeze_time(local(2026, 11, 23, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_cancel(activity=meeting, by=city.secretary, reason="与全市大会时间冲突")
    notification = Notification.objects.get(recipient=city.member_user)
    assert notification.kind == Kind.ACTIVITY_CANCELLED
    assert "与全市大会时间冲突" in notification.body
    assert sweep(local(2026, 11, 24, 18, 0)) == 0
    assert kinds_for(city.member_user) == [Kind.ACTIVITY_CANCELLED]


def test_a_moved_activity_is_told_and_reminded_at_its_new_time(city, meeting, django_capture_on_commit_callbacks):
    sweep(local(2026, 11, 24, 18, 0))  # the day-before reminder for the old time
    with freeze_time(local(2026, 11, 24, 20, 0)), django_capture_on_commit_callbacks(execute=True):
        meeting.planned_start, meeting.planned_end = local(2026, 11, 26, 19, 0), local(2026, 11, 26, 21, 0)
        activity_services.activity_update(activity=meeting, by=city.secretary,
                                          changed=["planned_start", "planned_end"])
    changed = Notification.objects.get(recipient=city.member_user, kind=Kind.ACTIVITY_CHANGED)
    assert "11月26日 周四" in changed.body
    assert sweep(local(2026, 11, 25, 18, 0)) == 1, "the day before the new date"
    assert sweep(local(2026, 11, 26, 18, 0)) == 1, "an hour before the new start"
    assert kinds_for(city.member_user) == [Kind.ACTIVITY_CHANGED, Kind.ACTIVITY_DAY_BEFORE,
                                           Kind.ACTIVITY_DAY_BEFORE, Kind.ACTIVITY_SOON]


def test_a_title_change_is_not_a_move(city, meeting, django_capture_on_commit_callbacks):
    with freeze_time(local(2026, 11, 23, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        meeting.title = "支部党员大会（换届）"
        activity_services.activity_update(activity=meeting, by=city.secretary, changed=["title"])
    assert not Notification.objects.exists()


def test_registered_members_of_an_open_event_are_reminded_and_the_waitlist_is_not(city):
    lecture = ActivityFactory(organisation=city.org_b, kind="OPEN_LECTURE", theme="", is_open=True, capacity=1,
                              planned_start=local(2026, 11, 25, 14, 0), planned_end=local(2026, 11, 25, 16, 0))
    Registration.objects.create(activity=lecture, member=city.member, status=RegistrationStatus.REGISTERED)
    waiting = MemberFactory(organisation=city.org_b, user=UserFactory())
    Registration.objects.create(activity=lecture, member=waiting, status=RegistrationStatus.WAITLISTED)
    sweep(local(2026, 11, 24, 18, 0))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [city.member_user.pk]


def test_the_group_robot_gets_one_reminder_per_activity_not_one_per_member(city, meeting):
    robot = WebhookEndpointFactory(organisation=city.branch_a)
    WebhookEndpointFactory(organisation=city.branch_a, activity_notices=False, name="支委群")
    for _ in range(3):
        AttendanceFactory(activity=meeting, member=MemberFactory(organisation=city.branch_a, user=UserFactory()))
    sweep(local(2026, 11, 24, 18, 0))
    sweep(local(2026, 11, 25, 18, 0))
    assert list(Notification.objects.filter(webhook__isnull=False).values_list("webhook", "kind")) == [
        (robot.pk, Kind.ACTIVITY_DAY_BEFORE)]
    assert Notification.objects.filter(recipient__isnull=False).count() == 8


def test_the_sweep_reads_with_the_same_queries_for_ten_times_the_activities_and_members(
        city, django_assert_max_num_queries):
    """Reads are a fixed number per chunk of activities; inserts are batched (the database's batch size)."""
    def build(activities: int, members: int):
        people = [MemberFactory(organisation=city.branch_a, user=UserFactory()) for _ in range(members)]
        for n in range(activities):
            activity = ActivityFactory(organisation=city.branch_a, planned_start=local(2026, 11, 25, 8 + n % 10, 0),
                                       planned_end=local(2026, 11, 25, 20, 0))
            activity_services.attendance_expect(activity=activity, members=MemberFactory._meta.model.objects.filter(
                pk__in=[p.pk for p in people]))

    def reads(context) -> int:
        return sum(1 for query in context.captured_queries if query["sql"].lstrip().upper().startswith("SELECT"))

    build(2, 3)
    with django_assert_max_num_queries(12) as small:
        sweep(local(2026, 11, 24, 18, 0))
    build(20, 30)
    with django_assert_max_num_queries(40) as large:
        sweep(local(2026, 11, 24, 18, 5))
    assert Notification.objects.count() == 2 * 3 + 20 * 30
    # 600 reminders: one more chunk of the existing-key check, not one query per member.
    assert reads(large) <= reads(small) + 2


def test_the_periodic_task_creates_and_e_mails_the_due_reminders(city, meeting, django_capture_on_commit_callbacks):
    city.member_user.email = "member@example.cn"
    city.member_user.save()
    with freeze_time(local(2026, 11, 24, 18, 1)), django_capture_on_commit_callbacks(execute=True):
        assert remind_activities() == 1
    assert [message.subject for message in mail.outbox] == ["【机关党建】活动提醒：明天（11月25日 周三）19:00 支部党员大会"]
    assert meeting.get_absolute_url() in mail.outbox[0].body


def test_a_cancellation_succeeds_when_the_broker_is_down_and_the_sweep_tells_the_members(
        city, meeting, login, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr("activities.tasks.notify_activity.delay", broker_down)
    client = login(city.secretary)
    with freeze_time(local(2026, 11, 23, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/activities/{meeting.pk}/cancel/", {"reason": "会议室检修"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "CANCELLED"
    assert not Notification.objects.exists()
    assert sweep(local(2026, 11, 23, 10, 5)) == 1
    assert Notification.objects.get().kind == Kind.ACTIVITY_CANCELLED


def test_saving_the_form_of_an_activity_stored_with_seconds_is_not_a_move(city, meeting,
                                                                          django_capture_on_commit_callbacks):
    type(meeting).objects.filter(pk=meeting.pk).update(planned_start=local(2026, 11, 25, 19, 0, 37))
    meeting.refresh_from_db()
    with freeze_time(local(2026, 11, 23, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        meeting.planned_start = local(2026, 11, 25, 19, 0)  # what the minutes-only form sends back
        activity_services.activity_update(activity=meeting, by=city.secretary, changed=["planned_start", "agenda"])
    assert not Notification.objects.exists()
    meeting.refresh_from_db()
    assert meeting.rescheduled_at is None
