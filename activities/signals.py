"""Stored files go when their row goes, however the row was deleted (a view, the admin, a cascade)
— and only once the deletion has committed, so a rolled-back delete keeps its files."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from branches.models import Organisation, Role
from branches.versions import subtrees_changed, watch
from core.cache import bumped_by
from members.models import Member
from members.signals import member_left, member_moved

from . import ical
from .access import WISHES_VERSION_KEY
from .models import Activity, Attendance, CalendarFeed, MicroWish, Photo


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


# Every wish entered, claimed, fulfilled, moved or removed moves the wishes' version on (what the wish board keeps:
# activities.access.wishes_version).
bumped_by(WISHES_VERSION_KEY, MicroWish)



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


# --- what the calendar feeds show ---------------------------------------------------------------

def _calendar_changed(**kwargs) -> None:
    # Now and again at commit: a feed rebuilt in between from the old rows is never served after the commit.
    ical.calendar_changed()
    transaction.on_commit(ical.calendar_changed)


def _calendar_changed_unless_updated(created=True, **kwargs) -> None:
    # An attendance row's status (check-in, leave) does not change any feed; its creation does.
    if created:
        _calendar_changed()


for _model in (Activity, Role, Member, Organisation):  # an organisation's name shows on its events
    post_save.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar-save-{_model.__name__}")
    post_delete.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar-delete-{_model.__name__}")
post_save.connect(_calendar_changed_unless_updated, sender=Attendance, dispatch_uid="calendar-save-Attendance")
post_delete.connect(_calendar_changed, sender=Attendance, dispatch_uid="calendar-delete-Attendance")
m2m_changed.connect(_calendar_changed, sender=Activity.joint_organisations.through, dispatch_uid="calendar-joint")


# A feed answers from the cache without looking its token up (activities/views/calendar.py): a reset token and
# a deactivated or deleted account must move the version on, or the old URL would keep answering.
for _model in (CalendarFeed, get_user_model()):
    post_delete.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar-delete-{_model.__name__}")
post_save.connect(_calendar_changed, sender=CalendarFeed, dispatch_uid="calendar-save-CalendarFeed")


@receiver(post_save, sender=get_user_model(), dispatch_uid="calendar-save-User")
def _account_saved(update_fields=None, created=False, **kwargs) -> None:
    # Every login saves last_login alone: that changes no feed (and must not empty every feed's cache).
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    _calendar_changed()


# What is cached per subtree (a secretary's home figures and 待办, branches/versions.py): the host's subtree and,
# for a joint activity, the joint organisations' (their set-up checks count it).
watch(Activity, lambda activity: [activity.organisation_id])


@receiver(m2m_changed, sender=Activity.joint_organisations.through, dispatch_uid="subtree-joint")
def _joint_changed(instance=None, action="", pk_set=None, reverse=False, **kwargs) -> None:
    # Once per change (m2m_changed also fires before it); a clear names no pks, so they are read before it.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        subtrees_changed([instance.pk])
    else:
        joint = pk_set if pk_set is not None else instance.joint_organisations.values_list("pk", flat=True)
        subtrees_changed([instance.organisation_id, *joint])
