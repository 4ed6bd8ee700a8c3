"""Reports pages: request a report, watch it being generated (htmx polling), download, retry, delete.

Access, from the access module only: requesting needs `can_request_reports` (403 otherwise); a report outside
the user's scope is a 404 (`get_report_for`), whatever the action."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.files import private_file_response
from core.forms import ModelChoiceField, add_service_error
from core.lookups import SearchSelect
from reports import access

from . import services
from .choices import FileFormat, Period, ReportKind, ReportStatus
from .exporters import EXPORTERS
from .models import Report

REPORTS_PER_PAGE = 20
FIRST_YEAR = 2000
CONTENT_TYPES = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PDF: "application/pdf",
}


class OrganisationChoiceField(ModelChoiceField):
    def label_from_instance(self, organisation):
        return "　" * organisation.depth + organisation.name


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="报表类型", choices=ReportKind.choices, initial=ReportKind.YEARLY)
    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=2100, required=False,
                              error_messages={"invalid": "请填写年份，例如 2025。"})
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "（年度报表不用选）")] + [(m, f"{m}月") for m in range(1, 13)],
                                   help_text="仅月度报表需要选择月份；花名册按生成当日统计。")
    organisation = OrganisationChoiceField(None, label="统计范围", required=False, widget=SearchSelect("organisations"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = (today.replace(day=1) - dt.timedelta(days=1)).month
        field = self.fields["organisation"]
        field.queryset = access.organisations_managed_by(user).active().order_by("path")
        if access.is_admin(user):
            field.empty_label = "全市（市直机关工委）"
        else:
            field.required = True
            field.empty_label = "请选择党组织"
            field.error_messages["required"] = "请选择要统计的党组织。"


def _request_form(request: HttpRequest, data=None) -> ReportRequestForm:
    return ReportRequestForm(data, user=request.user)


@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_request_reports(user))
    form = _request_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(kind=data["kind"], by=user, organisation=data["organisation"],
                                             year=data["year"], month=data["month"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            # Neutral: the page below tells how it goes (waiting, running, done or failed), never both at once.
            messages.info(request, f"已提交“{report}”，生成进度见下方，完成后可在此下载。")
            return redirect(report)
    reports = access.reports_visible_to(user).select_related("organisation", "requested_by")
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {
        "form": form,
        "page": page,
        "kinds": [(cls.name, ReportKind(identifier).label, cls.description, Period(cls.period).label)
                  for identifier, cls in EXPORTERS.items()],
    }, status=400 if request.method == "POST" else 200)


def _progress_context(report: Report) -> dict:
    return {"report": report, "can_retry": services.can_retry(report)}


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    return render(request, "reports/report_detail.html", _progress_context(report))


@require_GET
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every second while the report is waiting or running."""
    report = access.get_report_for(request.user, pk)
    return render(request, "reports/_progress.html", _progress_context(report))


@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = access.get_report_for(request.user, pk)
    if fmt not in FileFormat.values or report.status != ReportStatus.DONE:
        raise Http404("该报表文件不存在。")
    stored = report.xlsx if fmt == FileFormat.XLSX else report.pdf
    return private_file_response(stored, as_attachment=True, filename=report.download_name(fmt),
                                 content_type=CONTENT_TYPES[fmt], missing="该报表文件已不存在，请重新生成。")


def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.report_retry(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, "已重新提交生成，进度见下方。")
    return redirect(report)


@require_http_methods(["GET", "POST"])
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    if request.method == "POST":
        name = str(report)
        services.report_delete(report=report, by=request.user)
        messages.success(request, f"已删除“{name}”及其文件。")
        return redirect("reports:report_list")
    return render(request, "reports/report_confirm_delete.html", {"report": report})
