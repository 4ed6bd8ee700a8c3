"""Who may see and change what. The one place that decides it.

Roles sit on the organisation tree: an admin sees everything; a secretary sees
and changes their organisation(s) and everything below them; a member sees
their own record and the public page of their own organisation. Views never
filter by hand: they ask here. An object outside the user's reach is a 404
(its existence is not leaked); one inside it that the user may only read is a
403 when they try to change it.

This module holds the tree rules only (roles, managed paths, visible and managed organisations, the scoping
primitives) and imports no app above branches. Each app's own rules live in its `<app>/access.py`, built on
`scoped`/`get_scoped`; those modules re-export the tree rules (`from branches.access import *`), so a view
imports one access module.
"""

from django.core.cache import cache as shared_cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from core.cache import bump_version, current_version, get_many_read_ahead

from .choices import RoleKind
from .models import Organisation, Role

__all__ = [
    "is_admin", "managed_paths", "managed_condition", "organisations_run_by", "organisation_ids_run_by",
    "is_secretary", "own_member", "organisation_ids_managed_by",
    "path_condition",
    "organisations_managed_by", "organisations_visible_to", "can_manage_organisation", "get_organisation_for",
    "can_list_members", "can_see_personal_data", "require",
    "scoped", "get_scoped", "scoped_to_managed", "get_managed_object",
]

_CACHE_ATTR = "_access_cache"
# The user's party-member record, reached through the reverse one-to-one of members.Member.user, so the
# tree rules need no import from the members app (which stands on branches).
_MEMBER_RELATION = "member"


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
    return current_version(SHELL_VERSION_KEY)


def shell_changed() -> None:
    bump_version(SHELL_VERSION_KEY)


def shell_keys(user_pk) -> list[str]:
    """The version and the user's entry, read in one round trip (with the user itself: core.cache.read_with_user)."""
    return [SHELL_VERSION_KEY, f"access:shell:{user_pk}"]


def _shell(user) -> dict:
    """The user's roles and own member, from the request, else the shared cache, else two queries.

    The cached entry carries the version it was made under; the version and the entry are read in one round
    trip, and an entry of another version is made again."""
    cache = _cache(user)
    if "roles" not in cache:
        keys = shell_keys(user.pk)
        key = keys[1]
        found = get_many_read_ahead(shared_cache, keys) if user.pk else {}
        version = found.get(SHELL_VERSION_KEY) or shell_version()
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            stored = entry[1]
        else:
            roles = list(Role.objects.filter(user=user).values_list("kind", "organisation_id", "organisation__path"))
            paths = [path for kind, _, path in roles if kind == RoleKind.SECRETARY and path]
            stored = {
                "roles": roles,
                "member": (user._meta.get_field(_MEMBER_RELATION).related_model.objects.filter(user=user)
                           .select_related("organisation").first()),
                # The pks the user runs (managed_condition), kept with the roles: any organisation made, moved or
                # removed moves the version on (branches/access_cache.py).
                "managed_pks": _managed_pks(paths) if paths else None,
            }
            if user.pk:
                shared_cache.set(key, (version, stored), SHELL_SECONDS)
        cache.update(stored)
        if stored.get("managed_pks") is not None:
            cache["managed_ids"] = (tree_generation, stored["managed_pks"])
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


def organisation_ids_run_by(user) -> list[int]:
    """The pks of the organisations the user was made secretary of (no query: from the cached roles)."""
    if not user.is_authenticated:
        return []
    return [organisation_id for kind, organisation_id, path in _roles(user) if kind == RoleKind.SECRETARY and path]


def organisations_run_by(user) -> QuerySet[Organisation]:
    """The organisations the user was made secretary of (the top of each managed subtree)."""
    return Organisation.objects.filter(pk__in=organisation_ids_run_by(user))


def is_secretary(user) -> bool:
    return bool(managed_paths(user))


def own_member(user):
    """The user's members.Member record (with its organisation), or None."""
    if not user.is_authenticated:
        return None
    return _shell(user)["member"]


# Up to this many organisations run, conditions name them as a literal list of pks: PostgreSQL then reads
# the rows by their organisation's index. Past it (or with the path condition OR-ed with a user's own row)
# the planner scanned whole tables: a province secretary's member list read all 500,000 members (150 ms).
LITERAL_ORGANISATIONS = 1000


# Moved on by every save or delete of an organisation in this process (branches/access_cache.py): the pks a
# user runs are remembered on the user object (one request) only while it stands still.
tree_generation = 0


def _managed_pks(paths: list[str]) -> list[int]:
    return list(Organisation.objects.filter(path_condition(paths)).values_list("pk", flat=True)
                [:LITERAL_ORGANISATIONS + 1])


def _managed_ids(user, paths: list[str]) -> list[int]:
    """The pks below `paths` (up to one past LITERAL_ORGANISATIONS): kept with the user's roles in the shared cache
    (_shell), asked again when an organisation changed in this process during the request."""
    cache = _cache(user)
    remembered = cache.get("managed_ids")
    if remembered is None or remembered[0] != tree_generation:
        remembered = cache["managed_ids"] = (tree_generation, _managed_pks(paths))
    return remembered[1]


def organisation_ids_managed_by(user) -> list[int]:
    """The pks of the organisations the user runs and those below them, up to one past LITERAL_ORGANISATIONS (more
    than that: too many to name one by one; use the path condition instead). No query once the roles are read."""
    paths = managed_paths(user)
    return _managed_ids(user, paths) if paths else []


def managed_condition(user, via: str = "organisation") -> Q:
    """Rows whose organisation — reached by `via`, "" for organisations themselves — the user runs or is
    below one they run (one small query for the pks, once per request)."""
    paths = managed_paths(user)
    if not paths:
        return Q(pk__in=[])
    ids = _managed_ids(user, paths)
    if len(ids) <= LITERAL_ORGANISATIONS:
        return Q(**{f"{via}__in" if via else "pk__in": ids})
    return path_condition(paths, f"{via}__path" if via else "path")


def path_condition(paths: list[str], field: str = "path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


# --- organisations -------------------------------------------------------

def organisations_managed_by(user) -> QuerySet[Organisation]:
    """Organisations the user may change."""
    if is_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(path_condition(managed_paths(user)))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations the user may open (a member: only their own public page)."""
    if is_admin(user):
        return Organisation.objects.all()
    condition = path_condition(managed_paths(user))
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


# --- members (the rules that need the Member model: members/access.py) --------------------

def can_list_members(user) -> bool:
    return is_admin(user) or is_secretary(user)


def can_see_personal_data(user) -> bool:
    """Unmasked ID numbers and phones: admins only, and each view is logged."""
    return is_admin(user)


def require(condition: bool) -> None:
    """For pages a role may not open at all (e.g. a member and the member list)."""
    if not condition:
        raise PermissionDenied("您没有访问该页面的权限。")


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
    condition = managed_condition(user, via)
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
    return queryset.filter(managed_condition(user, field))


def get_managed_object(user, queryset, pk, *, field: str = "organisation"):
    """A row of an organisation the user manages, or 404 (existence is not leaked)."""
    try:
        return scoped_to_managed(user, queryset, field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("没有找到该记录。")
