from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.files import files_delete

from .models import Report


@receiver(post_delete, sender=Report, dispatch_uid="reports.delete_files")
def delete_report_files(sender, instance: Report, **kwargs):
    # Only once the deletion commits: a rolled-back delete keeps its files.
    names = [instance.xlsx.name, instance.pdf.name]
    transaction.on_commit(lambda: files_delete([name for name in names if name]))
