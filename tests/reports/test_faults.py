"""Reports under faults, on real workers (PostgreSQL and the settings' broker, Redis in CI; skipped without
PostgreSQL, failed under CI=true): the database connection dropped mid-generation, the worker killed mid-report,
the broker down when the report is requested. Each ends DONE without anybody pressing a button.

A "doomed" worker of the test's own runs on a queue of its own; its settings slow down the first PDF so that the
fault can be injected while the report is RUNNING. The heartbeat runs every second and is stale after three."""

import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, transaction

from reports import services
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.tasks import generate_report
from tests.worker import real_broker, start_worker, stop_worker  # noqa: F401 - real_broker is a fixture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("real_broker")]

STALE = 3
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1

SLOW_FIRST_PDF = '''
import os as _os
import time as _time

from celery.signals import task_prerun as _task_prerun


def _slow_first_pdf(**kwargs):
    from reports import generation

    if getattr(generation, "_test_slowed", False):
        return
    generation._test_slowed = True
    real, slowed = generation.render_pdf, []

    def slow(*args, **kw):
        if not slowed:
            slowed.append(True)
            _time.sleep(float(_os.environ["TEST_SLOW_PDF_SECONDS"]))
        return real(*args, **kw)

    generation.render_pdf = slow


_task_prerun.connect(_slow_first_pdf, weak=False)
'''


@pytest.fixture
def quick_heartbeat(settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = STALE  # the sweep in this process
    return {"REPORT_HEARTBEAT_INTERVAL_SECONDS": "1", "REPORT_HEARTBEAT_STALE_SECONDS": str(STALE)}


def doomed_worker(tmp_path, env: dict, slow_seconds: float):
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-doomed"
    return start_worker(tmp_path / "doomed", queue=queue, settings_extra=SLOW_FIRST_PDF,
                        env_extra={**env, "TEST_SLOW_PDF_SECONDS": str(slow_seconds)})


def requested(city) -> Report:
    return Report.objects.create(kind=ReportKind.ROSTER, organisation=city.org_a, requested_by=city.secretary,
                                 period_start=city_today(), period_end=city_today())


def city_today():
    from django.utils import timezone

    return timezone.localdate()


def wait_until(worker, report_id: int, condition, timeout: float, message: str) -> Report:
    def check():
        report = Report.objects.get(pk=report_id)
        return report if condition(report) else None

    return worker.wait_for(check, timeout=timeout, interval=0.1, message=message)


def in_the_slow_pdf(report: Report) -> bool:
    return report.status == ReportStatus.RUNNING and report.progress >= 50


def test_a_report_survives_its_database_connection_being_dropped_mid_generation(city, quick_heartbeat, tmp_path):
    worker = doomed_worker(tmp_path, quick_heartbeat, slow_seconds=4)
    try:
        report = requested(city)
        generate_report.apply_async((report.pk,), queue=worker.queue)
        wait_until(worker, report.pk, in_the_slow_pdf, 60, "the report in its PDF step")
        with connection.cursor() as cursor:  # what a PostgreSQL restart does to the worker's connections
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        report = wait_until(worker, report.pk, lambda r: r.status in (ReportStatus.DONE, ReportStatus.FAILED),
                            120, "the report retried and finished")
        assert report.status == ReportStatus.DONE, report.error
        assert report.attempts == 2, "retried once, on a fresh connection"
        assert "Retry in" in worker.log()
        assert "connection already closed" not in worker.log()
    finally:
        stop_worker(worker)


def test_a_report_whose_worker_is_killed_is_requeued_within_two_minutes_and_done(
        city, quick_heartbeat, tmp_path, celery_worker_process, settings):
    doomed = doomed_worker(tmp_path, quick_heartbeat, slow_seconds=120)
    try:
        report = requested(city)
        generate_report.apply_async((report.pk,), queue=doomed.queue)
        wait_until(doomed, report.pk, in_the_slow_pdf, 60, "the report in its PDF step")
        os.kill(doomed.process.pid, signal.SIGKILL)  # kill -9: no clean-up, the message stays unacknowledged
        doomed.process.wait(timeout=10)
    finally:
        stop_worker(doomed)
    killed_at = time.monotonic()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING  # frozen, as the issue saw it

    report_id = report.pk

    def swept():
        services.reports_recover()  # beat runs it every minute
        return Report.objects.filter(pk=report_id).exclude(status=ReportStatus.RUNNING, attempts=1).exists()

    celery_worker_process.wait_for(swept, timeout=60, interval=1, message="the report re-queued by the sweep")
    # The session's worker beats every 20 s (its settings); this process must not judge it by 3 s any more.
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 90
    report = wait_until(celery_worker_process, report_id,
                        lambda r: r.status in (ReportStatus.DONE, ReportStatus.FAILED), 110, "the report generated")
    assert report.status == ReportStatus.DONE, report.error
    assert report.attempts == 2
    assert time.monotonic() - killed_at < 120
    celery_worker_process.wait_idle()  # no task still writing when the test's tables are flushed


@contextmanager
def broker_down():
    """Point this process's Celery app at a port where nothing listens, and drop its pooled connections."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.broker_write_url)

    def switch(broker_url, write_url):
        app.conf.broker_url, app.conf.broker_write_url = broker_url, write_url
        app._pool = None
        app.amqp._producer_pool = None

    switch(UNREACHABLE_BROKER, UNREACHABLE_BROKER)
    try:
        yield
    finally:
        switch(*saved)


def test_a_report_requested_while_the_broker_is_down_is_done_after_it_returns_without_user_action(
        city, celery_worker_process):
    with broker_down():
        with transaction.atomic():
            report = services.report_request(kind=ReportKind.ROSTER, by=city.secretary, organisation=city.org_a)
        report.refresh_from_db()
        assert (report.status, report.progress_message) == (ReportStatus.PENDING, services.QUEUE_DOWN)
        services.reports_recover()  # the sweep while the broker is still down: nothing changes
        assert Report.objects.get(pk=report.pk).status == ReportStatus.PENDING
    Report.objects.filter(pk=report.pk).update(created_at=report.created_at - services.SENDING_GRACE)

    report_id = report.pk

    def swept_and_finished():
        services.reports_recover()  # beat, every minute, once the broker answers
        current = Report.objects.get(pk=report_id)
        return current if current.status in (ReportStatus.DONE, ReportStatus.FAILED) else None

    report = celery_worker_process.wait_for(swept_and_finished, timeout=90, interval=1,
                                            message="the waiting report sent and generated")
    assert report.status == ReportStatus.DONE, report.error
    assert report.attempts == 1
    celery_worker_process.wait_idle()
