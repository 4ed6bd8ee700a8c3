"""Paging, the year a page shows, and the one form page: the same on every list."""

import operator
from array import array
from collections.abc import Callable, Sequence
from functools import reduce

from django import forms
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
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


def query_without_page(request: HttpRequest, param: str = "page") -> str:
    """The current filters as a query string, for the pagination links (of the list paged by `param`)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


def kept_for_everyone(request: HttpRequest, *, version_key: str, seconds: int, params: set[str],
                      key: tuple) -> dict:
    """`kept_seconds` and `kept_key` for the `{% cache %}` fragment of a page that is the same for everyone: kept
    under the version `version_key` (its tables' saves move it on: core.cache.bumped_by) and `key` (what the page
    shows, e.g. the year and page) for a plain query — only `params`, each a few digits; any other query is rendered
    for itself, under a key of its own (the cache tag reads its key whatever the timeout)."""
    from core.cache import current_version

    if set(request.GET) <= params and all(v.isdigit() and len(v) <= 4 for v in request.GET.values()):
        return {"kept_seconds": seconds, "kept_key": ":".join(map(str, (current_version(version_key), *key)))}
    return {"kept_seconds": 0, "kept_key": f"not-kept:{request.get_full_path()}"}


def page_of(request: HttpRequest, queryset, *, per_page: int = ROWS_PER_PAGE):
    """The requested page of a queryset (paginate the base rows first; annotate only what is shown)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Lists that can run to millions of rows (a province's activities or members) count this far and no further:
# counting every row costs as much as the rest of the page, and nobody pages past the 300th page.
COUNT_CAP = 10_000


def count_up_to(rows, limit: int) -> int:
    """How many rows there are, counting no further than `limit`."""
    if hasattr(rows, "count_up_to"):
        return rows.count_up_to(limit)
    if not hasattr(rows, "order_by"):  # a list already made
        return min(len(rows), limit)
    # Which rows are counted up to the cap does not matter: no sort for a count.
    return rows.order_by()[:limit].count()


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP (`capped` then says there are more): its cost stays flat.
    `counted`: that count (up to the cap and one) when the caller kept it (capped_count)."""

    cap = COUNT_CAP

    def __init__(self, object_list, per_page, *, counted: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if counted is not None:
            self._counted = counted

    @cached_property
    def _counted(self) -> int:
        return count_up_to(self.object_list, self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


class CountedPaginator(Paginator):
    """A paginator told its count: a total counted together with others (and cached with them), instead of a
    COUNT of its own over the same rows."""

    capped = False

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


class PeekedPage(Page):
    """A page that knows whether another follows from one row read beyond it, not from the count."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class PeekingPaginator(CappedPaginator):
    """A CappedPaginator whose pages go on past the cap: each page reads one row more than it shows to know
    whether another follows. For the JSON API, whose clients follow `next` through a whole register."""

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码必须是整数。")
        if number < 1:
            raise EmptyPage("页码必须大于 0。")
        return number

    def page(self, number) -> PeekedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("该页没有数据。")
        return PeekedPage(rows[:self.per_page], number, self, more=len(rows) > self.per_page)


def page_in_order(request: HttpRequest, pks, queryset, *, per_page: int = ROWS_PER_PAGE, param: str = "page",
                  lazily: bool = False):
    """A capped page of `pks` in the list's order, then the rows of `queryset` with those pks, with all they show
    (joined and prefetched for those rows only). `pks`: a pk query whose sort reads only the keys it sorts on,
    or the order kept in the cache (a province's duty assignments, sorted on joined columns). `lazily`: the rows
    are read when first asked for (a page whose rendered rows are kept may never ask)."""
    page = CappedPaginator(pks, per_page).get_page(request.GET.get(param))
    chosen = list(page.object_list)
    page.object_list = (RowsWhenRead(lambda: rows_in_order(queryset, chosen)) if lazily
                        else rows_in_order(queryset, chosen))
    return page


class RowsWhenRead(Sequence):
    """A list made by `read()` the first time anything asks for it."""

    def __init__(self, read: Callable[[], list]):
        self._read, self._rows = read, None

    def _all(self) -> list:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, key):
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())


class BranchesInOrder(Sequence):
    """The rows of `queryset` that meet any of `branches` (conditions), in `order`, read a slice at a time: each
    branch's first keys by its own index, merged (UNION), then the rows of the slice only.

    For a set that is the OR of a few conditions each with an index in the list's order (a user's visible
    activities: the open and city-wide ones, their organisations', the ones they are expected at): ORed in one
    query, PostgreSQL walked the order's index and tested every row until it had a page (a city secretary's first
    page of activities: 5,500 rows tested, 3.7 ms; read by branch, 0.4 ms). `order`: concrete fields, the last the
    pk (`-id`), so the merge is unique. A database that cannot order and limit the parts of a UNION (SQLite) reads
    the ORed query."""

    # A kept order holds the first KEPT_HEAD keys: pages past them are read from the branches.
    KEPT_HEAD = 1000
    KEPT_SECONDS = 3600

    def __init__(self, queryset, branches, order: tuple[str, ...], *, kept_as: str | None = None):
        """`kept_as`: a cache key that names exactly this set and order (what it was worked out under: the
        versions its rows and conditions move on); the first KEPT_HEAD keys and the count are then kept under
        it, and a page reads only its own rows."""
        self.queryset, self.branches, self.order, self.kept_as = queryset, list(branches), order, kept_as

    def _all(self):
        return self.queryset.filter(reduce(operator.or_, self.branches))

    def _count(self, limit: int) -> int:
        return self._all().order_by()[:limit].count()

    @cached_property
    def _kept(self) -> tuple[array, int] | None:
        """(the first KEPT_HEAD + 1 pks in order, the count up to COUNT_CAP + 1) from the cache, or worked out
        and kept; None when not kept."""
        if self.kept_as is None or self.queryset.query.is_empty():
            return None
        kept = cache.get(self.kept_as)
        if kept is None:
            head = array("q", self._keys(0, self.KEPT_HEAD + 1))
            kept = (head, len(head) if len(head) <= self.KEPT_HEAD else self._count(COUNT_CAP + 1))
            cache.set(self.kept_as, kept, self.KEPT_SECONDS)
        return kept

    def count_up_to(self, limit: int) -> int:
        """How many rows, counted no further than `limit` (CappedPaginator)."""
        if self._kept is not None and limit <= COUNT_CAP + 1:
            return min(self._kept[1], limit)
        return self._count(limit)

    def __len__(self) -> int:
        return self._all().count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        start, stop = key.start or 0, key.stop
        if key.step is not None or stop is None or start < 0 or stop < 0:
            raise ValueError("BranchesInOrder reads bounded slices only")
        if stop <= start or self.queryset.query.is_empty():
            return []
        kept = self._kept
        if kept is not None and (stop <= len(kept[0]) or len(kept[0]) <= self.KEPT_HEAD):
            return rows_in_order(self.queryset.order_by(), kept[0][start:stop])
        if not self._by_branch:
            return list(self._all().order_by(*self.order)[start:stop])
        return rows_in_order(self.queryset.order_by(), self._keys(start, stop))

    @cached_property
    def _by_branch(self) -> bool:
        """Whether each branch is read by itself and merged: more than one, and a database that orders and limits
        the parts of a UNION."""
        return (len(self.branches) > 1
                and connections[self.queryset.db].features.supports_slicing_ordering_in_compound)

    def _keys(self, start: int, stop: int) -> list[int]:
        """The pks of the slice, each branch's first `stop` keys by its own index, merged (UNION)."""
        if not self._by_branch:
            return list(self._all().order_by(*self.order).values_list("pk", flat=True)[start:stop])
        keys = [name.lstrip("-") for name in self.order]
        parts = [self.queryset.filter(branch).order_by(*self.order).values_list(*keys)[:stop]
                 for branch in self.branches]
        merged = parts[0].union(*parts[1:]).order_by(*self.order)[start:stop]
        return [row[-1] for row in merged]


def rows_in_order(queryset, pks) -> list:
    """The rows of `queryset` with these pks, in the pks' order (one query; a pk no longer there is left out)."""
    pks = list(pks)
    rows = queryset.in_bulk(pks)
    return [rows[pk] for pk in pks if pk in rows]


def capped_page_of(request: HttpRequest, queryset, *, per_page: int = ROWS_PER_PAGE, counted: int | None = None):
    """page_of for lists that may hold millions of rows: "10,000+" instead of an exact count past the cap.
    `counted`: the count as capped_count gives it, when the caller keeps it."""
    return CappedPaginator(queryset, per_page, counted=counted).get_page(request.GET.get("page"))


def capped_count(rows) -> int:
    """What a CappedPaginator counts of `rows` (up to its cap and one), for a caller that keeps it."""
    return count_up_to(rows, CappedPaginator.cap + 1)


def form_page(request, *, form, title: str, back: str, submit: str = "保存", subtitle: str = "",
              multipart: bool = False, template: str = "includes/form_page.html"):
    return render(request, template, {"form": form, "title": title, "back": back, "submit": submit,
                                      "subtitle": subtitle, "multipart": multipart})
