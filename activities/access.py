"""Who may see and change activities, built on the tree rules of branches.access (re-exported here, so the
activities views import one access module)."""

import operator
from functools import reduce

from django.core.cache import cache as shared_cache
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
    organisation_ids_managed_by,
    organisations_visible_to,
    own_member,
    path_condition,
)
from branches.access import __all__ as _tree_rules
from branches.models import Organisation

from .choices import WishStatus
from .models import Activity, Attendance, MicroWish

__all__ = [*_tree_rules, "activities_visible_to", "visible_branches", "open_to_everyone", "can_manage_activity",
           "can_open_activity", "get_activity_for", "can_plan_activities", "wishes_visible_to", "get_wish_for",
           "can_manage_wish", "can_claim_wish", "can_fulfil_wish", "wish_rights"]


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


# What a user's visible set is made of besides the open and city-wide activities — the organisations they run
# and their own, the activities those join, the ones they are expected at — is three queries on every activity
# page: kept per user in the shared cache, the entry carrying the calendar version it was made under
# (activities/signals.py moves the version on whenever an activity, its joint organisations, who is expected at it,
# a role, a member or an organisation changes), and read in the same round trip as the user (apps.py).
WAYS_IN_SECONDS = 3600
_WAYS_IN_ATTR = "_activities_ways_in"


def ways_in_keys(user_pk) -> list[str]:
    from .ical import VERSION_KEY

    return [VERSION_KEY, f"activities:ways-in:{user_pk}"]


def _ways_in_counted(user) -> dict:
    """`managed`: the pks of the organisations the user runs and below (None past LITERAL_ORGANISATIONS);
    `organisations`: those named one by one — `managed` when listed, and the own member's organisation;
    `attended`: the activities the own member is expected at (None past LITERAL_ACTIVITIES); `joint`: the
    activities that `organisations` join."""
    managed = organisation_ids_managed_by(user)
    if len(managed) > LITERAL_ORGANISATIONS:
        managed = None
    member = own_member(user)
    attended = []
    if member is not None:
        attended = list(Attendance.objects.filter(member=member).values_list("activity_id", flat=True)
                        [:LITERAL_ACTIVITIES + 1])
        if len(attended) > LITERAL_ACTIVITIES:
            attended = None
    organisations = [*(managed or []), *([member.organisation_id] if member is not None else [])]
    joint = Activity.joint_organisations.through.objects
    return {
        "managed": managed, "organisations": organisations, "attended": attended,
        "joint": list(joint.filter(organisation_id__in=organisations).values_list("activity_id", flat=True))
        if organisations else [],
    }


def ways_in(user) -> dict:
    """The user's ways into the activities (`_ways_in_counted`) for the current calendar version: from the user
    (asked before in this request or test), else the shared cache, else counted and kept."""
    from core.cache import get_many_read_ahead

    from .ical import calendar_version

    keys = ways_in_keys(user.pk)
    cached = get_many_read_ahead(shared_cache, keys) if user.pk else {}
    # The limits are part of what an entry was counted under (tests lower them).
    version = (cached.get(keys[0]) or calendar_version(), LITERAL_ORGANISATIONS, LITERAL_ACTIVITIES)
    remembered = getattr(user, _WAYS_IN_ATTR, None)
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    entry = cached.get(keys[1])
    if entry is not None and entry[0] == version:
        found = entry[1]
    else:
        found = _ways_in_counted(user)
        if user.pk:
            shared_cache.set(keys[1], (version, found), WAYS_IN_SECONDS)
    setattr(user, _WAYS_IN_ATTR, (version, found))
    return found


def kept_order_key(user, name: str, *params) -> str:
    """The key a list of the user's activities keeps its order under (core.paging.BranchesInOrder's `kept_as`):
    the user, `name` and the list's `params`, and what the user's ways in were worked out under — the calendar
    version, which moves on whenever the user's visible set or any activity's row can change, and the literal
    limits."""
    ways_in(user)
    version = ".".join(map(str, getattr(user, _WAYS_IN_ATTR)[0]))
    return ":".join(map(str, (name, user.pk, version, *params)))


def hosted_or_joined_by_managed_branches(user) -> list[Q] | None:
    """Activities hosted or joined by the organisations the user runs, named from their ways in (no query), as the
    conditions whose OR they are, each read by its own index; None when the ways in cannot name them (too many
    organisations, or the joint activities counted with an own organisation outside the ones run)."""
    found = ways_in(user)
    managed = found["managed"]
    if managed is None or set(found["organisations"]) != set(managed):
        return None
    return [Q(organisation_id__in=managed), *([Q(pk__in=found["joint"])] if found["joint"] else [])]


def visible_activities(user) -> tuple:
    """`activities_visible_to` and whether its condition is made of literal lists and the open/city-wide index only
    (a bounded set of candidates, each way in read by its own index), rather than all activities or subqueries."""
    if is_admin(user):
        return Activity.objects.all(), False
    branches, literal = _visible_branches(user)
    return Activity.objects.filter(reduce(operator.or_, branches)), literal


def visible_branches(user) -> list[Q] | None:
    """The conditions whose OR is the user's visible set, when each is read by its own index (literal lists and
    the open/city-wide index: core.paging.BranchesInOrder pages them); None for an admin (everything) or a set
    made of subqueries."""
    if is_admin(user):
        return None
    branches, literal = _visible_branches(user)
    return branches if literal else None


def _visible_branches(user) -> tuple[list[Q], bool]:
    literal = True
    # Each way in is its own indexed condition: an OR over joins (joint organisations, attendance) made
    # PostgreSQL scan every attendance row for every list (2 s at city scale).
    branches = [OPEN_TO_EVERYONE]
    found = ways_in(user)
    if found["managed"] is None:
        literal = False
        managed = Organisation.objects.filter(path_condition(managed_paths(user))).values("pk")
        branches += [Q(organisation__in=managed), Q(pk__in=Activity.joint_organisations.through.objects
                                                     .filter(organisation__in=managed).values("activity_id"))]
    member = own_member(user)
    if found["attended"] is None:
        literal = False
        branches.append(Q(pk__in=Attendance.objects.filter(member=member).values("activity_id")))
    if found["organisations"]:
        branches.append(Q(organisation_id__in=found["organisations"]))
    named = sorted({*(found["attended"] or []), *(found["joint"] if found["organisations"] else [])})
    if named:
        branches.append(Q(pk__in=named))
    return branches, literal


def can_manage_activity(user, activity) -> bool:
    """Only the host organisation's secretaries (and admins) change an activity."""
    return can_manage_organisation(user, activity.organisation)


def can_open_activity(user, activity: Activity) -> bool:
    """Whether `activity` is in the user's visible set (activities_visible_to), judged on the row from the ways in
    when they are literal lists — no query, and no SQL of hundreds of ids to build for one row — else asked."""
    if is_admin(user) or activity.is_open or activity.is_city_wide:
        return True
    found = ways_in(user)
    if found["managed"] is None or found["attended"] is None:
        return activities_visible_to(user).filter(pk=activity.pk).exists()
    return (activity.organisation_id in found["organisations"] or activity.pk in found["attended"]
            or activity.pk in found["joint"])


def get_activity_for(user, pk, *, write: bool = False):
    try:
        activity = Activity.objects.select_related("organisation", "party_group").get(pk=pk)
    except (Activity.DoesNotExist, ValueError):
        raise Http404("没有找到该活动。")
    if not can_open_activity(user, activity):
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
    found = ways_in(user)
    if found["managed"] is None or found["attended"] is None:
        return fallback()
    open_with_wishes = _open_activities_with_wishes()
    if len(open_with_wishes) > LITERAL_ACTIVITIES:  # read up to one past the limit: more are not all named
        return fallback()
    activities = set(found["joint"]) | set(found["attended"]) | set(open_with_wishes)
    if len(activities) > 2 * LITERAL_ACTIVITIES:
        return fallback()
    return MicroWish.objects.filter(Q(organisation_id__in=found["organisations"])
                                    | Q(activity_id__in=sorted(activities)))


# Moved on by every wish saved or deleted (activities/signals.py); what the board keeps carries it with the calendar
# version (an activity opened or closed to everyone).
WISHES_VERSION_KEY = "wishes:version"


def wishes_version() -> tuple[int, int]:
    from core.cache import current_version

    from .ical import calendar_version

    return current_version(WISHES_VERSION_KEY), calendar_version()


def _open_activities_with_wishes() -> list[int]:
    """The open and city-wide activities that have wishes (in every user's visible set): the same for everyone,
    kept until a wish or an activity changes (a DISTINCT over the wishes joined to their activities: 2 ms a view)."""
    key = "wishes:open-activities:{}:{}".format(*wishes_version())
    found = shared_cache.get(key)
    if found is None:
        found = list(MicroWish.objects.filter(Q(activity__is_open=True) | Q(activity__is_city_wide=True))
                     .order_by().values_list("activity_id", flat=True).distinct()[:LITERAL_ACTIVITIES + 1])
        shared_cache.set(key, found, WAYS_IN_SECONDS)
    return found


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
