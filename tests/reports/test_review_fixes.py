"""Regression tests for bugs found in the review of the reports app."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reports import services
from reports.choices import ReportKind, ReportStatus
from reports.exporters.base import Column, Exporter, Sheet
from reports.models import Report
from reports.render import render_xlsx
from tests.reports.helpers import workbook


def test_deleting_a_report_that_finished_meanwhile_removes_the_new_files(city, django_capture_on_commit_callbacks):
    report = Report.objects.create(kind=ReportKind.ROSTER, organisation=city.org_a, period_start=dt.date(2024, 1, 1),
                                   period_end=dt.date(2024, 1, 1), status=ReportStatus.RUNNING)
    seen_by_the_view = Report.objects.get(pk=report.pk)  # loaded while still running: no files yet
    # The worker finishes between the view's lookup and the deletion.
    xlsx = default_storage.save(f"reports/{report.pk}/roster.xlsx", ContentFile(b"PK"))
    pdf = default_storage.save(f"reports/{report.pk}/roster.pdf", ContentFile(b"%PDF"))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE, progress=100, xlsx=xlsx, pdf=pdf)

    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(report=seen_by_the_view, by=city.admin)

    assert not Report.objects.exists()
    assert not default_storage.exists(xlsx) and not default_storage.exists(pdf)


def test_a_column_header_that_looks_like_a_formula_stays_text(db):
    class Headers(Exporter):
        identifier, name = "TEST", "测试"

        def sheets(self):
            return [Sheet("表", [Column('=HYPERLINK("http://example.com","点击")')], [("值",)])]

    book = workbook(render_xlsx(Headers(organisation=None, period_start=dt.date(2024, 1, 1),
                                        period_end=dt.date(2024, 12, 31))))
    cell = book["表"]["A1"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
