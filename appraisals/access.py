"""Who sees and changes democratic appraisals, built on branches.access's scoping primitives.

Grades are about people: an appraisal is seen by the secretaries who run the organisation (its own or above it)
and admins only; a member's own grade is on their record elsewhere, not here. The superior committee (a secretary
running the organisation's parent) or an admin confirms or returns a submitted appraisal."""

from branches import access
from branches.models import Organisation

from .models import Appraisal


def can_see_completion(user) -> bool:
    return access.is_admin(user) or access.is_secretary(user)


def organisations_for(user):
    return access.scoped(user, Organisation.objects.all(), via="")


def get_organisation_to_appraise(user, pk) -> Organisation:
    return access.get_scoped(user, Organisation.objects.all(), pk, via="", write=True,
                             not_found="没有找到该党组织。")


def get_appraisal_for(user, pk, *, write: bool = False) -> Appraisal:
    return access.get_scoped(user, Appraisal.objects.select_related("organisation", "organisation__parent",
                                                                    "meeting", "decided_by"),
                             pk, write=write, not_found="没有找到该民主评议。")


def can_decide(user, appraisal: Appraisal) -> bool:
    """The superior committee: an admin, or a secretary running the organisation's parent."""
    if access.is_admin(user):
        return True
    parent = appraisal.organisation.parent
    return parent is not None and access.can_manage_organisation(user, parent)
