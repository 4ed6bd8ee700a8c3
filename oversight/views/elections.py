"""换届: the re-election overview (current term of every organisation, due and overdue lists, on-time rate)
and recording a re-election.

Access, from the access module only:
- the overview: admins (every organisation) and secretaries (their organisations and those below); others 403;
- recording: `get_organisation_for(write=True)` — a foreign organisation 404, one the user only sees 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branches.models import Organisation
from branches.versions import counted_for
from core.cache import current_version
from core.forms import add_service_error
from core.paging import RowsWhenRead, query_without_page, rows_in_order
from oversight import access

from .. import elections as services
from ..dashboard import DECISIONS_VERSION_KEY
from ..forms import ElectionForm, RateYearForm

ROWS_PER_PAGE = 50


# --- views ----------------------------------------------------------------------------------------

LIST_LIMIT = 50


@require_GET
def election_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user))
    organisations = access.organisations_managed_by(user)
    today = timezone.localdate()
    window = services.term_window(today)
    year_form = RateYearForm(request.GET or None, initial={"year": today.year})
    year = (year_form.cleaned_data["year"] if year_form.is_valid() else None) or today.year

    def summary() -> dict:
        return {
            # The list's order (soonest end of the current term first) over every electing organisation: a
            # province's 15,000 sorted on a subquery each (35 ms), so kept with the summaries, which every term
            # and organisation change moves on; the page shown is read afresh.
            "order": list(services.term_status(organisations=organisations, window=window)
                          .values_list("pk", flat=True)),
            "counts": services.term_counts(organisations=organisations, window=window),
            # The first LIST_LIMIT of each (counts above them): at province scale either can be a thousand rows.
            "overdue": list(services.overdue_terms(organisations=organisations, window=window)[:LIST_LIMIT]),
            "due": list(services.due_terms(organisations=organisations, window=window)[:LIST_LIMIT]),
            "rate": services.on_time_rate(year=year, organisations=organisations, today=today),
        }

    # Over a whole province: counted at most every five minutes, and at once after a term is recorded (the
    # decisions' version, oversight/signals.py); a secretary's per subtree version.
    counted = counted_for(user, f"election-list:{year}:{window.months}:{current_version(DECISIONS_VERSION_KEY)}",
                          summary)
    summaries = dict(counted.value)
    page = Paginator(summaries.pop("order"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    chosen = list(page.object_list)
    # Read only if the page's rendered rows are not kept with the summaries (the template's fragment).
    page.object_list = RowsWhenRead(lambda: rows_in_order(services.with_current_term(Organisation.objects.all()),
                                                          chosen))
    return render(request, "oversight/election_list.html", {
        **summaries,
        "counted": counted,
        "counted_at": counted.counted_at,
        "window": window,
        "list_limit": LIST_LIMIT,
        "page": page,
        "query": query_without_page(request),
        "year_form": year_form,
        "year": year,
    })


@require_http_methods(["GET", "POST"])
def election_record(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation: Organisation = access.get_organisation_for(request.user, org_pk, write=True)
    previous = services.current_term(organisation)
    candidates = services.committee_candidates(organisation)
    if request.method == "GET":  # what the choices show of each candidate (the whole row is read to record)
        candidates = candidates.only("name")
    form = ElectionForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = services.election_record(
                organisation=organisation, by=request.user, elected_on=data["elected_on"],
                starts_on=data["starts_on"], number=data["number"], ends_on=data["ends_on"],
                secretary=data["secretary"], deputy_secretary=data["deputy_secretary"], members=data["members"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已记录{organisation.display_name}换届：新一届任期至"
                                      f"{term.ends_on.year}年{term.ends_on.month}月{term.ends_on.day}日。")
            return redirect(organisation.get_absolute_url())
    return render(request, "oversight/election_form.html", {
        "organisation": organisation, "previous": previous, "form": form,
    })


urlpatterns = [
    path("elections/", election_list, name="election_list"),
    path("elections/<int:org_pk>/record/", election_record, name="election_record"),
]
