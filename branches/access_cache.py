"""The shell's cached roles, own member and pks run (branches.access._shell) go stale when a role, an organisation
(made, moved, removed) or a member with a login changes: bump their version, now and again at commit. (Members
connect their own receiver in members.apps: branches imports nothing from the floor above it.)"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from . import access
from .models import Organisation, Role


def shell_changed_on_commit(**kwargs) -> None:
    access.shell_changed()
    transaction.on_commit(access.shell_changed)


def _organisation_saved(**kwargs) -> None:
    access.tree_generation += 1
    # A changed organisation may have moved (its path is in the roles); a new one is below someone's (the pks
    # a secretary runs are kept with their roles).
    shell_changed_on_commit()


def _organisation_deleted(**kwargs) -> None:
    access.tree_generation += 1
    shell_changed_on_commit()


post_save.connect(shell_changed_on_commit, sender=Role, dispatch_uid="shell-save-Role")
post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="shell-save-Organisation")
post_delete.connect(shell_changed_on_commit, sender=Role, dispatch_uid="shell-delete-Role")
post_delete.connect(_organisation_deleted, sender=Organisation, dispatch_uid="shell-delete-Organisation")
