"""Local (Asia/Shanghai) time helpers."""

import datetime as dt

from django.utils import timezone


def local_midnight(day: dt.date) -> dt.datetime:
    """Where a local (Asia/Shanghai) day starts, as an aware datetime: the bound for filtering by date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
