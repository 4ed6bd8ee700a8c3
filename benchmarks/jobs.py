"""Background jobs at city scale: how long the reminder sweeps and the yearly report take, and how many queries.

Run against a seeded database (the demo city is 82 affiliated organisations, ~9,500 members, 3 years):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiguan_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_demo --if-empty
    DATABASE_URL=... .venv/bin/python benchmarks/jobs.py

It writes notifications and one report into that database (run it on a scratch copy). The numbers are for
reading, not asserting: targets live here, tests assert query counts instead of seconds.
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def measure(label: str, work):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.2f} s {len(queries):6d} queries   → {result}")
    return result


def main():
    from activities.reminders import activity_dues
    from branches.models import Organisation
    from members.models import Member
    from notifications.services import deliveries_send, notifications_create, notifications_dispatch
    from oversight.reminders import admin_digest_lines, secretary_dues
    from reports.choices import ReportKind
    from reports.generation import report_claim, report_generate
    from reports.models import Report

    now, today = timezone.now(), timezone.localdate()
    print(f"{Organisation.objects.count()} organisations, {Member.objects.count()} members, at {now:%Y-%m-%d %H:%M}")
    measure("activity reminders: sweep", lambda: notifications_create(activity_dues(now=now)))
    measure("activity reminders: same sweep again", lambda: notifications_create(activity_dues(now=now)))
    measure("secretary reminders: daily sweep", lambda: notifications_create(secretary_dues(today=today)))
    measure("admins' digest lines", lambda: len(admin_digest_lines(today=today)))

    def dispatch_all():
        total = 0
        while ids := notifications_dispatch():
            total += deliveries_send(ids)["sent"]
        return total

    measure("dispatch and send (console e-mail)", dispatch_all)
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    last_year = (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    periods = {
        ReportKind.YEARLY: last_year,
        ReportKind.MONTHLY_ACTIVITY: (last_month_end.replace(day=1), last_month_end),
        # The city-wide roster and attendance (about 10,000 rows at city scale): summary PDF, every row in Excel.
        ReportKind.ROSTER: (today, today),
        ReportKind.ATTENDANCE: (last_month_end.replace(day=1), last_month_end),
    }
    for kind, (start, end) in periods.items():
        report = Report.objects.create(kind=kind, organisation=None, period_start=start, period_end=end)
        claimed = report_claim(report.pk)
        measure(f"report: {report}", lambda claimed=claimed: report_generate(claimed))

if __name__ == "__main__":
    main()
