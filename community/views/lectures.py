"""开放式党校: the open lectures, for every logged-in user, with the year's totals. Each row links to the
activity page, which the access module opens to everyone for open activities."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from core.paging import ROWS_PER_PAGE, chosen_year, kept_for_everyone, query_without_page

from .. import selectors
from ..signals import LECTURES_VERSION_KEY

# The list is the same for everyone: kept rendered for each year and page until an activity, an attendance or an
# organisation changes (community.signals).
LECTURE_LIST_SECONDS = 600


@require_GET
def lecture_list(request: HttpRequest) -> HttpResponse:
    year = chosen_year(request)

    def years() -> list[int]:
        found = selectors.open_lecture_years()
        return found if year in found else sorted({*found, year}, reverse=True)

    return render(request, "community/lecture_list.html", {
        # Read only when the page is rendered (not when it is kept).
        "page": SimpleLazyObject(lambda: Paginator(selectors.open_lectures(year=year), ROWS_PER_PAGE)
                                 .get_page(request.GET.get("page"))),
        "years": SimpleLazyObject(years),
        "totals": SimpleLazyObject(lambda: selectors.open_lecture_totals(year=year)),
        "year": year, "query": query_without_page(request),
        **kept_for_everyone(request, version_key=LECTURES_VERSION_KEY, seconds=LECTURE_LIST_SECONDS,
                            params={"year", "page"}, key=(year, request.GET.get("page", ""))),
    })


urlpatterns = [
    path("lectures/", lecture_list, name="lecture_list"),
]
