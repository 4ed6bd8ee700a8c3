"""The generation task (run eagerly here; tests/reports/test_worker.py runs it on a real worker) and the
scheduled monthly report."""

import datetime as dt
import logging

import pytest
from django.db import OperationalError

from reports import generation, services
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.tasks import MAX_RETRIES, create_monthly_reports, generate_report


def pending(city, kind=ReportKind.ROSTER, organisation=None) -> Report:
    return Report.objects.create(kind=kind, organisation=organisation or city.org_a,
                                 period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))


def test_it_reports_progress_from_0_to_100_in_the_row(city, monkeypatch):
    report = pending(city)
    seen = []
    original = generation.report_progress

    def spy(report, percent, message):
        original(report, percent, message)
        seen.append(Report.objects.values_list("progress", flat=True).get(pk=report.pk))

    monkeypatch.setattr(generation, "report_progress", spy)
    assert report.progress == 0
    assert generate_report.delay(report.pk).get() == "done"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.progress_message == "已完成"
    assert seen == sorted(seen) and seen[0] < 10 and seen[-1] >= 95 and len(seen) >= 4
    assert report.xlsx.name.endswith(".xlsx") and report.pdf.name.endswith(".pdf")


def test_a_second_delivery_of_the_same_message_does_nothing(city):
    report = pending(city)
    assert generate_report.delay(report.pk).get() == "done"
    first = Report.objects.get(pk=report.pk)
    assert generate_report.delay(report.pk).get() == "skipped"
    again = Report.objects.get(pk=report.pk)
    assert (again.attempts, again.xlsx.name, again.finished_at) == (1, first.xlsx.name, first.finished_at)


def test_a_running_report_is_not_claimed_twice_unless_its_worker_died(city):
    report = pending(city)
    assert generation.report_claim(report.pk) is not None
    assert generation.report_claim(report.pk) is None
    Report.objects.filter(pk=report.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert generation.report_claim(report.pk) is not None  # stale: the worker was lost


def test_a_deleted_report_is_skipped(city):
    assert generate_report.delay(987654).get() == "skipped"


def test_transient_database_errors_are_retried_then_recorded(city, monkeypatch, caplog):
    report = pending(city)
    calls = []

    def flaky(report):
        calls.append(report.attempts)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(generation, "report_generate", flaky)
    # Not propagating, eager mode runs each retry in turn, as a worker would (without the back-off).
    conf = generate_report.app.conf
    saved, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        with caplog.at_level(logging.WARNING):
            result = generate_report.delay(report.pk)
    finally:
        conf.task_eager_propagates = saved
    assert result.get() == "failed"
    report.refresh_from_db()
    assert len(calls) == MAX_RETRIES + 1
    assert report.status == ReportStatus.FAILED and report.attempts == MAX_RETRIES + 1
    assert "数据库暂时无法访问" in report.error
    assert all(r.levelno < logging.ERROR for r in caplog.records)


def test_a_storage_failure_is_recorded_for_the_user(city, monkeypatch):
    report = pending(city)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage._save", full_disk)
    assert generate_report.delay(report.pk).get() == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "无法保存" in report.error and not report.xlsx
    assert services.can_retry(report)


def test_the_monthly_report_is_scheduled_once_however_often_beat_runs(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_schedule_monthly(today=dt.date(2024, 4, 1))
        second = services.report_schedule_monthly(today=dt.date(2024, 4, 1))
    assert first is not None and second is None
    report = Report.objects.get()
    assert (report.kind, report.organisation, report.scheduled, report.requested_by) == (
        ReportKind.MONTHLY_ACTIVITY, None, True, None)
    assert (report.period_start, report.period_end) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert report.status == ReportStatus.DONE
    # The database refuses a duplicate even when two runs pass the check at the same time.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=report.kind, organisation=None, period_start=report.period_start,
                              period_end=report.period_end, scheduled=True)
    # A user may still ask for the same report by hand.
    Report.objects.create(kind=report.kind, organisation=None, period_start=report.period_start,
                          period_end=report.period_end, scheduled=False)


def test_the_beat_task_creates_last_months_report(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        create_monthly_reports.delay()
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    assert Report.objects.filter(scheduled=True, period_start=last.replace(day=1), period_end=last).exists()


def test_the_beat_schedule_is_installed_by_the_migration(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="reports.tasks.create_monthly_reports")
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, str(crontab.timezone)) == (
        "0", "6", "1", "Asia/Shanghai")
