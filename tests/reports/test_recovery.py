"""The reports' safety net: a lost message is queued again; a report whose worker died fails visibly."""

import datetime as dt

from django.utils import timezone

from notifications.choices import Kind
from notifications.models import Notification
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.services import INTERRUPTED
from reports.tasks import recover_reports


def make(city, **fields) -> Report:
    return Report.objects.create(kind=ReportKind.ROSTER, organisation=city.org_a, requested_by=city.secretary,
                                 period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), **fields)


def test_a_report_left_running_by_a_dead_worker_fails_with_a_reason_and_its_requester_is_told(
        city, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    dead = make(city, status=ReportStatus.RUNNING, started_at=long_ago, progress=40)
    alive = make(city, status=ReportStatus.RUNNING, started_at=timezone.now(), progress=40)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_reports() == {"interrupted": 1, "requeued": 0}
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.error) == (ReportStatus.FAILED, INTERRUPTED)
    assert alive.status == ReportStatus.RUNNING
    assert Notification.objects.get().kind == Kind.REPORT_FAILED


def test_a_report_waiting_too_long_is_queued_again_and_generated_once(city, django_capture_on_commit_callbacks):
    waiting = make(city)
    Report.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    fresh = make(city)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_reports() == {"interrupted": 0, "requeued": 1}  # eager: generated at once
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (ReportStatus.DONE, 1)
    assert fresh.status == ReportStatus.PENDING, "a report queued minutes ago still has its message"
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_reports() == {"interrupted": 0, "requeued": 0}
