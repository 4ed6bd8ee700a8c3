"""争创红旗党支部、争当五星党员: a secretary rates the members of one organisation for a year (a form per member);
an admin confirms ratings. A confirmed rating is final."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_error
from core.paging import chosen_year
from honours import access

from .. import services
from ..choices import RatingStatus, Subject
from ..forms import RedFlagForm, StarRatingForm
from ..models import RedFlagApplication, StarCriterion, StarRating


@require_http_methods(["GET", "POST"])
def star_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user))
    organisation = access.get_organisation_for(user, pk, write=True)
    year = chosen_year(request)
    members = list(access.rateable_members(user, organisation).order_by("name"))
    ratings = {r.member_id: r for r in StarRating.objects.filter(member__in=members, year=year)}
    rows, failed = [], False
    with transaction.atomic():
        for member in members:
            rating = ratings.get(member.pk)
            initial = {"stars": rating.stars, "reason": rating.reason} if rating else {}
            form = StarRatingForm(request.POST or None, prefix=f"m{member.pk}", initial=initial)
            locked = rating is not None and rating.status == RatingStatus.CONFIRMED
            if request.method == "POST" and not locked:
                if not form.is_valid():
                    failed = True
                elif form.cleaned_data["stars"] and form.has_changed():
                    try:
                        ratings[member.pk] = services.star_rating_save(
                            member=member, year=year, stars=form.cleaned_data["stars"],
                            reason=form.cleaned_data["reason"], by=user)
                    except ValidationError as error:
                        form.add_error(None, error)
                        failed = True
            rows.append({"member": member, "form": form, "rating": ratings.get(member.pk), "locked": locked})
        if failed:
            transaction.set_rollback(True)
    if request.method == "POST" and not failed:
        messages.success(request, "已保存星级评定。")
        return redirect(f"{request.path}?year={year}")
    criteria = StarCriterion.objects.filter(year=year, subject=Subject.MEMBER)
    return render(request, "honours/star_ratings.html", {
        "organisation": organisation, "year": year, "rows": rows, "criteria": criteria, "failed": failed,
        "can_confirm": access.can_run_selections(user),
    })


@require_POST
def star_rating_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rating = access.get_star_rating_for(user, pk)
    access.require(access.can_run_selections(user))
    try:
        services.star_rating_confirm(rating=rating, by=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已确认 {rating.member.name} {rating.year} 年度星级。")
    return redirect(reverse("honours:star_ratings", args=[rating.member.organisation_id]) + f"?year={rating.year}")


@require_http_methods(["GET", "POST"])
def red_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's red-flag application for a year: scored against the year's criteria, then confirmed."""
    user = request.user
    access.require(access.is_admin(user) or access.is_secretary(user))
    organisation = access.get_organisation_for(user, pk, write=True)
    year = chosen_year(request)
    criteria = list(StarCriterion.objects.filter(year=year, subject=Subject.ORGANISATION))
    application = (RedFlagApplication.objects.filter(organisation=organisation, year=year)
                   .prefetch_related("scores__criterion").first())
    form = None
    if application is None and criteria:
        form = RedFlagForm(request.POST or None, criteria=criteria)
        if request.method == "POST" and form.is_valid():
            try:
                services.red_flag_apply(organisation=organisation, year=year, by=user,
                                        summary=form.cleaned_data["summary"], points=form.points())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "已提交红旗党支部申报。")
                return redirect(reverse("honours:red_flag", args=[organisation.pk]) + f"?year={year}")
    scores = list(application.scores.all()) if application else []
    return render(request, "honours/red_flag.html", {
        "organisation": organisation, "year": year, "criteria": criteria, "application": application,
        "scores": scores, "total": sum(score.points for score in scores), "form": form,
        "can_confirm": access.can_run_selections(user),
    })


@require_POST
def red_flag_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = access.get_managed_object(user, RedFlagApplication.objects.all(), pk)
    access.require(access.can_run_selections(user))
    try:
        services.red_flag_confirm(application=application, by=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已确认红旗党支部申报。")
    return redirect(reverse("honours:red_flag", args=[application.organisation_id]) + f"?year={application.year}")


urlpatterns = [
    path("red-flag/<int:pk>/", red_flag, name="red_flag"),
    path("red-flag/applications/<int:pk>/confirm/", red_flag_confirm, name="red_flag_confirm"),
    path("stars/<int:pk>/", star_ratings, name="star_ratings"),
    path("stars/ratings/<int:pk>/confirm/", star_rating_confirm, name="star_rating_confirm"),
]
