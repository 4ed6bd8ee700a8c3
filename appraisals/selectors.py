"""Reads: the completion of the year's appraisals per organisation, and grade counts for the yearly report."""

from django.db.models import Count, Q, QuerySet

from branches.choices import OrganisationStatus
from branches.models import Organisation
from members.models import Member

from .choices import AppraisalStatus, Grade
from .models import Appraisal, AppraisalEntry


def organisations_to_appraise(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Active organisations with party members of their own (the ones that hold an appraisal)."""
    return organisations.filter(status=OrganisationStatus.ACTIVE,
                                pk__in=Member.objects.party_members().values("organisation_id"))


def appraisals_by_organisation(organisation_ids: list[int], year: int) -> dict[int, dict]:
    """Organisation pk → its appraisal of the year with its counts (one grouped query)."""
    rows = (Appraisal.objects.filter(organisation_id__in=organisation_ids, year=year).values("pk", "organisation_id",
                                                                                            "status")
            .annotate(total=Count("entries"), graded=Count("entries", filter=Q(entries__graded=True)),
                      done=Count("entries", filter=~Q(entries__grade="")),
                      **{g.lower(): Count("entries", filter=Q(entries__grade=g)) for g in Grade.values}))
    return {row["organisation_id"]: {**row, "status_label": AppraisalStatus(row["status"]).label} for row in rows}


def completion(organisations: QuerySet[Organisation], year: int, *, due_count: int | None = None) -> dict[str, int]:
    """How many of the organisations that should hold an appraisal have started, submitted and had it confirmed.
    `due_count`: how many should, when the caller has counted them already (a paginator over the same rows)."""
    due = organisations_to_appraise(organisations)
    counts = dict(Appraisal.objects.filter(organisation__in=due.values("pk"), year=year).order_by()
                  .values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {"due": due.count() if due_count is None else due_count, "started": sum(counts.values()),
            "submitted": counts.get(AppraisalStatus.SUBMITTED, 0) + counts.get(AppraisalStatus.CONFIRMED, 0),
            "confirmed": counts.get(AppraisalStatus.CONFIRMED, 0)}


def grade_counts(*, year: int, organisations: QuerySet[Organisation] | None = None) -> dict[str, int]:
    """The year's grades (submitted or confirmed appraisals), for the yearly report: each grade, the members
    graded and the probationary members who took part ungraded."""
    entries = AppraisalEntry.objects.filter(appraisal__year=year, appraisal__status__in=[
        AppraisalStatus.SUBMITTED, AppraisalStatus.CONFIRMED])
    if organisations is not None:
        entries = entries.filter(appraisal__organisation__in=organisations.values("pk"))
    totals = entries.aggregate(
        n_graded=Count("pk", filter=Q(graded=True)), n_ungraded=Count("pk", filter=Q(graded=False)),
        n_appraisals=Count("appraisal", distinct=True),
        **{f"n_{g}": Count("pk", filter=Q(grade=g)) for g in Grade.values})
    return {key.removeprefix("n_"): value or 0 for key, value in totals.items()}
