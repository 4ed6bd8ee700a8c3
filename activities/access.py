"""Who may see and change activities, built on the tree rules of branches.access (re-exported here, so the
activities views import one access module)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from branches.access import *  # noqa: F403
from branches.access import (
    LITERAL_ORGANISATIONS,
    can_manage_organisation,
    is_admin,
    is_secretary,
    managed_paths,
    organisations_visible_to,
    own_member,
    path_condition,
)
from branches.access import __all__ as _tree_rules
from branches.models import Organisation

from .choices import WishStatus
from .models import Activity, Attendance, MicroWish

__all__ = [*_tree_rules, "activities_visible_to", "open_to_everyone", "can_manage_activity", "get_activity_for",
           "can_plan_activities", "wishes_visible_to", "get_wish_for", "can_manage_wish", "can_claim_wish",
           "can_fulfil_wish", "wish_rights"]


# Past these sizes (organisations: branches.access.LITERAL_ORGANISATIONS) the ways in stay subqueries; below them
# they are literal lists, so that PostgreSQL can read each by its index and OR the bitmaps, instead of testing
# every activity of a date range against subqueries (a province secretary's calendar month: 125 ms of
# filtering 100,000 rows, against a few ms).
LITERAL_ACTIVITIES = 5000


def activities_visible_to(user):
    """Activities the user may open: an admin all; a secretary those of their
    organisations (hosted or joint); everyone their own organisation's, the ones
    they are expected at, and open or city-wide events."""
    return visible_activities(user)[0]


# Open and city-wide activities: every user may open them (they are part of every user's visible set).
OPEN_TO_EVERYONE = Q(is_open=True) | Q(is_city_wide=True)


def open_to_everyone():
    return Activity.objects.filter(OPEN_TO_EVERYONE)


def visible_activities(user) -> tuple:
    """`activities_visible_to` and whether its condition is made of literal lists and the open/city-wide index only
    (a bounded set of candidates, each way in read by its own index), rather than all activities or subqueries."""
    if is_admin(user):
        return Activity.objects.all(), False
    literal = True
    # Each way in is its own indexed condition: an OR over joins (joint organisations, attendance) made
    # PostgreSQL scan every attendance row for every list (2 s at city scale).
    joint = Activity.joint_organisations.through.objects
    condition = OPEN_TO_EVERYONE
    organisations = []
    paths = managed_paths(user)
    if paths:
        managed = Organisation.objects.filter(path_condition(paths)).values("pk")
        ids = list(managed.values_list("pk", flat=True)[:LITERAL_ORGANISATIONS + 1])
        if len(ids) > LITERAL_ORGANISATIONS:
            literal = False
            condition |= Q(organisation__in=managed) | Q(pk__in=joint.filter(organisation__in=managed)
                                                         .values("activity_id"))
        else:
            organisations = ids
    member = own_member(user)
    if member is not None:
        organisations.append(member.organisation_id)
        attended = list(Attendance.objects.filter(member=member).values_list("activity_id", flat=True)
                        [:LITERAL_ACTIVITIES + 1])
        if len(attended) > LITERAL_ACTIVITIES:
            literal = False
            condition |= Q(pk__in=Attendance.objects.filter(member=member).values("activity_id"))
        else:
            condition |= Q(pk__in=attended)
    if organisations:
        condition |= Q(organisation_id__in=organisations) | Q(
            pk__in=list(joint.filter(organisation_id__in=organisations).values_list("activity_id", flat=True)))
    return Activity.objects.filter(condition), literal


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


# --- micro-wishes ----------------------------------------------------------------------------------

def wishes_visible_to(user):
    """Wishes of the organisations the user may open (admin: all; secretary: theirs and below; member: own),
    and those published on an activity the user may open (so the activity page and the board agree)."""
    if is_admin(user):
        return MicroWish.objects.all()

    def fallback():  # made only when needed: the activities' visible set runs queries of its own
        return MicroWish.objects.filter(Q(organisation__in=organisations_visible_to(user).values("pk"))
                                        | Q(activity__in=activities_visible_to(user).values("pk")))

    # As literal lists the indexes answer (a province member's board: 530 ms of scanning 400,000 wishes):
    # a wish's organisation is its activity's, so the activity part only adds activities of other
    # organisations the user may open — open or city-wide ones, joint ones, the ones they are expected at.
    organisations = list(organisations_visible_to(user).values_list("pk", flat=True)[:LITERAL_ORGANISATIONS + 1])
    if len(organisations) > LITERAL_ORGANISATIONS:
        return fallback()
    joint = Activity.joint_organisations.through.objects
    activities = set(joint.filter(organisation_id__in=organisations).values_list("activity_id", flat=True))
    activities |= set(MicroWish.objects.filter(Q(activity__is_open=True) | Q(activity__is_city_wide=True))
                      .order_by().values_list("activity_id", flat=True).distinct()[:LITERAL_ACTIVITIES + 1])
    member = own_member(user)
    if member is not None:
        activities |= set(Attendance.objects.filter(member=member).values_list("activity_id", flat=True)
                          [:LITERAL_ACTIVITIES + 1])
    if len(activities) > 2 * LITERAL_ACTIVITIES:
        return fallback()
    return MicroWish.objects.filter(Q(organisation_id__in=organisations) | Q(activity_id__in=sorted(activities)))


def get_wish_for(user, pk) -> MicroWish:
    """A wish the user may see, or 404 (its existence is not leaked)."""
    try:
        return wishes_visible_to(user).select_related("organisation", "claimed_by", "activity").get(pk=pk)
    except (MicroWish.DoesNotExist, ValueError):
        raise Http404("没有找到该心愿。")


def can_manage_wish(user, wish: MicroWish) -> bool:
    """Entering a wish, releasing a claim: a secretary of the wish's organisation (or an admin)."""
    return can_manage_organisation(user, wish.organisation)


def _is_claimer(user, wish: MicroWish) -> bool:
    member = own_member(user)
    return member is not None and wish.claimed_by_id == member.pk


def can_claim_wish(user, wish: MicroWish) -> bool:
    """Any member who sees an open wish may claim it."""
    return own_member(user) is not None and wish.status == WishStatus.OPEN


def can_fulfil_wish(user, wish: MicroWish) -> bool:
    """The claimer, or a secretary of the wish's organisation (only a claimed wish can be fulfilled)."""
    return _is_claimer(user, wish) or can_manage_wish(user, wish)


def wish_rights(user, wish: MicroWish) -> dict[str, bool]:
    """Per-row rights for the board (no queries: roles and member are cached on the user)."""
    can_manage = can_manage_wish(user, wish)
    is_mine = _is_claimer(user, wish)
    return {
        "can_manage": can_manage,
        "is_mine": is_mine,
        "can_claim": can_claim_wish(user, wish),
        "can_fulfil": wish.status == WishStatus.CLAIMED and (is_mine or can_manage),
    }
