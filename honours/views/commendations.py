"""表彰: the list (filtered, scoped by the access module), the admin's record form and the certificate scan."""

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

from .. import selectors, services
from ..forms import CommendationFilterForm, CommendationForm


@require_GET
def commendation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_see_commendations(user))
    commendations = access.commendations_visible_to(user)
    form = CommendationFilterForm(request.GET or None, organisations=access.organisations_managed_by(user))
    data = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps the filters that validate; one that does not is left out
        data = form.cleaned_data
    if data.get("title"):
        commendations = commendations.filter(title=data["title"])
    if data.get("level"):
        commendations = commendations.filter(level=data["level"])
    if data.get("year"):
        commendations = commendations.filter(year=data["year"])
    if data.get("organisation"):
        organisations = access.organisations_managed_by(user).subtree_of([data["organisation"]])
        commendations = commendations.filter(selectors.in_scope(organisations))
    page = Paginator(commendations, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "honours/commendation_list.html", {
        "page": page, "form": form, "query": query_without_page(request), "count": page.paginator.count,
        "can_record": access.can_run_selections(user), "can_nominate": access.can_nominate(user),
        "can_filter_organisations": access.is_admin(user) or access.is_secretary(user),
    })


@transaction.non_atomic_requests  # the service runs its own transaction and removes a written file if it fails
@require_http_methods(["GET", "POST"])
def commendation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_run_selections(user))
    form = CommendationForm(request.POST or None, request.FILES or None, organisations=access.organisations_managed_by(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commendation = services.commendation_create(
                by=user, title=data["title"], level=data["level"], year=data["year"],
                issuing_body=data["issuing_body"], document_number=data["document_number"],
                organisation=data["organisation"], member=data["member"], certificate=data["certificate"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已录入表彰：{commendation}。")
            return redirect("honours:commendation_list")
    return form_page(request, form=form, title="录入表彰", back=reverse("honours:commendation_list"), multipart=True)


@require_GET
@transaction.non_atomic_requests
def commendation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = access.get_commendation_for(request.user, pk)
    return private_file_response(commendation.certificate, content_type=commendation.certificate_content_type,
                        filename=commendation.certificate_name)


urlpatterns = [
    path("commendations/", commendation_list, name="commendation_list"),
    path("commendations/new/", commendation_create, name="commendation_create"),
    path("commendations/<int:pk>/certificate/", commendation_certificate, name="commendation_certificate"),
]
