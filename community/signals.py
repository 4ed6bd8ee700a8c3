"""A deleted agreement's scan goes once the deletion has committed (a rollback keeps the file)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.files import files_delete

from .models import CoBuildingAgreement


@receiver(post_delete, sender=CoBuildingAgreement, dispatch_uid="community.scan_goes_after_commit")
def _scan_goes_after_commit(sender, instance: CoBuildingAgreement, **kwargs) -> None:
    name = instance.scan.name
    if name:
        transaction.on_commit(lambda: files_delete([name]))
