"""The generation task on a real Celery worker (Redis in CI, the test PostgreSQL database): progress moves from
0 to 100 in the row while the user watches, and a failure is shown and can be retried."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from reports import services
from reports.choices import ReportKind, ReportStatus
from reports.models import Report

# Committed data, which the worker process can read; serialized_rollback keeps the seeded rule tables afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def watch(worker, report_id: int, timeout: float = 90) -> tuple[Report, list[int]]:
    """Poll the row until the report is finished, recording every progress value seen on the way."""
    seen: list[int] = []

    def finished():
        report = Report.objects.get(pk=report_id)
        if not seen or seen[-1] != report.progress:
            seen.append(report.progress)
        return report if report.status in (ReportStatus.DONE, ReportStatus.FAILED) else None

    report = worker.wait_for(finished, timeout=timeout, interval=0.05, message=f"report {report_id}")
    worker.wait_idle()  # the task's last writes are in before the test ends and flushes the tables
    return report, seen


def test_the_worker_generates_the_yearly_report_with_progress_from_0_to_100(known_city, celery_worker_process):
    report = services.report_request(kind=ReportKind.YEARLY, by=known_city.city.admin, year=2024)
    assert Report.objects.get(pk=report.pk).progress == 0  # committed, queued
    report, seen = watch(celery_worker_process, report.pk)
    assert report.status == ReportStatus.DONE, report.error
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen), seen
    assert report.task_id and report.attempts == 1
    assert default_storage.exists(report.xlsx.name) and default_storage.exists(report.pdf.name)
    with default_storage.open(report.pdf.name) as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert "generate_report" in celery_worker_process.log()
    services.report_delete(report=report, by=known_city.city.admin)  # and its files, once committed
    assert not default_storage.exists(report.pdf.name)


def test_a_failure_on_the_worker_is_shown_and_can_be_retried(city, celery_worker_process, client):
    # The report's folder is taken by a file, so the worker cannot store the result: a real storage failure.
    with transaction.atomic():
        report = services.report_request(kind=ReportKind.ROSTER, by=city.admin, organisation=city.org_a)
        blocker = Path(settings.MEDIA_ROOT) / "reports" / str(report.pk)
        shutil.rmtree(blocker, ignore_errors=True)  # left by an earlier run with the same id
        blocker.parent.mkdir(parents=True, exist_ok=True)
        blocker.write_text("not a folder")
    try:
        report, _ = watch(celery_worker_process, report.pk)
        assert report.status == ReportStatus.FAILED
        assert "报表文件无法保存" in report.error
        client.force_login(city.secretary)
        page = client.get(report.get_absolute_url()).content.decode()
        assert report.error in page and "重新生成" in page
    finally:
        blocker.unlink()

    response = client.post(reverse("reports:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report, seen = watch(celery_worker_process, report.pk)
    assert report.status == ReportStatus.DONE and report.error == "" and report.attempts == 2
    assert seen[-1] == 100
    assert default_storage.exists(report.xlsx.name)
    services.report_delete(report=report, by=city.admin)
