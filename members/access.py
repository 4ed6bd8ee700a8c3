"""Who may see and change members: the tree rules of branches.access applied to the member register.

Re-exports the tree rules, so members' views (and the features that list members) import one module. The
register's transfers have two sides: the sending organisation's secretaries issue, withdraw and (to outside)
record the receipt; the receiving organisation's secretaries accept or return. Each side sees the transfer;
anyone else gets a 404 (its existence is not leaked)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from branches import access as tree
from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import can_manage_organisation, is_admin, managed_condition, own_member

from .choices import MembershipStatus, TransferKind
from .models import Member, MemberCategory, Transfer

__all__ = [*_tree_rules, "members_visible_to", "can_manage_member", "get_member_for", "transfers_visible_to",
           "get_transfer_for", "is_sender", "is_receiver", "require_receiver", "require_sender",
           "can_record_transfers", "get_active_member_for", "categories_visible_to", "get_category_for"]


def members_visible_to(user) -> QuerySet[Member]:
    if is_admin(user):
        return Member.objects.all()
    condition = managed_condition(user, "organisation")
    member = own_member(user)
    if member is not None:
        condition |= Q(pk=member.pk)
    return Member.objects.filter(condition)


def can_manage_member(user, member: Member) -> bool:
    return can_manage_organisation(user, member.organisation)


def get_member_for(user, pk, *, write: bool = False) -> Member:
    try:
        member = (
            members_visible_to(user)
            .select_related("organisation", "organisation__unit", "party_group", "user")
            .get(pk=pk)
        )
    except (Member.DoesNotExist, ValueError):
        raise Http404("没有找到该党员。")
    if write and not can_manage_member(user, member):
        raise PermissionDenied("您没有修改该党员信息的权限。")
    return member


def transfers_visible_to(user):
    base = Transfer.objects.all()
    if tree.is_admin(user):
        return base
    if not user.is_authenticated or not tree.is_secretary(user):
        return base.none()
    # Sent from or received into an organisation they run: with the organisations as literal ids, PostgreSQL
    # reads both indexes and ORs them (the same as two `pk IN (subquery)` made it scan every transfer).
    return base.filter(managed_condition(user, "from_organisation") | managed_condition(user, "to_organisation"))


def get_transfer_for(user, pk) -> Transfer:
    try:
        return (transfers_visible_to(user)
                .select_related("member", "from_organisation", "to_organisation", "decided_by", "created_by")
                .get(pk=pk))
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该组织关系转接。")


def is_sender(user, transfer: Transfer) -> bool:
    return transfer.from_organisation_id is not None and tree.can_manage_organisation(user,
                                                                                         transfer.from_organisation)


def is_receiver(user, transfer: Transfer) -> bool:
    return transfer.to_organisation_id is not None and tree.can_manage_organisation(user, transfer.to_organisation)


def require_receiver(user, transfer: Transfer) -> None:
    """Accepting or returning a letter within the system is the receiving side's; a receipt from outside is
    recorded by the sender."""
    allowed = is_sender(user, transfer) if transfer.kind == TransferKind.OUT else is_receiver(user, transfer)
    if not allowed:
        raise PermissionDenied("只有接收方党组织的书记可以办理接收或退回。")


def require_sender(user, transfer: Transfer) -> None:
    if not is_sender(user, transfer):
        raise PermissionDenied("只有转出方党组织的书记可以办理此项。")


def can_record_transfers(user) -> bool:
    return tree.is_admin(user) or tree.is_secretary(user)


def get_active_member_for(user, pk) -> Member:
    """A member on the register the user manages: 404 outside their reach, 403 when they may only read it or
    the member has left (a left member's record is read-only)."""
    member = get_member_for(user, pk, write=True)
    if member.status != MembershipStatus.ACTIVE:
        raise PermissionDenied("该党员已不在党员名册中，记录只读。")
    return member


def categories_visible_to(user):
    return tree.scoped(user, MemberCategory.objects.all(), via="member__organisation")


def get_category_for(user, pk, *, write: bool = False) -> MemberCategory:
    category = tree.get_scoped(user, MemberCategory.objects.select_related("member", "member__organisation"), pk,
                               via="member__organisation", write=write, not_found="没有找到该记录。")
    if write and category.member.status != MembershipStatus.ACTIVE:
        raise PermissionDenied("该党员已不在党员名册中，记录只读。")
    return category
