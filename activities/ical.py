"""iCalendar (RFC 5545) for phones and desktop calendars, built with the `icalendar` library.

Every event carries a stable UID and the activity's SEQUENCE, so a calendar app updates the
event it already has instead of adding a copy; cancelled activities stay in the feed marked
CANCELLED so the app removes or strikes them instead of silently keeping the old time."""

import datetime as dt
import hashlib
import secrets
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from icalendar import Calendar, Event, vCalAddress

from core.cache import bump_version, current_version

from .calendar_selectors import CALENDAR_TZ, feed_window
from .choices import ActivityStatus
from .models import Activity, CalendarFeed

CALENDAR_NAME = "机关党建 · 我的组织生活"
PRODID = "-//jiguan-dangjian//calendar//ZH"
UID_DOMAIN = "jiguan-dangjian"
REFRESH = dt.timedelta(hours=1)
AGENDA_LINES = 5


def activity_uid(activity: Activity) -> str:
    return f"{activity.uid}@{UID_DOMAIN}"


def _organizer_address() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"mailto:{address or 'noreply@jiguan.invalid'}"


def _description(activity: Activity, url: str) -> str:
    organisation = activity.organisation
    lines = [f"类型：{activity.get_kind_display()}", f"主办：{organisation.name}",
             f"状态：{activity.get_status_display()}"]
    if activity.theme:
        lines.append(f"主题：{activity.get_theme_display()}")
    if activity.lecturer:
        lines.append(f"主讲人：{activity.lecturer}")
    if activity.host:
        lines.append(f"主持人：{activity.host}")
    if activity.status == ActivityStatus.CANCELLED and activity.cancel_reason:
        lines.append(f"取消原因：{activity.cancel_reason}")
    agenda = [line.strip() for line in activity.agenda.splitlines() if line.strip()]
    if agenda:
        lines.append("议程：")
        lines.extend(agenda[:AGENDA_LINES])
        if len(agenda) > AGENDA_LINES:
            lines.append("……")
    lines.append(f"详情：{url}")
    return "\n".join(lines)


def activity_event(activity: Activity, *, base_url: str, organizer: str | None = None) -> Event:
    """One VEVENT. `base_url` is scheme and host (e.g. "https://dj.example.cn"); the activity's
    organisation must be loaded with it (select_related) to keep the feed at constant queries."""
    url = base_url + activity.get_absolute_url()
    cancelled = activity.status == ActivityStatus.CANCELLED
    event = Event.new(
        uid=activity_uid(activity),
        sequence=activity.sequence,
        # Without METHOD, DTSTAMP is when the event was last revised in the store (RFC 5545 3.8.7.2):
        # it keeps the feed byte-identical between changes, as its ETag promises.
        stamp=activity.updated_at,
        created=activity.created_at,
        last_modified=activity.updated_at,
        start=activity.start.astimezone(CALENDAR_TZ),
        end=activity.end.astimezone(CALENDAR_TZ),
        # Many calendar apps ignore STATUS in subscriptions; the title says it for them.
        summary=f"（已取消）{activity.title}" if cancelled else activity.title,
        location=activity.place or None,
        description=_description(activity, url),
        url=url,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    address = vCalAddress(organizer or _organizer_address())
    address.params["CN"] = activity.organisation.name
    event.add("organizer", address)
    return event


def _calendar(*, name: str, uid: str, events: list[Event], first: dt.datetime, last: dt.datetime) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, name=name, uid=uid, refresh_interval=REFRESH, calscale="GREGORIAN")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(event)
    # The VTIMEZONE only needs to cover the dates the calendar uses.
    calendar.add_missing_timezones(first_date=first.astimezone(CALENDAR_TZ).date() - dt.timedelta(days=1),
                                   last_date=last.astimezone(CALENDAR_TZ).date() + dt.timedelta(days=1))
    return calendar


def feed_calendar(*, feed: CalendarFeed, activities, base_url: str, now: dt.datetime) -> Calendar:
    first, last = feed_window(now)
    organizer = _organizer_address()
    events = [activity_event(activity, base_url=base_url, organizer=organizer) for activity in activities]
    # A stable calendar UID: the library would make up a new one on every request.
    uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{UID_DOMAIN}/calendar-feed/{feed.user_id}"))
    return _calendar(name=CALENDAR_NAME, uid=uid, events=events, first=first, last=last)


def activity_calendar(activity: Activity, *, base_url: str) -> Calendar:
    """A calendar with the one activity, for downloading as .ics."""
    return _calendar(name=activity.title, uid=activity_uid(activity),
                     events=[activity_event(activity, base_url=base_url)], first=activity.start, last=activity.end)


def feed_etag(*, feed: CalendarFeed, latest: dt.datetime | None, count: int, now: dt.datetime) -> str:
    first, _ = feed_window(now)
    # The window start is in it because the feed's content moves with the window once a day.
    source = f"{feed.token}|{latest.isoformat() if latest else '-'}|{count}|{first.date().isoformat()}"
    return '"' + hashlib.sha256(source.encode()).hexdigest()[:32] + '"'


# --- the feed's cache ----------------------------------------------------------------------

# Bumped (activities/signals.py) by whatever can change what a feed shows or whether it answers at all: an
# activity, its joint organisations, who is expected at it, a role, a member's organisation, a feed's token, a
# user's account. A feed's cache entry is keyed by it, so an unchanged feed is answered from the cache — a
# phone's conditional poll without a database query — and a changed one is rebuilt once.
VERSION_KEY = "calendar:version"
FEED_CACHE_SECONDS = 24 * 3600


def calendar_version() -> int:
    return current_version(VERSION_KEY)


def calendar_changed() -> None:
    bump_version(VERSION_KEY)


def feed_cache_key(*, token: str, now: dt.datetime) -> str:
    """The entry of the feed at this URL (the secret token hashed, never stored in the cache as it is), for
    this calendar version and this day's window. A reset token or a deactivated account bumps the version, so
    an old entry is never found again. The entry holds the feed's validators only, its body is kept beside it
    (activities/views/calendar.py): named anew when that changed, so no process reads an entry of the other shape."""
    first, _ = feed_window(now)
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"calendar:feed-validators:{digest}:{calendar_version()}:{first.date().isoformat()}"


# --- the feed token (writes) -------------------------------------------------------------

def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_for(*, user) -> CalendarFeed:
    """The user's feed, created with a fresh secret token on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_reset(*, user, ip: str | None = None) -> CalendarFeed:
    """A new token: the old feed URL stops answering at once."""
    from audit.models import Action
    from audit.services import action_log

    feed = calendar_feed_for(user=user)
    feed.token = _new_token()
    feed.save(update_fields=["token"])
    action_log(ip=ip, actor=user, action=Action.CALENDAR_FEED_RESET)
    return feed
