"""Versions per subtree of the organisation tree, for what is cached per organisation and everything below it
(a secretary's home figures): a change in an organisation moves on the version of that organisation and of
every organisation above it, so a cache entry keyed by the versions of its scope's top organisations is never
read after a change inside the scope — and changes elsewhere in the city leave it alone.

Each app watches its own rows (`watch(model, organisation_ids)` in its AppConfig.ready or signals module);
bulk writes that send no signals (the roster import, dues payments) call `subtrees_changed` themselves. A moved
organisation bumps its old ancestors (its path is still the old one when post_save runs) and its new ones.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.cache import bump_version, current_version
from core.paging import COUNT_CAP, page_in_order

from .models import Organisation

PREFIX = "tree:version:"


def _key(pk: int) -> str:
    return f"{PREFIX}{pk}"


def versions_of(organisation_ids: Iterable[int]) -> dict[int, int]:
    """{pk: version of its subtree} (one cache round trip when they are all there)."""
    pks = sorted(set(organisation_ids))
    found = cache.get_many([_key(pk) for pk in pks])
    return {pk: found[_key(pk)] if _key(pk) in found else current_version(_key(pk)) for pk in pks}


def subtree_versions(root_ids: Iterable[int]) -> tuple[int, ...]:
    """The versions of these organisations' subtrees, in pk order."""
    return tuple(versions_of(root_ids).values())


def per_subtree(name: str, organisation_ids: Iterable[int], count: Callable[[list[int]], dict[int, object]],
                *, seconds: int = 600) -> dict[int, object]:
    """{pk: count(pks)[pk]} for each organisation's subtree, from the cache while nothing in that subtree
    changed; count() is asked only for the ones missing (one call for all of them). Kept ten minutes at most:
    while Redis is down each process caches on its own (core.cache.FallbackCache) and sees only its own bumps."""
    versions = versions_of(organisation_ids)
    keys = {pk: f"subtree:{name}:{pk}:{version}" for pk, version in versions.items()}
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        counted = count(missing)
        cache.set_many({keys[pk]: counted[pk] for pk in missing}, seconds)
        values.update({pk: counted[pk] for pk in missing})
    return values


def _bump(organisation_ids: set[int]) -> None:
    ancestors: set[int] = set()
    for path in Organisation.objects.filter(pk__in=organisation_ids).values_list("path", flat=True):
        ancestors.update(int(part) for part in path.strip("/").split("/") if part)
    for pk in sorted(ancestors | organisation_ids):
        bump_version(_key(pk))


def subtrees_changed(organisation_ids: Iterable[int | None]) -> None:
    """Something in these organisations changed: now, and again once the transaction commits (a reader in
    between recounts the old rows under the new version; the second bump makes sure that count is never read
    after the commit)."""
    ids = {pk for pk in organisation_ids if pk is not None}
    if not ids:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def organisation_of_member(member_id: int):
    """The pk of a member's organisation (for watched rows that hang on a member), as an iterable."""
    return Organisation.objects.filter(members__pk=member_id).values_list("pk", flat=True)


def watch(model, organisation_ids: Callable[[object], Iterable[int | None]]) -> None:
    """Every save or delete of a `model` row changes the subtrees of `organisation_ids(row)`."""
    def changed(instance=None, **kwargs) -> None:
        subtrees_changed(organisation_ids(instance))

    label = model._meta.label
    post_save.connect(changed, sender=model, dispatch_uid=f"subtree-save-{label}", weak=False)
    post_delete.connect(changed, sender=model, dispatch_uid=f"subtree-delete-{label}", weak=False)


# --- summaries over a user's organisations ---------------------------------------------------------------

SUMMARY_SECONDS = 300


@dataclass(frozen=True)
class Counted:
    """A summary and, when it may be up to SUMMARY_SECONDS old, when it was counted (the page says so)."""

    value: object
    counted_at: dt.datetime | None = None
    key: str = ""  # where the value is kept ("" when counted afresh for this request)

    @property
    def fragment_key(self) -> str:
        """Names this very value (the same counting, the same rows): a fragment rendered from it can be kept under
        it — `{% cache counted.fragment_seconds "name" counted.fragment_key %}` — and is never shown after a
        recount (an admin's key is the same for five minutes; when it was counted is not)."""
        return f"{self.key}@{self.counted_at.isoformat() if self.counted_at else ''}" if self.key else ""

    @property
    def fragment_seconds(self) -> int:
        """How long such a fragment may be kept: as long as the value; 0 (not kept) for a value counted afresh."""
        return SUMMARY_SECONDS if self.key else 0


def counted_for(user, name: str, count: Callable[[], object], *, secretaries: bool = True,
                exact: bool = False) -> Counted:
    """A summary over the user's organisations. An admin's covers the whole city (at province scale, seconds
    of counting): counted at most every five minutes, the same for every admin, and the page says when; with
    `exact`, also counted again as soon as anything watched anywhere changes (the roots' subtree versions: for
    a list's order, which must show a new row at once). A secretary's comes from the cache until anything in
    their organisations changes (`watch`); with `secretaries=False` it is counted every time. `name` carries
    the summary's parameters (a year)."""
    from . import access

    today = timezone.localdate().isoformat()
    if access.is_admin(user):
        if exact:
            roots = Organisation.objects.filter(parent__isnull=True).order_by().values_list("pk", flat=True)
            name = f"{name}:{'.'.join(map(str, subtree_versions(roots)))}"
        key = f"summary:{name}:city:{today}"
        stored = cache.get(key)
        if stored is None:
            stored = Counted(count(), timezone.localtime())
            cache.set(key, stored, SUMMARY_SECONDS)
        return Counted(stored.value, stored.counted_at, key)
    root_ids = sorted(set(access.organisation_ids_run_by(user)))
    if not secretaries or not root_ids:
        return Counted(count())
    key = (f"summary:{name}:{'.'.join(map(str, root_ids))}:{'.'.join(map(str, subtree_versions(root_ids)))}:"
           f"{today}")
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, SUMMARY_SECONDS)
    return Counted(value, key=key)


def page_in_kept_order(request, name: str, rows, *, per_page: int, exact: bool = False):
    """A page of `rows` in their order, the order itself (the pks, up to COUNT_CAP and one) kept as a summary
    of the user's (`counted_for`, under `name`, which carries what the order depends on): a list sorted on joined
    columns sorts a province's thousands of rows once, and each page reads only its own rows, when first asked
    for. `page.kept` is the kept order (a Counted): when `name` also covers everything the rows show, the page's
    rendered rows can be kept with it (`{% cache page.kept.fragment_seconds "name" page.kept.fragment_key
    page.number %}`) and are then not read at all."""
    order = counted_for(request.user, name, lambda: list(rows.values_list("pk", flat=True)[:COUNT_CAP + 1]),
                        exact=exact)
    page = page_in_order(request, order.value, rows, per_page=per_page, lazily=True)
    page.kept = order
    return page


def watch_tree() -> None:
    """The tree's own rows (BranchesConfig.ready): organisations themselves, terms, committee seats, party
    groups, and the units whose names the tree shows."""
    from .models import CommitteePosition, PartyGroup, Term, Unit

    watch(Organisation, lambda organisation: [organisation.pk, organisation.parent_id])
    watch(Unit, lambda unit: Organisation.objects.filter(unit_id=unit.pk).values_list("pk", flat=True))
    for model in (Term, CommitteePosition, PartyGroup):
        watch(model, lambda row: [row.organisation_id])
