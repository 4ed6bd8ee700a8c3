"""QR check-in and registrations for open events.

- checkin (login required): a member scans the QR code, sees "确认签到", and POSTs — a GET never
  checks anyone in, so chat apps' link previews are harmless. Only members who may see the activity
  (else 404, as everywhere).
- checkin_guest (public): at an open event a non-member enters name and unit.
- checkin_display: the QR code printed or shown full screen, for the host's secretaries.
- registration_create / registration_cancel: members register for an open event with a capacity.

Refusals are pages with a Chinese message: a forged token is a 400, everything else a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from activities import access

from .. import checkin as services
from .. import registration as registrations
from ..choices import ActivityStatus, RegistrationStatus
from ..forms import GuestForm
from ..models import Activity, Attendance, Registration

# --- helpers ------------------------------------------------------------------------------

def _refused(request: HttpRequest, error: ValidationError, *, activity: Activity | None = None,
             guest_url: str = "") -> HttpResponse:
    status = 400 if error.code == services.INVALID else 403
    return render(request, "activities/checkin/refused.html", {
        "message": error.messages[0], "activity": activity, "guest_url": guest_url,
    }, status=status)


def _qr(request: HttpRequest, name: str, token: str, title: str) -> dict:
    url = request.build_absolute_uri(reverse(name, args=[token]))
    return {"url": url, "svg": services.checkin_qr_svg(url, title=title)}


def _checkin_codes(request: HttpRequest, activity: Activity) -> dict:
    """The member QR code and, for an open event, the guests' one; and the window's state."""
    opens, closes = services.checkin_window(activity)
    now = timezone.now()
    state = "not_yet_open" if now < opens else "closed" if now > closes else "open"
    codes = {"opens": opens, "closes": closes, "state": state, "member": None, "guest": None}
    if state != "closed":
        token = services.checkin_token(activity)
        codes["member"] = _qr(request, "activities:checkin", token, "党员签到二维码")
        if activity.is_open:
            codes["guest"] = _qr(request, "activities:checkin_guest", token, "群众签到二维码")
    return codes


# --- check-in -----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    try:
        activity_id = services.checkin_token_activity_id(token)
    except ValidationError as error:
        return _refused(request, error)
    activity = access.get_activity_for(request.user, activity_id)
    guest_url = reverse("activities:checkin_guest", args=[token]) if activity.is_open else ""
    member = access.own_member(request.user)
    if member is None:
        refusal = ValidationError("您的账号没有关联党员信息，不能以党员身份签到。", code="no_member")
        return _refused(request, refusal, activity=activity, guest_url=guest_url)
    try:
        if request.method == "POST":
            result = services.checkin_member(activity=activity, member=member, by=request.user)
            attendance, message, checked_in = result.attendance, result.message, result.checked_in
        else:
            services.checkin_check_open(activity)
            attendance = Attendance.objects.filter(activity=activity, member=member).first()
            message, checked_in = services.member_checkin_notice(attendance), False
    except ValidationError as error:
        return _refused(request, error, activity=activity)
    return render(request, "activities/checkin.html", {
        "activity": activity, "member": member, "attendance": attendance, "message": message,
        "checked_in": checked_in,
    })


@login_not_required
@require_http_methods(["GET", "POST"])
def checkin_guest(request: HttpRequest, token: str) -> HttpResponse:
    try:
        activity_id = services.checkin_token_activity_id(token)
    except ValidationError as error:
        return _refused(request, error)
    activity = Activity.objects.select_related("organisation").filter(pk=activity_id).first()
    if activity is None:
        raise Http404("没有找到该活动。")
    if not activity.is_open:
        # Anonymous visitors learn nothing about a private activity, not even its title.
        refusal = ValidationError("本次活动不是公开活动，非党员请联系主办方登记。", code=services.NOT_OPEN_EVENT)
        return _refused(request, refusal)
    try:
        services.checkin_check_open(activity)
    except ValidationError as error:
        return _refused(request, error, activity=activity)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.checkin_guest(activity=activity, name=form.cleaned_data["name"],
                                            unit=form.cleaned_data["unit"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, activity=activity)
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(request, "activities/checkin/guest.html", {
                "activity": activity, "result": result,
            })
    member_url = ""
    if access.own_member(request.user) is not None:
        member_url = reverse("activities:checkin", args=[token])
    return render(request, "activities/checkin/guest.html", {
        "activity": activity, "form": form, "member_url": member_url,
    })


def checkin_display(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code(s) alone, large: to print for the door or show on the meeting room's screen."""
    activity = access.get_activity_for(request.user, pk, write=True)
    codes = _checkin_codes(request, activity) if activity.status != ActivityStatus.CANCELLED else None
    return render(request, "activities/checkin/display.html", {"activity": activity, "codes": codes})


# --- registrations ------------------------------------------------------------------------

def _registration_member(request: HttpRequest, pk: int):
    activity = access.get_activity_for(request.user, pk)
    member = access.own_member(request.user)
    if member is None:
        raise PermissionDenied("只有党员可以报名。")
    return activity, member


def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity, member = _registration_member(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        registration = registrations.registration_create(activity=activity, member=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, "报名成功。")
        else:
            messages.warning(request, "名额已满，您已进入候补名单；有人取消报名时将按报名先后依次递补。")
    return redirect(f"{activity.get_absolute_url()}#registration")


def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity, member = _registration_member(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        registrations.registration_cancel(activity=activity, member=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "已取消报名。")
    return redirect(f"{activity.get_absolute_url()}#registration")


# --- the activity page's panel ------------------------------------------------------------

def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_checkin_panel.html.
    At most four queries, whatever the number of registrations and attendees."""
    user = request.user
    can_manage = access.can_manage_activity(user, activity)
    context = {"checkin_can_manage": can_manage, "checkin_codes": None, "registration": None, "tally": None}
    if can_manage and activity.status != ActivityStatus.CANCELLED:
        context["checkin_codes"] = _checkin_codes(request, activity)
    if registrations.takes_registrations(activity):
        member = access.own_member(user)
        panel = {
            "summary": registrations.registration_summary(activity),
            "mine": (Registration.objects.filter(activity=activity, member=member)
                     .exclude(status=RegistrationStatus.CANCELLED).first() if member else None),
            "can_register": member is not None and activity.status == ActivityStatus.PLANNED
            and activity.start > timezone.now(),
        }
        if can_manage:
            rows = registrations.registration_list(activity)
            panel["registered"] = [r for r in rows if r.status == RegistrationStatus.REGISTERED]
            panel["waitlisted"] = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
        context["registration"] = panel
    if can_manage and (activity.is_open or activity.is_city_wide):
        context["tally"] = registrations.attendance_by_organisation(activity)
    return context


urlpatterns = [
    path("checkin/<str:token>/", checkin, name="checkin"),
    path("checkin/<str:token>/guest/", checkin_guest, name="checkin_guest"),
    path("<int:pk>/checkin/", checkin_display, name="checkin_display"),
    path("<int:pk>/registration/", registration_create, name="registration_create"),
    path("<int:pk>/registration/cancel/", registration_cancel, name="registration_cancel"),
]
