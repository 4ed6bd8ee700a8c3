"""十佳评选 of brands and open lectures, run by the working committee (the jurors are its admins for now).
One page per selection; each POST names one step, and the service refuses a step the workflow does not allow."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from activities.choices import ActivityKind
from activities.models import Activity
from honours import access

from .. import services
from ..choices import SelectionStatus, SelectionSubject
from ..forms import SelectionForm
from ..models import Brand, SelectionEntry, TopTenSelection


@require_http_methods(["GET", "POST"])
def selection_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_run_selections(request.user))
    form = SelectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            selection = services.selection_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("honours:selection_detail", pk=selection.pk)
    selections = TopTenSelection.objects.annotate(entry_count=Count("entries"))
    return render(request, "honours/selection_list.html", {"selections": selections, "form": form})


def _candidates(selection: TopTenSelection):
    if selection.subject == SelectionSubject.BRAND:
        return (Brand.objects.filter(year__lte=selection.year).exclude(selection_entries__selection=selection)
                .select_related("organisation").order_by("-year", "name"))
    return (Activity.objects.filter(kind=ActivityKind.OPEN_LECTURE, planned_start__year=selection.year)
            .exclude(selection_entries__selection=selection).select_related("organisation").order_by("planned_start"))


def _step(request, selection: TopTenSelection) -> None:
    user, post, action = request.user, request.POST, request.POST.get("action")
    if action == "add":
        ids = [int(pk) for pk in post.getlist("candidate") if pk.isdigit()]
        for candidate in _candidates(selection).filter(pk__in=ids):
            key = "brand" if selection.subject == SelectionSubject.BRAND else "activity"
            services.entry_add(selection=selection, **{key: candidate})
    elif action == "open_scoring":
        services.scoring_open(selection=selection)
    elif action == "score":
        entry = get_object_or_404(SelectionEntry, pk=post.get("entry", "0") or 0, selection=selection)
        score = post.get("score", "")
        if not score.isdigit():
            raise ValidationError("请填写0到100之间的评分。")
        services.jury_score(entry=entry, juror=user, score=int(score))
    elif action == "decide_scores":
        services.selection_decide_by_scores(selection=selection)
    elif action == "decide_marks":
        ids = [int(pk) for pk in post.getlist("marked") if pk.isdigit()]
        entries = {entry.pk: entry for entry in selection.entries.filter(pk__in=ids)}
        services.selection_decide_by_marks(selection=selection, entries=[entries[pk] for pk in ids if pk in entries])
    else:
        raise ValidationError("未知的操作。")


@require_http_methods(["GET", "POST"])
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    access.require(access.can_run_selections(user))
    selection = get_object_or_404(TopTenSelection, pk=pk)
    if request.method == "POST":
        try:
            _step(request, selection)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已保存。")
        return redirect("honours:selection_detail", pk=selection.pk)
    entries = (selection.entries.select_related("brand__organisation", "activity__organisation")
               .annotate(average=Avg("scores__score"), score_count=Count("scores"),
                         my_score=Avg("scores__score", filter=Q(scores__juror=user)))
               .order_by("rank", "-average", "pk"))
    return render(request, "honours/selection_detail.html", {
        "selection": selection, "entries": entries, "statuses": SelectionStatus,
        "candidates": _candidates(selection) if selection.status == SelectionStatus.SHORTLISTING else [],
    })


urlpatterns = [
    path("selections/", selection_list, name="selection_list"),
    path("selections/<int:pk>/", selection_detail, name="selection_detail"),
]
