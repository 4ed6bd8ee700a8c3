"""The admins' weekly digest: overdue re-elections, last month's red cells, reviews waiting for a decision and
overdue duties — and no digest at all when there is nothing to report."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from notifications import digests
from notifications.choices import Kind
from notifications.models import Notification
from oversight.choices import DutyStatus, ReviewStatus
from oversight.models import Duty, DutyAssignment, StandardisationReview
from oversight.reminders import admin_digest_lines
from tests.factories import ActivityFactory, OrganisationFactory, RoleFactory, TermFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 16)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def themed_day_held(organisation, at: dt.datetime):
    return ActivityFactory(organisation=organisation, planned_start=at, planned_end=at + dt.timedelta(hours=2),
                           status="HELD", actual_start=at, actual_end=at + dt.timedelta(hours=2))


@pytest.fixture
def quiet_city(city):
    """October's themed days were held everywhere, no term has run out, nothing waits: nothing to report."""
    themed_day_held(city.branch_a, local(2026, 10, 15, 9, 0))
    themed_day_held(city.org_b, local(2026, 10, 16, 9, 0))
    return city


def lines(today: dt.date = MONDAY) -> list[str]:
    with freeze_time(local(today.year, today.month, today.day, 7, 0)):
        return admin_digest_lines(today=today)


def test_nothing_to_report_makes_no_digest(quiet_city):
    assert lines() == []
    assert digests.admin_digests_create(today=MONDAY) == 0
    assert not Notification.objects.exists()


def test_the_digest_lists_each_thing_that_needs_the_admins(quiet_city):
    city = quiet_city
    TermFactory(organisation=city.org_b, elected_on=dt.date(2023, 10, 1), ends_on=dt.date(2026, 10, 1))
    TermFactory(organisation=city.org_a, elected_on=dt.date(2024, 10, 1), ends_on=dt.date(2027, 10, 1))
    StandardisationReview.objects.create(organisation=city.branch_a, year=2026, status=ReviewStatus.SUBMITTED)
    StandardisationReview.objects.create(organisation=city.org_b, year=2026, status=ReviewStatus.RETURNED)
    late = Duty.objects.create(title="报送半年总结", deadline=dt.date(2026, 11, 15))
    DutyAssignment.objects.create(duty=late, organisation=city.branch_a)
    DutyAssignment.objects.create(duty=late, organisation=city.org_b, status=DutyStatus.DONE,
                                  completed_at=local(2026, 11, 10, 9, 0), report="已报送")
    soon = Duty.objects.create(title="报送年度总结", deadline=dt.date(2026, 11, 16))
    DutyAssignment.objects.create(duty=soon, organisation=city.org_b)  # due today: not overdue yet
    OrganisationFactory(name="丙局党支部", parent=city.root)  # held nothing in October
    assert lines() == [
        "1 个党组织换届已逾期：乙局机关党支部",
        "1 份标准化验收申请待审核",
        "1 项责任清单任务已逾期未完成（涉及 1 个党组织）",
    ], "October's red cells were told in November's first digest"
    assert lines(dt.date(2026, 11, 2)) == [
        "1 个党组织换届已逾期：乙局机关党支部",
        "上月（10月）“三会一课”未落实 1 项（红色格）：丙局党支部",
        "1 份标准化验收申请待审核",
    ]


def test_in_january_last_month_is_last_years_december(city):
    themed_day_held(city.branch_a, local(2026, 12, 3, 9, 0))
    [line] = [line for line in lines(dt.date(2027, 1, 4)) if "红色格" in line]
    assert line == "上月（12月）“三会一课”未落实 1 项（红色格）：乙局机关党支部"


def test_more_than_ten_overdue_organisations_are_cut_short(quiet_city):
    for i in range(12):
        organisation = OrganisationFactory(kind="GENERAL_BRANCH", name=f"第{i:02d}党总支", parent=quiet_city.root)
        TermFactory(organisation=organisation, elected_on=dt.date(2023, 1, 1), ends_on=dt.date(2026, 1, 1 + i))
    [line] = lines()
    assert line.startswith("12 个党组织换届已逾期：第00党总支、第01党总支、")
    assert line.endswith("第09党总支等")
    assert "第10党总支" not in line


def test_each_admin_gets_the_digest_once_a_week(quiet_city):
    other_admin = UserFactory()
    RoleFactory(user=other_admin, kind="ADMIN", organisation=None)
    StandardisationReview.objects.create(organisation=quiet_city.org_b, year=2026, status=ReviewStatus.SUBMITTED)
    with freeze_time(local(2026, 11, 16, 7, 0)):
        assert digests.admin_digests_create(today=MONDAY) == 2
        assert digests.admin_digests_create(today=MONDAY) == 0
    digest = Notification.objects.filter(kind=Kind.ADMIN_DIGEST).first()
    assert digest.body == "· 1 份标准化验收申请待审核"
    assert set(Notification.objects.values_list("recipient", flat=True)) == {quiet_city.admin.pk, other_admin.pk}
    assert not Notification.objects.filter(recipient=quiet_city.secretary).exists()
