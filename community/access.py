"""Who may see and record community work (co-building, community reporting, campaigns), built on the tree
rules and the member rules (re-exported here, so the community views import one access module)."""

from django.http import Http404

from members.access import *  # noqa: F403
from members.access import __all__ as _lower_rules
from members.access import is_admin, is_secretary, own_member

__all__ = [*_lower_rules, "get_own_object", "can_oversee_organisations"]


def get_own_object(user, queryset, pk, *, field: str = "member"):
    """A row that belongs to the user's own member record (a report, a service), or 404: a member records
    their own community reporting only."""
    member = own_member(user)
    if member is None:
        raise Http404("没有找到该记录。")
    try:
        return queryset.filter(**{field: member}).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("没有找到该记录。")


def can_oversee_organisations(user) -> bool:
    """Pages of totals over organisations (co-building, reporting, donations): admins and secretaries."""
    return is_admin(user) or is_secretary(user)
