"""Choices among thousands: past a few hundred options a select renders only what is chosen, and a search box
beside it asks `core:choices` for the options that match what the user types.

Features register their sources (`register("members", ...)`) in AppConfig.ready: the queryset a user may choose
from and how to search it. A form names the source on its widget (`SearchSelect("members")`); validation still
checks the form's own queryset, so the search only ever helps to find, never widens what may be chosen."""

import time
from dataclasses import dataclass
from typing import Callable

from django import forms
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.forms import ChoicesReadAtOnce, flat_options_html, select_html

# More choices than this: a search box instead of every option (at province scale, 15,000 organisations or
# 500,000 members would be megabytes of HTML).
SEARCH_THRESHOLD = 200
CHOICES_SHOWN = 50
# Whether a queryset offers more than SEARCH_THRESHOLD choices, remembered per process for a minute. Only the
# widget's form depends on it (a search box or every option); what may be chosen is always checked against the
# form's own queryset, so an answer a minute old costs nothing, and a form page skips a COUNT.
COUNT_SECONDS = 60
_many: dict[tuple, tuple[float, bool]] = {}


def has_many_choices(queryset: QuerySet) -> bool:
    limited = queryset.order_by()[:SEARCH_THRESHOLD + 1]
    try:
        sql, params = limited.values("pk").query.sql_with_params()
        key = (queryset.db, sql, tuple(params))
        hash(key)
    except (EmptyResultSet, TypeError):  # nothing to choose from; parameters that cannot be a key
        return limited.count() > SEARCH_THRESHOLD
    now = time.monotonic()
    known = _many.get(key)
    if known is not None and known[0] > now:
        return known[1]
    many = limited.count() > SEARCH_THRESHOLD
    if len(_many) >= 512:
        _many.clear()
    _many[key] = (now + COUNT_SECONDS, many)
    return many


def forget_choice_counts() -> None:
    _many.clear()


@dataclass(frozen=True)
class Source:
    queryset: Callable[[object], QuerySet]  # user → what they may choose from; PermissionDenied if nothing
    search: Callable[[str], Q]
    label: Callable[[object], str] = str


_sources: dict[str, Source] = {}


def register(name: str, *, queryset, search, label=str) -> None:
    _sources[name] = Source(queryset=queryset, search=search, label=label)


class SearchSelect(forms.Select):
    """A select that, past SEARCH_THRESHOLD choices, holds only the selected option(s) beside a search box."""

    template_name = "core/widgets/search_select.html"

    def __init__(self, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source

    def get_context(self, name, value, attrs):
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        searchable = queryset is not None and has_many_choices(queryset)
        if searchable:
            values = value if isinstance(value, (list, tuple)) else [value]
            chosen = [v for v in (str(v) for v in values if v not in (None, "")) if v.isdigit()]
            empty_label = getattr(iterator.field, "empty_label", None)
            if len(chosen) == 1:  # one row: no order to ask for
                queryset = queryset.order_by()
            self.choices = ([("", empty_label)] if empty_label is not None else []) + [
                iterator.choice(obj) for obj in (queryset.filter(pk__in=chosen) if chosen else ())]
        elif queryset is not None:  # also for a model form's own field: read in one query, without a cursor
            self.choices = list(iter(ChoicesReadAtOnce(iterator.field)))  # list() alone would ask len(): a COUNT
        # Widget's context (name, attrs, the values as strings) and Select's `multiple`, without ChoiceWidget's
        # option dicts: the options are written straight from the choices unless they are grouped.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        options = flat_options_html(self.choices, widget["value"], self.allow_multiple_selected)
        if options is None:
            widget["optgroups"] = self.optgroups(name, widget["value"], attrs)
        widget["select_html"] = select_html(widget, options)
        if searchable:
            context["widget"]["search"] = {"url": reverse("choices", args=[self.source]),
                                           "empty": "" if empty_label is None else str(empty_label)}
        return context


class SearchSelectMultiple(SearchSelect):
    allow_multiple_selected = True


@require_GET
def choice_options(request: HttpRequest, source: str) -> HttpResponse:
    """`<option>`s for a SearchSelect: the selected ones first, still selected, then up to CHOICES_SHOWN matches."""
    entry = _sources.get(source)
    if entry is None:
        raise Http404("没有这个选项来源。")
    queryset = entry.queryset(request.user)
    if queryset is None:
        raise PermissionDenied("您没有查找这些选项的权限。")
    query = request.GET.get("q", "").strip()[:50]
    selected = [v for v in request.GET.getlist(request.GET.get("name", ""))[:20] if v.isdigit()]
    chosen = list(queryset.filter(pk__in=selected))
    found = list(queryset.filter(entry.search(query)).exclude(pk__in=selected)[:CHOICES_SHOWN]) if query else []
    # The field's own empty choice ("全市（市直机关工委）", "全部党组织" …), kept at the top after every search.
    empty = request.GET.get("empty", "")[:50]
    options = [("", empty, False)] if empty else []
    options += [(obj.pk, entry.label(obj), True) for obj in chosen]
    options += [(obj.pk, entry.label(obj), False) for obj in found]
    return render(request, "core/widgets/search_options.html", {"options": options})
