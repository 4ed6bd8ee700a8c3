"""Reads and totals for honours. Every total is an aggregate query: the number of queries does not depend on the
amount of data. `organisations` is a queryset of organisations in scope (from the access module); None means the
whole city."""

from django.db.models import Count, Q, QuerySet

from branches import access
from branches.models import Organisation

from .choices import Level, SelectionStatus, SelectionSubject
from .models import Brand, Commendation, SelectionEntry, StarRating


def in_scope(organisations) -> Q:
    """An honour of an organisation in scope, or of a member of one."""
    return Q(organisation__in=organisations) | Q(member__organisation__in=organisations)


MEMBER_ROWS = (("honours.Commendation", "member"), ("honours.StarRating", "member"))


def member_honours(member, present: dict[str, bool] | None = None) -> dict:
    """What a member's page shows: commendations, newest first, and stars over the years (only the tables
    `present` says have rows for the member are read; None: both)."""
    def has(label: str) -> bool:
        return present is None or present.get(label, True)

    return {
        "commendations": list(member.commendations.select_related("title").order_by("-year", "pk"))
        if has("honours.Commendation") else [],
        "star_ratings": list(StarRating.objects.filter(member=member).order_by("-year"))
        if has("honours.StarRating") else [],
    }


def organisation_honours(organisation) -> dict:
    """What an organisation's page shows: its commendations and its brands with their top-ten ranks."""
    return {
        "commendations": list(organisation.commendations.select_related("title").order_by("-year", "pk")),
        "brands": list(brands_with_badges().filter(organisation=organisation)),
    }


def _top_ten(subject: str):
    return SelectionEntry.objects.filter(selection__subject=subject, selection__status=SelectionStatus.DECIDED,
                                         rank__isnull=False)


def brands_with_badges() -> QuerySet[Brand]:
    """Brands annotated with `top_ten_count`: how many decided selections ranked them in the ten."""
    return (Brand.objects.select_related("organisation")
            .annotate(top_ten_count=Count("selection_entries", filter=Q(
                selection_entries__rank__isnull=False,
                selection_entries__selection__status=SelectionStatus.DECIDED)))
            .prefetch_related("photos"))


def top_ten_years_by_brand(brand_ids) -> dict[int, list[int]]:
    """brand id → the years it was in the top ten (one query)."""
    years: dict[int, list[int]] = {}
    for brand_id, year in (_top_ten(SelectionSubject.BRAND).filter(brand_id__in=brand_ids)
                           .values_list("brand_id", "selection__year").order_by("selection__year")):
        years.setdefault(brand_id, []).append(year)
    return years


def honours_figures(*, year: int | None = None, organisations=None) -> dict:
    """The figures the yearly report shows for honours, in a fixed number of queries.

    - commendations_by_level: {level label: n}; commendations_by_year: {year: n}; by_level_and_year:
      {(year, level label): n}; commendations_by_title: {title: n}; commendations_total
    - advanced_models: commendations under a title counted as 先进典型
    - brands_total, brands_by_year: {year: n}; top_ten_brands_by_year: {year: [brand names by rank]}
    - top_ten_lectures_by_year: {year: [lecture titles by rank]}
    `year` limits everything to that year; `organisations` to those organisations (and their members)."""
    commendations = Commendation.objects.all()
    brands = Brand.objects.all()
    brand_entries = _top_ten(SelectionSubject.BRAND)
    lecture_entries = _top_ten(SelectionSubject.OPEN_LECTURE)
    if year is not None:
        commendations = commendations.filter(year=year)
        brands = brands.filter(year=year)
        brand_entries = brand_entries.filter(selection__year=year)
        lecture_entries = lecture_entries.filter(selection__year=year)
    if organisations is not None:
        commendations = commendations.filter(in_scope(organisations))
        brands = brands.filter(organisation__in=organisations)
        brand_entries = brand_entries.filter(brand__organisation__in=organisations)
        lecture_entries = lecture_entries.filter(activity__organisation__in=organisations)

    labels = dict(Level.choices)
    by_level, by_year, by_level_and_year = {label: 0 for label in labels.values()}, {}, {}
    for row in commendations.order_by().values("year", "level").annotate(n=Count("pk")):
        label = labels[row["level"]]
        by_level[label] += row["n"]
        by_year[row["year"]] = by_year.get(row["year"], 0) + row["n"]
        by_level_and_year[(row["year"], label)] = row["n"]
    by_title, advanced = {}, 0
    for row in (commendations.order_by().values("title__name", "title__is_advanced_model")
                .annotate(n=Count("pk")).order_by("title__name")):
        by_title[row["title__name"]] = by_title.get(row["title__name"], 0) + row["n"]
        advanced += row["n"] if row["title__is_advanced_model"] else 0
    brands_by_year = dict(brands.order_by().values("year").annotate(n=Count("pk")).values_list("year", "n"))
    top_brands: dict[int, list[str]] = {}
    for entry_year, name in brand_entries.order_by("selection__year", "rank").values_list("selection__year",
                                                                                        "brand__name"):
        top_brands.setdefault(entry_year, []).append(name)
    top_lectures: dict[int, list[str]] = {}
    for entry_year, title in lecture_entries.order_by("selection__year", "rank").values_list("selection__year",
                                                                                           "activity__title"):
        top_lectures.setdefault(entry_year, []).append(title)
    return {
        "commendations_total": sum(by_year.values()),
        "commendations_by_level": by_level,
        "commendations_by_year": dict(sorted(by_year.items())),
        "commendations_by_level_and_year": by_level_and_year,
        "commendations_by_title": by_title,
        "advanced_models": advanced,
        "brands_total": sum(brands_by_year.values()),
        "brands_by_year": dict(sorted(brands_by_year.items())),
        "top_ten_brands_by_year": top_brands,
        "top_ten_lectures_by_year": top_lectures,
    }


def organisation_choices_for(user) -> QuerySet[Organisation]:
    return access.organisations_managed_by(user).active().select_related("unit")
