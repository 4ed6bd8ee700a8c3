"""在职党员到社区报到: a member records their own report and services (never someone else's: another's
report is a 404); secretaries see their organisations' totals and who has not reported; admins the city."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches.versions import counted_for
from community import access
from core.forms import add_service_error
from core.paging import ROWS_PER_PAGE, CountedPaginator, chosen_year, form_page, query_without_page

from .. import selectors, services
from ..forms import ReportForm, ServiceForm
from ..models import CommunityReport

PENDING_SHOWN = 50


def _own_member(user):
    member = access.own_member(user)
    access.require(member is not None)
    return member


@require_GET
def my_reporting(request: HttpRequest) -> HttpResponse:
    member = _own_member(request.user)
    reports = list(selectors.reports_of(member).prefetch_related("services"))
    return render(request, "community/my_reporting.html", {
        "member": member, "reports": reports, "this_year": timezone.localdate().year,
    })


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request.user)
    initial = {"community": member.residential_community, "reported_on": timezone.localdate()}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已登记到“{form.cleaned_data['community']}”报到。")
            return redirect("community:my_reporting")
    return form_page(request, form=form, title="登记到社区报到", back=reverse("community:my_reporting"))


@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_own_object(request.user, CommunityReport.objects.all(), pk)
    form = ServiceForm(request.POST or None, initial={"served_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已登记志愿服务。")
            return redirect("community:my_reporting")
    return form_page(request, form=form, title=f"登记志愿服务：{report.community}",
                     back=reverse("community:my_reporting"))


ORGANISATION_ROWS_PER_PAGE = 50


@require_GET
def reporting_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_oversee_organisations(user))
    year = chosen_year(request)
    is_admin = access.is_admin(user)
    # None: the whole city (no filter on the organisation at all).
    organisations = None if is_admin else access.organisations_managed_by(user)
    # The totals over the whole city are counted at most every five minutes (the page says when); the counts
    # of members without a report and of reports awaiting confirmation come with them. A secretary's are kept
    # until anything in their organisations changes (members, reports, services: branches.versions).
    counted = counted_for(user, f"reporting-totals:packed:{year}",
                          lambda: selectors.reporting_totals(organisations=organisations, year=year))
    totals = counted.value
    # Only what the two tables show of each member and organisation: whole member and organisation rows cost
    # more to build (and to list in SQL) than the rest of the page's queries.
    shown = ("name", "residential_community", "organisation__name", "organisation__short_name")
    # The page of members without a report is kept with the count above it (the template's fragment), and read
    # only when it is not.
    missing = CountedPaginator(selectors.non_reporters(organisations=organisations, year=year).only(*shown),
                               ROWS_PER_PAGE, count=totals.unreported)
    # Not kept: each row's form carries the viewer's own CSRF token.
    pending = list(selectors.unconfirmed_reports(organisations=organisations, year=year)
                   .only("community", "reported_on", *(f"member__{field}" for field in shown))[:PENDING_SHOWN])
    # A row per organisation: thousands at province scale (2.9 MB), so fifty to a page of their own.
    return render(request, "community/reporting_overview.html", {
        "year": year, "is_admin": is_admin, "query": query_without_page(request), "counted_at": counted.counted_at,
        "counted": counted, "totals": totals,
        "organisation_rows": Paginator(totals.rows, ORGANISATION_ROWS_PER_PAGE).get_page(request.GET.get("org_page")),
        "organisation_query": query_without_page(request, "org_page"),
        "missing": missing.get_page(request.GET.get("page")),
        "pending": pending, "pending_count": max(totals.unconfirmed, len(pending)),
    })


def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The community has signed the report slip: its organisation's secretary marks it."""
    report = access.get_managed_object(request.user, CommunityReport.objects.select_related("member"), pk,
                                       field="member__organisation")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.report_confirm(report=report, confirmed_on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已确认{report.member.name}的报到。")
    return redirect("community:reporting_overview")


urlpatterns = [
    path("reporting/mine/", my_reporting, name="my_reporting"),
    path("reporting/mine/new/", report_create, name="report_create"),
    path("reporting/<int:pk>/services/new/", service_create, name="service_create"),
    path("reporting/", reporting_overview, name="reporting_overview"),
    path("reporting/<int:pk>/confirm/", report_confirm, name="report_confirm"),
]
