"""Stored files go when their row goes, however the row was deleted (a view, the admin, a cascade)
— and only once the deletion has committed, so a rolled-back delete keeps its files."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from members.signals import member_left, member_moved

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



# --- the register: a member who left or moved is no longer expected at what comes after -------------

def _expected_from(member_id: int, on, organisation_id: int | None = None):
    from core.dates import local_midnight

    from .choices import AttendanceStatus
    from .models import Attendance

    rows = Attendance.objects.filter(member_id=member_id, status=AttendanceStatus.EXPECTED,
                                     activity__planned_start__gte=local_midnight(on))
    if organisation_id is not None:
        rows = rows.filter(activity__organisation_id=organisation_id)
    return rows


@receiver(member_left, dispatch_uid="activities.member_left")
def member_left_unexpect(sender, member, on, **kwargs):
    _expected_from(member.pk, on).delete()


@receiver(member_moved, dispatch_uid="activities.member_moved")
def member_moved_unexpect(sender, member, from_organisation, on, **kwargs):
    _expected_from(member.pk, on, from_organisation.pk).delete()
