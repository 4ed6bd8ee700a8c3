"""Stored files go when their row goes, however the row was deleted (a view, the admin, a cascade)
— and only once the deletion has committed, so a rolled-back delete keeps its files."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import MicroWish, Photo


def _delete_after_commit(*names: str) -> None:
    from core.files import files_delete

    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: files_delete(names))


@receiver(post_delete, sender=Photo)
def photo_files_delete(sender, instance: Photo, **kwargs):
    _delete_after_commit(instance.image.name, instance.thumbnail.name)


@receiver(post_delete, sender=MicroWish)
def wish_photo_delete(sender, instance: MicroWish, **kwargs):
    _delete_after_commit(instance.fulfilment_photo.name)
