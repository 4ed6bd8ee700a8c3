"""An import's uploaded file goes when its row goes, once the deletion has committed."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.files import files_delete

from .models import ImportJob


@receiver(post_delete, sender=ImportJob)
def import_file_delete(sender, instance: ImportJob, **kwargs):
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: files_delete([name]))
