from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import render
from django.utils import timezone

from ..forms import YearForm

ROWS_PER_PAGE = 30


def chosen_year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def form_page(request, *, form, title: str, back: str, submit: str = "保存", subtitle: str = "", multipart=False):
    return render(request, "honours/form.html", {"form": form, "title": title, "back": back, "submit": submit,
                                                  "subtitle": subtitle, "multipart": multipart})


def private_file(field_file, *, content_type: str = "", filename: str = "") -> FileResponse:
    """A stored file for someone the caller has already let see it; never cached by shared caches."""
    if not field_file:
        raise Http404("没有该文件。")
    try:
        handle = default_storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404("文件不存在。")
    response = FileResponse(handle, content_type=content_type or "application/octet-stream",
                            filename=filename or None)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
