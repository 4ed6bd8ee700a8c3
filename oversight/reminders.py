"""Reminder rules for secretaries and the admins' weekly digest (issue 6). To be filled in."""

import datetime as dt

from notifications.services import Due


def secretary_dues(*, today: dt.date) -> list[Due]:
    return []


def admin_digest_lines(*, today: dt.date) -> list[str]:
    return []
