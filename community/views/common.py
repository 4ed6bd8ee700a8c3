from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

ROWS_PER_PAGE = 30


def chosen_year(request: HttpRequest) -> int:
    from ..forms import YearForm

    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def form_page(request, *, form, title: str, back: str, submit: str = "保存", subtitle: str = "", multipart=False):
    return render(request, "community/form.html", {"form": form, "title": title, "back": back, "submit": submit,
                                                    "subtitle": subtitle, "multipart": multipart})
