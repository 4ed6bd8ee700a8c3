"""Calendars: the month/week/list page and its JSON events, the personal iCalendar feed and
single-activity .ics downloads."""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_POST, require_safe

from activities import access
from branches.selectors import tree_tops
from core.http import client_address
from core.lookups import has_many_choices

from .. import ical
from ..calendar_selectors import (
    CALENDAR_TZ,
    CANCELLED_COLOUR,
    CROWDED,
    calendar_events,
    feed_activities,
    feed_fingerprint,
    kind_legend,
    oversees_many,
)
from ..choices import ActivityKind
from ..forms import CalendarFilterForm
from ..models import CalendarFeed

FILTER_ORGANISATIONS = 300
ADMIN_EVENTS_SECONDS = 3600
# Past CROWDED organisations in the filter, the calendar opens on the user's own top organisation's
# activities: an admin's month of every branch's meetings is hundreds of chips a day.
OWN = "own"
MAX_RANGE = dt.timedelta(days=400)  # a year view at most: the endpoint never dumps everything
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


class BadRange(ValueError):
    pass


def _parse_moment(value: str, name: str) -> dt.datetime:
    # A "+08:00" typed into an address bar arrives as " 08:00".
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadRange(f"参数 {name} 不是有效的日期时间（应为 ISO 8601 格式，例如 2025-07-01T00:00:00+08:00）。")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=CALENDAR_TZ)
    return moment


def _requested_range(params) -> tuple[dt.datetime, dt.datetime]:
    """FullCalendar's start/end; without both, the current month."""
    raw_start, raw_end = params.get("start", ""), params.get("end", "")
    if not raw_start and not raw_end:
        today = timezone.localdate(timezone=CALENDAR_TZ)
        first = dt.datetime.combine(today.replace(day=1), dt.time(), tzinfo=CALENDAR_TZ)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following
    if not raw_start or not raw_end:
        raise BadRange("请同时提供开始时间 start 和结束时间 end。")
    start, end = _parse_moment(raw_start, "start"), _parse_moment(raw_end, "end")
    if end <= start:
        raise BadRange("结束时间必须晚于开始时间。")
    if end - start > MAX_RANGE:
        raise BadRange("查询的时间范围过长，请不要超过一年。")
    return start, end


def _filter_organisations(user) -> tuple[list[tuple[int, str]] | None, bool]:
    """(pk, indented name) of the organisations a secretary or admin may filter by (None for others), and whether
    the rest are found by searching."""
    if not access.can_plan_activities(user):
        return None, False
    managed = access.organisations_managed_by(user).active()
    # The shallowest active organisation is always one of the tree's tops: an admin's are a few rows read by
    # their indexes (MIN over every active organisation scanned a province's 15,000: 3 ms a view).
    tops = tree_tops(user=user) if access.is_admin(user) else managed
    top = tops.aggregate(top=Min("depth"))["top"] or 0
    # Collapsed to the top two levels. Past a select's worth (a province's thousands of affiliated organisations)
    # only the top level is listed and the others are searched by name (core.lookups): every organisation can be
    # chosen and the page stays the same size.
    listed = managed.filter(depth__lte=top + 1)
    searched = has_many_choices(listed)
    if searched:  # the top level are tops: read by their indexes too (there is none on depth)
        listed = tops.filter(depth=top)
    rows = list(listed.order_by("path").values_list("pk", "name", "short_name", "depth")[:FILTER_ORGANISATIONS])
    return [(pk, "\u3000" * (depth - top) + (short_name or name)) for pk, name, short_name, depth in rows], searched


def calendar_page(request: HttpRequest) -> HttpResponse:
    organisations, searched = _filter_organisations(request.user)
    crowded = organisations is not None and (searched or len(organisations) > CROWDED)
    return render(request, "activities/calendar.html", {
        "legend": kind_legend(),
        "cancelled_colour": CANCELLED_COLOUR,
        "kinds": ActivityKind.choices,
        "organisations": organisations,
        "crowded": crowded,
        "search_url": reverse("choices", args=["organisations"]) if searched else None,
        "own": OWN,
        "calendar_options": {
            "eventsUrl": reverse("activities:calendar_events"),
            # Whoever oversees several organisations sees whose meeting each chip is (not four identical
            # "11月支委会" chips a day).
            "showOrganisation": bool(organisations) and (searched or len(organisations) > 1),
        },
    })


@require_GET
def calendar_events_json(request: HttpRequest) -> JsonResponse:
    try:
        start, end = _requested_range(request.GET)
    except BadRange as error:
        return JsonResponse({"error": str(error)}, status=400)
    form = CalendarFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "筛选条件无效：请从列表中选择党组织和活动类型。"}, status=400)
    organisation, own_only = None, form.cleaned_data["organisation"] == OWN
    if form.cleaned_data["organisation"] and not own_only:
        # Only organisations the user runs; anything else is as if it did not exist.
        organisation = access.organisations_managed_by(request.user).filter(
            pk=form.cleaned_data["organisation"]).only("pk", "path").first()
        if organisation is None:
            raise Http404("没有找到该党组织。")
    def events() -> list[dict]:
        return calendar_events(user=request.user, start=start, end=end, organisation=organisation,
                               own_only=own_only, kind=form.cleaned_data["kind"])

    if not access.is_admin(request.user):
        return JsonResponse(events(), safe=False)
    # Every admin sees the same calendar of the whole city (up to MAX_EVENTS a view, half a megabyte to build):
    # kept as the response's bytes under the calendar version, which every change it shows moves on.
    key = (f"calendar:admin-events:{ical.calendar_version()}:{start.isoformat()}:{end.isoformat()}:"
           f"{organisation.pk if organisation else ''}:{own_only}:{form.cleaned_data['kind']}")
    body = cache.get(key)
    if body is None:
        body = JsonResponse(events(), safe=False).content
        cache.set(key, body, ADMIN_EVENTS_SECONDS)
    return HttpResponse(body, content_type="application/json")


def calendar_subscribe(request: HttpRequest) -> HttpResponse:
    feed = ical.calendar_feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("activities:calendar_feed", args=[feed.token]))
    return render(request, "activities/calendar_subscribe.html", {
        "feed_url": feed_url,
        # Overseeing many organisations, the feed holds their own level's activities and their own, not all.
        "oversees_many": oversees_many(request.user),
        "webcal_url": re.sub(r"^https?://", "webcal://", feed_url),
    })


@require_POST
def calendar_feed_reset(request: HttpRequest) -> HttpResponse:
    ical.calendar_feed_reset(user=request.user, ip=client_address(request))
    messages.success(request, "订阅地址已重置，原地址立即失效。请在手机日历中删除旧的订阅，再用新地址重新订阅。")
    return redirect("activities:calendar_subscribe")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_not_required
@transaction.non_atomic_requests
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed a phone polls. Public, but only for a valid token, and it shows exactly
    what the token's user may see. Unchanged since the phone's last poll: two small cache reads and a 304, no
    database query (nor a transaction: the view only reads)."""
    now = timezone.now()
    # What the feed at this URL was at this calendar version (bumped by every change that can alter any feed,
    # a token reset or a deactivated account included): the body is built once per version, and kept apart from
    # its validators, so that a 304 reads a few bytes, not a feed of tens of kilobytes.
    key = ical.feed_cache_key(token=token, now=now)
    stored = cache.get(key)
    feed = None
    if stored is None:
        feed = _active_feed(token=token)
        latest, count = feed_fingerprint(user=feed.user, now=now)
        etag = ical.feed_etag(feed=feed, latest=latest, count=count, now=now)
        stored = {"etag": etag, "last_modified": int((latest or feed.created_at).timestamp())}
        cache.set(key, stored, ical.FEED_CACHE_SECONDS)
    etag, last_modified = stored["etag"], stored["last_modified"]
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        body_key = f"{key}:body:{etag}"
        body = cache.get(body_key)
        if body is None:
            feed = feed or _active_feed(token=token)
            calendar = ical.feed_calendar(feed=feed, activities=feed_activities(user=feed.user, now=now),
                                          base_url=_base_url(request), now=now)
            body = calendar.to_ical()
            cache.set(body_key, body, ical.FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="jiguan-dangjian.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # The URL is a secret: shared caches must not keep it.
    patch_cache_control(response, private=True, max_age=300)
    return response


def _active_feed(*, token: str) -> CalendarFeed:
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("没有找到该日历订阅。")
    return feed


def activity_ics(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk)
    calendar = ical.activity_calendar(activity, base_url=_base_url(request))
    response = HttpResponse(calendar.to_ical(), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/events/", calendar_events_json, name="calendar_events"),
    path("calendar/subscribe/", calendar_subscribe, name="calendar_subscribe"),
    path("calendar/subscribe/reset/", calendar_feed_reset, name="calendar_feed_reset"),
    path("calendar/feed/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("<int:pk>/event.ics", activity_ics, name="activity_ics"),
]


def detail_context(request, activity) -> dict:
    """Extra context for the activity page's panel templates/activities/_calendar_panel.html (constant queries)."""
    return {
        "calendar_ics_url": reverse("activities:activity_ics", args=[activity.pk]),
        "calendar_subscribe_url": reverse("activities:calendar_subscribe"),
    }
