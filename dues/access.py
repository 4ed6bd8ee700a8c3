"""Who sees and records dues, built on branches.access's scoping primitives.

- A branch's dues ledger: admins, the secretaries who run the branch (its own or one above it) and, as a
  公示, the branch's own members. Amounts are personal data: only admins and the running secretaries see them
  (and each time they do it is logged); members see who has paid which month, amounts masked.
- A member's dues page: the member, the secretaries who run their organisation, admins.
- Recording bases and payments: the secretaries who run the member's organisation, and admins.
- The city's and an organisation's totals (no personal data): admins and secretaries."""

from branches import access
from branches.models import Organisation
from members.models import Member

MASK = "****"


def can_see_totals(user) -> bool:
    return access.is_admin(user) or access.is_secretary(user)


def organisations_for_totals(user):
    """The organisations whose totals the user may see: all for admins; those they run for secretaries."""
    return access.scoped(user, Organisation.objects.all(), via="")


def get_ledger_organisation(user, pk) -> Organisation:
    return access.get_scoped(user, Organisation.objects.select_related("parent"), pk, via="",
                             own_organisation=True, not_found="没有找到该党组织。")


def get_organisation_to_record(user, pk) -> Organisation:
    return access.get_scoped(user, Organisation.objects.all(), pk, via="", write=True,
                             not_found="没有找到该党组织。")


def get_member_dues_for(user, pk, *, write: bool = False) -> Member:
    return access.get_scoped(user, Member.objects.select_related("organisation", "user"), pk,
                             via="organisation", own="user", write=write, not_found="没有找到该党员。")


def can_see_amounts(user, organisation: Organisation) -> bool:
    """Unmasked dues amounts of an organisation's members: admins and the secretaries who run it."""
    return access.can_manage_organisation(user, organisation)


def can_record(user, organisation: Organisation) -> bool:
    return access.can_manage_organisation(user, organisation)
