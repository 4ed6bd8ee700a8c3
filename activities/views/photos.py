"""Activity photos: upload (all files or none), the private file views, deletion.

Media is never served by URL: every photo goes through `photo_file` /
`photo_thumbnail`, which ask the access module whether the user may see the
photo's activity (a foreign activity's photo is a 404, like the activity)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from activities import access
from core.files import private_file_response

from ..forms import PhotoUploadForm
from ..models import Photo
from ..photos import photo_delete as delete_photo
from ..photos import photos_add

# Upload errors survive the redirect back to the activity page in the session, keyed by activity.
_ERRORS_KEY = "photo-upload-errors-{}"


def _activity_url(activity) -> str:
    return reverse("activities:activity_detail", args=[activity.pk]) + "#photos"


@transaction.non_atomic_requests  # photos_add runs its own transaction and removes its files if that fails
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk, write=True)
    if request.method != "POST":
        return redirect(_activity_url(activity))
    form = PhotoUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            photos = photos_add(activity=activity, uploads=form.cleaned_data["photos"], by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"已上传 {len(photos)} 张照片。")
    else:
        errors = [message for field_errors in form.errors.values() for message in field_errors]
    if errors:
        if request.FILES:
            errors.append("本次上传的照片均未保存，请去掉有问题的文件后重新上传。")
        request.session[_ERRORS_KEY.format(activity.pk)] = errors
    return redirect(_activity_url(activity))


def _serve(request: HttpRequest, pk: int, field: str) -> FileResponse:
    row = Photo.objects.filter(pk=pk).values_list("activity_id", field).first()
    if row is None:
        raise Http404("没有找到该照片。")
    activity_id, name = row
    access.get_activity_for(request.user, activity_id)
    extension = name.rsplit(".", 1)[-1].lower()
    # Names are unique and content never changes, but only the user's own browser may keep a copy.
    return private_file_response(name, filename=f"photo-{pk}.{extension}", max_age=86400,
                                 missing="照片文件不存在。")


@require_GET
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, "image")


@require_GET
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, "thumbnail")


def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404("没有找到该照片。")
    activity = access.get_activity_for(request.user, photo.activity_id, write=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    delete_photo(photo=photo)
    messages.success(request, "照片已删除。")
    return redirect(_activity_url(activity))


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_photos_panel.html (one query)."""
    can_manage = access.can_manage_activity(request.user, activity)
    return {
        "photos": list(activity.photos.only("pk", "activity_id", "width", "height", "caption")),
        "photo_form": PhotoUploadForm() if can_manage else None,
        "photo_errors": request.session.pop(_ERRORS_KEY.format(activity.pk), []) if can_manage else [],
        "can_manage_photos": can_manage,
    }


urlpatterns = [
    path("<int:pk>/photos/", photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", photo_file, name="photo_file"),
    path("photos/<int:pk>/thumb/", photo_thumbnail, name="photo_thumbnail"),
    path("photos/<int:pk>/delete/", photo_delete, name="photo_delete"),
]
