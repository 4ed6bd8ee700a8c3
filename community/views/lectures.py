"""开放式党校: the open lectures, for every logged-in user, with the year's totals. Each row links to the
activity page, which the access module opens to everyone for open activities."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from core.paging import ROWS_PER_PAGE, chosen_year, query_without_page

from .. import selectors


@require_GET
def lecture_list(request: HttpRequest) -> HttpResponse:
    year = chosen_year(request)
    page = Paginator(selectors.open_lectures(year=year), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    years = selectors.open_lecture_years()
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render(request, "community/lecture_list.html", {
        "page": page, "year": year, "years": years, "query": query_without_page(request),
        "totals": selectors.open_lecture_totals(year=year),
    })


urlpatterns = [
    path("lectures/", lecture_list, name="lecture_list"),
]
