"""Writes for organisations. Each takes the acting user (and the client address for the action log)."""

from django.db import transaction

from audit.models import Action
from audit.services import action_log

from .models import Organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, changed: list[str] = (),
                        ip: str | None = None) -> Organisation:
    """Save an organisation's edited fields (already set on it) and log who changed what."""
    organisation.save()
    action_log(actor=by, ip=ip, action=Action.ORGANISATION_UPDATED, organisation=organisation,
               detail="、".join(changed))
    return organisation
