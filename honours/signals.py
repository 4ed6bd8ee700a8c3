"""Files of deleted rows go once the deletion has committed (a rollback keeps them); the brand gallery's version
moves on with every brand, brand photo, top-ten selection and entry, and organisation (its names)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from branches.models import Organisation
from core.cache import bumped_by
from core.files import files_delete

from .models import Brand, BrandPhoto, Commendation, Nomination, SelectionEntry, TopTenSelection

BRANDS_VERSION_KEY = "honours:brands:version"
bumped_by(BRANDS_VERSION_KEY, Brand, BrandPhoto, TopTenSelection, SelectionEntry, Organisation)


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
