from django.db.models import QuerySet

from branches.models import Organisation
from members import access

from .models import Member

SORTS = {
    "name": ["name", "pk"],
    "organisation": ["organisation__path", "name", "pk"],
    "stage": ["stage", "name", "pk"],
    "admitted_on": ["admitted_on", "pk"],
    "-admitted_on": ["-admitted_on", "pk"],
    "birth_date": ["birth_date", "pk"],
}


def member_list(*, user, q: str = "", organisation: Organisation | None = None, stage: str = "",
                employment_status: str = "", sort: str = "") -> QuerySet[Member]:
    members = access.members_visible_to(user).active()
    if organisation is not None:
        members = members.filter(organisation__path__startswith=organisation.path)
    if q.isdigit():
        # Digits search the phone: the full number, or its last digits.
        members = members.filter(phone=q) if len(q) == 11 else members.filter(phone__endswith=q)
    elif q:
        members = members.filter(name__contains=q)
    if stage:
        members = members.filter(stage=stage)
    if employment_status:
        members = members.filter(employment_status=employment_status)
    return members.select_related("organisation", "party_group").order_by(*SORTS.get(sort, SORTS["organisation"]))


def stage_on(day):
    """The development stage a member was at on `day`, from the recorded dates (None before the first).
    A record with no stage dates at all keeps its current stage: old registers often lack them."""
    from django.db.models import Case, CharField, F, Q, Value, When

    from .choices import Stage

    no_dates = Q(applied_on__isnull=True, activist_on__isnull=True, candidate_on__isnull=True,
                 admitted_on__isnull=True, full_on__isnull=True)
    # Never past the current stage: a date recorded beyond it (a stray candidate_on on an activist) is noise.
    order = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]
    reached = {stage: [s.value for s in order[order.index(stage):]] for stage in order}
    return Case(
        When(full_on__lte=day, stage__in=reached[Stage.FULL], then=Value(Stage.FULL.value)),
        When(admitted_on__lte=day, stage__in=reached[Stage.PROBATIONARY], then=Value(Stage.PROBATIONARY.value)),
        When(candidate_on__lte=day, stage__in=reached[Stage.CANDIDATE], then=Value(Stage.CANDIDATE.value)),
        When(activist_on__lte=day, stage__in=reached[Stage.ACTIVIST], then=Value(Stage.ACTIVIST.value)),
        When(applied_on__lte=day, then=Value(Stage.APPLICANT.value)),
        When(no_dates, then=F("stage")),
        default=Value(None), output_field=CharField())


def members_on(day) -> QuerySet[Member]:
    """Who was on the register on `day`, annotated with what was true of them then:

    - `stage_then`: the development stage their dates give for that day (members not yet in the pipeline are
      left out);
    - `organisation_then`: the organisation their relationship sat in (from the organisation periods a
      transfer writes; a member who never moved is in their current organisation);
    - `category_then`: 流动 / 失联 / 出国（境） if such a period covered the day, else None;
    - `retired_then`: retired by then (离退休 with a date on or before the day).

    On the register means: a member with organisation periods had one covering the day (so someone
    transferred in this year is not counted last year, and someone who moved is counted where they were);
    one without periods was still on it (active), or left after that day."""
    from django.db.models import BooleanField, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from .choices import EmploymentStatus, MembershipStatus
    from .models import MemberCategory, MemberOrganisationPeriod

    covering = MemberOrganisationPeriod.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        member=OuterRef("pk"))
    category = MemberCategory.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day,
                                             member=OuterRef("pk")).order_by("-starts_on", "-pk")
    never_moved = ~Exists(MemberOrganisationPeriod.objects.filter(member=OuterRef("pk")))
    on_register = Q(status=MembershipStatus.ACTIVE, left_on__isnull=True) | Q(left_on__gt=day)
    return (Member.objects
            .annotate(period_organisation=Subquery(covering.values("organisation_id")[:1]))
            .filter((never_moved & on_register) | Q(period_organisation__isnull=False))
            .annotate(stage_then=stage_on(day),
                      organisation_then=Coalesce("period_organisation", "organisation_id",
                                                 output_field=IntegerField()),
                      category_then=Subquery(category.values("kind")[:1]),
                      retired_then=ExpressionWrapper(
                          Q(employment_status=EmploymentStatus.RETIRED)
                          & (Q(retired_on__isnull=True) | Q(retired_on__lte=day)), output_field=BooleanField()))
            .exclude(stage_then=None))


# --- the register over time --------------------------------------------------------------------------------

def transfer_list(*, transfers, status: str = "", kind: str = "", year: int | None = None):
    if status:
        transfers = transfers.filter(status=status)
    if kind:
        transfers = transfers.filter(kind=kind)
    if year:
        transfers = transfers.filter(sent_on__year=year)
    return transfers.select_related("member", "from_organisation", "to_organisation").order_by("-sent_on", "-pk")


# The member page's own sections, by the tables they read: most members have none of them.
REGISTER_ROWS = (("members.Transfer", "member"), ("members.MemberOrganisationPeriod", "member"),
                 ("members.MemberCategory", "member"), ("members.Leaving", "member"),
                 ("branches.CommitteePosition", "member"), ("development.DevelopmentRecord", "member"))


def rows_present(member: Member, tables) -> dict[str, bool]:
    """Which of `tables` (("app_label.Model", field naming the member), …) have a row for the member: one plain
    query of EXISTS, whatever their number (an ORM query per table cost ~0.5 ms each to compile and run)."""
    from django.apps import apps
    from django.db import connection

    tables = list(dict.fromkeys(tables))
    if not tables:
        return {}
    quote = connection.ops.quote_name
    clauses = []
    for label, field in tables:
        model = apps.get_model(label)
        clauses.append(f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} "
                       f"WHERE {quote(model._meta.get_field(field).column)} = %s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(clauses), [member.pk] * len(tables))
        found = cursor.fetchone()
    return {label: bool(exists) for (label, _), exists in zip(tables, found)}


def member_register_history(member: Member, present: dict[str, bool] | None = None) -> dict:
    """What the member page shows of the register: transfers, organisation periods, categories, leaving. Only the
    sections `present` (rows_present) says exist are read; without it, one query asks."""
    from django.db.models import F

    from .models import Leaving, MemberCategory, MemberOrganisationPeriod, Transfer

    if present is None:
        present = rows_present(member, REGISTER_ROWS[:4])
    return {
        "transfers": list(Transfer.objects.filter(member=member)
                          .select_related("from_organisation", "to_organisation").order_by("-sent_on", "-pk"))
        if present.get("members.Transfer") else [],
        # The period before the first move has no start: first on every database (PostgreSQL sorts NULLs last).
        "periods": list(MemberOrganisationPeriod.objects.filter(member=member).select_related("organisation")
                        .order_by(F("starts_on").asc(nulls_first=True), "pk"))
        if present.get("members.MemberOrganisationPeriod") else [],
        "categories": list(MemberCategory.objects.filter(member=member).order_by("-starts_on", "-pk"))
        if present.get("members.MemberCategory") else [],
        "leaving": Leaving.objects.filter(member=member).first() if present.get("members.Leaving") else None,
    }


def category_counts(*, members) -> dict:
    """Current members by category: 在职 / 离退休 (employment) and the open 流动 / 失联 / 出国（境） periods."""
    from django.db.models import Count

    from .choices import CategoryKind, EmploymentStatus
    from .models import MemberCategory

    active = members.active()
    employment = dict(active.order_by().values("employment_status").annotate(n=Count("pk"))
                      .values_list("employment_status", "n"))
    open_categories = dict(MemberCategory.objects.filter(member__in=active.values("pk"), ends_on__isnull=True)
                           .order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "employment": [(label, employment.get(value, 0)) for value, label in EmploymentStatus.choices],
        "categories": [(value, label, open_categories.get(value, 0)) for value, label in CategoryKind.choices],
        "total": sum(employment.values()),
    }


def in_party_on(day, prefix: str = ""):
    """A Q: the member's dates make them a party member (probationary or full) on `day` — the same answer as
    ``stage_on(day) in (PROBATIONARY, FULL)``, as a plain condition a join can use. `prefix` reaches the member
    through a relation ("member__")."""
    from django.db.models import Q

    from .choices import Stage

    def q(**lookups):
        return Q(**{prefix + name: value for name, value in lookups.items()})

    party = [Stage.PROBATIONARY, Stage.FULL]
    no_dates = q(applied_on__isnull=True, activist_on__isnull=True, candidate_on__isnull=True,
                 admitted_on__isnull=True, full_on__isnull=True)
    return (q(full_on__lte=day, stage=Stage.FULL) | q(admitted_on__lte=day, stage__in=party)
            | (no_dates & q(stage__in=party)))


def party_members_on(day, *, scope) -> int:
    """How many party members were on the register on `day` in the organisations of `scope` (a pk queryset)."""
    return party_members_on_days([day], scope=scope)[day]


def party_members_on_days(days, *, scope) -> dict:
    """For each day, ``members_on(day).filter(organisation_then__in=scope, stage_then__in=[PROBATIONARY, FULL])
    .count()`` — as two passes whatever the number of days: members who never moved, counted by their
    organisation now, and moved members, by the period covering each day. members_on's two correlated
    subqueries per member took 10 s for a province's register summary; these take a fraction of a second."""
    from django.db.models import Count, Exists, OuterRef, Q

    from .choices import MembershipStatus
    from .models import MemberOrganisationPeriod

    days = list(dict.fromkeys(days))
    periods = MemberOrganisationPeriod.objects
    never_moved = (Member.objects.filter(~Exists(periods.filter(member=OuterRef("pk"))), organisation__in=scope)
                   .aggregate(**{f"d{i}": Count("pk", filter=in_party_on(day) & (
                       Q(status=MembershipStatus.ACTIVE, left_on__isnull=True) | Q(left_on__gt=day)))
                       for i, day in enumerate(days)}))
    moved = (periods.filter(organisation__in=scope)
             .aggregate(**{f"d{i}": Count("member_id", distinct=True, filter=in_party_on(day, prefix="member__") & (
                 Q(starts_on__isnull=True) | Q(starts_on__lte=day)) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day)))
                 for i, day in enumerate(days)}))
    return {day: never_moved[f"d{i}"] + moved[f"d{i}"] for i, day in enumerate(days)}


def register_year(*, organisations, year: int, counted: dict | None = None) -> dict:
    """The register's movement in a year over the given organisations (and those below them): on the register
    at the start and the end (by `members_on`), transfers in and out (within the system counted on both
    sides when the other side is outside the scope) and leavings by kind. A fixed number of queries."""
    import datetime as dt

    from django.db.models import Count, Q

    from .choices import LeavingKind, TransferKind, TransferStatus
    from .models import Leaving, Transfer

    scope = Organisation.objects.subtree_of(organisations).values("pk")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counted = {} if counted is None else counted  # day → count: one year's end is the next one's start

    def on_register(day):
        if day not in counted:
            counted[day] = party_members_on(day, scope=scope)
        return counted[day]

    moved = Transfer.objects.filter(status=TransferStatus.ACCEPTED, accepted_on__year=year)
    within = moved.filter(kind=TransferKind.WITHIN)
    came = Q(to_organisation__in=scope) & ~Q(from_organisation__in=scope)
    went = Q(from_organisation__in=scope) & ~Q(to_organisation__in=scope)
    out = Transfer.objects.filter(kind=TransferKind.OUT, sent_on__year=year, from_organisation__in=scope) \
        .exclude(status=TransferStatus.CANCELLED)
    leavings = dict(Leaving.objects.filter(left_on__year=year, member__organisation__in=scope).order_by()
                    .values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "year": year,
        "at_start": on_register(start - dt.timedelta(days=1)),
        "at_end": on_register(end),
        "in_within": within.filter(came).count(),
        "in_outside": moved.filter(kind=TransferKind.IN, to_organisation__in=scope).count(),
        "out_within": within.filter(went).count(),
        "out_outside": out.count(),
        "leavings": [(label, leavings.get(value, 0)) for value, label in LeavingKind.choices],
        "left_total": sum(leavings.values()),
    }


def register_years(*, organisations, years: list[int]) -> list[dict]:
    import datetime as dt

    # Every year's start and end counted in one pass: one year's end is the next one's start.
    scope = Organisation.objects.subtree_of(organisations).values("pk")
    counted = party_members_on_days([dt.date(year - 1, 12, 31) for year in years]
                                    + [dt.date(year, 12, 31) for year in years], scope=scope)
    return [register_year(organisations=organisations, year=year, counted=counted) for year in years]
