"""Requesting, watching, downloading, retrying and deleting reports through the pages."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import ReportKind, ReportStatus
from reports.models import Report


def done_report(organisation, *, by=None, kind=ReportKind.YEARLY) -> Report:
    report = Report.objects.create(kind=kind, organisation=organisation, period_start=dt.date(2024, 1, 1),
                                   period_end=dt.date(2024, 12, 31), requested_by=by, status=ReportStatus.PENDING)
    report.xlsx.save("test.xlsx", ContentFile(b"PK xlsx"), save=False)
    report.pdf.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.status, report.progress = ReportStatus.DONE, 100
    report.save()
    return report


def test_an_admin_requests_the_yearly_city_report_and_downloads_both_files(
        known_city, login, django_capture_on_commit_callbacks):
    client = login(known_city.city.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_list"),
                               {"kind": ReportKind.YEARLY, "year": "2024", "month": "", "organisation": ""})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.status, report.progress, report.organisation, report.requested_by) == (
        ReportStatus.DONE, 100, None, known_city.city.admin)
    assert report.parameters == {"报表": "年度党建工作报告", "统计范围": "全市", "统计期间": "2024年度"}
    assert report.attempts == 1 and report.started_at and report.finished_at

    page = client.get(report.get_absolute_url()).content.decode()
    assert 'aria-valuenow="100"' in page and "hx-trigger" not in page  # finished: no more polling
    assert "下载 Excel" in page and "下载 PDF" in page

    xlsx = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    assert "filename*=utf-8''2024%E5%B9%B4%E5%BA%A6" in xlsx["Content-Disposition"]  # 2024年度党建工作报告.xlsx
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book["概况"]["B3"].value == 7
    pdf = client.get(reverse("reports:report_download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_running_report_is_polled_every_second(city, login):
    report = Report.objects.create(kind=ReportKind.YEARLY, organisation=city.org_a, period_start=dt.date(2024, 1, 1),
                                   period_end=dt.date(2024, 12, 31), status=ReportStatus.RUNNING, progress=40,
                                   progress_message="正在生成 Excel：组织生活")
    response = login(city.secretary).get(reverse("reports:report_progress", args=[report.pk]),
                                         headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="40"' in html and "正在生成 Excel：组织生活" in html
    assert "<html" not in html  # a fragment


def test_a_secretary_requests_a_report_of_their_organisation_only(city, login, django_capture_on_commit_callbacks):
    client = login(city.secretary)
    response = client.post(reverse("reports:report_list"),
                           {"kind": ReportKind.ROSTER, "year": "2024", "organisation": ""})
    assert response.status_code == 400
    assert "请选择要统计的党组织。" in response.content.decode()
    response = client.post(reverse("reports:report_list"),
                           {"kind": ReportKind.ROSTER, "year": "2024", "organisation": str(city.org_b.pk)})
    assert response.status_code == 400 and not Report.objects.exists()
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_list"),
                               {"kind": ReportKind.ROSTER, "year": "2024", "organisation": str(city.branch_a.pk)})
    assert response.status_code == 302
    assert Report.objects.get().organisation == city.branch_a


def test_the_form_keeps_what_was_chosen_and_explains_in_chinese(city, login):
    response = login(city.admin).post(reverse("reports:report_list"), {
        "kind": ReportKind.MONTHLY_ACTIVITY, "year": "2024", "month": "", "organisation": str(city.org_a.pk)})
    html = response.content.decode()
    assert response.status_code == 400 and "月度报表请选择月份。" in html
    assert f'<option value="{city.org_a.pk}" selected>' in html
    response = login(city.admin).post(reverse("reports:report_list"), {
        "kind": ReportKind.YEARLY, "year": str(dt.date.today().year + 1), "organisation": ""})
    assert "尚未开始" in response.content.decode() and not Report.objects.exists()


def test_a_secretary_cannot_download_another_organisations_report_by_url(city, login):
    theirs = done_report(city.org_b, by=city.other_secretary)
    city_wide = done_report(None, by=city.admin)
    ours = done_report(city.branch_a, by=city.secretary)
    client = login(city.secretary)
    for report in (theirs, city_wide):
        for fmt in ("xlsx", "pdf"):
            assert client.get(reverse("reports:report_download", args=[report.pk, fmt])).status_code == 404
        assert client.get(report.get_absolute_url()).status_code == 404
        assert client.post(reverse("reports:report_delete", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[ours.pk, "pdf"])).status_code == 200
    assert client.get(reverse("reports:report_download", args=[ours.pk, "docx"])).status_code == 404
    listed = client.get(reverse("reports:report_list")).context["page"].object_list
    assert list(listed) == [ours]


def test_members_and_outsiders_cannot_request_reports(city, login):
    for user in (city.member_user, city.outsider):
        response = login(user).post(reverse("reports:report_list"), {"kind": ReportKind.YEARLY, "year": "2024"})
        assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_failed_report_shows_its_error_and_can_be_generated_again(
        known_city, login, django_capture_on_commit_callbacks, monkeypatch):
    from yearly.exporters import YearlyExporter

    def broken(self):
        raise ValueError("boom")

    monkeypatch.setattr(YearlyExporter, "sheets", broken)
    client = login(known_city.city.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_list"), {"kind": ReportKind.YEARLY, "year": "2024"})
    report = Report.objects.get()
    assert report.status == ReportStatus.FAILED and not report.xlsx
    assert "报表生成过程中出现错误（ValueError）" in report.error
    page = client.get(report.get_absolute_url()).content.decode()
    assert report.error in page and "重新生成" in page and "hx-trigger" not in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.progress, report.error, report.attempts) == (ReportStatus.DONE, 100, "", 2)
    # A finished report cannot be "retried" again.
    response = client.post(reverse("reports:report_retry", args=[report.pk]), follow=True)
    assert "只有生成失败的报表可以重新生成。" in response.content.decode()


def test_deleting_a_report_removes_its_files_on_commit(city, login, django_capture_on_commit_callbacks):
    report = done_report(city.org_a, by=city.secretary)
    names = [report.xlsx.name, report.pdf.name]
    assert all(default_storage.exists(name) for name in names)
    client = login(city.secretary)
    assert "确定删除" in client.get(reverse("reports:report_delete", args=[report.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_delete", args=[report.pk]))
    assert response.status_code == 302 and not Report.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


@pytest.mark.parametrize("extra", [3, 30])
def test_the_list_query_count_does_not_grow_with_reports(city, login, extra, django_assert_max_num_queries):
    for index in range(extra):
        done_report(city.org_a if index % 2 else None, by=city.secretary if index % 2 else city.admin)
    client = login(city.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report_list"))
    assert len(response.context["page"].object_list) == min(extra, 20)
