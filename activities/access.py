"""Who may see and change activities, built on the tree rules of branches.access (re-exported here, so the
activities views import one access module)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from branches.access import *  # noqa: F403
from branches.access import __all__ as _tree_rules
from branches.access import can_manage_organisation, is_admin, is_secretary, managed_paths, own_member, path_condition
from branches.models import Organisation

from .models import Activity

__all__ = [*_tree_rules, "activities_visible_to", "can_manage_activity", "get_activity_for",
           "can_plan_activities"]


def activities_visible_to(user):
    """Activities the user may open: an admin all; a secretary those of their
    organisations (hosted or joint); everyone their own organisation's, the ones
    they are expected at, and open or city-wide events."""
    if is_admin(user):
        return Activity.objects.all()
    condition = Q(is_open=True) | Q(is_city_wide=True)
    paths = managed_paths(user)
    if paths:
        managed = Organisation.objects.filter(path_condition(paths)).values("pk")
        condition |= Q(organisation__in=managed) | Q(joint_organisations__in=managed)
    member = own_member(user)
    if member is not None:
        condition |= (Q(organisation_id=member.organisation_id) | Q(joint_organisations=member.organisation_id)
                      | Q(attendances__member=member))
    # The joins above can repeat a row; filtering by pk keeps the queryset plain for callers.
    return Activity.objects.filter(pk__in=Activity.objects.filter(condition).values("pk"))


def can_manage_activity(user, activity) -> bool:
    """Only the host organisation's secretaries (and admins) change an activity."""
    return can_manage_organisation(user, activity.organisation)


def get_activity_for(user, pk, *, write: bool = False):
    try:
        activity = activities_visible_to(user).select_related("organisation", "party_group").get(pk=pk)
    except (Activity.DoesNotExist, ValueError):
        raise Http404("没有找到该活动。")
    if write and not can_manage_activity(user, activity):
        raise PermissionDenied("您没有修改该活动的权限。")
    return activity


def can_plan_activities(user) -> bool:
    return is_admin(user) or is_secretary(user)
