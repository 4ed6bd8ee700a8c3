"""The 三会一课 compliance matrix, its cells, its Excel export, the set-up checks and the exemptions.

Who may do what, composed only from the access module:
- matrix, export, set-up checks, exemption list: admins (everything) and secretaries (the organisations they run);
  members and logins without a role get 403;
- a cell's drill-down: an organisation the user may change (outside their reach 404, a member's own 403);
- granting an exemption: admins only (403 for everyone else).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from activities.choices import REGULAR_KINDS, ActivityStatus
from activities.models import Activity
from branches.models import Organisation
from branches.versions import counted_for
from core.cache import current_version
from core.choices import OrganisationKind
from core.http import client_address
from core.paging import ROWS_PER_PAGE, RowsWhenRead, query_without_page
from core.workbook import CONTENT_TYPE
from oversight import access
from rules.models import RULES_VERSION_KEY

from .. import compliance
from ..export_matrix import filename_for, matrix_xlsx
from ..forms import ExemptionForm
from ..models import Exemption

FIRST_YEAR = 2000
YEARS_IN_SELECTOR = 6


# --- helpers ----------------------------------------------------------------------------------

def _require_overseer(user) -> None:
    access.require(access.is_admin(user) or access.is_secretary(user))


def _year_from(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year + 1 else today.year


def _scope_label(user) -> str:
    if access.is_admin(user):
        return "全部党组织"
    return "、".join(access.organisations_run_by(user).order_by("path").values_list("name", flat=True))


# --- the matrix ---------------------------------------------------------------------------------

def _cells_html(row: compliance.Row, prefix: str, year: int) -> str:
    """One row's twelve cells as markup. Built here rather than in a template loop: with a thousand cells the
    template engine's per-variable cost was most of the page (ENGINEERING.md; measured ~50 ms for 82 rows, ~1 ms
    this way). Only integers and our own CSS class names go in, so nothing needs escaping.
    Links are "<prefix><organisation>/<year>/<month>/", the matrix_cell pattern below."""
    parts = []
    for cell in row.cells:
        if cell.text:
            parts.append(f'<td class="{cell.css}"><a href="{prefix}{row.pk}/{year}/{cell.month}/">{cell.text}</a></td>')
        else:
            parts.append(f'<td class="{cell.css}"></td>')
    return mark_safe("".join(parts))


GROUPS_PER_PAGE = 20


FILTERED_ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class MatrixFilters:
    """Which rows of the matrix to show: a month, a kind of meeting, only what is incomplete, a kind of
    organisation. "Incomplete" means a required meeting was missing (a red or amber cell) in the month, or in
    any month when no month is chosen."""

    month: int | None = None
    kind: str = ""
    incomplete: bool = False
    organisation_kind: str = ""

    @classmethod
    def from_query(cls, query) -> "MatrixFilters":
        try:
            month = int(query.get("month", ""))
        except ValueError:
            month = None
        kind = query.get("kind", "")
        organisation_kind = query.get("org_kind", "")
        return cls(month=month if month and 1 <= month <= 12 else None,
                   kind=kind if kind in {k.value for k in REGULAR_KINDS} else "",
                   incomplete=query.get("incomplete") in ("1", "on", "true"),
                   organisation_kind=organisation_kind if organisation_kind in OrganisationKind.values else "")

    @property
    def active(self) -> bool:
        return bool(self.month or self.kind or self.incomplete or self.organisation_kind)

    def matches(self, row: compliance.IndexRow, index: compliance.MatrixIndex) -> bool:
        if self.organisation_kind and row.kind != self.organisation_kind:
            return False
        if not (self.kind or self.incomplete):
            return True
        for month in [self.month] if self.month else range(1, 13):
            state, kinds = index.month(row, month)
            if self.incomplete and state not in (compliance.RED, compliance.AMBER):
                continue  # done, not asked, or not yet due
            marks = [mark for kind, mark in kinds.items() if not self.kind or kind == self.kind]
            if not self.incomplete and any(mark in (compliance.MISSING, compliance.DONE) for mark in marks):
                return True
            if self.incomplete and compliance.MISSING in marks:
                return True
        return False


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    """One page of the matrix: a page size stays flat however many organisations there are (20 top-level
    organisations with what is below them; `q` finds organisations by name)."""
    _require_overseer(request.user)
    today = timezone.localdate()
    year = _year_from(request, today)
    years = list(range(today.year + 1, today.year - YEARS_IN_SELECTOR, -1))
    if year not in years:
        years.append(year)
    q = request.GET.get("q", "").strip()[:50]
    filters = MatrixFilters.from_query(request.GET)
    # Only a filter reads the months of every row; the plain page needs the rows' names and places.
    read = compliance.cached_matrix_index if filters.active else compliance.cached_matrix_outline
    scope = access.organisations_managed_by(request.user)
    index = read(organisations=scope, year=year, today=today)
    # Rows are chosen from the index (every row, without its cells); the cells are computed for the page's
    # rows only, so a page costs the same for 300 organisations or 15,000.
    if filters.active:
        # A filtered matrix is a flat list of the organisations that match, 50 to a page.
        matching = [row for row in index.index_rows if not row.is_header and filters.matches(row, index)
                    and (not q or q in row.name)]
        page = Paginator(matching, FILTERED_ROWS_PER_PAGE).get_page(request.GET.get("page"))
        chosen = list(page.object_list)
    else:
        common, groups = index.groups()
        if q:
            groups = [group for group in groups if any(q in row.name for row in group)]
        page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        chosen = common + [row for group in page.object_list for row in group] if page.object_list else []

    def table_rows() -> list[tuple]:
        if chosen:
            result = compliance.cached_matrix_for(
                organisations=Organisation.objects.filter(pk__in=sorted(row.pk for row in chosen)), year=year,
                today=today)
        else:
            result = compliance.matrix_for(organisations=Organisation.objects.none(), year=year, today=today)
        computed = {row.pk: row for row in result.rows}
        indents = {row.pk: row.indent for row in chosen}
        shown = []
        for chosen_row in chosen:
            row = computed.get(chosen_row.pk)
            if row is not None:
                row.indent = indents[row.pk]  # as deep as in the whole matrix, not just among the page's rows
                shown.append(row)
        prefix = reverse("oversight:matrix")
        return [(row, None if row.is_header else _cells_html(row, prefix, year)) for row in shown]

    # The table is kept rendered under the scope's matrix of this day (its version moves on with every change a
    # cell or a row's name can show), the page that chose its rows and the query its page links carry (the search
    # and filters with it): the page's matrix is read only when not kept.
    query = query_without_page(request)
    table_key = (f"{compliance.kept_key('table', organisations=scope, year=year, today=today)}:"
                 f"{page.number}:{query}")
    return render(request, "oversight/matrix.html", {
        "filters": filters,
        "months": list(range(1, 13)),
        "current_month": today.month if year == today.year else 0,
        "kinds": [(kind.value, kind.label) for kind in REGULAR_KINDS],
        "organisation_kinds": [(kind.value, kind.label) for kind in OrganisationKind
                               if kind != OrganisationKind.WORKING_COMMITTEE],
        "totals": index,
        "rows": RowsWhenRead(table_rows),
        "table_key": table_key,
        "table_seconds": compliance.CACHE_SECONDS,
        "page": page,
        "q": q,
        "query": query,
        "year": year,
        "years": years,
        "legend": [(state, compliance.STATE_LABELS[state]) for state in
                   (compliance.GREEN, compliance.AMBER, compliance.RED, compliance.NOTHING, compliance.FUTURE)],
    })


@require_GET
def matrix_export(request: HttpRequest) -> HttpResponse:
    _require_overseer(request.user)
    today = timezone.localdate()
    year = _year_from(request, today)
    result = compliance.matrix_for(organisations=access.organisations_managed_by(request.user), year=year,
                                   today=today)
    response = HttpResponse(matrix_xlsx(result, scope=_scope_label(request.user)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename_for(year))
    return response


@require_GET
def matrix_cell(request: HttpRequest, org_pk: int, year: int, month: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, org_pk, write=True)
    today = timezone.localdate()
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= today.year + 1):
        raise Http404("没有该月份。")
    result = compliance.cached_matrix_for(organisations=Organisation.objects.filter(pk=organisation.pk),
                                          year=year, today=today)
    row = result.row_for(organisation.pk)
    if row is None:
        raise Http404("该党组织当年不参加“三会一课”统计。")
    cell = row.cells[month - 1]
    first_month = min((k.first_month for k in cell.kinds), default=month)
    activities = _activities_behind(organisation, year, first_month, month, cell)
    return render(request, "oversight/matrix_cell.html", {
        "organisation": organisation,
        "year": year,
        "month": month,
        "cell": cell,
        "first_month": first_month,
        "activities": activities,
        "can_grant": access.is_admin(request.user),
        "previous": (year, month - 1) if month > 1 else None,
        "next": (year, month + 1) if month < 12 else None,
    })


def _activities_behind(organisation, year, first_month, month, cell) -> list[Activity]:
    """The organisation's activities (hosted or joint) in the cell's window, each marked whether it counts."""
    start = timezone.make_aware(dt.datetime(year, first_month, 1))
    end = timezone.make_aware(dt.datetime(year + month // 12, month % 12 + 1, 1))
    in_window = (Q(actual_start__gte=start, actual_start__lt=end)
                 | Q(actual_start__isnull=True, planned_start__gte=start, planned_start__lt=end))
    # Hosted, or joined as a literal list of ids: an OR over the joint table's join read every activity of the
    # province (0.3 s); this reads the organisation's own by its index.
    joined = list(Activity.joint_organisations.through.objects.filter(organisation_id=organisation.pk)
                  .values_list("activity_id", flat=True))
    rows = list(Activity.objects.filter(Q(organisation_id=organisation.pk) | Q(pk__in=joined))
                .filter(in_window).select_related("organisation")
                .order_by("actual_start", "planned_start", "pk"))
    windows = {k.kind: k for k in cell.kinds}
    for activity in rows:
        local = timezone.localtime(activity.start)
        activity.local_start = local
        activity.is_joint = activity.organisation_id != organisation.pk
        window = windows.get(activity.kind)
        if activity.status != ActivityStatus.HELD:
            activity.counts_as = "未开展，不计入"
        elif window is None:
            activity.counts_as = "本月无此项要求"
        elif window.not_asked:
            activity.counts_as = window.not_asked_label
        elif window.first_month <= local.month <= window.last_month:
            activity.counts_as = "计入"
        else:
            activity.counts_as = "不在统计月份内"
    return rows


# --- set-up checks ------------------------------------------------------------------------------

@require_GET
def setup_checks(request: HttpRequest) -> HttpResponse:
    _require_overseer(request.user)
    # Rules (thresholds) are in the name: an admin's change to one is checked against at once.
    counted = counted_for(request.user, f"setup-checks:{current_version(RULES_VERSION_KEY)}",
                          lambda: compliance.setup_problems(organisations=access.organisations_managed_by(request.user)))
    problems = counted.value
    summary: dict[str, int] = {}
    for problem in problems:
        summary[problem.code] = summary.get(problem.code, 0) + 1
    return render(request, "oversight/setup_checks.html", {
        "problems": problems,
        # A province can have thousands: the summary counts them all, the table shows a page.
        "page": Paginator(problems, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "summary": [(compliance.ProblemCode(code).label, n) for code, n in summary.items()],
        "organisation_count": len({p.organisation.pk for p in problems}),
        "counted": counted,
        "counted_at": counted.counted_at,
    })


# --- exemptions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def exemption_create(request: HttpRequest) -> HttpResponse:
    access.require(access.is_admin(request.user))
    organisations = (access.organisations_managed_by(request.user).active()
                     .filter(kind__in=compliance.MEETING_KINDS).order_by("path"))
    initial = {"valid_from": timezone.localdate()}
    if request.method == "GET":
        initial.update({key: request.GET[key] for key in ("organisation", "activity_kind") if key in request.GET})
    form = ExemptionForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        exemption = compliance.exemption_grant(exemption=form.save(commit=False), by=request.user,
                                               ip=client_address(request))
        messages.success(request, f"已批准：{exemption}（{exemption.reason}）。")
        return redirect("oversight:exemption_list")
    return render(request, "oversight/exemption_form.html", {"form": form})


@require_GET
def exemption_list(request: HttpRequest) -> HttpResponse:
    _require_overseer(request.user)
    today = timezone.localdate()
    exemptions = list(access.scoped_to_managed(request.user, Exemption.objects.all())
                      .select_related("organisation", "granted_by").order_by("-valid_from", "organisation__path"))
    for exemption in exemptions:
        if exemption.valid_from > today:
            exemption.state = "未开始"
        elif exemption.valid_until is not None and exemption.valid_until < today:
            exemption.state = "已到期"
        else:
            exemption.state = "有效"
    return render(request, "oversight/exemption_list.html", {
        "exemptions": exemptions,
        "can_grant": access.is_admin(request.user),
    })


urlpatterns = [
    path("matrix/", matrix, name="matrix"),
    path("matrix/export/", matrix_export, name="matrix_export"),
    # The matrix page links cells by prefix + "<org_pk>/<year>/<month>/": keep the two in step.
    path("matrix/<int:org_pk>/<int:year>/<int:month>/", matrix_cell, name="matrix_cell"),
    path("checks/", setup_checks, name="setup_checks"),
    path("exemptions/", exemption_list, name="exemption_list"),
    path("exemptions/new/", exemption_create, name="exemption_create"),
]
