"""The demo city's dues and appraisals: three years of payments with some arrears and six-month cases, and an
appraisal per organisation for every year its 组织生活会 was held, within the one-third rule."""

import datetime as dt
import random

from django.db.models import Count, Q

from activities.choices import ActivityKind, ActivityStatus
from appraisals.choices import AppraisalStatus, Grade
from appraisals.models import Appraisal, AppraisalEntry
from branches.choices import OrganisationKind
from demo.appraisals import seed_appraisals
from demo.dues import seed_dues
from dues import selectors
from dues.choices import PaymentKind
from dues.models import DuesBase, DuesPayment
from members.choices import EmploymentStatus
from tests.factories import ActivityFactory, MemberFactory, OrganisationFactory

TODAY = dt.date(2026, 11, 24)


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    for n in range(12):
        organisation = OrganisationFactory(parent=root)
        MemberFactory.create_batch(8, organisation=organisation)
        MemberFactory(organisation=organisation, employment_status=EmploymentStatus.RETIRED)
        MemberFactory(organisation=organisation, stage="PROBATIONARY", admitted_on=dt.date(2025, 6, 1), full_on=None)
        for year in (2023, 2024, 2025):
            start = dt.datetime(year, 12, 10, 1, tzinfo=dt.UTC)
            ActivityFactory(organisation=organisation, kind=ActivityKind.ORG_LIFE_MEETING, theme="",
                            status=ActivityStatus.HELD, planned_start=start, actual_start=start,
                            planned_end=start + dt.timedelta(hours=3))


def test_three_years_of_dues_with_some_arrears_and_six_month_cases(db):
    small_city()
    result = seed_dues(rng=random.Random(3), today=TODAY)
    assert DuesBase.objects.count() == result["bases"] >= 120
    assert DuesPayment.objects.count() == result["payments"] > 120 * 24
    assert set(DuesPayment.objects.dates("month", "year").values_list("month__year", flat=True)) == {2024, 2025, 2026}
    kinds = set(DuesPayment.objects.values_list("kind", flat=True))
    assert PaymentKind.ON_TIME in kinds and PaymentKind.LATE in kinds
    standing = selectors.standings(today=TODAY)
    assert any(s.arrears for s in standing.values())
    assert sum(1 for s in standing.values() if s.arrears) < len(standing) / 3  # most members are paid up
    assert result["six_months"] == sum(1 for s in standing.values() if s.streak >= 6)


def test_the_same_generator_gives_the_same_dues(db):
    small_city()
    seed_dues(rng=random.Random(3), today=TODAY)
    first = list(DuesPayment.objects.order_by("member_id", "month").values_list("member_id", "month", "amount"))
    DuesPayment.objects.all().delete()
    DuesBase.objects.all().delete()
    seed_dues(rng=random.Random(3), today=TODAY)
    assert first == list(DuesPayment.objects.order_by("member_id", "month").values_list("member_id", "month",
                                                                                        "amount"))


def test_an_appraisal_each_year_within_the_one_third_rule(db):
    small_city()
    result = seed_appraisals(rng=random.Random(3), today=TODAY)
    assert result["appraisals"] == Appraisal.objects.count() == 36
    assert set(Appraisal.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert not Appraisal.objects.filter(year__lt=2025).exclude(status=AppraisalStatus.CONFIRMED).exists()
    for appraisal in Appraisal.objects.exclude(status=AppraisalStatus.DRAFT).annotate(
            graded_n=Count("entries", filter=Q(entries__graded=True)),
            excellent=Count("entries", filter=Q(entries__grade=Grade.EXCELLENT))):
        assert appraisal.excellent * 3 <= appraisal.graded_n
    assert not AppraisalEntry.objects.filter(graded=False).exclude(grade="").exists()
    assert AppraisalEntry.objects.filter(graded=False, appraisal__year=2025).exists()  # probationary take part
