"""QR check-in: signed check-in tokens, the check-in window, and recording presence.

The token is `TimestampSigner(salt=CHECKIN_SALT).sign_object({"a": activity_id})`: the
activity id is inside the signed payload (a token of activity A can never be turned into
one of B) and the signer's timestamp is the start of the (UTC) day of issue. Expiry is *not* the token's age:
a secretary may print the QR code days ahead, so validity is the activity's check-in
window, read from the activity at the moment of scanning (a rescheduled activity moves
its window with it). TOKEN_MAX_AGE only stops a leaked token from living for ever.

Who may check in is decided by the views with the access module; this module decides
when check-in is open and keeps each person to one PRESENT row."""

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from .choices import ActivityStatus, AttendanceRole, AttendanceStatus, RecordedBy
from .models import Activity, Attendance

CHECKIN_SALT = "activities.checkin.v1"
# Check-in opens this long before the (planned or actual, whichever is earlier) start …
OPENS_BEFORE_START = dt.timedelta(hours=1)
# … and closes this long after the (planned or actual, whichever is later) end.
CLOSES_AFTER_END = dt.timedelta(hours=2)
# A backstop, not the expiry: activities are planned at most about a year ahead.
TOKEN_MAX_AGE = dt.timedelta(days=400)

# Refusal codes; the views turn them into status codes (invalid → 400, the others → 403).
INVALID, NOT_YET_OPEN, CLOSED = "invalid", "not_yet_open", "closed"
CANCELLED, NOT_OPEN_EVENT = "cancelled", "not_open_event"


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "n月j日 H:i")


# --- tokens ---------------------------------------------------------------------------------

DAY = 24 * 60 * 60


class _IssuedOnTheDay(signing.TimestampSigner):
    """Stamps the start of the day (UTC) it signs on: the activity's token, and so its QR code, stays the same
    all day (the code is drawn once, not on every view of the activity page); the backstop is a day shorter."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) // DAY * DAY)


def checkin_token(activity: Activity) -> str:
    return _IssuedOnTheDay(salt=CHECKIN_SALT).sign_object({"a": activity.pk})


def checkin_token_activity_id(token: str) -> int:
    """The activity id a genuine token was signed for; a forged, tampered or ancient token is refused."""
    try:
        payload = signing.TimestampSigner(salt=CHECKIN_SALT).unsign_object(token, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("签到二维码已过期，请向主办方索取新的二维码。", code=CLOSED)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise ValidationError("签到二维码无效，请重新扫描现场的二维码。", code=INVALID)
    activity_id = payload.get("a") if isinstance(payload, dict) else None
    if not isinstance(activity_id, int) or isinstance(activity_id, bool):
        raise ValidationError("签到二维码无效，请重新扫描现场的二维码。", code=INVALID)
    return activity_id


@lru_cache(maxsize=256)
def checkin_qr_svg(url: str, *, title: str = "签到二维码") -> SafeString:
    """An inline SVG QR code that scales with its container (no fixed size). Drawing one takes ~15 ms: the
    same token all day (checkin_token) makes each a cache hit after the first view of the day."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, light="#fff", omitsize=True, title=title,
                                                 svgclass="checkin-qr")
    # Only a viewBox: the code fills whatever box the template gives it (panel, print, full screen).
    return mark_safe(svg.replace("<svg ", '<svg style="display:block;width:100%;height:auto" ', 1))


# --- the window -----------------------------------------------------------------------------

def checkin_window(activity: Activity) -> tuple[dt.datetime, dt.datetime]:
    starts = min(filter(None, (activity.planned_start, activity.actual_start)))
    ends = max(filter(None, (activity.planned_end, activity.actual_end)))
    return starts - OPENS_BEFORE_START, ends + CLOSES_AFTER_END


def checkin_check_open(activity: Activity, *, now: dt.datetime | None = None) -> None:
    """Refuse check-in for a cancelled activity or outside its window."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("本次活动已取消，无需签到。", code=CANCELLED)
    now = now or timezone.now()
    opens, closes = checkin_window(activity)
    if now < opens:
        raise ValidationError(f"签到尚未开始，签到时间为 {_local(opens)} 至 {_local(closes)}。", code=NOT_YET_OPEN)
    if now > closes:
        raise ValidationError(f"签到已结束（截止于 {_local(closes)}）。如需补登，请联系支部书记。", code=CLOSED)


def checkin_is_open(activity: Activity) -> bool:
    try:
        checkin_check_open(activity)
    except ValidationError:
        return False
    return True


# --- recording ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    checked_in: bool  # False: nothing changed (already present, or settled by the secretary)
    message: str


def _locked(activity: Activity) -> Activity:
    # One check-in per activity at a time: two taps of the same member (or two guests with the
    # same name) cannot both create a row. A row lock on PostgreSQL; SQLite serialises writes anyway.
    return Activity.objects.select_for_update().get(pk=activity.pk)


def member_checkin_notice(row: Attendance | None) -> str:
    """Why scanning changes nothing for this member's row ("" when check-in would record presence)."""
    if row is None or row.status == AttendanceStatus.EXPECTED:
        return ""
    if row.status == AttendanceStatus.PRESENT:
        when = f"（{_local(row.recorded_at)}）" if row.recorded_at else ""
        return f"您已签到{when}，无需重复签到。"
    # A scan never overrides what the secretary recorded (leave, absence).
    return f"您的出勤已登记为“{row.get_status_display()}”，如需更正请联系支部书记。"


@transaction.atomic
def checkin_member(*, activity: Activity, member, by) -> CheckinResult:
    """Mark a member PRESENT once: their EXPECTED row, or a new ATTENDEE row if they were not expected."""
    activity = _locked(activity)
    checkin_check_open(activity)
    row = Attendance.objects.filter(activity=activity, member=member).first()
    notice = member_checkin_notice(row)
    if notice:
        return CheckinResult(row, False, notice)
    if row is None:
        row = Attendance(activity=activity, member=member, role=AttendanceRole.ATTENDEE)
    row.status = AttendanceStatus.PRESENT
    row.leave_reason = ""
    row.recorded_via, row.recorded_by, row.recorded_at = RecordedBy.QR, by, timezone.now()
    row.full_clean()
    row.save()
    return CheckinResult(row, True, "签到成功！")


def normalise_guest_text(value: str) -> str:
    """Collapse runs of whitespace (full-width spaces included) so "张 三" and "张　三 " are one person."""
    return " ".join(value.split())


@transaction.atomic
def checkin_guest(*, activity: Activity, name: str, unit: str) -> CheckinResult:
    """A non-member at an open event: a GUEST row with their name and unit, once per name and unit."""
    activity = _locked(activity)
    if not activity.is_open:
        raise ValidationError("本次活动不是公开活动，非党员请联系主办方登记。", code=NOT_OPEN_EVENT)
    checkin_check_open(activity)
    name, unit = normalise_guest_text(name), normalise_guest_text(unit)
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    existing = (Attendance.objects.filter(activity=activity, member__isnull=True, guest_name__iexact=name,
                                          guest_unit__iexact=unit).first())
    if existing is not None:
        return CheckinResult(existing, False, f"{name}（{unit or '未填单位'}）已经签到，无需重复签到。")
    row = Attendance(activity=activity, guest_name=name, guest_unit=unit, role=AttendanceRole.GUEST,
                     status=AttendanceStatus.PRESENT, recorded_via=RecordedBy.QR, recorded_at=timezone.now())
    row.full_clean()
    row.save()
    return CheckinResult(row, True, "签到成功，欢迎参加！")
