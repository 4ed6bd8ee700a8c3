"""Writes of the api app: issuing and revoking tokens, and recording attendance from a call."""

import hashlib
import secrets
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities.choices import ActivityStatus, AttendanceStatus, RecordedBy
from activities.models import Activity, Attendance
from activities.services import attendance_record

from .models import ApiToken

TOKEN_MARK = "jg_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# How often the "last used" time is written: not on every call of a busy integration.
LAST_USED_PRECISION_SECONDS = 60
# What a call may record; EXPECTED is where a row starts, not something to record.
RECORDABLE = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE)


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class IssuedToken(NamedTuple):
    token: ApiToken
    plaintext: str  # shown once to the admin who issued it, never stored


def api_token_issue(*, user, name: str, by) -> IssuedToken:
    """A new token for `user`. The plaintext is returned once; only its SHA-256 is kept."""
    if not user.is_active:
        raise ValidationError({"user": "该账号已停用，不能签发令牌。"})
    plaintext = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), prefix=plaintext[:PREFIX_LENGTH], key_hash=token_hash(plaintext),
                     created_by=by)
    token.full_clean()
    token.save()
    return IssuedToken(token, plaintext)


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """From now on every call with the token is refused (401). Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Note the call on the token (one conditional UPDATE, at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def attendance_record_by_call(*, activity: Activity, member_id: int, status: str, leave_reason: str = "",
                              by) -> Attendance:
    """Mark one expected member of an activity present, absent or on leave. The caller has already checked that
    `by` manages the activity (activities.access.get_activity_for(..., write=True)); the recording itself is the
    activities app's own service, so a call and the record page leave the same trace."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError({"activity": "已取消的活动不能登记出勤。"})
    if status not in RECORDABLE:
        raise ValidationError({"status": "出勤情况只能是出席、缺席或请假。"})
    try:
        attendance = (Attendance.objects.select_for_update(of=("self",)).select_related("member")
                      .get(activity=activity, member_id=member_id))
    except Attendance.DoesNotExist:
        raise ValidationError({"member": "该党员不在本次活动的应到名单中。"})
    return attendance_record(attendance=attendance, by=by, status=status, via=RecordedBy.SECRETARY,
                             leave_reason=leave_reason)
