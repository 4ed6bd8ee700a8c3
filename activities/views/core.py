"""Planning, recording and listing activities."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from activities import access
from branches.models import Organisation, PartyGroup
from branches.versions import counted_for
from core.forms import add_service_error
from core.paging import capped_count, capped_page_of, query_without_page

from .. import services
from ..choices import AttendanceRole, AttendanceStatus, RecordedBy
from ..forms import (
    CHOICES_SHOWN,
    ActivityFilterForm,
    ActivityForm,
    ActivityPlanForm,
    CancelForm,
    ObserverForm,
    RecordForm,
    YearPlanRowForm,
    attendance_form_class,
)
from ..planning import year_plan_proposal
from ..selectors import activity_list as select_activities
from ..selectors import attendance_counts, attendance_rows, city_wide_upcoming, with_attendance_totals


def activity_list(request: HttpRequest) -> HttpResponse:
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    form = ActivityFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    # A secretary's list starts with their own organisations' activities; other organisations' open lectures
    # and city-wide events are in a section of their own (choosing an organisation shows exactly that one).
    own_only = (access.is_secretary(request.user) and not access.is_admin(request.user)
                and not filters.get("organisation"))
    activities = select_activities(user=request.user, organisation=filters.get("organisation"),
                                   kind=filters.get("kind") or "", status=filters.get("status") or "",
                                   year=filters.get("year"), own_only=own_only)
    counted = None
    if access.is_admin(request.user):
        # An admin's list is the province's two million activities: its count up to the cap read 466 heap pages on
        # every view (a table that large goes through PostgreSQL's small ring of buffers, never kept in shared
        # memory). Kept instead until an activity changes anywhere (exact: the roots' subtree versions).
        chosen = ":".join(str(getattr(value, "pk", value or "")) for value in (
            filters.get("organisation"), filters.get("kind"), filters.get("status"), filters.get("year")))
        counted = counted_for(request.user, f"activity-count:{chosen}", lambda: capped_count(activities),
                              exact=True).value
    page = capped_page_of(request, activities, counted=counted)
    page.object_list = with_attendance_totals(page.object_list)
    return render(request, "activities/activity_list.html", {
        "form": form, "page": page, "query": query_without_page(request),
        "can_plan": access.can_plan_activities(request.user), "this_year": timezone.localdate().year,
        "own_only": own_only, "city_wide": city_wide_upcoming(user=request.user) if own_only else [],
    })


def _activity_form(request, *, instance=None, initial=None):
    user = request.user
    return ActivityForm(
        request.POST or None, instance=instance, initial=initial,
        organisations=access.organisations_managed_by(user).active().order_by("path"),
        all_organisations=Organisation.objects.active().exclude(kind="WORKING_COMMITTEE").order_by("path"),
        is_admin=access.is_admin(user),
    )


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_plan_activities(request.user))
    initial = {key: request.GET[key] for key in ("organisation", "kind") if request.GET.get(key)}
    form = _activity_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        joint = data.pop("joint_organisations")
        organisation = data.pop("organisation")
        activity = services.activity_create(organisation=organisation, by=request.user,
                                            joint_organisations=list(joint), **data)
        messages.success(request, f"已安排活动“{activity.title}”，应到 {activity.attendances.count()} 人。")
        return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form})


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from . import calendar, checkin, photos, wishes

    activity = access.get_activity_for(request.user, pk)
    can_manage = access.can_manage_activity(request.user, activity)
    context = {
        "activity": activity,
        "can_manage": can_manage,
        "counts": attendance_counts(activity),
        "joint": list(activity.joint_organisations.all()),
    }
    if can_manage:
        context["attendances"] = attendance_rows(activity)
    else:
        member = access.own_member(request.user)
        context["my_attendance"] = (activity.attendances.filter(member=member).first() if member else None)
    for feature in (calendar, checkin, photos, wishes):
        context.update(feature.detail_context(request, activity))
    return render(request, "activities/activity_detail.html", context)


@require_GET
def activity_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting record as a formal 会议记录 on A4: who came, who was on leave and why, what was said and
    decided, with signature lines for the host and the recorder. The host organisation's secretaries only."""
    activity = access.get_activity_for(request.user, pk, write=True)
    rows = attendance_rows(activity)
    attendees = [row for row in rows if row.role == AttendanceRole.ATTENDEE]
    by_status = {status: [row for row in attendees if row.status == status] for status in AttendanceStatus.values}
    return render(request, "activities/minutes_print.html", {
        "activity": activity,
        "expected": attendees,
        "present": by_status[AttendanceStatus.PRESENT],
        "on_leave": by_status[AttendanceStatus.LEAVE],
        "absent": by_status[AttendanceStatus.ABSENT] + by_status[AttendanceStatus.EXPECTED],
        "others": [row for row in rows if row.role != AttendanceRole.ATTENDEE],
    })


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk, write=True)
    form = _activity_form(request, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                updated = form.save(commit=False)
                services.activity_update(activity=updated, by=request.user, changed=form.changed_data,
                                         reason=form.cleaned_data.get("change_reason", ""))
                form.save_m2m()
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "活动信息已保存。")
            return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@require_http_methods(["GET", "POST"])
def activity_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what happened: actual times, host, recorder, minutes, resolutions, and everyone's attendance."""
    activity = access.get_activity_for(request.user, pk, write=True)
    rows = attendance_rows(activity)
    record_form = RecordForm(request.POST or None, instance=activity, prefix="record")
    initial = {}
    for row in rows:
        initial[f"status_{row.pk}"] = row.status if row.status != AttendanceStatus.EXPECTED else AttendanceStatus.PRESENT
        initial[f"reason_{row.pk}"] = row.leave_reason
    attendance_form = attendance_form_class(rows)(request.POST or None, initial=initial, prefix="att")
    # The observer row is optional: left empty it is not validated (no "required" errors beside a real one).
    observer_form = ObserverForm(request.POST or None, prefix="obs", empty_permitted=True,
                                 use_required_attribute=False)
    if request.method == "POST":
        valid = record_form.is_valid() & attendance_form.is_valid()
        for row in rows:
            status = attendance_form.cleaned_data.get(f"status_{row.pk}") if valid else None
            if status == AttendanceStatus.LEAVE and not attendance_form.cleaned_data.get(f"reason_{row.pk}", "").strip():
                attendance_form.add_error(f"reason_{row.pk}", "请假须填写事由。")
                valid = False
        if valid:
            try:
                with transaction.atomic():
                    record = {k: v for k, v in record_form.cleaned_data.items()
                          if k not in ("actual_start", "actual_end", "confirm_date")}
                    services.activity_mark_held(activity=activity, by=request.user,
                                                actual_start=record_form.cleaned_data["actual_start"],
                                                actual_end=record_form.cleaned_data["actual_end"], **record)
                    for row in rows:
                        status = attendance_form.cleaned_data[f"status_{row.pk}"]
                        reason = attendance_form.cleaned_data.get(f"reason_{row.pk}", "")
                        if (status, reason.strip() if status == AttendanceStatus.LEAVE else "") != (
                                row.status, row.leave_reason):
                            via = row.recorded_via if row.status == status and row.recorded_via else RecordedBy.SECRETARY
                            services.attendance_record(attendance=row, by=request.user, status=status, via=via,
                                                       leave_reason=reason)
                    if observer_form.has_changed() and observer_form.is_valid():
                        services.observer_add(activity=activity, by=request.user,
                                              name=observer_form.cleaned_data["name"],
                                              unit=observer_form.cleaned_data["unit"])
            except ValidationError as error:
                add_service_error(record_form, error)
            else:
                messages.success(request, "活动记录与出勤情况已保存。")
                return redirect(activity)
    attendance_fields = [(row, attendance_form[f"status_{row.pk}"], attendance_form[f"reason_{row.pk}"]) for row in rows]
    return render(request, "activities/activity_record.html", {
        "activity": activity, "record_form": record_form, "attendance_form": attendance_form,
        "attendance_fields": attendance_fields, "observer_form": observer_form,
    })


@require_http_methods(["GET", "POST"])
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk, write=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(activity=activity, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "活动已取消，应到人员的日历将同步更新。")
            return redirect(activity)
    return render(request, "activities/activity_cancel.html", {"form": form, "activity": activity})


@require_http_methods(["GET", "POST"])
def activity_plan_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_plan_activities(request.user))
    organisations = access.organisations_managed_by(request.user).active().order_by("path")
    today = timezone.localdate()
    form = ActivityPlanForm(request.POST or None, organisations=organisations,
                            initial={"first_month": today.replace(day=1),
                                     "organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        plan = services.activity_plan_create(by=request.user, **form.cleaned_data)
        messages.success(request, f"已按计划生成 {plan.months} 次活动。")
        return redirect(f"{_list_url()}?organisation={plan.organisation_id}")
    return render(request, "activities/plan_form.html", {"form": form})


def _list_url():
    from django.urls import reverse

    return reverse("activities:activity_list")


@require_http_methods(["GET", "POST"])
def year_plan(request: HttpRequest, organisation_pk: int, year: int) -> HttpResponse:
    """Start the year from a plan pre-filled by the required frequencies; adjust; create in one go."""
    organisation = access.get_organisation_for(request.user, organisation_pk, write=True)
    today = timezone.localdate()
    if not today.year - 1 <= year <= today.year + 1:
        return redirect("activities:year_plan", organisation_pk=organisation.pk, year=today.year)
    formset_class = forms.formset_factory(YearPlanRowForm, extra=0)
    proposal = year_plan_proposal(organisation=organisation, year=year, today=today)
    formset = formset_class(request.POST or None, initial=proposal)
    if request.method == "POST" and formset.is_valid():
        groups = {str(g.pk): g for g in organisation.party_groups.all()}
        tz = timezone.get_current_timezone()
        created = 0
        with transaction.atomic():
            for row in formset.cleaned_data:
                if not row.get("include"):
                    continue
                start = dt.datetime.combine(row["date"], row["start_time"], tzinfo=tz)
                services.activity_create(
                    organisation=organisation, by=request.user, kind=row["kind"], title=row["title"],
                    party_group=groups.get(row.get("party_group") or ""), planned_start=start,
                    planned_end=start + dt.timedelta(minutes=row["duration_minutes"]), place=organisation.address)
                created += 1
        messages.success(request, f"已按年度计划安排 {created} 次活动。")
        return redirect(f"{_list_url()}?organisation={organisation.pk}&year={year}")
    kind_labels = {row["kind"]: row["kind_label"] for row in proposal}
    return render(request, "activities/year_plan.html", {
        "organisation": organisation, "year": year, "formset": formset, "kind_labels": kind_labels,
    })


@require_GET
def choice_options(request: HttpRequest) -> HttpResponse:
    """`<option>`s for the activity form's search-as-you-type choices: organisations the user may host with
    (`field=organisation`), any organisation (`joint_organisations`), or the party groups of the chosen
    organisation (`party_group`). The currently selected values come back first, still selected."""
    access.require(access.can_plan_activities(request.user))
    field = request.GET.get("field", "")
    query = request.GET.get("q", "").strip()[:50]
    selected = [v for v in request.GET.getlist(field) if v.isdigit()]
    if field == "party_group":
        organisation = request.GET.get("organisation", "")
        groups = (PartyGroup.objects.filter(organisation__in=access.organisations_managed_by(request.user),
                                            organisation_id=organisation if organisation.isdigit() else None)
                  .select_related("organisation").order_by("sort_order", "pk")[:CHOICES_SHOWN])
        options = [("", "---------", False)] + [(g.pk, str(g), str(g.pk) in selected) for g in groups]
    elif field in ("organisation", "joint_organisations"):
        if field == "organisation":
            organisations = access.organisations_managed_by(request.user).active()
        else:
            organisations = Organisation.objects.active().exclude(kind="WORKING_COMMITTEE")
        chosen = list(organisations.filter(pk__in=selected).order_by("path"))
        found = list(organisations.filter(name__contains=query).exclude(pk__in=selected)
                     .order_by("path")[:CHOICES_SHOWN]) if query else []
        options = ([("", "---------", False)] if field == "organisation" else [])
        options += [(o.pk, o.name, True) for o in chosen] + [(o.pk, o.name, False) for o in found]
    else:
        options = []
    return render(request, "core/widgets/search_options.html", {"options": options})


urlpatterns = [
    path("", activity_list, name="activity_list"),
    path("choices/", choice_options, name="choice_options"),
    path("new/", activity_create, name="activity_create"),
    path("plans/new/", activity_plan_create, name="activity_plan_create"),
    path("year-plan/<int:organisation_pk>/<int:year>/", year_plan, name="year_plan"),
    path("<int:pk>/", activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("<int:pk>/record/", activity_record, name="activity_record"),
    path("<int:pk>/minutes/", activity_minutes, name="activity_minutes"),
    path("<int:pk>/cancel/", activity_cancel, name="activity_cancel"),
]
