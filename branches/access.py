"""Who may see and change what. The one place that decides it.

Roles sit on the organisation tree: an admin sees everything; a secretary sees
and changes their organisation(s) and everything below them; a member sees
their own record and the public page of their own organisation. Views never
filter by hand: they ask here. An object outside the user's reach is a 404
(its existence is not leaked); one inside it that the user may only read is a
403 when they try to change it.
"""

from django.core.cache import cache as shared_cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.models import Member

from .choices import RoleKind
from .models import Organisation, Role

_CACHE_ATTR = "_access_cache"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


# Roles and own member outlive the request in the shared cache (every page asks for them): keyed by a version
# that any change to roles, organisations (paths) or members bumps (branches/access_cache.py).
SHELL_VERSION_KEY = "access:version"
SHELL_SECONDS = 3600


def shell_version() -> int:
    version = shared_cache.get(SHELL_VERSION_KEY)
    if version is None:
        import time

        shared_cache.add(SHELL_VERSION_KEY, int(time.time() * 1000), timeout=None)
        version = shared_cache.get(SHELL_VERSION_KEY)
    return version


def shell_changed() -> None:
    try:
        shared_cache.incr(SHELL_VERSION_KEY)
    except ValueError:
        shell_version()
        shared_cache.incr(SHELL_VERSION_KEY)


def _shell(user) -> dict:
    """The user's roles and own member, from the request, else the shared cache, else two queries."""
    cache = _cache(user)
    if "roles" not in cache:
        key = f"access:shell:{shell_version()}:{user.pk}"
        stored = shared_cache.get(key) if user.pk else None
        if stored is None:
            stored = {
                "roles": list(Role.objects.filter(user=user)
                              .values_list("kind", "organisation_id", "organisation__path")),
                "member": Member.objects.filter(user=user).select_related("organisation").first(),
            }
            if user.pk:
                shared_cache.set(key, stored, SHELL_SECONDS)
        cache.update(stored)
    return cache


def _roles(user) -> list[tuple[str, int | None, str | None]]:
    return _shell(user)["roles"]


def is_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(kind == RoleKind.ADMIN for kind, _, _ in _roles(user))


def managed_paths(user) -> list[str]:
    """Tree paths of the organisations this user runs as secretary."""
    if not user.is_authenticated:
        return []
    return [path for kind, _, path in _roles(user) if kind == RoleKind.SECRETARY and path]


def is_secretary(user) -> bool:
    return bool(managed_paths(user))


def own_member(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return _shell(user)["member"]


def _path_condition(paths: list[str], field: str = "path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


# --- organisations -------------------------------------------------------

def organisations_managed_by(user) -> QuerySet[Organisation]:
    """Organisations the user may change."""
    if is_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(_path_condition(managed_paths(user)))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations the user may open (a member: only their own public page)."""
    if is_admin(user):
        return Organisation.objects.all()
    condition = _path_condition(managed_paths(user))
    member = own_member(user)
    if member is not None:
        condition |= Q(pk=member.organisation_id)
    return Organisation.objects.filter(condition)


def can_manage_organisation(user, organisation: Organisation) -> bool:
    if is_admin(user):
        return True
    return any(organisation.path.startswith(path) for path in managed_paths(user))


def get_organisation_for(user, pk, *, write: bool = False) -> Organisation:
    try:
        organisation = organisations_visible_to(user).select_related("unit", "parent").get(pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404("没有找到该党组织。")
    if write and not can_manage_organisation(user, organisation):
        raise PermissionDenied("您没有修改该党组织的权限。")
    return organisation


# --- members ----------------------------------------------------------------

def members_visible_to(user) -> QuerySet[Member]:
    if is_admin(user):
        return Member.objects.all()
    condition = _path_condition(managed_paths(user), "organisation__path")
    member = own_member(user)
    if member is not None:
        condition |= Q(pk=member.pk)
    return Member.objects.filter(condition)


def can_manage_member(user, member: Member) -> bool:
    return can_manage_organisation(user, member.organisation)


def can_list_members(user) -> bool:
    return is_admin(user) or is_secretary(user)


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


def can_see_personal_data(user) -> bool:
    """Unmasked ID numbers and phones: admins only, and each view is logged."""
    return is_admin(user)


def require(condition: bool) -> None:
    """For pages a role may not open at all (e.g. a member and the member list)."""
    if not condition:
        raise PermissionDenied("您没有访问该页面的权限。")


# --- activities ---------------------------------------------------------------

def activities_visible_to(user):
    """Activities the user may open: an admin all; a secretary those of their
    organisations (hosted or joint); everyone their own organisation's, the ones
    they are expected at, and open or city-wide events."""
    from activities.models import Activity

    if is_admin(user):
        return Activity.objects.all()
    from activities.models import Attendance

    # Each way in is its own indexed subquery: an OR over joins (joint organisations, attendance) made
    # PostgreSQL scan every attendance row for every list (2 s at city scale).
    Joint = Activity.joint_organisations.through
    condition = Q(is_open=True) | Q(is_city_wide=True)
    paths = managed_paths(user)
    if paths:
        managed = Organisation.objects.filter(_path_condition(paths)).values("pk")
        condition |= (Q(organisation__in=managed)
                      | Q(pk__in=Joint.objects.filter(organisation__in=managed).values("activity_id")))
    member = own_member(user)
    if member is not None:
        condition |= (Q(organisation_id=member.organisation_id)
                      | Q(pk__in=Joint.objects.filter(organisation_id=member.organisation_id).values("activity_id"))
                      | Q(pk__in=Attendance.objects.filter(member=member).values("activity_id")))
    return Activity.objects.filter(condition)


def can_manage_activity(user, activity) -> bool:
    """Only the host organisation's secretaries (and admins) change an activity."""
    return can_manage_organisation(user, activity.organisation)


def get_activity_for(user, pk, *, write: bool = False):
    from activities.models import Activity

    try:
        activity = activities_visible_to(user).select_related("organisation", "party_group").get(pk=pk)
    except (Activity.DoesNotExist, ValueError):
        raise Http404("没有找到该活动。")
    if write and not can_manage_activity(user, activity):
        raise PermissionDenied("您没有修改该活动的权限。")
    return activity


def can_plan_activities(user) -> bool:
    return is_admin(user) or is_secretary(user)


# --- scoping primitives: every app's own access rules are built on these ------------------------

def _organisation_of(obj, via: str):
    for step in via.split("__") if via else ():
        obj = getattr(obj, step)
    return obj


def scoped(user, queryset, *, via: str = "organisation", write: bool = False, own: str | None = None,
           own_organisation: bool = False):
    """The rows of `queryset` the user may see (or, with write=True, change).

    `via` is the lookup from a row to its organisation ("" when the rows are organisations). Admins reach
    every row; secretaries the rows of the organisations they run and those below. For reading only, `own`
    (a lookup to a user, e.g. "member__user") adds the user's own rows, and `own_organisation` the rows of
    the organisation the user is a member of. Nobody else reaches anything."""
    if not user.is_authenticated:
        return queryset.none()
    if is_admin(user):
        return queryset
    path = f"{via}__path" if via else "path"
    condition = _path_condition(managed_paths(user), path)
    if not write:
        if own:
            condition |= Q(**{own: user})
        if own_organisation:
            member = own_member(user)
            if member is not None:
                condition |= Q(**{via or "pk": member.organisation_id})
    return queryset.filter(condition)


def get_scoped(user, queryset, pk, *, via: str = "organisation", write: bool = False, own: str | None = None,
               own_organisation: bool = False, not_found: str = "没有找到该记录。"):
    """One row by pk: 404 when the user may not see it (its existence is not leaked), 403 when they may see
    it but asked to change it without the right."""
    try:
        obj = scoped(user, queryset, via=via, own=own, own_organisation=own_organisation).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(not_found)
    if write and not can_manage_organisation(user, _organisation_of(obj, via)):
        raise PermissionDenied("您没有修改该记录的权限。")
    return obj


# --- anything that belongs to an organisation (reviews, duties, exemptions …) --------

def scoped_to_managed(user, queryset, field: str = "organisation"):
    """Rows whose organisation the user manages (admin: all)."""
    if is_admin(user):
        return queryset
    return queryset.filter(_path_condition(managed_paths(user), f"{field}__path"))


def get_managed_object(user, queryset, pk, *, field: str = "organisation"):
    """A row of an organisation the user manages, or 404 (existence is not leaked)."""
    try:
        return scoped_to_managed(user, queryset, field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("没有找到该记录。")


# --- community ----------------------------------------------------------------------

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


# --- honours ------------------------------------------------------------------------------------

def can_see_commendations(user) -> bool:
    """Admins all, secretaries their organisations', members their own; a user with no role has none."""
    return is_admin(user) or is_secretary(user) or own_member(user) is not None


def can_nominate(user) -> bool:
    """Secretaries nominate their members or organisations; admins decide, they do not nominate."""
    return is_secretary(user) and not is_admin(user)


def can_run_selections(user) -> bool:
    """Commendations, nomination decisions, confirmations and the top-ten selections: the working committee."""
    return is_admin(user)


# --- notifications ------------------------------------------------------------------------------

def notifications_visible_to(user):
    """A user's notifications are their own; nobody else's are reachable, whatever their role."""
    from notifications.models import Notification

    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def webhooks_managed_by(user):
    """Group robots of the organisations the user manages (an organisation's secretary sets its robots)."""
    from notifications.models import WebhookEndpoint

    return scoped_to_managed(user, WebhookEndpoint.objects.select_related("organisation"))


def get_webhook_for(user, pk):
    """A group robot of an organisation the user manages, or 404."""
    from notifications.models import WebhookEndpoint

    return get_managed_object(user, WebhookEndpoint.objects.select_related("organisation"), pk)


def get_notification_for(user, pk):
    from notifications.models import Notification

    try:
        return notifications_visible_to(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError):
        raise Http404("没有找到该通知。")


# --- reports ------------------------------------------------------------------------------------

def can_request_reports(user) -> bool:
    """Admins report on the city (or any organisation); secretaries on the organisations they manage."""
    return is_admin(user) or is_secretary(user)


def reports_visible_to(user):
    """Reports whose scope the user may see: admins all; secretaries those scoped to an organisation they
    manage (or below it). City-wide reports (no organisation) are the admins' alone."""
    from reports.models import Report

    if is_admin(user):
        return Report.objects.all()
    if not is_secretary(user):
        return Report.objects.none()
    return Report.objects.filter(_path_condition(managed_paths(user), "organisation__path"))


def get_report_for(user, pk):
    from reports.models import Report

    try:
        return reports_visible_to(user).get(pk=pk)
    except (Report.DoesNotExist, ValueError):
        raise Http404("没有找到该报表。")
