"""Access rows for QR check-in and open-event registrations (merged by tests/test_url_access.py).

The activities belong to branch A and are under way now, so the check-in window is open.
Checking in as a member needs a member record: the secretary and admin personas have none
(403, once the activity is visible); the guest page is public. Registration is for members
only and answers GET with 405 once access is settled."""

import datetime as dt

from django.utils import timezone

from activities.checkin import checkin_token
from tests.access_post import ALLOWED, with_post
from tests.factories import ActivityFactory

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def _under_way(city, **fields):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    return ActivityFactory(organisation=city.branch_a, planned_start=start, planned_end=start + dt.timedelta(hours=2),
                           **fields)


def private_activity_token(city):
    activity = _under_way(city)
    activity.attendances.create(member=city.member)
    return {"token": checkin_token(activity)}


def open_activity_token(city):
    return {"token": checkin_token(_under_way(city, kind="OPEN_LECTURE", theme="", is_open=True))}


def private_activity(city):
    activity = _under_way(city)
    activity.attendances.create(member=city.member)
    return {"pk": activity.pk}


def open_lecture_with_places(city):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    activity = ActivityFactory(organisation=city.branch_a, kind="OPEN_LECTURE", theme="", is_open=True, capacity=50,
                               planned_start=start, planned_end=start + dt.timedelta(hours=2))
    return {"pk": activity.pk}


MEMBERS_ONLY = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": NOT_ALLOWED, "secretary": FORBIDDEN,
                "other_secretary": FORBIDDEN, "admin": FORBIDDEN}

MATRIX = {
    "activities:checkin": (private_activity_token, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": FORBIDDEN,
        "other_secretary": NOT_FOUND, "admin": FORBIDDEN}),
    "activities:checkin_guest": (open_activity_token, {
        "anonymous": OK, "outsider": OK, "member": OK, "secretary": OK, "other_secretary": OK, "admin": OK}),
    "activities:checkin_display": (private_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:registration_create": (open_lecture_with_places, MEMBERS_ONLY),
    "activities:registration_cancel": (open_lecture_with_places, MEMBERS_ONLY),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
for _name in ("activities:registration_create", "activities:registration_cancel"):
    MATRIX[_name] = with_post(MATRIX[_name], {"member": ALLOWED})
