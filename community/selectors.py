"""Reads and totals for co-building, community reporting, open lectures and campaigns.

Every total is an aggregate query: the number of queries does not depend on the amount of data.
`organisations` arguments are querysets of the organisations in scope (the access module gives them);
None means the whole city."""

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from activities.choices import ActivityKind, ActivityStatus, AttendanceStatus
from activities.models import Activity, Attendance
from branches.choices import OrganisationKind
from branches.models import Organisation
from branches.versions import SUMMARY_SECONDS
from core.cache import PackedRows, current_version
from members.choices import EmploymentStatus
from members.models import Member

from .choices import Reporter
from .models import (
    Campaign,
    CampaignBranch,
    CoBuildingAgreement,
    CommunityReport,
    Donation,
    JointProject,
    ServiceRecord,
)

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
HOURS = DecimalField(max_digits=10, decimal_places=1)


def _in_scope(queryset: QuerySet, organisations, field_name: str) -> QuerySet:
    return queryset if organisations is None else queryset.filter(**{f"{field_name}__in": organisations})


# --- open party school ---------------------------------------------------------------------------

def _present_count():
    return Subquery(Attendance.objects.filter(activity=OuterRef("pk"), status=AttendanceStatus.PRESENT)
                    .order_by().values("activity").annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def _participants():
    """The recorded participant count (群众 included) when set, else the members and guests checked in."""
    return Coalesce("participant_count", _present_count(), Value(0))


def _lectures(*, year: int | None, organisations) -> QuerySet[Activity]:
    lectures = (Activity.objects.filter(kind=ActivityKind.OPEN_LECTURE, is_open=True)
                .exclude(status=ActivityStatus.CANCELLED))
    if year is not None:
        lectures = lectures.filter(planned_start__year=year)
    return _in_scope(lectures, organisations, "organisation")


def open_lectures(*, year: int | None = None, organisations=None) -> QuerySet[Activity]:
    """Open lectures (not cancelled), newest first, each with `participants`."""
    return (_lectures(year=year, organisations=organisations).annotate(participants=_participants())
            .select_related("organisation").order_by("-planned_start", "-pk"))


def open_lecture_years() -> list[int]:
    return [d.year for d in Activity.objects.filter(kind=ActivityKind.OPEN_LECTURE, is_open=True)
            .dates("planned_start", "year", order="DESC")]


@dataclass(frozen=True)
class LectureTotals:
    lectures: int
    participants: int


def open_lecture_totals(*, year: int, organisations=None) -> LectureTotals:
    """Lectures held in the year and their participant-visits (人次), in one query."""
    held = _lectures(year=year, organisations=organisations).filter(status=ActivityStatus.HELD)
    # The expression is summed directly: summing an annotation of a subquery loses it on SQLite.
    totals = held.order_by().aggregate(lectures=Count("pk"), participants=Sum(_participants()))
    return LectureTotals(lectures=totals["lectures"], participants=totals["participants"] or 0)


# --- co-building --------------------------------------------------------------------------------------

def affiliated_organisations() -> QuerySet[Organisation]:
    """The working committee's directly affiliated organisations (所属党组织: the children of the root)."""
    return Organisation.objects.active().filter(depth=1).exclude(kind=OrganisationKind.TEMPORARY_BRANCH)


@dataclass(frozen=True)
class AgreementCoverage:
    organisations: int  # organisations in scope
    with_agreement: int


def agreement_coverage(*, organisations=None) -> AgreementCoverage:
    """How many of the organisations (default: the affiliated ones) have signed at least one agreement."""
    scope = affiliated_organisations() if organisations is None else organisations
    has = CoBuildingAgreement.objects.filter(organisation=OuterRef("pk"))
    totals = scope.order_by().aggregate(organisations=Count("pk"), with_agreement=Count("pk", filter=Exists(has)))
    return AgreementCoverage(**totals)


def agreements_of(organisations=None) -> QuerySet[CoBuildingAgreement]:
    """Not annotated: page it first, then `with_project_counts` counts the projects of the page's rows (counting
    before the LIMIT grouped every agreement of a province with its projects, and so did the paginator)."""
    return (_in_scope(CoBuildingAgreement.objects.all(), organisations, "organisation")
            .select_related("organisation").order_by("organisation__path", "-signed_on", "pk"))


def with_project_counts(agreements) -> list[CoBuildingAgreement]:
    """The agreements, each with `project_count`, in one grouped query."""
    agreements = list(agreements)
    counts = dict(JointProject.objects.filter(agreement__in=[a.pk for a in agreements]).order_by()
                  .values("agreement").annotate(n=Count("pk")).values_list("agreement", "n"))
    for agreement in agreements:
        agreement.project_count = counts.get(agreement.pk, 0)
    return agreements


# --- community reporting ------------------------------------------------------------------------------

def serving_members(organisations=None) -> QuerySet[Member]:
    """Serving (在职) party members: the ones expected to report to their residential community."""
    members = Member.objects.party_members().filter(employment_status=EmploymentStatus.SERVING)
    return _in_scope(members, organisations, "organisation")


def member_reports(year: int) -> QuerySet[CommunityReport]:
    return CommunityReport.objects.filter(reported_on__year=year, reporter_type__reporter=Reporter.MEMBER)


def non_reporters(*, organisations=None, year: int) -> QuerySet[Member]:
    """Serving members of the organisations without a report in the year (an anti-join on the report's
    (member, type, year) index: the year's reports are not all read to be hashed first)."""
    return (serving_members(organisations).exclude(_has_reported(year))
            .select_related("organisation").order_by("organisation__path", "name", "pk"))


def _has_reported(year: int) -> Exists:
    return Exists(member_reports(year).filter(member=OuterRef("pk")))


@dataclass
class ReportingRow:
    organisation_id: int
    name: str
    path: str
    serving: int = 0
    reported: int = 0
    served: int = 0
    hours: Decimal = ZERO


@dataclass
class ReportingTotals:
    serving: int = 0
    reported: int = 0
    served: int = 0
    hours: Decimal = ZERO
    # Serving members without a report in the year (non_reporters' count), and the reports of the year the
    # community has not confirmed yet (unconfirmed_reports' count): counted with the rest.
    unreported: int = 0
    unconfirmed: int = 0
    rows: Sequence[ReportingRow] = field(default_factory=list)


def _services_in(year: int):
    return ServiceRecord.objects.filter(served_on__year=year)


def reporting_totals(*, organisations=None, year: int, by_organisation: bool = True) -> ReportingTotals:
    """Serving members (and those of them without a report), members reported, members who served and service
    hours in the year, by the member's organisation (three grouped queries, plus one for the names)."""
    serving = (serving_members(organisations).order_by().values("organisation_id")
               .annotate(n=Count("pk"), unreported=Count("pk", filter=~_has_reported(year))))
    reported = (_in_scope(member_reports(year), organisations, "member__organisation").order_by()
                .values("member__organisation_id")
                .annotate(n=Count("member", distinct=True),
                          unconfirmed=Count("pk", filter=Q(confirmed_by_community=False))))
    services = (_in_scope(_services_in(year), organisations, "report__member__organisation").order_by()
                .values("report__member__organisation_id")
                .annotate(n=Count("report__member", distinct=True), hours=Sum("hours")))
    rows: dict[int, ReportingRow] = {}
    serving_rows, reported_rows, service_rows = list(serving), list(reported), list(services)
    ids = ({r["organisation_id"] for r in serving_rows} | {r["member__organisation_id"] for r in reported_rows}
           | {r["report__member__organisation_id"] for r in service_rows})
    if by_organisation:
        names = Organisation.objects.filter(pk__in=ids).values_list("pk", "name", "short_name", "path")
        rows = {pk: ReportingRow(pk, short or name, path) for pk, name, short, path in names}
    totals = ReportingTotals()
    for r in serving_rows:
        totals.serving += r["n"]
        totals.unreported += r["unreported"]
        if r["organisation_id"] in rows:
            rows[r["organisation_id"]].serving = r["n"]
    for r in reported_rows:
        totals.reported += r["n"]
        totals.unconfirmed += r["unconfirmed"]
        if r["member__organisation_id"] in rows:
            rows[r["member__organisation_id"]].reported = r["n"]
    for r in service_rows:
        totals.served += r["n"]
        totals.hours += r["hours"] or ZERO
        if r["report__member__organisation_id"] in rows:
            row = rows[r["report__member__organisation_id"]]
            row.served, row.hours = r["n"], r["hours"] or ZERO
    # Kept in the cache as tuples (an admin's page reads a province's rows back on every view).
    totals.rows = PackedRows(_reporting_row, [(*astuple(row)[:-1], str(row.hours))
                                              for row in sorted(rows.values(), key=lambda row: row.path)])
    return totals


def _reporting_row(*fields) -> ReportingRow:
    """A packed row made again. Its hours are packed as text: a Decimal unpickles through a Python call (a
    province's 15,000 rows: 4 ms of every read of the totals)."""
    return ReportingRow(*fields[:-1], Decimal(fields[-1]))


def unconfirmed_reports(*, organisations=None, year: int) -> QuerySet[CommunityReport]:
    """Reports of the year the community has not confirmed yet, of members of the organisations."""
    return (_in_scope(member_reports(year).filter(confirmed_by_community=False), organisations, "member__organisation")
            .select_related("member", "member__organisation").order_by("reported_on", "pk"))


def reports_of(member: Member) -> QuerySet[CommunityReport]:
    return (CommunityReport.objects.filter(member=member).select_related("reporter_type")
            .annotate(service_count=Count("services"),
                      service_hours=Coalesce(Sum("services__hours"), Value(ZERO), output_field=HOURS))
            .order_by("-reported_on", "-pk"))


# --- campaigns ------------------------------------------------------------------------------------------

def campaigns_with_totals() -> QuerySet[Campaign]:
    """Campaigns, newest first, each with `branch_count`; `with_donation_totals` adds what was donated."""
    branches = (CampaignBranch.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
                .annotate(n=Count("pk")).values("n"))
    return Campaign.objects.annotate(
        branch_count=Coalesce(Subquery(branches, output_field=IntegerField()), Value(0)),
    ).order_by("-starts_on", "pk")


def with_donation_totals(campaigns: Iterable[Campaign]) -> list[Campaign]:
    """The campaigns, each with `donated` (the sum) and `donation_count`. Summing a campaign's donations reads every
    one of them (a city's: 4,250 a campaign, 1 ms each sum, on every view of the list), so each campaign's totals
    are kept in the cache under its donations' version, which every donation written or removed moves on
    (community.signals); the campaigns not kept are summed in one grouped query."""
    campaigns = list(campaigns)
    version_keys = [donations_version_key(campaign.pk) for campaign in campaigns]
    versions = cache.get_many(version_keys)
    keys = {campaign.pk: f"{key}:{versions.get(key) or current_version(key)}:totals"
            for campaign, key in zip(campaigns, version_keys)}
    kept = cache.get_many(list(keys.values()))
    totals = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [pk for pk in keys if pk not in totals]
    if missing:
        summed = {pk: (total or ZERO, n) for pk, total, n in Donation.objects.filter(campaign__in=missing).order_by()
                  .values("campaign").annotate(total=Sum("amount"), n=Count("pk"))
                  .values_list("campaign", "total", "n")}
        fresh = {pk: summed.get(pk, (ZERO, 0)) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, SUMMARY_SECONDS)
        totals.update(fresh)
    for campaign in campaigns:
        campaign.donated, campaign.donation_count = totals[campaign.pk]
    return campaigns


@dataclass(frozen=True)
class DonationByOrganisation:
    organisation_id: int
    name: str
    total: Decimal
    count: int


def donations_version_key(campaign_id) -> str:
    return f"community:donations:{campaign_id}"


def donations_by_organisation(*, campaign: Campaign, organisations=None) -> Sequence[DonationByOrganisation]:
    """A campaign's donations counted in the donating organisation, or the donating member's organisation.

    Every page of the campaign shows the same ranking, over thousands of donations at province scale (joining
    them to their members: 100 ms): kept in the cache under a version that every donation written or removed
    moves on (community.signals), for at most SUMMARY_SECONDS (a donor's transfer to another organisation shows
    within that)."""
    if organisations is not None:
        return _donations_by_organisation(campaign=campaign, organisations=organisations)
    version_key = donations_version_key(campaign.pk)
    key = f"{version_key}:{current_version(version_key)}:tuples"
    rows = cache.get(key)
    if rows is None:
        # Kept as plain tuples: thousands of dataclasses take six times as long to unpickle.
        rows = [(row.organisation_id, row.name, row.total, row.count)
                for row in _donations_by_organisation(campaign=campaign)]
        cache.set(key, rows, SUMMARY_SECONDS)
    return PackedRows(DonationByOrganisation, rows)


def _donations_by_organisation(*, campaign: Campaign, organisations=None) -> list[DonationByOrganisation]:
    """One grouped query and one for the names."""
    donations = Donation.objects.filter(campaign=campaign).annotate(
        counted_in=Coalesce("organisation_id", "member__organisation_id"))
    if organisations is not None:
        donations = donations.filter(counted_in__in=organisations.values("pk"))
    rows = list(donations.order_by().values("counted_in").annotate(total=Sum("amount"), count=Count("pk")))
    names = dict(Organisation.objects.filter(pk__in=[r["counted_in"] for r in rows])
                 .values_list("pk", "name"))
    result = [DonationByOrganisation(r["counted_in"], names.get(r["counted_in"], ""), r["total"], r["count"])
              for r in rows]
    return sorted(result, key=lambda d: (-d.total, d.name))


def temporary_branches_of(campaign: Campaign) -> QuerySet[CampaignBranch]:
    return (CampaignBranch.objects.filter(campaign=campaign)
            .select_related("organisation", "organisation__parent").order_by("organisation__established_on", "pk"))


# --- the yearly report ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignFigure:
    campaign_id: int
    name: str
    total: Decimal


@dataclass(frozen=True)
class CommunityFigures:
    year: int
    open_lectures: int
    lecture_participants: int
    organisations_with_agreement: int
    members_reported: int
    volunteers: int
    volunteer_hours: Decimal
    donations_total: Decimal
    donations_by_campaign: list[CampaignFigure]
    temporary_branches: int


def community_figures(*, year: int, organisations=None) -> CommunityFigures:
    """What the yearly report (issue 7) needs from this app, for the city (organisations=None) or for a
    queryset of organisations (the caller passes the whole subtree it wants counted). Constant query count.

    - open lectures held in the year hosted in scope, and their participant-visits;
    - organisations in scope with a co-building agreement signed up to the end of the year;
    - members (of organisations in scope) who reported to a community in the year; those who served (volunteers)
      and their hours;
    - donations made in the year (a member's counted in their organisation), in total and by campaign;
    - temporary branches set up in the year (below organisations in scope)."""
    lectures = open_lecture_totals(year=year, organisations=organisations)
    agreements = _in_scope(CoBuildingAgreement.objects.filter(signed_on__year__lte=year), organisations,
                           "organisation")
    with_agreement = agreements.order_by().aggregate(n=Count("organisation", distinct=True))["n"]
    reported = _in_scope(member_reports(year), organisations, "member__organisation").order_by().aggregate(
        n=Count("member", distinct=True))["n"]
    services = _in_scope(_services_in(year), organisations, "report__member__organisation").order_by().aggregate(
        volunteers=Count("report__member", distinct=True), hours=Sum("hours"))
    donations = Donation.objects.filter(donated_on__year=year)
    if organisations is not None:
        scope = organisations.values("pk")
        donations = donations.filter(Q(organisation__in=scope) | Q(member__organisation__in=scope))
    by_campaign = list(donations.order_by().values("campaign_id", "campaign__name", "campaign__starts_on")
                       .annotate(total=Sum("amount")).order_by("campaign__starts_on", "campaign_id"))
    branches = CampaignBranch.objects.filter(organisation__established_on__year=year)
    if organisations is not None:
        branches = branches.filter(organisation__parent__in=organisations.values("pk"))
    return CommunityFigures(
        year=year,
        open_lectures=lectures.lectures,
        lecture_participants=lectures.participants,
        organisations_with_agreement=with_agreement,
        members_reported=reported,
        volunteers=services["volunteers"],
        volunteer_hours=services["hours"] or ZERO,
        donations_total=sum((row["total"] for row in by_campaign), ZERO),
        donations_by_campaign=[CampaignFigure(row["campaign_id"], row["campaign__name"], row["total"])
                               for row in by_campaign],
        temporary_branches=branches.count(),
    )
