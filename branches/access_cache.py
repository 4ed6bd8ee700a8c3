"""The shell's cached roles and own member (branches.access._shell) go stale when a role, an organisation (its
path) or a member changes: bump their version, now and again at commit."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from members.models import Member

from . import access
from .models import Organisation, Role


def _changed(**kwargs) -> None:
    access.shell_changed()
    transaction.on_commit(access.shell_changed)


for _model in (Role, Organisation, Member):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"shell-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"shell-delete-{_model.__name__}")
