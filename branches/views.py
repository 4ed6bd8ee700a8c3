import hashlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from core.http import client_address
from core.paging import page_of, query_without_page

from . import access, services
from .forms import OrganisationFilterForm, OrganisationForm
from .panels import organisation_panel_context
from .selectors import (
    organisation_summary,
    tree_breadcrumbs,
    tree_children,
    tree_rows,
    tree_search,
    tree_tops,
    units_for_filter,
)
from .versions import per_subtree

# Rows of one level of the tree per page: at province scale the working committee has thousands of
# organisations directly below it; deeper levels open in place.
TREE_ROWS_PER_PAGE = 50


def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisation tree, collapsed: one organisation and the level below it (paged), each level below
    opening in place; or, with a search, the matching organisations wherever they are."""
    access.require(access.can_list_members(request.user))
    form = OrganisationFilterForm(request.GET or None, units=units_for_filter(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    context = {"form": form, "query": query_without_page(request), "per_page": TREE_ROWS_PER_PAGE}
    searching = any(filters.get(name) for name in ("q", "kind", "unit"))
    node = None
    opening_in_place = bool(request.headers.get("HX-Request") and filters.get("parent"))
    if searching:
        unit = filters.get("unit")
        base = tree_search(user=request.user, kind=filters.get("kind") or "", unit_id=unit.pk if unit else None,
                           query=(filters.get("q") or "").strip())
        page = page_of(request, base.only("pk"), per_page=TREE_ROWS_PER_PAGE)
        rows = tree_rows(page.object_list, level=0)
    else:
        if filters.get("parent"):
            node = access.get_organisation_for(request.user, filters["parent"])
        else:
            tops = list(tree_tops(user=request.user).only("pk", "path")[:2])
            node = tops[0] if len(tops) == 1 else None
        if node is None:  # several separate organisations (or none): they are the first level
            page = page_of(request, tree_tops(user=request.user).only("pk"), per_page=TREE_ROWS_PER_PAGE)
            rows = tree_rows(page.object_list, level=0)
        else:
            page = page_of(request, tree_children(user=request.user, parent=node).only("pk"),
                           per_page=TREE_ROWS_PER_PAGE)
            rows = None
            if not opening_in_place:
                rows, context["rows_html"] = _node_rows(request.user, node, page)
                context["breadcrumbs"] = tree_breadcrumbs(user=request.user, organisation=node)
    if opening_in_place and node is not None:
        # Opening one organisation in place: its first page of children, below its row.
        return render(request, "branches/_tree_rows.html", {
            "rows": tree_rows(page.object_list, level=filters.get("level") or 0),
            "more": page.paginator.count - len(page.object_list), "node": node, "level": filters.get("level") or 0,
            "more_ancestors": " ".join(node.path.strip("/").split("/"))})
    context.update({"rows": rows, "page": page, "node": node, "searching": searching,
                    "total": page.paginator.count})
    return render(request, "branches/organisation_list.html", context)


def _node_rows(user, node, page) -> tuple[list[dict], str]:
    """The rows of an opened organisation and its page of children (levels 0 and 1 by their depth), and their
    HTML, made once and kept under the organisation's subtree version: every row shows only what is below it
    (names, kinds, units, members; all watched: branches.versions), so any change there makes them again. Per
    user below the admins, and per what they may open (the organisations they run and their own: a role given or
    taken renders them again)."""
    if access.is_admin(user):
        scope = "all"
    else:
        member = access.own_member(user)
        opened = repr((sorted(access.managed_paths(user)), member.organisation_id if member else None))
        scope = f"user-{user.pk}-{hashlib.sha1(opened.encode()).hexdigest()[:16]}"

    def made(pks):
        rows = tree_rows([node, *page.object_list])
        rows[0]["expanded"] = True
        return {node.pk: (rows, render_to_string("branches/_tree_rows.html", {"rows": rows}))}

    name = f"tree-rows:{scope}:{TREE_ROWS_PER_PAGE}:{page.number}"
    rows, html = per_subtree(name, [node.pk], made)[node.pk]
    return rows, mark_safe(html)  # noqa: S308 — rendered by the template, escaped there


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
