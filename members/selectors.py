from django.db.models import QuerySet

from branches import access
from branches.models import Organisation

from .models import Member

SORTS = {
    "name": ["name", "pk"],
    "organisation": ["organisation__path", "name", "pk"],
    "stage": ["stage", "name", "pk"],
    "admitted_on": ["admitted_on", "pk"],
    "-admitted_on": ["-admitted_on", "pk"],
    "birth_date": ["birth_date", "pk"],
}


def member_list(*, user, q: str = "", organisation: Organisation | None = None, stage: str = "",
                employment_status: str = "", sort: str = "") -> QuerySet[Member]:
    members = access.members_visible_to(user).active()
    if organisation is not None:
        members = members.filter(organisation__path__startswith=organisation.path)
    if q.isdigit():
        # Digits search the phone: the full number, or its last digits.
        members = members.filter(phone=q) if len(q) == 11 else members.filter(phone__endswith=q)
    elif q:
        members = members.filter(name__contains=q)
    if stage:
        members = members.filter(stage=stage)
    if employment_status:
        members = members.filter(employment_status=employment_status)
    return members.select_related("organisation", "party_group").order_by(*SORTS.get(sort, SORTS["organisation"]))
