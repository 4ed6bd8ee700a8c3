"""A hand-built city whose 2024 figures are known, for the reports' tests.

On top of the personas' city (working committee; 甲局党总支 with 甲局第一党支部 below it; 乙局党支部):
丙局党支部 as a third affiliated organisation. The figures for 2024, city-wide:
- 3 affiliated organisations; members by stage: 6 full, 1 probationary (admitted 2024), 1 candidate, 1 activist,
  1 applicant (plus one transferred out, not counted) → 7 party members;
- re-elections due in 2024: 2, on time: 1 (丙局) → 50%; standardisation: 3 reviews, 2 accepted → 66.7%;
- held: 2 themed days (重温入党誓词 at 甲局第一, 微心愿 at 丙局), 1 training, 1 open lecture (120 participants);
  1 cancelled general meeting;
- commendations: 3 (市级 优秀共产党员, 省级 先进基层党组织, 市直机关 先进典型 → 1 advanced model);
- brands: 1 in 2024 (top-ten rank 1: 红色先锋), 1 in 2023 → 2 cumulative;
- co-building: 1 organisation with an agreement; 1 member reported, served 2.5 hours;
- donations in 2024: 880.00 (乙党员) + 120.50 (丙局) = 1,000.50 yuan.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus, Theme
from honours.choices import Level, SelectionStatus
from members.choices import MembershipStatus, Stage
from oversight.choices import ReviewStatus
from oversight.models import StandardisationReview
from tests.community.factories import AgreementFactory, CampaignFactory, DonationFactory, ReportFactory, ServiceFactory
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, OrganisationFactory, TermFactory
from tests.honours.factories import BrandFactory, CommendationFactory, EntryFactory, SelectionFactory, title

YEAR = 2024


def at(year, month, day, hour=9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def held(organisation, kind, when, **extra):
    return ActivityFactory(organisation=organisation, kind=kind, status=ActivityStatus.HELD, planned_start=when,
                           planned_end=when + dt.timedelta(hours=2), actual_start=when,
                           actual_end=when + dt.timedelta(hours=2), **extra)


@dataclass
class Known:
    city: object
    org_c: object
    themed_day: object


def not_yet_member(organisation, stage):
    return MemberFactory(organisation=organisation, stage=stage, admitted_on=None, full_on=None)


@pytest.fixture
def known_city(city) -> Known:
    root, org_a, branch_a, org_b = city.root, city.org_a, city.branch_a, city.org_b
    org_c = OrganisationFactory(name="丙局机关党支部", short_name="丙局党支部", parent=root)

    MemberFactory.create_batch(2, organisation=branch_a)
    MemberFactory(organisation=branch_a, stage=Stage.PROBATIONARY, admitted_on=dt.date(2024, 6, 1), full_on=None)
    candidate = not_yet_member(branch_a, Stage.CANDIDATE)
    not_yet_member(branch_a, Stage.ACTIVIST)
    not_yet_member(org_b, Stage.APPLICANT)
    MemberFactory.create_batch(2, organisation=org_c)
    MemberFactory(organisation=org_c, status=MembershipStatus.TRANSFERRED_OUT, left_on=dt.date(2024, 2, 1))

    themed_day = held(branch_a, ActivityKind.THEMED_DAY, at(2024, 3, 15), theme=Theme.OATH_RENEWAL,
                      title="重温入党誓词主题党日")
    AttendanceFactory(activity=themed_day, member=city.member, status=AttendanceStatus.PRESENT)
    AttendanceFactory(activity=themed_day, member=candidate, status=AttendanceStatus.LEAVE, leave_reason="出差")
    held(org_c, ActivityKind.THEMED_DAY, at(2024, 5, 20), theme=Theme.MICRO_WISH, title="微心愿认领")
    held(org_b, ActivityKind.TRAINING, at(2024, 6, 1), theme="", title="党支部书记培训班")
    held(org_b, ActivityKind.OPEN_LECTURE, at(2024, 7, 1), theme="", title="周末60分开放式党课", is_open=True,
         participant_count=120)
    ActivityFactory(organisation=branch_a, kind=ActivityKind.GENERAL_MEETING, theme="", title="第二季度党员大会",
                    status=ActivityStatus.CANCELLED, cancel_reason="与防汛任务冲突", planned_start=at(2024, 4, 10),
                    planned_end=at(2024, 4, 10, 11))

    TermFactory(organisation=org_c, elected_on=dt.date(2021, 3, 1), ends_on=dt.date(2024, 3, 1))
    TermFactory(organisation=org_c, number=2, elected_on=dt.date(2024, 2, 20), ends_on=dt.date(2027, 2, 20))
    TermFactory(organisation=org_b, elected_on=dt.date(2021, 5, 1), ends_on=dt.date(2024, 5, 1))
    TermFactory(organisation=org_b, number=2, elected_on=dt.date(2024, 6, 10), ends_on=dt.date(2027, 6, 10))

    for organisation, status in ((org_b, ReviewStatus.ACCEPTED), (org_c, ReviewStatus.ACCEPTED),
                                 (branch_a, ReviewStatus.FAILED)):
        StandardisationReview.objects.create(organisation=organisation, year=YEAR, status=status)

    CommendationFactory(member=city.member, level=Level.CITY, year=YEAR)
    CommendationFactory(title=title("先进基层党组织"), member=None, organisation=org_c, level=Level.PROVINCE,
                        year=YEAR)
    CommendationFactory(title=title("先进典型"), member=city.other_member, level=Level.CITY_ORGANS, year=YEAR)

    brand = BrandFactory(organisation=org_b, name="红色先锋", year=YEAR)
    BrandFactory(organisation=org_c, name="丙局先锋岗", year=2023)
    EntryFactory(selection=SelectionFactory(year=YEAR, status=SelectionStatus.DECIDED), brand=brand, rank=1)

    AgreementFactory(organisation=org_c, signed_on=dt.date(2024, 3, 1))
    ServiceFactory(report=ReportFactory(member=city.member, reported_on=dt.date(2024, 3, 5)), hours=Decimal("2.5"))

    flood = CampaignFactory(name="防汛救灾", starts_on=dt.date(2024, 7, 1))
    DonationFactory(campaign=flood, member=city.other_member, amount=Decimal("880.00"))
    DonationFactory(campaign=flood, member=None, organisation=org_c, amount=Decimal("120.50"))
    return Known(city=city, org_c=org_c, themed_day=themed_day)


@pytest.fixture(autouse=True)
def report_files_in_tmp(request, settings, tmp_path):
    """Files of ordinary tests go to a temporary folder. Tests with the real worker keep the test MEDIA_ROOT the
    worker was started with, so that they can read what it stored."""
    if "celery_worker_process" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
    yield
