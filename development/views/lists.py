"""The lists: due now, overdue, this year's plan against the actual; the plan numbers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from branches import access as branch_access
from branches.versions import counted_for
from core.forms import add_service_error
from core.paging import chosen_year, form_page

from .. import access, selectors, services
from ..forms import PlanForm


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_lists(user):
        # A member's own development is their timeline; the lists are the secretaries'.
        member = branch_access.own_member(user)
        if member is not None and hasattr(member, "development"):
            return redirect(member.development)
        branch_access.require(False)
    year = chosen_year(request)

    def summary() -> dict:
        lists = selectors.due_lists(user)
        plans = selectors.plan_vs_actual(user, year=year)
        return {"due": lists["due"], "overdue": lists["overdue"], "plans": plans.rows, "plan_count": plans.plans,
                "admitted": plans.admitted, "planned": plans.planned, "stage_counts": selectors.stage_counts(user)}

    # A province's development files: counted at most every five minutes for admins (the page says when); a
    # secretary's per subtree version (records, steps, plans and members are watched, development/apps.py).
    counted = counted_for(user, f"development-overview:{year}", summary)
    return render(request, "development/overview.html", {
        **counted.value, "counted": counted, "counted_at": counted.counted_at, "year": year,
        "city_wide": branch_access.is_admin(user), "can_see_queue": access.can_see_queue(user),
        "limit": selectors.LIST_LIMIT,
    })


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    branch_access.require(access.can_see_lists(user))
    organisations = branch_access.organisations_managed_by(user).active().order_by("path")
    form = PlanForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_set(organisation=data["organisation"], year=data["year"], planned=data["planned"], by=user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已保存 {data['organisation'].display_name} {data['year']} 年发展计划。")
            return redirect(f"{reverse('development:overview')}?year={data['year']}")
    return form_page(request, form=form, title="年度发展计划", back=reverse("development:overview"),
                     subtitle="每个党组织每年一个计划数；实际数为当年经上级党委批准接收的预备党员人数。")


urlpatterns = [
    path("", overview, name="overview"),
    path("plans/", plan_edit, name="plan_edit"),
]
