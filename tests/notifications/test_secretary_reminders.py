"""Secretaries are reminded of their organisation's duties: meetings not yet held, a themed day not planned,
re-elections, probations ending, send-backs and responsibility-list deadlines — each fact once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from branches.choices import OrganisationKind, Position
from members.choices import MembershipStatus, Stage
from notifications import digests
from notifications.choices import Kind, Mode
from notifications.models import Notification, NotificationSettings
from notifications.services import deliveries_send, notifications_create, notifications_dispatch
from oversight import reviews
from oversight.choices import DutyStatus, ItemVerdict, ReviewStatus
from oversight.models import Duty, DutyAssignment, Exemption, StandardisationReview
from oversight.reminders import secretary_dues
from oversight.tasks import remind_secretaries
from rules.models import Threshold, ThresholdCode
from tests.factories import (
    ActivityFactory,
    CommitteePositionFactory,
    MemberFactory,
    OrganisationFactory,
    PartyGroupFactory,
    RoleFactory,
    TermFactory,
    UserFactory,
)
from tests.notifications.factories import WebhookEndpointFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def dues(today: dt.date, kind: str | None = None) -> list:
    with freeze_time(local(today.year, today.month, today.day, 8, 0)):
        found = secretary_dues(today=today)
    return [due for due in found if kind is None or due.kind == kind]


def sweep(today: dt.date) -> int:
    return notifications_create(dues(today))


def told(user, kind: str) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk")
                .values_list("title", "period"))


def with_committee_and_group(organisation) -> None:
    """Three seats (a branch committee) and one party group: the monthly 支委会 and 党小组会 are required."""
    for position in (Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.ORGANISATION):
        CommitteePositionFactory(organisation=organisation, position=position, starts_on=dt.date(2024, 3, 1))
    PartyGroupFactory(organisation=organisation, name="第一党小组")


def held(organisation, kind: str, at: dt.datetime, **extra):
    extra.setdefault("theme", "")
    return ActivityFactory(organisation=organisation, kind=kind, planned_start=at,
                           planned_end=at + dt.timedelta(hours=2), status="HELD", actual_start=at,
                           actual_end=at + dt.timedelta(hours=2), **extra)


def planned(organisation, kind: str, at: dt.datetime, **extra):
    if extra.get("status") == "CANCELLED":
        extra.setdefault("cancel_reason", "与市委会议冲突")
    return ActivityFactory(organisation=organisation, kind=kind, planned_start=at,
                           planned_end=at + dt.timedelta(hours=2), **extra)


# --- meetings of the month ------------------------------------------------------------------------

@pytest.fixture
def meetings(city):
    with_committee_and_group(city.branch_a)
    return city


def test_meetings_are_not_chased_before_the_20th(meetings):
    assert dues(dt.date(2026, 11, 19), Kind.MEETINGS_DUE) == []


def test_from_the_20th_the_secretary_hears_once_a_month_which_meetings_are_missing(meetings):
    [due] = dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE)
    assert due.recipient_id == meetings.secretary.pk, "branch A has no secretary of its own: the one above runs it"
    assert due.title == "甲局第一党支部：11月尚未召开支委会、党小组会"
    assert due.target == f"organisation:{meetings.branch_a.pk}"
    assert due.period == "2026-11"
    assert due.link == reverse("oversight:matrix_cell", args=[meetings.branch_a.pk, 2026, 11])
    assert "支委会：11月应召开1次，已召开0次" in due.body
    for day in (20, 21, 25, 30):
        sweep(dt.date(2026, 11, day))
    assert told(meetings.secretary, Kind.MEETINGS_DUE) == [("甲局第一党支部：11月尚未召开支委会、党小组会", "2026-11")]


def test_a_held_meeting_is_not_chased_and_a_month_with_all_held_sends_nothing(meetings):
    held(meetings.branch_a, "COMMITTEE_MEETING", local(2026, 11, 5, 15, 0))
    [due] = dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE)
    assert due.title == "甲局第一党支部：11月尚未召开党小组会"
    held(meetings.branch_a, "GROUP_MEETING", local(2026, 11, 12, 15, 0))
    assert dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE) == []


def test_a_meeting_held_last_month_does_not_count_for_this_one(meetings):
    held(meetings.branch_a, "COMMITTEE_MEETING", local(2026, 10, 31, 15, 0))
    held(meetings.branch_a, "GROUP_MEETING", local(2026, 10, 31, 17, 0))
    [due] = dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE)
    assert due.title == "甲局第一党支部：11月尚未召开支委会、党小组会"


def test_a_meeting_planned_for_the_rest_of_the_month_is_not_forgotten_but_a_cancelled_one_is(meetings):
    planned(meetings.branch_a, "COMMITTEE_MEETING", local(2026, 11, 26, 15, 0))
    planned(meetings.branch_a, "GROUP_MEETING", local(2026, 11, 27, 15, 0), status="CANCELLED")
    [due] = dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE)
    assert due.title == "甲局第一党支部：11月尚未召开党小组会"


def test_an_exempted_kind_is_not_chased(meetings):
    Exemption.objects.create(organisation=meetings.branch_a, activity_kind="GROUP_MEETING", reason="党小组调整中",
                             valid_from=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 30))
    [due] = dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE)
    assert due.title == "甲局第一党支部：11月尚未召开支委会"


def test_without_a_committee_or_groups_only_the_themed_day_is_asked_and_it_has_its_own_reminder(city):
    assert dues(dt.date(2026, 11, 20), Kind.MEETINGS_DUE) == []


def test_a_quarter_end_month_chases_the_quarterly_meetings_with_their_window(city):
    [due] = [d for d in dues(dt.date(2026, 12, 20), Kind.MEETINGS_DUE) if d.organisation_id == city.org_b.pk]
    assert due.title == "乙局机关党支部：12月尚未召开支部党员大会、党课、组织生活会、民主评议党员"
    assert "支部党员大会：10–12月应召开1次，已召开0次" in due.body


def test_the_last_day_of_the_month_still_reminds_and_the_next_month_waits_for_its_20th(meetings):
    assert sweep(dt.date(2027, 1, 31)) > 0
    assert told(meetings.secretary, Kind.MEETINGS_DUE)[-1][1] == "2027-01"
    assert dues(dt.date(2027, 2, 1), Kind.MEETINGS_DUE) == []
    assert dues(dt.date(2027, 2, 19), Kind.MEETINGS_DUE) == []
    sweep(dt.date(2027, 2, 28))  # the last day of a February
    assert dues(dt.date(2027, 3, 1), Kind.MEETINGS_DUE) == []
    assert [period for _, period in told(meetings.secretary, Kind.MEETINGS_DUE)] == ["2027-01", "2027-02"]


# --- themed day ---------------------------------------------------------------------------------

def test_an_unplanned_themed_day_is_told_from_the_10th_to_each_branchs_secretary(city):
    assert dues(dt.date(2026, 11, 9), Kind.THEMED_DAY_UNPLANNED) == []
    found = {(d.recipient_id, d.title, d.period) for d in dues(dt.date(2026, 11, 10), Kind.THEMED_DAY_UNPLANNED)}
    assert found == {(city.secretary.pk, "甲局第一党支部：11月主题党日尚未安排", "2026-11"),
                     (city.other_secretary.pk, "乙局机关党支部：11月主题党日尚未安排", "2026-11")}
    [due] = dues(dt.date(2026, 11, 10), Kind.THEMED_DAY_UNPLANNED)[:1]
    assert due.link.startswith(reverse("activities:activity_create") + "?organisation=")


def test_a_planned_or_held_themed_day_is_enough_but_a_cancelled_one_or_one_next_month_is_not(city):
    planned(city.branch_a, "THEMED_DAY", local(2026, 11, 28, 9, 0))
    held(city.org_b, "THEMED_DAY", local(2026, 11, 3, 9, 0), theme="OATH_RENEWAL")
    assert dues(dt.date(2026, 11, 10), Kind.THEMED_DAY_UNPLANNED) == []
    other = OrganisationFactory(name="丙局党支部", parent=city.root)
    RoleFactory(user=UserFactory(), organisation=other)
    planned(other, "THEMED_DAY", local(2026, 11, 20, 9, 0), status="CANCELLED")
    planned(other, "THEMED_DAY", local(2026, 12, 1, 9, 0))
    [due] = dues(dt.date(2026, 11, 10), Kind.THEMED_DAY_UNPLANNED)
    assert due.title == "丙局党支部：11月主题党日尚未安排"


def test_the_themed_day_is_told_once_a_month_however_often_the_sweep_runs(city):
    for day in (10, 11, 20, 30):
        sweep(dt.date(2026, 11, day))
    assert told(city.secretary, Kind.THEMED_DAY_UNPLANNED) == [("甲局第一党支部：11月主题党日尚未安排", "2026-11")]


# --- re-elections -------------------------------------------------------------------------------

def test_a_reelection_is_told_at_6_3_and_1_months_and_when_overdue_each_once(city):
    TermFactory(organisation=city.org_b, elected_on=dt.date(2024, 5, 10), ends_on=dt.date(2027, 5, 10))
    assert dues(dt.date(2026, 11, 9), Kind.REELECTION_DUE) == []
    day = dt.date(2026, 11, 9)
    while day <= dt.date(2027, 6, 1):
        sweep(day)
        day += dt.timedelta(days=1)
    assert [period for _, period in told(city.other_secretary, Kind.REELECTION_DUE)] == [
        "6m:2027-05-10", "3m:2027-05-10", "1m:2027-05-10", "overdue:2027-05-10"]
    titles = [title for title, _ in told(city.other_secretary, Kind.REELECTION_DUE)]
    assert titles[0] == "乙局机关党支部：本届任期将于2027年5月10日届满（6个月内），请做好换届准备"
    assert titles[-1] == "乙局机关党支部：本届任期已于2027年5月10日届满，尚未换届"


@pytest.mark.parametrize("today, period", [
    (dt.date(2026, 11, 10), "6m:2027-05-10"),
    (dt.date(2027, 2, 9), "6m:2027-05-10"),
    (dt.date(2027, 2, 10), "3m:2027-05-10"),
    (dt.date(2027, 4, 10), "1m:2027-05-10"),
    (dt.date(2027, 5, 10), "1m:2027-05-10"),  # the last day of the term is not yet overdue
    (dt.date(2027, 5, 11), "overdue:2027-05-10"),
])
def test_a_term_discovered_late_gets_only_the_most_urgent_reminder(city, today, period):
    TermFactory(organisation=city.org_b, elected_on=dt.date(2024, 5, 10), ends_on=dt.date(2027, 5, 10))
    assert [due.period for due in dues(today, Kind.REELECTION_DUE)] == [period]


def test_the_first_reelection_reminder_follows_the_rule_table(city):
    Threshold.objects.create(code=ThresholdCode.REELECTION_WARNING_MONTHS, value=4, source="测试",
                             effective_from=dt.date(2026, 1, 1))
    TermFactory(organisation=city.org_b, elected_on=dt.date(2024, 5, 10), ends_on=dt.date(2027, 5, 10))
    assert dues(dt.date(2026, 12, 20), Kind.REELECTION_DUE) == []
    assert [due.period for due in dues(dt.date(2027, 1, 10), Kind.REELECTION_DUE)] == ["4m:2027-05-10"]


def test_a_term_ending_on_the_31st_is_first_told_at_the_end_of_a_shorter_month(city):
    TermFactory(organisation=city.org_b, elected_on=dt.date(2024, 8, 31), ends_on=dt.date(2027, 8, 31))
    assert dues(dt.date(2027, 2, 27), Kind.REELECTION_DUE) == []
    assert [due.period for due in dues(dt.date(2027, 2, 28), Kind.REELECTION_DUE)] == ["6m:2027-08-31"]


def test_a_new_term_ends_the_reminders_of_the_old_one(city):
    TermFactory(organisation=city.org_b, elected_on=dt.date(2024, 5, 10), ends_on=dt.date(2027, 5, 10))
    TermFactory(organisation=city.org_b, number=2, elected_on=dt.date(2027, 4, 20), ends_on=dt.date(2030, 4, 20))
    assert dues(dt.date(2027, 5, 11), Kind.REELECTION_DUE) == []


# --- probation ----------------------------------------------------------------------------------

@pytest.fixture
def probationer(city):
    return MemberFactory(name="张三", organisation=city.branch_a, stage=Stage.PROBATIONARY,
                         admitted_on=dt.date(2025, 12, 10), full_on=None)


def test_a_probation_ending_within_30_days_is_told_and_not_at_31(city, probationer):
    assert dues(dt.date(2026, 11, 9), Kind.PROBATION_ENDING) == []  # 31 days before
    [due] = dues(dt.date(2026, 11, 10), Kind.PROBATION_ENDING)  # 30 days before
    assert (due.recipient_id, due.title, due.period, due.target) == (
        city.secretary.pk, "预备党员张三的预备期将于2026年12月10日届满", "2026-12-10", f"member:{probationer.pk}")
    assert due.link == reverse("members:member_detail", args=[probationer.pk])
    assert [due.period for due in dues(dt.date(2026, 12, 10), Kind.PROBATION_ENDING)] == ["2026-12-10"]
    assert dues(dt.date(2026, 12, 11), Kind.PROBATION_ENDING) == []
    for day in (10, 20, 30):
        sweep(dt.date(2026, 11, day))
    assert len(told(city.secretary, Kind.PROBATION_ENDING)) == 1


def test_probation_ends_a_calendar_year_after_admission_across_a_leap_day(city):
    MemberFactory(name="李四", organisation=city.org_b, stage=Stage.PROBATIONARY, admitted_on=dt.date(2027, 12, 10),
                  full_on=None)
    [due] = dues(dt.date(2028, 11, 10), Kind.PROBATION_ENDING)
    assert due.title == "预备党员李四的预备期将于2028年12月10日届满"


def test_full_members_and_those_who_left_are_not_told_about(city):
    MemberFactory(organisation=city.branch_a, stage=Stage.PROBATIONARY, admitted_on=dt.date(2025, 12, 10),
                  full_on=None, status=MembershipStatus.TRANSFERRED_OUT)
    MemberFactory(organisation=city.branch_a, admitted_on=dt.date(2025, 12, 10), full_on=dt.date(2026, 11, 1))
    assert dues(dt.date(2026, 11, 20), Kind.PROBATION_ENDING) == []


# --- standardisation send-backs -----------------------------------------------------------------

def _submitted_review(city) -> StandardisationReview:
    review = reviews.review_start(organisation=city.branch_a, year=2026, by=city.secretary)
    StandardisationReview.objects.filter(pk=review.pk).update(status=ReviewStatus.SUBMITTED)
    first, *rest = review.items.order_by("checklist_item__sort_order")
    first.verdict, first.comment = ItemVerdict.NEEDS_CORRECTION, "照片不清晰"
    first.save()
    review.items.filter(pk__in=[item.pk for item in rest]).update(verdict=ItemVerdict.PASS)
    return review


def test_a_send_back_is_told_at_once_and_the_sweep_does_not_tell_it_again(city, django_capture_on_commit_callbacks):
    city.secretary.email = "jia@example.cn"
    city.secretary.save()
    with freeze_time(local(2026, 11, 2, 10, 0)):
        review = _submitted_review(city)
        with django_capture_on_commit_callbacks(execute=True):
            reviews.review_return(review=review, by=city.admin, comment="请补充活动场所照片")
    [notification] = Notification.objects.filter(kind=Kind.REVIEW_RETURNED)
    assert notification.recipient == city.secretary
    assert notification.title == "甲局第一党支部2026年度标准化验收被退回整改"
    assert "请补充活动场所照片" in notification.body
    assert notification.link == reverse("oversight:review_detail", args=[review.pk])
    assert notification.dispatched_at is not None, "dispatched once the send-back committed"
    assert [m.to for m in mail.outbox] == [["jia@example.cn"]], "urgent by default: e-mailed at once"
    assert [d.target for d in dues(dt.date(2026, 11, 3), Kind.REVIEW_RETURNED)] == [f"review:{review.pk}"]
    assert sweep(dt.date(2026, 11, 3)) == 0
    assert Notification.objects.filter(kind=Kind.REVIEW_RETURNED).count() == 1


def test_the_sweep_tells_a_recent_send_back_not_yet_resubmitted_and_a_second_one_again(city):
    with freeze_time(local(2026, 11, 2, 10, 0)):
        review = _submitted_review(city)
        reviews.review_return(review=review, by=city.admin)
    Notification.objects.all().delete()  # as if the immediate telling had been lost
    assert [d.period.startswith("event:") for d in dues(dt.date(2026, 11, 16), Kind.REVIEW_RETURNED)] == [True]
    assert dues(dt.date(2026, 11, 17), Kind.REVIEW_RETURNED) == [], "after 14 days the sweep lets it be"
    sweep(dt.date(2026, 11, 3))
    sweep(dt.date(2026, 11, 4))
    assert len(told(city.secretary, Kind.REVIEW_RETURNED)) == 1
    # Resubmitted and sent back again: a new fact.
    StandardisationReview.objects.filter(pk=review.pk).update(status=ReviewStatus.SUBMITTED)
    assert dues(dt.date(2026, 11, 5), Kind.REVIEW_RETURNED) == [], "a resubmitted review needs no reminder"
    with freeze_time(local(2026, 11, 6, 10, 0)):
        reviews.review_return(review=review, by=city.admin, comment="仍需整改")
    assert len(told(city.secretary, Kind.REVIEW_RETURNED)) == 2


# --- responsibility list ------------------------------------------------------------------------

def _assignment(organisation, deadline: dt.date, **extra) -> DutyAssignment:
    duty = Duty.objects.create(title="报送年度党建工作总结", deadline=deadline)
    return DutyAssignment.objects.create(duty=duty, organisation=organisation, **extra)


def test_a_duty_is_told_7_days_before_its_deadline_not_8(city):
    assignment = _assignment(city.org_b, dt.date(2026, 11, 30))
    assert dues(dt.date(2026, 11, 22), Kind.DUTY_DUE) == []
    [due] = dues(dt.date(2026, 11, 23), Kind.DUTY_DUE)
    assert (due.recipient_id, due.period, due.target) == (city.other_secretary.pk, "2026-11-30",
                                                          f"assignment:{assignment.pk}")
    assert due.title == "乙局机关党支部：责任清单事项“报送年度党建工作总结”7天后（11月30日）到期"
    assert due.link == reverse("oversight:duty_report", args=[assignment.pk])
    assert [d.title for d in dues(dt.date(2026, 11, 30), Kind.DUTY_DUE)] == [
        "乙局机关党支部：责任清单事项“报送年度党建工作总结”今天到期"]
    assert dues(dt.date(2026, 12, 1), Kind.DUTY_DUE) == [], "overdue duties go to the admins' digest"


def test_a_duty_already_reported_done_is_not_told(city):
    _assignment(city.org_b, dt.date(2026, 11, 30), status=DutyStatus.DONE,
                completed_at=local(2026, 11, 20, 9, 0), report="已报送")
    assert dues(dt.date(2026, 11, 25), Kind.DUTY_DUE) == []


# --- who is told, and how -----------------------------------------------------------------------

def test_a_branch_with_its_own_secretary_tells_that_secretary_only(city):
    own = UserFactory()
    RoleFactory(user=own, organisation=city.branch_a)
    recipients = {d.recipient_id for d in dues(dt.date(2026, 11, 10), Kind.THEMED_DAY_UNPLANNED)
                  if d.organisation_id == city.branch_a.pk}
    assert recipients == {own.pk}


def test_an_inactive_secretary_is_not_told(city):
    city.other_secretary.is_active = False
    city.other_secretary.save()
    assert {d.organisation_id for d in dues(dt.date(2026, 11, 10))} == {city.branch_a.pk}


def test_the_digest_is_the_default_and_an_immediate_choice_is_e_mailed(city):
    city.secretary.email, city.other_secretary.email = "jia@example.cn", "yi@example.cn"
    city.secretary.save()
    city.other_secretary.save()
    NotificationSettings.objects.create(user=city.secretary, modes={Kind.THEMED_DAY_UNPLANNED: Mode.IMMEDIATE})
    sweep(dt.date(2026, 11, 10))
    assert dict(Notification.objects.filter(kind=Kind.THEMED_DAY_UNPLANNED).values_list("recipient", "mode")) == {
        city.secretary.pk: Mode.IMMEDIATE, city.other_secretary.pk: Mode.DIGEST}
    deliveries_send(notifications_dispatch())
    assert [m.to for m in mail.outbox] == [["jia@example.cn"]]
    assert digests.secretary_digests_create(today=dt.date(2026, 11, 16)) == 1
    digest = Notification.objects.get(kind=Kind.WEEKLY_DIGEST)
    assert digest.recipient == city.other_secretary
    assert digest.body == "· 乙局机关党支部：11月主题党日尚未安排"


def test_a_robot_that_takes_duty_notices_gets_them_and_others_do_not(city):
    duty_robot = WebhookEndpointFactory(organisation=city.org_b, name="支委群", duty_notices=True)
    WebhookEndpointFactory(organisation=city.org_b, name="党员群", duty_notices=False)
    WebhookEndpointFactory(organisation=city.org_b, name="旧群", duty_notices=True, is_active=False)
    found = [(d.webhook_id, d.recipient_id, d.title) for d in dues(dt.date(2026, 11, 10))
             if d.organisation_id == city.org_b.pk]
    assert sorted(found, key=str) == sorted([(None, city.other_secretary.pk, "乙局机关党支部：11月主题党日尚未安排"),
                                             (duty_robot.pk, None, "乙局机关党支部：11月主题党日尚未安排")], key=str)


def test_a_reminder_that_names_a_member_never_goes_to_a_group_chat(city, probationer):
    WebhookEndpointFactory(organisation=city.branch_a, name="支委群", duty_notices=True)
    found = [(d.webhook_id, d.recipient_id) for d in dues(dt.date(2026, 11, 10), Kind.PROBATION_ENDING)]
    assert found == [(None, city.secretary.pk)]


def test_the_daily_task_run_twice_sends_each_reminder_once(city):
    with_committee_and_group(city.branch_a)
    MemberFactory(organisation=city.org_b, stage=Stage.PROBATIONARY, admitted_on=dt.date(2025, 12, 10),
                  full_on=None)
    TermFactory(organisation=city.org_b, elected_on=dt.date(2023, 11, 1), ends_on=dt.date(2026, 11, 1))
    _assignment(city.branch_a, dt.date(2026, 11, 25))
    with freeze_time(local(2026, 11, 20, 8, 0)):
        first = remind_secretaries()
        second = remind_secretaries()
    assert (first, second) == (6, 0)
    assert sorted(Notification.objects.values_list("recipient", "kind")) == sorted([
        (city.secretary.pk, Kind.MEETINGS_DUE), (city.secretary.pk, Kind.THEMED_DAY_UNPLANNED),
        (city.secretary.pk, Kind.DUTY_DUE), (city.other_secretary.pk, Kind.THEMED_DAY_UNPLANNED),
        (city.other_secretary.pk, Kind.REELECTION_DUE), (city.other_secretary.pk, Kind.PROBATION_ENDING)])


# --- cost ---------------------------------------------------------------------------------------

def _busy_city(city, n: int) -> None:
    """n more branches, each with a secretary, a committee and a group, a term overdue, a probationer, a duty
    due, a robot and a sent-back review — every rule has something to say about each."""
    duty = Duty.objects.create(title="报送总结", deadline=dt.date(2026, 11, 25))
    start = OrganisationFactory._meta.model.objects.count()
    for i in range(start, start + n):
        branch = OrganisationFactory(name=f"测试党支部{i}", parent=city.root)
        RoleFactory(user=UserFactory(), organisation=branch)
        with_committee_and_group(branch)
        TermFactory(organisation=branch, elected_on=dt.date(2023, 11, 1), ends_on=dt.date(2026, 11, 1))
        MemberFactory(organisation=branch, stage=Stage.PROBATIONARY, admitted_on=dt.date(2025, 12, 10),
                      full_on=None)
        DutyAssignment.objects.create(duty=duty, organisation=branch)
        WebhookEndpointFactory(organisation=branch, duty_notices=True)
        review = StandardisationReview.objects.create(organisation=branch, year=2026,
                                                      status=ReviewStatus.RETURNED)
        with freeze_time(local(2026, 11, 18, 9, 0)):
            review.events.create(action="RETURNED", comment="请整改")


def _queries(today: dt.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        found = dues(today)
    return len(queries), len(found)


def test_the_sweep_costs_the_same_queries_for_2_and_for_20_organisations(city, django_assert_max_num_queries):
    _busy_city(city, 2)
    small, small_dues = _queries(dt.date(2026, 11, 20))
    assert small_dues >= 2 * 2 * 6
    _busy_city(city, 18)
    with django_assert_max_num_queries(small):
        found = dues(dt.date(2026, 11, 20))
    assert len(found) > small_dues * 5
    assert {due.kind for due in found} >= {Kind.MEETINGS_DUE, Kind.THEMED_DAY_UNPLANNED, Kind.REELECTION_DUE,
                                           Kind.PROBATION_ENDING, Kind.REVIEW_RETURNED, Kind.DUTY_DUE}


def test_a_committee_kind_organisation_is_told_about_its_reelection_not_meetings(city):
    committee = OrganisationFactory(kind=OrganisationKind.PARTY_COMMITTEE, name="丁局机关党委", parent=city.root)
    boss = UserFactory()
    RoleFactory(user=boss, organisation=committee)
    TermFactory(organisation=committee, elected_on=dt.date(2022, 1, 1), ends_on=dt.date(2027, 1, 1))
    assert [(d.kind, d.period) for d in dues(dt.date(2026, 11, 20)) if d.recipient_id == boss.pk] == [
        (Kind.REELECTION_DUE, "3m:2027-01-01")]


def test_the_reminders_timing_is_read_from_the_rule_table(city):
    """Rules are data: an admin who moves the duty notice to 3 days and the themed-day check to the 5th
    changes what the sweep tells, from the rule's effective date on."""
    from rules.models import Threshold, ThresholdCode

    _assignment(city.org_b, dt.date(2026, 11, 12))
    assert [d.kind for d in dues(dt.date(2026, 11, 6)) if d.recipient_id == city.other_secretary.pk] == [
        Kind.DUTY_DUE]
    for code, value in ((ThresholdCode.DUTY_NOTICE_DAYS, 3), (ThresholdCode.REMIND_THEMED_DAY_FROM_DAY, 5)):
        Threshold.objects.create(code=code, value=value, source="工委通知（测试）", effective_from=dt.date(2026, 11, 1))
    assert sorted(d.kind for d in dues(dt.date(2026, 11, 6)) if d.recipient_id == city.other_secretary.pk) == [
        Kind.THEMED_DAY_UNPLANNED]
    assert Kind.DUTY_DUE in [d.kind for d in dues(dt.date(2026, 11, 9)) if d.recipient_id == city.other_secretary.pk]
