"""Whoever asked for a report is told in the notification centre when it is ready or when it failed."""

import datetime as dt

from notifications.choices import Kind
from notifications.models import Notification
from reports import generation
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.tasks import generate_report


def requested(city, by) -> Report:
    return Report.objects.create(kind=ReportKind.ROSTER, organisation=city.org_a, requested_by=by,
                                 period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))


def test_the_requester_is_told_once_when_the_report_is_ready(city):
    report = requested(city, city.secretary)
    generate_report.delay(report.pk)
    generate_report.delay(report.pk)  # a redelivered message: skipped, and nobody is told twice
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.link) == (city.secretary, Kind.REPORT_READY,
                                                            report.get_absolute_url())
    assert notice.title.startswith("报表已生成：") and "党员花名册" in notice.title


def test_a_failure_is_told_with_its_reason_and_a_retry_tells_again(city, monkeypatch, caplog):
    report = requested(city, city.secretary)

    def broken(*args, **kwargs):
        raise ValueError("字体缺失")

    monkeypatch.setattr(generation, "render_pdf", broken)
    generate_report.delay(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    failed = Notification.objects.get()
    assert failed.kind == Kind.REPORT_FAILED and report.error in failed.body and "重新生成" in failed.body
    monkeypatch.undo()
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING)
    generate_report.delay(report.pk)
    assert list(Notification.objects.order_by("pk").values_list("kind", flat=True)) == [Kind.REPORT_FAILED,
                                                                                        Kind.REPORT_READY]


def test_a_scheduled_report_tells_nobody(city):
    report = Report.objects.create(kind=ReportKind.MONTHLY_ACTIVITY, organisation=None, scheduled=True,
                                   period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31))
    generate_report.delay(report.pk)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DONE
    assert not Notification.objects.exists()
