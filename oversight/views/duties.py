"""责任清单: the list (per organisation done / due / overdue, the assignments), assigning a duty, one duty's
progress, reporting completion with evidence, and removing a report's evidence file.

Access, from the access module only:
- the list: admins (everything, with filters) and secretaries (their organisations); others 403;
- creating a duty and a duty's page: admins only (403);
- reporting and removing evidence: an assignment of an organisation the user manages (`get_managed_object`,
  else 404 — its existence is not leaked).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches.versions import counted_for, page_in_kept_order
from core.cache import current_version
from core.forms import add_service_error
from core.paging import query_without_page
from oversight import access

from .. import duties as services
from ..dashboard import DECISIONS_VERSION_KEY
from ..evidence import evidence_delete, evidence_for
from ..forms import DutyForm, ListFilterForm, ReportForm, StateFilterForm
from ..models import Duty, DutyAssignment, Evidence

ROWS_PER_PAGE = 50


# --- views ----------------------------------------------------------------------------------------

@require_GET
def duty_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_admin = access.is_admin(user)
    access.require(is_admin or access.is_secretary(user))
    today = timezone.localdate()
    organisations = access.organisations_managed_by(user)
    # Each duty asked whether one of its assignments is in scope (stops at the first), not DISTINCT over the join
    # of every assignment (a province: 20,000 rows for five duties); an admin's scope is every organisation, so
    # no filter at all (as a semi-join, a province's 4,000 assignments of each duty were hashed: 3.7 ms).
    assigned = DutyAssignment.objects.filter(duty=OuterRef("pk"))
    duties = Duty.objects.filter(Exists(assigned if is_admin else assigned.filter(organisation__in=organisations))
                                 ).order_by("-deadline")
    form = ListFilterForm(request.GET or None, organisations=organisations.active().order_by("path"), duties=duties)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = organisations
    if filters.get("organisation"):
        scope = organisations.filter(path__startswith=filters["organisation"].path)
    # An admin's whole city is no filter at all (a semi-join over every organisation, for nothing).
    whole_city = is_admin and not filters.get("organisation")
    assignments = services.assignments_of(organisations=None if whole_city else scope, today=today,
                                          state=filters.get("state") or "", duty=filters.get("duty"))
    chosen = f"{getattr(filters.get('organisation'), 'pk', '')}:{getattr(filters.get('duty'), 'pk', '')}"
    # The order of the assignments (open first, by deadline, in tree order) sorts every one joined to its
    # duty and organisation (a province: 20,000, 14 ms), so it is kept while no assignment, duty or
    # organisation changes (the decisions' version; a secretary's per subtree); the page's rows read afresh.
    decisions = current_version(DECISIONS_VERSION_KEY)
    page = page_in_kept_order(request, f"duty-order:{decisions}:{chosen}:{filters.get('state')}", assignments,
                              per_page=ROWS_PER_PAGE)
    # An admin's summaries cover every assignment of the province: counted at most every five minutes. A
    # secretary's are kept until an assignment of theirs (their subtree versions) or a duty (the decisions'
    # version: a deadline moved) changes.
    kept_until = "" if is_admin else f":{decisions}"
    totals = counted_for(user, f"duty-totals:{chosen}{kept_until}",
                         lambda: services.state_totals(organisations=scope, today=today))
    by_organisation = counted_for(user, f"duty-by-organisation-packed:{chosen}{kept_until}",
                                  lambda: services.counts_by_organisation_packed(
                                      organisations=scope, today=today, duty=filters.get("duty")))
    return render(request, "oversight/duty_list.html", {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "today": today,
        "totals": totals.value,
        "counted_at": totals.counted_at,
        # A row per organisation with assignments: thousands at province scale, fifty to a page of their own.
        "by_organisation": Paginator(by_organisation.value, ROWS_PER_PAGE).get_page(request.GET.get("org_page")),
        "by_organisation_counted": by_organisation,
        "organisation_query": query_without_page(request, "org_page"),
        # Every duty given or reported moves the decisions version on: a new duty shows at once.
        "duties": counted_for(user, f"duties-with-counts:{current_version(DECISIONS_VERSION_KEY)}",
                              lambda: list(services.duties_with_counts(today=today)[:20])) if is_admin else None,
        "can_create": is_admin,
    })


@require_http_methods(["GET", "POST"])
def duty_create(request: HttpRequest) -> HttpResponse:
    access.require(access.is_admin(request.user))
    form = DutyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            duty = services.duty_create(by=request.user, title=data["title"], detail=data["detail"],
                                        deadline=data["deadline"], organisations=form.chosen())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已布置“{duty.title}”，共 {duty.assignments.count()} 个党组织。")
            return redirect("oversight:duty_detail", pk=duty.pk)
    return render(request, "oversight/duty_form.html", {"form": form})


@require_GET
def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.is_admin(request.user))
    duty = get_object_or_404(Duty.objects.select_related("created_by"), pk=pk)
    today = timezone.localdate()
    form = StateFilterForm(request.GET or None)
    state = (form.cleaned_data.get("state") if form.is_valid() else "") or ""
    # Of each row only what the table shows: its organisation's name, its state and report, its files' names (the
    # duty is the page's own; who reported is not shown here).
    assignments = (services.assignments_of(organisations=None, today=today, state=state, duty=duty)
                   .select_related(None).prefetch_related(None).select_related("organisation")
                   .only("organisation__name", "status", "completed_at", "report")
                   .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only(
                       "original_name", "duty_assignment"))))
    # A duty given to a province's organisations has thousands of assignments, sorted on joined columns (7 ms):
    # their order is kept, as the list's is, until an assignment, duty or organisation changes.
    page = page_in_kept_order(request, f"duty-detail-order:{duty.pk}:{current_version(DECISIONS_VERSION_KEY)}:{state}",
                              assignments, per_page=ROWS_PER_PAGE)
    for assignment in page:
        assignment.late = (assignment.completed_at is not None
                           and timezone.localtime(assignment.completed_at).date() > duty.deadline)
    return render(request, "oversight/duty_detail.html", {
        "duty": duty, "form": form, "page": page, "query": query_without_page(request), "today": today,
        "counts": services.duty_counts(duty=duty, today=today), "state": state,
    })


@transaction.non_atomic_requests  # duty_report runs its own transaction and removes its files if that fails
@require_http_methods(["GET", "POST"])
def duty_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assignment = access.get_managed_object(user, DutyAssignment.objects.select_related("duty", "organisation"), pk)
    form = ReportForm(request.POST or None, request.FILES or None, initial={"report": assignment.report})
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_report(assignment=assignment, by=user, report=form.cleaned_data["report"],
                                 uploads=form.cleaned_data["evidence"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已报告“{assignment.duty.title}”的完成情况。")
            return redirect(f"{reverse('oversight:duty_list')}?organisation={assignment.organisation_id}")
    return render(request, "oversight/duty_report.html", {
        "assignment": assignment,
        "form": form,
        "evidence": list(assignment.evidence.all()),
        "today": timezone.localdate(),
    })


@transaction.non_atomic_requests  # the file goes once the deletion has committed
def duty_evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = evidence_for(request.user, pk)
    if evidence.duty_assignment_id is None:
        raise Http404("没有找到该佐证材料。")  # a review item's evidence is removed from the review's page
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    evidence_delete(evidence=evidence)
    messages.success(request, f"已删除“{evidence.original_name}”。")
    return redirect("oversight:duty_report", pk=evidence.duty_assignment_id)


urlpatterns = [
    path("duties/", duty_list, name="duty_list"),
    path("duties/new/", duty_create, name="duty_create"),
    path("duties/<int:pk>/", duty_detail, name="duty_detail"),
    path("duties/assignment/<int:pk>/report/", duty_report, name="duty_report"),
    path("duties/evidence/<int:pk>/delete/", duty_evidence_delete, name="duty_evidence_delete"),
]
