"""Activity photos: upload (all files or none) and deletion, on the shared file floor (core.files)."""

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction

from core.files import photos_prepare, removed_on_failure

from .models import Activity, Photo


def photos_add(*, activity: Activity, uploads: Iterable, by) -> list[Photo]:
    """Store the uploads as photos of the activity: all of them, or (ValidationError) none."""
    prepared = photos_prepare(uploads)
    photos = []
    with removed_on_failure() as written, transaction.atomic():
        for item in prepared:
            photo = Photo(activity=activity, uploaded_by=by, caption="")
            photo.image.save(f"photo.{item.extension}", ContentFile(item.content), save=False)
            written.append(photo.image.name)
            photo.thumbnail.save("thumbnail.jpg", ContentFile(item.thumbnail), save=False)
            written.append(photo.thumbnail.name)
            photo.width, photo.height = item.width, item.height
            photo.full_clean()
            photo.save()
            photos.append(photo)
    return photos


def photo_delete(*, photo: Photo) -> None:
    """Delete the row; its files go once the deletion has committed (activities.signals)."""
    with transaction.atomic():
        photo.delete()
