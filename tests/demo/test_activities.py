import datetime as dt
import random

import pytest
from django.utils import timezone

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus
from activities.models import Activity, Attendance
from branches.choices import OrganisationKind, Position
from demo.activities import seed_activities
from tests.factories import CommitteePositionFactory, MemberFactory, OrganisationFactory, PartyGroupFactory


def small_city():
    root = OrganisationFactory(kind=OrganisationKind.WORKING_COMMITTEE, name="市直机关工委", unit=None)
    committee = OrganisationFactory(kind=OrganisationKind.PARTY_COMMITTEE, parent=root)
    branch = OrganisationFactory(parent=committee)
    group = PartyGroupFactory(organisation=branch)
    MemberFactory.create_batch(6, organisation=branch, party_group=group)
    for position in (Position.SECRETARY, Position.ORGANISATION, Position.PUBLICITY):
        CommitteePositionFactory(organisation=branch, position=position)
    return branch


def snapshot():
    return list(Activity.objects.order_by("planned_start", "organisation_id", "kind", "title")
                .values_list("title", "status", "planned_start"))


def test_three_years_of_required_meetings_mostly_held_with_realistic_attendance(db):
    branch = small_city()
    today = dt.date(2026, 11, 24)
    result = seed_activities(rng=random.Random(7), years=3, today=today)
    assert result["activities"] == Activity.objects.count() > 0
    held = Activity.objects.filter(organisation=branch)
    months = 3 * 12 + 3  # three years back to this month, plus two months ahead
    assert held.filter(kind=ActivityKind.THEMED_DAY).count() == months
    assert held.filter(kind=ActivityKind.COMMITTEE_MEETING).count() == months
    assert held.filter(kind=ActivityKind.GROUP_MEETING).count() == months
    assert held.filter(kind=ActivityKind.ORG_LIFE_MEETING).count() == 4  # December 2023, 2024, 2025, 2026
    past = held.filter(planned_start__date__lt=today)
    statuses = {s: past.filter(status=s).count() for s in ActivityStatus.values}
    assert statuses["HELD"] / past.count() > 0.85
    assert not held.filter(planned_start__date__gt=today + dt.timedelta(days=1)).exclude(status="PLANNED").exists()
    assert not Activity.objects.filter(status=ActivityStatus.CANCELLED, cancel_reason="").exists()
    attendance = Attendance.objects.filter(activity__status=ActivityStatus.HELD)
    assert attendance.filter(status=AttendanceStatus.LEAVE).exclude(leave_reason="").exists()
    assert attendance.filter(status=AttendanceStatus.ABSENT).exists()
    assert not attendance.filter(status=AttendanceStatus.EXPECTED).exists()
    assert Activity.objects.filter(kind=ActivityKind.OPEN_LECTURE, is_open=True, participant_count__gt=0).exists()


def test_the_same_seed_gives_the_same_activities(db):
    small_city()
    seed_activities(rng=random.Random(3), years=1, today=dt.date(2026, 11, 24))
    first = snapshot()
    Activity.objects.all().delete()
    seed_activities(rng=random.Random(3), years=1, today=dt.date(2026, 11, 24))
    assert snapshot() == first


def test_activities_written_without_the_orm_are_whole_rows_and_the_ids_move_on(db):
    """Activities are written by COPY with ids reserved from the table's sequence: every column the model has
    is filled as the ORM would, and an activity created afterwards gets a fresh id."""
    from activities.models import MicroWish
    from tests.factories import ActivityFactory

    branch = small_city()
    seed_activities(rng=random.Random(5), years=1, today=dt.date(2026, 11, 24))
    held = Activity.objects.filter(status=ActivityStatus.HELD, kind=ActivityKind.THEMED_DAY).first()
    assert held.actual_start and held.actual_end > held.actual_start and held.minutes
    assert held.created_at and held.updated_at and held.sequence == 0 and held.plan_id is None
    assert timezone.localtime(held.planned_start).hour == 15  # a themed day at 15:00 in Beijing, stored as UTC
    assert Activity.objects.values("uid").distinct().count() == Activity.objects.count()
    assert Attendance.objects.filter(activity=held).count() > 0
    wish = MicroWish.objects.filter(activity__isnull=False).first()
    assert wish is None or wish.activity.organisation_id == wish.organisation_id
    largest = Activity.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert ActivityFactory(organisation=branch).pk > largest


def attendance_by_natural_key():
    return sorted(Attendance.objects.values_list(
        "activity__title", "activity__planned_start", "member_id", "status", "leave_reason", "recorded_via",
        "recorded_at"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_attendance_written_beside_equals_attendance_written_in_the_callers_transaction(monkeypatch):
    """On PostgreSQL, outside a caller's transaction, each chunk's attendance is written by connections of their
    own while the next chunk is made; the rows (statuses, reasons, ids in each activity's expected order) are the
    same as when everything is written on the caller's connection inside its transaction."""
    from django.db import transaction

    from demo import activities as demo_activities
    from tests.services import require_postgresql

    require_postgresql("attendance written by other connections")
    small_city()
    submitted = []
    original = demo_activities.Beside.submit

    def spy(self, task):
        submitted.append(task)
        return original(self, task)

    monkeypatch.setattr(demo_activities.Beside, "submit", spy)
    seed_activities(rng=random.Random(11), years=1, today=dt.date(2026, 11, 24))
    monkeypatch.undo()
    assert submitted, "the attendance was written on the caller's connection"
    beside = attendance_by_natural_key()
    Activity.objects.all().delete()
    assert not Attendance.objects.exists()
    with transaction.atomic():
        seed_activities(rng=random.Random(11), years=1, today=dt.date(2026, 11, 24))
    assert attendance_by_natural_key() == beside
    assert {row[3] for row in beside} >= {"PRESENT", "EXPECTED"}  # held meetings settled, planned ones not yet
    for activity in Activity.objects.filter(attendances__isnull=False).distinct()[:20]:
        ids = list(activity.attendances.order_by("pk").values_list("pk", flat=True))
        assert ids == list(range(ids[0], ids[0] + len(ids)))  # one block of ids per activity


def test_a_failed_statement_beside_is_raised_and_stops_the_rest(db):
    from demo.bulk import Beside
    from tests.services import require_postgresql

    require_postgresql("connections of their own beside the test's")
    ran = []

    def fail():
        raise ValueError("坏数据")

    beside = Beside(workers=1, backlog=4)
    beside.submit(fail)
    beside.submit(lambda: ran.append(1))
    try:
        beside.close()
    except ValueError as error:
        assert str(error) == "坏数据"
    else:
        raise AssertionError("the failure was not raised")
    assert ran == []
