"""PostgreSQL's planner is told an activity has about twenty attendance rows (migration 0010): ANALYZE's sample
of a table whose rows lie grouped by activity saw a twentieth of the activities at province scale, and the planner
then hashed every user of the province to show one activity's attendance."""

import pytest
from django.db import connection

from tests.factories import ActivityFactory, AttendanceFactory
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db


def test_analyze_keeps_twenty_rows_an_activity_whatever_it_samples():
    require_postgresql("the planner's statistics")
    # Five activities among 44 rows: counted from the sample, n_distinct would be 5 (a count, not a share).
    crowded = ActivityFactory()
    AttendanceFactory.create_batch(40, activity=crowded)
    for _ in range(4):
        AttendanceFactory(activity=ActivityFactory())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_attendance")
        cursor.execute("SELECT n_distinct FROM pg_stats WHERE tablename = 'activities_attendance' "
                       "AND attname = 'activity_id'")
        # A share of the rows: one activity per twenty, what the planner divides the table's rows by.
        assert cursor.fetchone()[0] == pytest.approx(-0.05)
