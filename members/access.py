"""Who may see and change members: the tree rules of branches.access applied to the member register.

Re-exports the tree rules, so members' views (and the features that list members) import one module."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import can_manage_organisation, is_admin, managed_paths, own_member, path_condition

from .models import Member

__all__ = [*_tree_rules, "members_visible_to", "can_manage_member", "get_member_for"]


def members_visible_to(user) -> QuerySet[Member]:
    if is_admin(user):
        return Member.objects.all()
    condition = path_condition(managed_paths(user), "organisation__path")
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
