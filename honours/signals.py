"""Files of deleted rows go once the deletion has committed (a rollback keeps them)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.files import files_delete

from .models import BrandPhoto, Commendation, Nomination


def _after_commit(names):
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: files_delete(names))


@receiver(post_delete, sender=Commendation, dispatch_uid="honours.certificate_goes_after_commit")
def _certificate(sender, instance, **kwargs):
    _after_commit([instance.certificate.name])


@receiver(post_delete, sender=Nomination, dispatch_uid="honours.evidence_goes_after_commit")
def _evidence(sender, instance, **kwargs):
    _after_commit([instance.evidence.name])


@receiver(post_delete, sender=BrandPhoto, dispatch_uid="honours.brand_photo_goes_after_commit")
def _brand_photo(sender, instance, **kwargs):
    _after_commit([instance.image.name])
