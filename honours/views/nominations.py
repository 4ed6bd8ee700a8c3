"""推荐: a secretary nominates a member or their organisation for a city-level title; an admin decides.
A secretary sees their organisations' nominations and can never decide one (403, the service refuses too)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.files import private_file_response
from core.forms import add_service_error
from core.paging import ROWS_PER_PAGE, form_page, query_without_page
from honours import access

from .. import services
from ..choices import NominationStatus
from ..forms import DecisionForm, NominationForm


def _nomination_for(user, pk):
    return access.get_nomination_for(user, pk)


@require_GET
def nomination_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user))
    nominations = access.nominations_visible_to(user)
    status = request.GET.get("status")
    if status in NominationStatus.values:
        nominations = nominations.filter(status=status)
    page = Paginator(nominations, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "honours/nomination_list.html", {
        "page": page, "query": query_without_page(request), "statuses": NominationStatus.choices,
        "status": status, "can_nominate": access.can_nominate(user),
    })


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def nomination_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_nominate(user))
    organisations = access.organisations_managed_by(user).active()
    form = NominationForm(request.POST or None, request.FILES or None, organisations=organisations,
                          members=access.nominable_members(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = data["member"]
        try:
            nomination = services.nomination_create(
                by=user, title=data["title"], level=data["level"], year=data["year"],
                organisation=member.organisation if member else data["organisation"], member=member,
                reasons=data["reasons"], evidence=data["evidence"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已提交推荐：{nomination}，等待工委审核。")
            return redirect("honours:nomination_detail", pk=nomination.pk)
    return form_page(request, form=form, title="推荐表彰", back=reverse("honours:nomination_list"),
                     subtitle="推荐本组织党员或本组织参加市级、市直机关级表彰，由市直机关工委审核。", multipart=True)


@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The nomination; for an admin, the decision form. A POST from anyone else is refused (403)."""
    user = request.user
    nomination = _nomination_for(user, pk)
    can_decide = access.can_run_selections(user)
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        access.require(can_decide)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.nomination_decide(nomination=nomination, by=user, approve=data["decision"] == "approve",
                                           comment=data["comment"], issuing_body=data["issuing_body"],
                                           document_number=data["document_number"])
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "已审核。")
                return redirect("honours:nomination_detail", pk=nomination.pk)
    return render(request, "honours/nomination_detail.html", {
        "nomination": nomination, "form": form,
        "can_decide": can_decide and nomination.status == NominationStatus.SUBMITTED,
    })


@require_GET
@transaction.non_atomic_requests
def nomination_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination_for(request.user, pk)
    return private_file_response(nomination.evidence, content_type=nomination.evidence_content_type,
                        filename=nomination.evidence_name)


urlpatterns = [
    path("nominations/", nomination_list, name="nomination_list"),
    path("nominations/new/", nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/evidence/", nomination_evidence, name="nomination_evidence"),
]
