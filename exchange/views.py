"""Import and export pages. Access from exchange.access only: a member or a login without a role gets 403,
someone else's import 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches.access import require
from core.http import client_address
from core.forms import add_service_error
from core.workbook import CONTENT_TYPE

from . import access, export, files, services
from .choices import JobStatus
from .forms import UploadForm
from .kinds import IMPORT_KINDS, kinds_for

JOBS_PER_PAGE = 20
ERRORS_SHOWN = 200


def _attachment(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(access.can_exchange(user))
    form = UploadForm(request.POST or None, request.FILES or None, user=user,
                      initial={"kind": request.GET.get("kind", "roster")})
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(job)
    jobs = Paginator(access.jobs_visible_to(user).defer("errors"), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "exchange/index.html", {
        "form": form, "kinds": kinds_for(user), "jobs": jobs,
        "full_export": access.can_see_personal_data(user),
    }, status=400 if request.method == "POST" else 200)


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    require(access.can_exchange(request.user))
    cls = IMPORT_KINDS.get(kind)
    if cls is None:
        raise Http404("没有这种导入类型。")
    require(cls.permitted(request.user))
    names = list(access.organisations_for(request.user).order_by("path").values_list("name", flat=True)[:1000])
    return _attachment(files.template_workbook(cls, organisations=names), f"{cls.name}导入模板.xlsx")


def _job_context(job) -> dict:
    return {"job": job, "errors": job.errors[:ERRORS_SHOWN], "more_errors": max(0, job.error_count - ERRORS_SHOWN)}


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_exchange(request.user))
    job = access.get_job_for(request.user, pk)
    return render(request, "exchange/job_detail.html", _job_context(job))


@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_exchange(request.user))
    job = access.get_job_for(request.user, pk)
    return render(request, "exchange/_job_status.html", _job_context(job))


def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_exchange(request.user))
    job = access.get_job_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        job = services.import_confirm(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if job.status == JobStatus.DONE:
            messages.success(request, f"导入完成：新增 {job.new_count} 条，修改 {job.changed_count} 条，"
                                      f"{job.unchanged_count} 条无变化。")
    return redirect(job)


@require_GET
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_exchange(request.user))
    job = access.get_job_for(request.user, pk)
    if not job.errors:
        raise Http404("该导入没有错误。")
    stem = job.original_name.rsplit(".", 1)[0]
    return _attachment(files.error_report_workbook(job), f"{stem}-错误报告.xlsx")


@require_GET
def national_export(request: HttpRequest) -> HttpResponse:
    require(access.can_exchange(request.user))
    content = export.national_workbook(user=request.user, ip=client_address(request))
    return _attachment(content, f"党组织和党员基本信息-{timezone.localdate():%Y%m%d}.xlsx")
