"""民主评议党员 pages: completion per organisation for the year, starting an appraisal at the 组织生活会,
grading, submitting, and the superior committee's confirmation or return."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.choices import ActivityKind, ActivityStatus
from activities.models import Activity
from branches import access as branch_access
from branches.versions import counted_for
from core.forms import add_service_error
from core.paging import ROWS_PER_PAGE, CountedPaginator, chosen_year, query_without_page

from . import access, selectors, services
from .choices import AppraisalStatus, Grade
from .forms import AppraisalStartForm, DecideForm, EntryForm
from .models import Appraisal


@require_GET
def appraisal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    branch_access.require(access.can_see_completion(user))
    year = chosen_year(request)
    scope = access.organisations_for(user)
    due = selectors.organisations_to_appraise(scope)
    # Counting the organisations with party members of their own reads every organisation (a province: 50 ms):
    # counted with the other summaries (an admin's every five minutes, a secretary's when their tree changes).
    count = counted_for(user, "appraisal-due", due.count).value
    page = CountedPaginator(due.order_by("path").only("pk", "name", "short_name", "depth", "path"), ROWS_PER_PAGE,
                            count=count).get_page(request.GET.get("page"))
    found = selectors.appraisals_by_organisation([o.pk for o in page.object_list], year)
    rows = [{"organisation": o, "appraisal": found.get(o.pk)} for o in page.object_list]
    return render(request, "appraisals/appraisal_list.html", {
        "year": year, "page": page, "rows": rows,
        "completion": selectors.completion(scope, year, due_count=page.paginator.count),
        "grades": Grade.choices, "query": query_without_page(request),
    })


@require_http_methods(["GET", "POST"])
def appraisal_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organisation = access.get_organisation_to_appraise(user, pk)
    year = chosen_year(request)
    existing = Appraisal.objects.filter(organisation=organisation, year=year).first()
    if existing is not None:
        return redirect("appraisals:appraisal_detail", pk=existing.pk)
    meetings = (Activity.objects.filter(organisation=organisation, kind=ActivityKind.ORG_LIFE_MEETING,
                                        planned_start__year=year).exclude(status=ActivityStatus.CANCELLED)
                .order_by("planned_start"))
    form = AppraisalStartForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal = services.appraisal_start(organisation=organisation, meeting=form.cleaned_data["meeting"],
                                                 by=user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已开始民主评议，请为正式党员评定等次。")
            return redirect("appraisals:appraisal_detail", pk=appraisal.pk)
    subtitle = f"{organisation.name}" + ("" if meetings.exists() else
                                         f"（{year}年还没有安排组织生活会，请先在组织生活中安排）")
    return render(request, "includes/form_page.html", {
        "form": form, "title": f"开展{year}年度民主评议党员", "subtitle": subtitle, "submit": "开始评议",
        "back": reverse("appraisals:appraisal_list") + f"?year={year}",
    })


@require_http_methods(["GET", "POST"])
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    appraisal = access.get_appraisal_for(user, pk, write=request.method == "POST")
    editable = (appraisal.status == AppraisalStatus.DRAFT
                and branch_access.can_manage_organisation(user, appraisal.organisation))
    entries = list(appraisal.entries.select_related("member").order_by("-graded", "member__name", "pk"))
    forms_by_entry = {}
    for entry in entries:
        if editable and entry.graded:
            forms_by_entry[entry.pk] = EntryForm(
                request.POST or None, prefix=f"e{entry.pk}",
                initial={"grade": entry.grade, "follow_up": entry.follow_up, "follow_up_note": entry.follow_up_note})
    error = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("该评议已上报，不能再修改等次。")
        if all(form.is_valid() for form in forms_by_entry.values()):
            grades = {entry.member_id: forms_by_entry[entry.pk].cleaned_data for entry in entries
                      if entry.pk in forms_by_entry}
            try:
                services.appraisal_grade(appraisal=appraisal, grades=grades, by=user)
            except ValidationError as failure:
                error = "；".join(failure.messages)
            else:
                messages.success(request, "已保存评议等次。")
                return redirect("appraisals:appraisal_detail", pk=appraisal.pk)
        else:
            error = "请按红色提示修改，本次未保存。"
    counts = {label: sum(1 for e in entries if e.grade == value) for value, label in Grade.choices}
    graded = sum(1 for e in entries if e.graded)
    divisor = services.excellent_divisor(services.meeting_day(appraisal.meeting))
    return render(request, "appraisals/appraisal_detail.html", {
        "appraisal": appraisal, "rows": [(e, forms_by_entry.get(e.pk)) for e in entries], "editable": editable,
        "error": error, "counts": counts, "graded": graded, "excellent_max": graded // divisor,
        "divisor": divisor, "can_decide": (appraisal.status == AppraisalStatus.SUBMITTED
                                           and access.can_decide(user, appraisal)),
        "decide_form": DecideForm(),
    })


@require_POST
def appraisal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    appraisal = access.get_appraisal_for(user, pk, write=True)
    try:
        services.appraisal_submit(appraisal=appraisal, by=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已上报上级党组织。")
    return redirect("appraisals:appraisal_detail", pk=appraisal.pk)


@require_POST
def appraisal_decide(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    user = request.user
    appraisal = access.get_appraisal_for(user, pk)
    branch_access.require(access.can_decide(user, appraisal))
    form = DecideForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        with transaction.atomic():
            services.appraisal_decide(appraisal=appraisal, target=AppraisalStatus(target.upper()), comment=comment,
                                      by=user)
    except (ValidationError, ValueError) as error:
        messages.error(request, "；".join(getattr(error, "messages", ["不能执行该操作。"])))
    else:
        messages.success(request, "已确认评议结果。" if appraisal.status == AppraisalStatus.CONFIRMED else "已退回修改。")
    return redirect("appraisals:appraisal_detail", pk=appraisal.pk)

