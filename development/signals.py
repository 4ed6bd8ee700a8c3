"""A deleted attachment's file goes once the deletion commits (also when a step or record is deleted)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.files import files_delete

from .models import DocumentTemplate, StepAttachment


@receiver(post_delete, sender=StepAttachment)
@receiver(post_delete, sender=DocumentTemplate)
def file_removed_with_its_row(sender, instance, **kwargs):
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: files_delete([name], storage=instance.file.storage))
