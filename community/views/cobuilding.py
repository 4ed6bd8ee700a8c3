"""共驻共建: agreements with communities. Secretaries keep their organisations' agreements; admins see all,
with how many affiliated organisations have signed. A scan is a private file: only through `agreement_scan`,
for those who manage the organisation (else 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from branches.versions import counted_for
from community import access
from core.files import private_file_response
from core.forms import add_service_error
from core.paging import ROWS_PER_PAGE, form_page, query_without_page

from .. import selectors, services
from ..forms import AgreementForm, ProjectForm
from ..models import CoBuildingAgreement


def _agreement_for(user, pk) -> CoBuildingAgreement:
    return access.get_managed_object(user, CoBuildingAgreement.objects.select_related("organisation"), pk)


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_oversee_organisations(user))
    organisations = access.organisations_managed_by(user)
    is_admin = access.is_admin(user)
    page = Paginator(selectors.agreements_of(None if is_admin else organisations), ROWS_PER_PAGE).get_page(
        request.GET.get("page"))
    page.object_list = selectors.with_project_counts(page.object_list)
    # Every affiliated organisation asked whether it has an agreement (a province's 5,000: 5 ms): an admin's
    # coverage is counted at most every five minutes (the page says when); a secretary's, over a few, each time.
    coverage = counted_for(user, "agreement-coverage", lambda: selectors.agreement_coverage(
        organisations=None if is_admin else organisations.active()), secretaries=False)
    return render(request, "community/agreement_list.html", {
        "page": page, "query": query_without_page(request), "coverage": coverage.value,
        "counted_at": coverage.counted_at, "is_admin": is_admin,
    })


@transaction.non_atomic_requests  # the service runs its own transaction and removes a written file if it fails
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_oversee_organisations(user))
    form = AgreementForm(request.POST or None, request.FILES or None,
                         organisations=access.organisations_managed_by(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_save(organisation=data["organisation"], by=user,
                                                community=data["community"], signed_on=data["signed_on"],
                                                note=data["note"], scan=data["scan"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记与“{agreement.community}”的共驻共建协议。")
            return redirect("community:agreement_detail", pk=agreement.pk)
    return form_page(request, form=form, title="登记共驻共建协议", back=reverse("community:agreement_list"),
                     multipart=True)


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = _agreement_for(user, pk)
    initial = {"organisation": agreement.organisation, "community": agreement.community,
               "signed_on": agreement.signed_on, "note": agreement.note}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial,
                         organisations=access.organisations_managed_by(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_save(agreement=agreement, organisation=data["organisation"], by=user,
                                    community=data["community"], signed_on=data["signed_on"], note=data["note"],
                                    scan=data["scan"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("community:agreement_detail", pk=agreement.pk)
    return form_page(request, form=form, title="修改共驻共建协议",
                     back=reverse("community:agreement_detail", args=[agreement.pk]), multipart=True)


@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request.user, pk)
    return render(request, "community/agreement_detail.html", {
        "agreement": agreement, "projects": list(agreement.projects.all()), "project_form": ProjectForm(),
    })


@require_http_methods(["GET", "POST"])
def project_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request.user, pk)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_add(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已添加共建项目。")
            return redirect("community:agreement_detail", pk=agreement.pk)
    return form_page(request, form=form, title=f"添加共建项目：{agreement.community}",
                     back=reverse("community:agreement_detail", args=[agreement.pk]))


@require_GET
@transaction.non_atomic_requests
def agreement_scan(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request.user, pk)
    if not agreement.scan:
        raise Http404("该协议没有扫描件。")
    return private_file_response(agreement.scan, content_type=agreement.scan_content_type or "application/octet-stream",
                                 filename=agreement.scan_name)


urlpatterns = [
    path("agreements/", agreement_list, name="agreement_list"),
    path("agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/projects/new/", project_add, name="project_add"),
    path("agreements/<int:pk>/scan/", agreement_scan, name="agreement_scan"),
]
