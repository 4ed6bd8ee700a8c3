"""The reports' safety net: a lost message is queued again; a report whose worker died fails visibly."""

import datetime as dt

from django.utils import timezone

from notifications.choices import Kind
from notifications.models import Notification
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.generation import MAX_ATTEMPTS
from reports.services import INTERRUPTED, QUEUE_DOWN, RESTARTED
from reports.tasks import recover_reports


def make(city, **fields) -> Report:
    return Report.objects.create(kind=ReportKind.ROSTER, organisation=city.org_a, requested_by=city.secretary,
                                 period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), **fields)


def test_a_report_left_running_by_a_dead_worker_on_its_last_attempt_fails_with_a_reason_and_its_requester_is_told(
        city, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    dead = make(city, status=ReportStatus.RUNNING, started_at=long_ago, progress=40, attempts=MAX_ATTEMPTS)
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


def test_a_report_whose_heartbeat_stopped_is_queued_again_and_generated(city, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 90
    now = timezone.now()
    dead = make(city, status=ReportStatus.RUNNING, started_at=now - dt.timedelta(minutes=3), progress=63,
                heartbeat_at=now - dt.timedelta(seconds=91), attempts=1)
    alive = make(city, status=ReportStatus.RUNNING, started_at=now - dt.timedelta(minutes=3), progress=63,
                 heartbeat_at=now - dt.timedelta(seconds=30), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_reports() == {"interrupted": 0, "requeued": 1}  # eager: generated at once
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.attempts, dead.error) == (ReportStatus.DONE, 2, "")
    assert alive.status == ReportStatus.RUNNING and alive.attempts == 1


def test_a_requeued_report_says_why_while_it_waits(city, monkeypatch, django_capture_on_commit_callbacks):
    from reports.tasks import generate_report

    monkeypatch.setattr(generate_report, "delay", lambda *args: None)  # sent; no worker has taken it yet
    dead = make(city, status=ReportStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1), attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_reports() == {"interrupted": 0, "requeued": 1}
    dead.refresh_from_db()
    assert (dead.status, dead.progress, dead.progress_message) == (ReportStatus.PENDING, 0, RESTARTED)
    assert dead.queued_at is not None


def test_a_redelivered_message_takes_over_a_report_whose_heartbeat_stopped(city, settings):
    from reports import generation

    settings.REPORT_HEARTBEAT_STALE_SECONDS = 90
    report = make(city)
    claimed = generation.report_claim(report.pk)
    assert claimed is not None and generation.report_claim(report.pk) is None, "alive: not taken twice"
    Report.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=120))
    again = generation.report_claim(report.pk)
    assert again is not None and again.attempts == 2
    # The worker that was taken over writes nothing more: not its progress, not its result.
    generation.report_progress(claimed, 80, "旧进程")
    assert Report.objects.get(pk=report.pk).progress_message == "正在统计数据"
    generation.report_fail(report.pk, "旧进程的失败", attempt=claimed.attempts)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING


def test_a_report_requested_while_the_broker_is_down_waits_then_is_sent_by_the_sweep(
        city, monkeypatch, django_capture_on_commit_callbacks, login):
    from kombu.exceptions import OperationalError

    from reports import services
    from reports.tasks import generate_report

    real_delay = generate_report.delay

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(generate_report, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=ReportKind.ROSTER, by=city.secretary, organisation=city.org_a)
    report.refresh_from_db()
    assert (report.status, report.progress_message, report.queued_at) == (ReportStatus.PENDING, QUEUE_DOWN, None)
    page = login(city.secretary).get(report.get_absolute_url()).content.decode()
    assert QUEUE_DOWN in page and "生成失败" not in page and "已完成" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.reports_recover(now=timezone.now() + dt.timedelta(minutes=1))
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PENDING, "still down: still waiting"

    monkeypatch.setattr(generate_report, "delay", real_delay)  # the broker answers again
    with django_capture_on_commit_callbacks(execute=True):
        services.reports_recover(now=timezone.now() + dt.timedelta(minutes=2))
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 1
