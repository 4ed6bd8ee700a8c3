"""The shell's cached roles and own member (branches.access._shell) go stale when a role, an organisation (its
path) or a member with a login changes: bump their version, now and again at commit."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from members.models import Member

from . import access
from .models import Organisation, Role


def _changed(**kwargs) -> None:
    access.shell_changed()
    transaction.on_commit(access.shell_changed)


def _organisation_saved(created=False, **kwargs) -> None:
    # A new organisation is in nobody's roles yet; a changed one may have moved (its path is in the roles).
    if not created:
        _changed()


def _member_saved(instance=None, created=False, **kwargs) -> None:
    # A new member without a login is nobody's own member.
    if not created or instance.user_id is not None:
        _changed()


post_save.connect(_changed, sender=Role, dispatch_uid="shell-save-Role")
post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="shell-save-Organisation")
post_save.connect(_member_saved, sender=Member, dispatch_uid="shell-save-Member")
for _model in (Role, Organisation, Member):
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"shell-delete-{_model.__name__}")
