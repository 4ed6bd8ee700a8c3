"""The people in development: the list, a new applicant, opening a record, the timeline, the archive checklist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from branches import access as branch_access
from branches.versions import Counted, page_in_kept_order
from core.forms import add_service_error
from core.paging import ROWS_PER_PAGE, form_page, page_of, query_without_page
from members import access as member_access
from members.choices import Stage

from .. import access, selectors, services
from ..documents import document_available
from ..forms import ApplicantForm, OpenRecordForm


@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    branch_access.require(access.can_see_lists(user))
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    q = request.GET.get("q", "").strip()
    rows = selectors.record_list(user, stage=stage, q=q).only(*selectors.RECORD_LIST_COLUMNS)
    if q or not _same_for_every_secretary_of_theirs(user):  # read for itself
        page = page_of(request, rows)
        page.kept = Counted(None)  # (nothing kept: its rows are rendered)
    else:
        # The list's order (by branch, then name: a join of every record to its member and branch, sorted) kept
        # while no record, member or organisation changes, and the page's rendered rows with it (the template).
        page = page_in_kept_order(request, f"development-records:{stage}", rows, per_page=ROWS_PER_PAGE,
                                  exact=True)
    return render(request, "development/record_list.html", {
        "page": page, "query": query_without_page(request), "stages": Stage.choices, "stage": stage, "q": q,
    })


def _same_for_every_secretary_of_theirs(user) -> bool:
    """Whether the user's list is what the organisations they run hold (kept under those organisations' versions):
    not when their own record — every user sees their own — lies outside them."""
    member = branch_access.own_member(user)  # (with its organisation: no query)
    return member is None or branch_access.can_manage_organisation(user, member.organisation)


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def applicant_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    branch_access.require(access.can_see_lists(user))
    organisations = branch_access.organisations_managed_by(user).active().order_by("path")
    form = ApplicantForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.applicant_register(by=user, organisation=data["organisation"],
                                                 data=form.member_fields(), applied_on=data["applied_on"],
                                                 note=data["note"], attachments=data["attachments"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记入党申请人 {record.member.name}，请在一个月内安排谈话。")
            return redirect(record)
    return form_page(request, form=form, title="登记入党申请人", back=reverse("development:record_list"),
                     subtitle="递交入党申请书的人员登记后即建立发展档案（第1步）。", multipart=True)


@require_http_methods(["GET", "POST"])
def record_open(request: HttpRequest, member_pk: int) -> HttpResponse:
    user = request.user
    member = member_access.get_member_for(user, member_pk, write=True)
    if hasattr(member, "development"):
        return redirect(member.development)
    form = OpenRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_open(member=member, by=user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已为 {member.name} 建立发展档案。")
            return redirect(record)
    return form_page(request, form=form, title=f"为 {member.name} 建立发展档案", back=member.get_absolute_url(),
                     subtitle=f"当前发展阶段：{member.get_stage_display()}。建档后发展阶段由记录的步骤决定，不再手工修改。",
                     submit="建立发展档案")


@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = access.get_record_for(user, pk)
    stages = selectors.timeline(record)
    can_record, can_approve = access.can_record(user, record), access.can_approve(user, record)
    return render(request, "development/timeline.html", {
        "record": record, "member": record.member, "stages": stages, "can_record": can_record,
        "can_approve": can_approve,
        "documents": {step.pk for stage in stages for row in stage.rows for step in row.steps
                      if (can_record or can_approve) and document_available(step)},
    })


@require_GET
def my_timeline(request: HttpRequest) -> HttpResponse:
    member = branch_access.own_member(request.user)
    record = getattr(member, "development", None) if member else None
    if record is None:
        raise Http404("您还没有发展档案。")
    return redirect(record)


@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_record_for(request.user, pk)
    rows = selectors.checklist(record)
    return render(request, "development/checklist.html", {
        "record": record, "member": record.member, "rows": rows,
        "missing": [row for row in rows if not row.present],
    })


urlpatterns = [
    path("people/", record_list, name="record_list"),
    path("people/new/", applicant_new, name="applicant_new"),
    path("open/<int:member_pk>/", record_open, name="record_open"),
    path("mine/", my_timeline, name="my_timeline"),
    path("<int:pk>/", timeline, name="timeline"),
    path("<int:pk>/checklist/", checklist, name="checklist"),
]
