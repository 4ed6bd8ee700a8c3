"""Re-election (换届) tracking: every organisation's current term, what is due or overdue, the on-time rate,
and recording a re-election.

"Current term" is an organisation's latest term by start date, read with a subquery so a list of any length
costs one query. An organisation is expected to hold elections when a term-length rule exists for its kind
(`rules.TermLength`): the rule table, not this module, decides which kinds elect.

"On time" (DOMAIN.md, 《中国共产党基层组织选举工作条例》) = the new term was elected no later than the day the old
term ends. A term's `ends_on` stays the statutory end even after an early re-election, which is what lets the
rate be computed from the terms alone.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from branches.choices import OrganisationStatus, Position
from branches.models import CommitteePosition, Organisation, Term
from members.choices import MembershipStatus, Stage
from members.models import Member
from rules.models import TermLength, Threshold, ThresholdCode


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- reads ----------------------------------------------------------------------------------------

def electing(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The active organisations among these whose kind has a term-length rule (so holds elections)."""
    return organisations.filter(status=OrganisationStatus.ACTIVE,
                                kind__in=TermLength.objects.values("organisation_kind"))


def with_current_term(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate each organisation with its latest term: term_pk, term_number, term_elected_on, term_starts_on,
    term_ends_on (all None when no term is recorded). Subqueries, so still one query however many rows."""
    latest = Term.objects.filter(organisation=OuterRef("pk")).order_by("-starts_on", "-pk")
    return organisations.annotate(**{
        f"term_{name}": Subquery(latest.values(name)[:1])
        for name in ("pk", "number", "elected_on", "starts_on", "ends_on")
    })


def warning_months(on: dt.date | None = None) -> int:
    return Threshold.value_of(ThresholdCode.REELECTION_WARNING_MONTHS, on)


@dataclass(frozen=True)
class TermWindow:
    today: dt.date
    months: int

    @property
    def due_until(self) -> dt.date:
        return self.today + relativedelta(months=self.months)

    @property
    def overdue(self) -> Q:
        return Q(term_ends_on__lt=self.today)

    @property
    def due(self) -> Q:
        return Q(term_ends_on__gte=self.today, term_ends_on__lte=self.due_until)

    @property
    def missing(self) -> Q:
        return Q(term_ends_on__isnull=True)


def term_window(today: dt.date | None = None) -> TermWindow:
    today = today or timezone.localdate()
    return TermWindow(today=today, months=warning_months(today))


def term_status(*, organisations: QuerySet[Organisation], window: TermWindow) -> QuerySet[Organisation]:
    """Electing organisations with their current term, soonest end first (no term recorded first of all)."""
    return with_current_term(electing(organisations)).order_by(F("term_ends_on").asc(nulls_first=True), "path")


def overdue_terms(*, organisations: QuerySet[Organisation], window: TermWindow) -> QuerySet[Organisation]:
    """Current terms that have run out without a new election (ends_on before today)."""
    return term_status(organisations=organisations, window=window).filter(window.overdue)


def due_terms(*, organisations: QuerySet[Organisation], window: TermWindow) -> QuerySet[Organisation]:
    """Current terms ending between today and today + the warning months (inclusive)."""
    return term_status(organisations=organisations, window=window).filter(window.due)


def term_counts(*, organisations: QuerySet[Organisation], window: TermWindow) -> dict[str, int]:
    """{"total", "overdue", "due", "missing"} over the electing organisations, in one query."""
    return with_current_term(electing(organisations)).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=window.overdue),
        due=Count("pk", filter=window.due),
        missing=Count("pk", filter=window.missing),
    )


def on_time_rate(*, year: int, organisations: QuerySet[Organisation] | Iterable[Organisation] | None = None,
                 today: dt.date | None = None) -> dict:
    """The year's on-time re-election rate (按期换届率), in one query.

    Counts the terms whose `ends_on` falls in `year` and that have come due: the term has ended (before today)
    or a new term was already elected by today. A term still running with no successor is not decided yet and is left
    out, so a year in progress is not dragged down by re-elections whose time has not come. Terms of
    organisations dissolved on or before the term's end owe no re-election and are left out too.

    Returns {"due": terms counted, "on_time": those followed by a term elected on or before the old term's end,
    "rate": on_time / due as a percentage rounded to one decimal (100.0), or None when nothing was due} — the
    same shape of rate as `oversight.reviews.pass_rate`. `organisations` limits it (queryset or list).
    """
    today = today or timezone.localdate()
    terms = Term.objects.filter(ends_on__year=year).exclude(organisation__dissolved_on__lte=F("ends_on"))
    if organisations is not None:
        terms = terms.filter(organisation__in=organisations)
    # Successors known as of `today` (so a past date gives the picture as it was then).
    successors = Term.objects.filter(organisation=OuterRef("organisation"), starts_on__gt=OuterRef("starts_on"),
                                     elected_on__lte=today)
    counts = terms.annotate(
        succeeded=Exists(successors),
        on_time=Exists(successors.filter(elected_on__lte=OuterRef("ends_on"))),
    ).aggregate(
        due=Count("pk", filter=Q(ends_on__lt=today) | Q(succeeded=True)),
        on_time_count=Count("pk", filter=Q(on_time=True)),
    )
    due, on_time = counts["due"], counts["on_time_count"]
    return {"due": due, "on_time": on_time, "rate": round(on_time * 100 / due, 1) if due else None}


def current_term(organisation: Organisation) -> Term | None:
    return organisation.terms.order_by("-starts_on", "-pk").first()


def committee_candidates(organisation: Organisation) -> QuerySet[Member]:
    """Who may be elected to the committee: the organisation's full members (预备党员 have no right to stand)."""
    return Member.objects.filter(organisation=organisation, status=MembershipStatus.ACTIVE,
                                 stage=Stage.FULL).order_by("name", "pk")


# --- writes ---------------------------------------------------------------------------------------

def _committee_seats(*, secretary, deputy_secretary, members) -> list[tuple[Member, str]]:
    """(member, position) for the new committee; a person gets one seat, the highest named."""
    seats, seen = [], set()
    for member, position in ([(secretary, Position.SECRETARY), (deputy_secretary, Position.DEPUTY_SECRETARY)]
                             + [(m, Position.MEMBER) for m in members]):
        if member is not None and member.pk not in seen:
            seen.add(member.pk)
            seats.append((member, position))
    return seats


def _end_positions(*, organisation: Organisation, before: dt.date, reason: str) -> int:
    """End the seats still open on the day before `before`. They end the day before the new term starts, so
    that on the handover day `CommitteePosition.objects.current()` shows only the new committee."""
    last_day = before - dt.timedelta(days=1)
    open_seats = (CommitteePosition.objects.select_for_update()
                  .filter(organisation=organisation, starts_on__lte=last_day)
                  .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=last_day)))
    ended = 0
    for seat in open_seats:  # a handful of rows; saved one by one so their history records the change
        seat.ends_on = last_day
        seat._change_reason = reason
        seat.full_clean()
        seat.save()
        ended += 1
    return ended


@transaction.atomic
def election_record(*, organisation: Organisation, by, elected_on: dt.date, starts_on: dt.date | None = None,
                    number: int | None = None, ends_on: dt.date | None = None, secretary: Member | None = None,
                    deputy_secretary: Member | None = None, members: Iterable[Member] = (),
                    today: dt.date | None = None) -> Term:
    """Record a re-election: start the new term and, if a committee is given, seat it and end the old seats.

    Defaults: the term starts on the election day; its number is the previous one plus one; its end comes from
    the term-length rule (`Term.clean`). Without a committee the current seats are left as they are (they can
    be changed later on the organisation's page). Raises ValidationError keyed by field.
    """
    today = today or timezone.localdate()
    # One re-election at a time per organisation: the second of two simultaneous submissions sees the first.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    previous = current_term(organisation)
    starts_on = starts_on or elected_on
    errors: dict[str, str] = {}
    if elected_on > today:
        errors["elected_on"] = "选举日期不能晚于今天。"
    elif previous is not None and elected_on < previous.starts_on:
        errors["elected_on"] = f"选举日期不能早于本届任期开始日期（{_date_text(previous.starts_on)}）。"
    if starts_on < elected_on:
        errors["starts_on"] = "任期开始日期不能早于选举日期。"
    elif previous is not None and starts_on <= previous.starts_on:
        errors["starts_on"] = f"新一届任期须在本届任期开始（{_date_text(previous.starts_on)}）之后开始。"
    if ends_on is not None and ends_on <= starts_on:
        errors["ends_on"] = "任期届满日期须晚于任期开始日期。"
    seats = _committee_seats(secretary=secretary, deputy_secretary=deputy_secretary, members=members)
    outsiders = [member.name for member, _ in seats if member.organisation_id != organisation.pk]
    if outsiders:
        errors["members"] = f"{'、'.join(outsiders)} 不是本组织党员，不能当选委员。"
    if errors:
        raise ValidationError(errors)

    if number is None and previous is not None and previous.number:
        number = previous.number + 1
    elif number is None and previous is None:
        number = 1
    term = Term(organisation=organisation, number=number, elected_on=elected_on, starts_on=starts_on,
                ends_on=ends_on)
    term.full_clean()  # fills ends_on from the rules; checks the end is after the start and the start unique
    term._change_reason = "换届选举"
    term.save()

    if seats:
        _end_positions(organisation=organisation, before=starts_on, reason="换届，原班子任期结束")
        for member, position in seats:
            seat = CommitteePosition(organisation=organisation, member=member, position=position, term=term,
                                     starts_on=starts_on)
            seat._change_reason = "换届选举"
            seat.full_clean()
            seat.save()
    return term
