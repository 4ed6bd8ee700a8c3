"""Tell PostgreSQL's planner how many attendance rows an activity has: about twenty (a branch's members).

An activity's rows are written together, so they lie in the same pages; ANALYZE's sample (30,000 rows) then sees
far fewer distinct activities than there are: at province scale 99,000 of 2,000,000, so it expected 410 rows per
activity instead of 22 and joined an activity's attendance to every user of the province by hashing them all
(10 ms for the minutes and the attendance table of one activity, against 0.4 ms with the estimate right).
A negative n_distinct is a share of the rows: one activity per twenty rows, whatever the table's size. It takes
effect at the table's next ANALYZE (autovacuum's, or seed_demo's at the end of its load)."""

from django.db import migrations

TABLE, COLUMN = "activities_attendance", "activity_id"
ROWS_PER_ACTIVITY = 20


def set_estimate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "{COLUMN}" '
                              f"SET (n_distinct = {-1 / ROWS_PER_ACTIVITY})")


def reset_estimate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "{COLUMN}" RESET (n_distinct)')


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0009_activity_list_order"),
    ]

    operations = [
        migrations.RunPython(set_estimate, reset_estimate, elidable=False),
    ]
