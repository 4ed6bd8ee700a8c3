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
    """Who was on the register on `day`, annotated with `stage_then`: still on it (active), or left after
    that day; and already in the pipeline then."""
    from django.db.models import Q

    from .choices import MembershipStatus

    on_register = Q(status=MembershipStatus.ACTIVE, left_on__isnull=True) | Q(left_on__gt=day)
    return Member.objects.filter(on_register).annotate(stage_then=stage_on(day)).exclude(stage_then=None)
