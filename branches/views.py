from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.http import client_address
from core.paging import page_of, query_without_page

from . import access, services
from .forms import OrganisationFilterForm, OrganisationForm
from .panels import organisation_panel_context
from .selectors import organisation_summary, organisation_tree, units_for_filter

TREE_ROWS_PER_PAGE = 200


def organisation_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_list_members(request.user))
    form = OrganisationFilterForm(request.GET or None, units=units_for_filter(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = organisation_tree(
        user=request.user,
        kind=filters.get("kind") or "",
        unit_id=filters.get("unit"),
        query=(filters.get("q") or "").strip(),
    )
    # Paged: at province scale the tree is thousands of rows (megabytes of HTML); the counts stay whole-tree.
    page = page_of(request, rows, per_page=TREE_ROWS_PER_PAGE)
    return render(request, "branches/organisation_list.html", {
        "form": form, "rows": page.object_list, "page": page, "total": len(rows),
        "query": query_without_page(request), "filtered": bool(filters and any(filters.values()))})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk)
    can_manage = access.can_manage_organisation(request.user, organisation)
    context = {"organisation": organisation, "can_manage": can_manage, **organisation_panel_context(organisation)}
    if can_manage:
        context.update(organisation_summary(organisation))
    return render(request, "branches/organisation_detail.html", context)


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(organisation=form.save(commit=False), by=request.user,
                                     ip=client_address(request),
                                     changed=[str(form.fields[f].label) for f in form.changed_data])
        messages.success(request, "党组织信息已保存。")
        return redirect(organisation)
    return render(request, "branches/organisation_form.html", {"form": form, "organisation": organisation})
