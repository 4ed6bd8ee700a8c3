"""What the activities feature puts on a secretary's 待办: meetings that took place but are not yet recorded."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from branches import access
from core.todo import TodoGroup, TodoLink

from .choices import ActivityStatus
from .models import Activity

SHOWN = 5
# Older unrecorded meetings are still listed on the activities page; the home page shows recent work.
LOOK_BACK = dt.timedelta(days=92)


def meetings_to_record(user, *, now: dt.datetime | None = None) -> list[TodoGroup]:
    """Planned activities of the user's organisations whose time has passed: one click to the record form,
    which starts from the planned times. Two queries (count, first rows) whatever the data size."""
    if not access.is_secretary(user) or access.is_admin(user):
        return []
    now = now or timezone.now()
    waiting = (access.scoped(user, Activity.objects.all(), write=True)
               .filter(status=ActivityStatus.PLANNED, planned_end__lte=now, planned_end__gte=now - LOOK_BACK))
    count = waiting.count()
    if not count:
        return []
    rows = (waiting.select_related("organisation").order_by("-planned_start")
            .only("pk", "title", "planned_start", "organisation__name", "organisation__short_name")[:SHOWN])
    links = [TodoLink(label=f"{timezone.localtime(a.planned_start):%-m月%-d日} {a.title}",
                      url=a.get_absolute_url(), note=a.organisation.display_name,
                      action="记录", action_url=reverse("activities:activity_record", args=[a.pk]))
             for a in rows]
    more = reverse("activities:activity_list") + "?status=PLANNED"
    return [TodoGroup(key="meetings-to-record", title="待记录的会议", count=count, links=links,
                      more_url=more if count > SHOWN else "", urgent=True)]
