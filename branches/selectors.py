"""Reads for organisations: each function costs a fixed number of queries."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from core.choices import MembershipStatus, Stage
from rules.models import Threshold, ThresholdCode

from . import access
from .choices import OrganisationKind, OrganisationStatus
from .models import CommitteePosition, Organisation, PartyGroup, Term, Unit
from .versions import per_subtree

ACTIVE_MEMBER = Q(members__status=MembershipStatus.ACTIVE)


COUNTED = Q(members__status=MembershipStatus.ACTIVE) & Q(members__stage__in=[Stage.FULL, Stage.PROBATIONARY])


def tree_base(*, user):
    """The active organisations the user may open, in tree order (the base rows a tree page pages through)."""
    return access.organisations_visible_to(user).filter(status=OrganisationStatus.ACTIVE)


def tree_tops(*, user):
    """The highest visible organisations: those whose parent the user cannot see (the admin: the root)."""
    visible = tree_base(user=user)
    if access.is_admin(user):
        # Everything is visible: the tops are those without a parent or under one no longer active (a few, each
        # way read by its index, the second as a literal list the planner can count) — the anti-join below
        # tested every organisation of a province (8 ms).
        inactive = list(Organisation.objects.exclude(status=OrganisationStatus.ACTIVE).order_by()
                        .values_list("pk", flat=True))
        return visible.filter(Q(parent__isnull=True) | Q(parent__in=inactive)).order_by("path")
    return visible.exclude(parent__in=visible.values("pk")).order_by("path")


def tree_children(*, user, parent: Organisation):
    return tree_base(user=user).filter(parent=parent).order_by("sort_order", "name", "pk")


def tree_search(*, user, kind: str = "", unit_id: int | None = None, query: str = ""):
    qs = tree_base(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(short_name__contains=query))
    return qs.order_by("path")


def tree_rows(organisations, *, level: int | None = None) -> list[dict]:
    """Rows for one page of organisations (already sliced: paginate first, count only what is shown): name,
    kind, unit, whether it has organisations below, its own members (full and probationary) and the members of
    everything below it. Three queries, whatever the size of the tree."""
    pks = [organisation.pk for organisation in organisations]
    # Each row's own members counted by the (organisation, stage) index: a join grouped by organisation read
    # every member of the city to count the page's fifty.
    own = (Organisation.members.field.model.objects
           .filter(organisation=OuterRef("pk"), status=MembershipStatus.ACTIVE,
                   stage__in=[Stage.FULL, Stage.PROBATIONARY])
           .order_by().values("organisation").annotate(n=Count("pk")).values("n"))
    rows = list(
        Organisation.objects.filter(pk__in=pks)
        .annotate(member_count=Coalesce(Subquery(own), 0))
        .values("pk", "name", "short_name", "kind", "parent_id", "path", "depth", "unit__name", "member_count")
    )
    # Each row asked for one active child (stops at the first): a province's fifty top organisations have
    # 15,000 organisations below them to read for a DISTINCT.
    children = Organisation.objects.filter(parent=OuterRef("pk"), status=OrganisationStatus.ACTIVE)
    with_children = set(Organisation.objects.filter(pk__in=pks).filter(Exists(children)).order_by()
                        .values_list("pk", flat=True))
    by_pk = {row["pk"]: row for row in rows}

    def count(pks: list[int]) -> dict[int, int]:
        # One pass over the members below the parents not in the cache, a conditional count per parent.
        paths = {pk: by_pk[pk]["path"] for pk in pks}
        members = Organisation.members.field.model.objects.filter(
            access.path_condition(list(paths.values()), field="organisation__path"),
            status=MembershipStatus.ACTIVE, stage__in=[Stage.FULL, Stage.PROBATIONARY])
        counted = members.aggregate(**{f"t{pk}": Count("pk", filter=Q(organisation__path__startswith=path))
                                       for pk, path in paths.items()})
        return {pk: counted[f"t{pk}"] for pk in pks}

    # The members of everything below a parent: a whole province's for its root, so kept per subtree version
    # (branches/versions.py: any member saved below it moves the version on).
    totals = per_subtree("members", [row["pk"] for row in rows if row["pk"] in with_children], count)
    top = min((row["depth"] for row in rows), default=0)
    ordered = []
    for pk in pks:
        row = by_pk[pk]
        row["kind_label"] = OrganisationKind(row["kind"]).label
        row["has_children"] = pk in with_children
        row["total_count"] = totals.get(pk, row["member_count"])
        row["level"] = row["depth"] - top if level is None else level
        row["ancestors"] = " ".join(row["path"].strip("/").split("/")[:-1])
        ordered.append(row)
    return ordered


def tree_breadcrumbs(*, user, organisation: Organisation) -> list[Organisation]:
    """The visible organisations above `organisation`, top first."""
    above = [int(pk) for pk in organisation.path.strip("/").split("/")[:-1]]
    return list(tree_base(user=user).filter(pk__in=above).order_by("depth").only("pk", "name", "short_name"))


def units_for_filter(*, user):
    """The units of the organisations the user may open (thousands at province scale: a searched choice)."""
    return (Unit.objects.filter(pk__in=access.organisations_visible_to(user).values("unit_id")).order_by("name")
            .only("pk", "name"))  # what an option shows (Unit.__str__)


def stage_counts(members) -> dict[str, int]:
    counts = dict(members.active().values_list("stage").annotate(n=Count("pk")).order_by())
    return {stage: counts.get(stage, 0) for stage in Stage.values}


def organisation_summary(organisation: Organisation) -> dict:
    """What the organisation page shows its managers: members by stage, the term, the committee, the party
    groups, the organisations below. Kept per day under the organisation's subtree version (every row it reads is
    watched: members, organisations, terms, committee seats, party groups; branches.versions), so a page that is
    opened again and again does not ask the same eight queries; the term's deadline is judged on each view."""
    today = dt.date.today()
    kept = per_subtree(f"organisation-summary:{today.isoformat()}", [organisation.pk],
                       lambda pks: {organisation.pk: _summary_rows(organisation, today)})[organisation.pk]
    term = kept["term"]
    return {
        **kept,
        "term_overdue": term is not None and term.ends_on < today,
        "term_due_soon": term is not None and today <= term.ends_on <= today + relativedelta(
            months=Threshold.value_of(ThresholdCode.REELECTION_WARNING_MONTHS, today)),
    }


def _summary_rows(organisation: Organisation, today: dt.date) -> dict:
    # The member register through the reverse relation: members stands on branches, not the other way.
    members = organisation.members.model.objects
    subtree = members.filter(organisation__path__startswith=organisation.path)
    counts = stage_counts(members.filter(organisation=organisation))
    term = Term.objects.filter(organisation=organisation).order_by("-starts_on").first()
    positions = list(
        CommitteePosition.objects.current(today).filter(organisation=organisation)
        .select_related("member").only("organisation", "position", "starts_on", "member__name")
        .order_by("position", "starts_on")
    )
    groups = list(
        PartyGroup.objects.filter(organisation=organisation).select_related("leader")
        .only("organisation", "name", "sort_order", "leader__name")
        .annotate(member_count=Count("members", filter=Q(members__status=MembershipStatus.ACTIVE)))
    )
    children = list(
        organisation.children.filter(status=OrganisationStatus.ACTIVE).only("name", "kind", "parent")
        .annotate(member_count=Count("members", filter=ACTIVE_MEMBER))
        .order_by("sort_order", "name")
    )
    return {
        "stage_counts": [(Stage(stage).label, n) for stage, n in counts.items()],
        "direct_member_total": sum(counts.values()),
        "subtree_member_total": subtree.active().count() if children else None,
        "term": term,
        "positions": positions,
        "secretary": next((p for p in positions if p.position == "SECRETARY"), None),
        "party_groups": groups,
        "children": children,
        "past_terms": past_terms(organisation, current=term),
    }


def past_terms(organisation: Organisation, *, current: Term | None) -> list[dict]:
    """The organisation's earlier terms, newest first, each with the committee it had: the seats tied to the
    term, or (for seats recorded without a term) those held during it. Two queries."""
    terms = list(Term.objects.filter(organisation=organisation).exclude(pk=getattr(current, "pk", None))
                 .order_by("-starts_on"))
    if not terms:
        return []
    seats = list(CommitteePosition.objects.filter(organisation=organisation)
                 .filter(Q(term__in=terms) | Q(term__isnull=True, ends_on__isnull=False))
                 .select_related("member").order_by("position", "starts_on", "pk"))
    rows = []
    for term in terms:
        held = [s for s in seats if s.term_id == term.pk
                or (s.term_id is None and s.starts_on < term.ends_on and s.ends_on >= term.starts_on)]
        rows.append({"term": term, "positions": held})
    return rows


class SecretaryDirectory:
    """Every organisation's name, path and parent and every active secretary, read once (two queries): who is
    told about an organisation's business when a sweep runs over the whole city."""

    def __init__(self, organisations: dict[int, tuple[str, str, int | None]], secretaries: dict[int, list[int]]):
        self.organisations = organisations  # pk → (display name, path, parent pk)
        self.secretaries = secretaries  # organisation pk → user ids

    @classmethod
    def load(cls):
        from collections import defaultdict

        from .choices import RoleKind
        from .models import Role

        organisations = {pk: (short_name or name, path, parent) for pk, name, short_name, path, parent in
                         Organisation.objects.values_list("pk", "name", "short_name", "path", "parent_id")}
        secretaries: dict[int, list[int]] = defaultdict(list)
        for organisation_id, user_id in (Role.objects.filter(kind=RoleKind.SECRETARY, user__is_active=True)
                                         .order_by("user_id").values_list("organisation_id", "user_id")):
            secretaries[organisation_id].append(user_id)
        return cls(organisations, secretaries)

    def name(self, organisation_id: int) -> str:
        return self.organisations[organisation_id][0]

    def users_for(self, organisation_id: int | None) -> list[int]:
        """The organisation's own secretaries, else those of the nearest organisation above it."""
        if organisation_id is None or organisation_id not in self.organisations:
            return []
        path = self.organisations[organisation_id][1]
        for pk in reversed([int(part) for part in path.strip("/").split("/") if part]):
            if self.secretaries.get(pk):
                return self.secretaries[pk]
        return []

    def superior_users_for(self, organisation_id: int) -> list[int]:
        """The secretaries above the organisation (its parent's, or the nearest above that)."""
        parent = self.organisations.get(organisation_id, (None, None, None))[2]
        return self.users_for(parent)
