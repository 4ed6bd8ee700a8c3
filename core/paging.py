"""Paging, the year a page shows, and the one form page: the same on every list."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

ROWS_PER_PAGE = 30


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


def chosen_year(request: HttpRequest) -> int:
    """The `?year=` a list shows, this year when absent or malformed."""
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_of(request: HttpRequest, queryset, *, per_page: int = ROWS_PER_PAGE):
    """The requested page of a queryset (paginate the base rows first; annotate only what is shown)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Lists that can run to millions of rows (a province's activities or members) count this far and no further:
# counting every row costs as much as the rest of the page, and nobody pages past the 300th page.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP (`capped` then says there are more): its cost stays flat."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # which rows are counted up to the cap does not matter: no sort for a count
        return rows[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def capped_page_of(request: HttpRequest, queryset, *, per_page: int = ROWS_PER_PAGE):
    """page_of for lists that may hold millions of rows: "10,000+" instead of an exact count past the cap."""
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


def form_page(request, *, form, title: str, back: str, submit: str = "保存", subtitle: str = "",
              multipart: bool = False, template: str = "includes/form_page.html"):
    return render(request, template, {"form": form, "title": title, "back": back, "submit": submit,
                                      "subtitle": subtitle, "multipart": multipart})
