"""专项任务 (flood relief, epidemic …): totals for every logged-in user; donations recorded by the secretaries
of the donors' organisations (admins: any); temporary branches set up below an organisation the user manages
and dissolved after the campaign."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from community import access
from core.forms import add_service_error
from core.paging import form_page, query_without_page

from .. import selectors, services
from ..forms import CampaignForm, DissolveForm, DonationForm, TemporaryBranchForm
from ..models import Campaign, CampaignBranch

ROWS_PER_PAGE = 50


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/campaign_list.html", {
        "campaigns": selectors.with_donation_totals(selectors.campaigns_with_totals()),
        "can_create": access.is_admin(request.user),
    })


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    access.require(access.is_admin(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已创建“{campaign.name}”。")
            return redirect("community:campaign_detail", pk=campaign.pk)
    return form_page(request, form=form, title="新建专项任务", back=reverse("community:campaign_list"))


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    [campaign] = selectors.with_donation_totals([get_object_or_404(selectors.campaigns_with_totals(), pk=pk)])
    user = request.user
    branches = list(selectors.temporary_branches_of(campaign))
    can_record = access.can_oversee_organisations(user)
    # Every donating organisation of a province campaign is thousands of rows: fifty to a page.
    by_organisation = Paginator(selectors.donations_by_organisation(campaign=campaign), ROWS_PER_PAGE)
    return render(request, "community/campaign_detail.html", {
        "campaign": campaign,
        "by_organisation": by_organisation.get_page(request.GET.get("org_page")),
        "organisation_query": query_without_page(request, "org_page"),
        "branches": branches,
        "can_record": can_record,
        # Which of these temporary branches the user may dissolve (not every organisation they manage).
        "managed_ids": set(access.organisations_managed_by(user).filter(
            pk__in=[branch.organisation_id for branch in branches]).values_list("pk", flat=True))
        if can_record and branches else set(),
    })


@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    access.require(access.can_oversee_organisations(user))
    campaign = get_object_or_404(Campaign, pk=pk)
    organisations = access.organisations_managed_by(user)
    members = access.scoped_to_managed(user, access.members_visible_to(user))
    form = DonationForm(request.POST or None, members=members, organisations=organisations,
                        initial={"donated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.donation_record(campaign=campaign, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已登记捐款。")
            return redirect("community:campaign_detail", pk=campaign.pk)
    return form_page(request, form=form, title=f"登记捐款：{campaign.name}",
                     back=reverse("community:campaign_detail", args=[campaign.pk]))


@require_http_methods(["GET", "POST"])
def temporary_branch_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    access.require(access.can_oversee_organisations(user))
    campaign = get_object_or_404(Campaign, pk=pk)
    form = TemporaryBranchForm(request.POST or None, organisations=access.organisations_managed_by(user),
                               members=access.scoped_to_managed(user, access.members_visible_to(user)),
                               initial={"established_on": timezone.localdate(),
                                        "name": f"{campaign.name}临时党支部"})
    if request.method == "POST" and form.is_valid():
        try:
            link = services.temporary_branch_create(campaign=campaign, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已成立“{link.organisation.name}”。")
            return redirect("community:campaign_detail", pk=campaign.pk)
    return form_page(request, form=form, title=f"成立临时党支部：{campaign.name}",
                     back=reverse("community:campaign_detail", args=[campaign.pk]))


@require_http_methods(["GET", "POST"])
def temporary_branch_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    link = access.get_managed_object(user, CampaignBranch.objects.select_related("organisation", "campaign"), pk)
    form = DissolveForm(request.POST or None, initial={"dissolved_on": link.campaign.ends_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.temporary_branch_dissolve(link=link, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已撤销“{link.organisation.name}”。")
            return redirect("community:campaign_detail", pk=link.campaign_id)
    return form_page(request, form=form, title=f"撤销临时党支部：{link.organisation.name}", submit="撤销",
                     back=reverse("community:campaign_detail", args=[link.campaign_id]))


urlpatterns = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/donations/new/", donation_create, name="donation_create"),
    path("campaigns/<int:pk>/temporary-branches/new/", temporary_branch_create, name="temporary_branch_create"),
    path("temporary-branches/<int:pk>/dissolve/", temporary_branch_dissolve, name="temporary_branch_dissolve"),
]
