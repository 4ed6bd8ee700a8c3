"""Access rules for the calendar URLs (merged into tests/test_url_access.py's matrix)."""

from tests.access_post import ALLOWED, everyone_posting, with_post

# The same vocabulary as tests/test_url_access.py, kept here so that importing this module never
# depends on that one being imported first.
OK, NOT_FOUND, METHOD_NOT_ALLOWED = 200, 404, 405
LOGIN = "login"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def _feed_token(city) -> str:
    from activities.ical import calendar_feed_for

    return calendar_feed_for(user=city.member_user).token


def _private_activity(city) -> dict:
    from tests.factories import ActivityFactory

    return {"pk": ActivityFactory(organisation=city.branch_a).pk}


MATRIX = {
    "activities:calendar": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    # Without start/end the endpoint answers the current month; each persona gets only what it may see.
    "activities:calendar_events": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "activities:calendar_subscribe": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    # POST only; a GET never resets anything.
    "activities:calendar_feed_reset": (lambda c: {}, {"anonymous": LOGIN, **everyone(METHOD_NOT_ALLOWED)}),
    # The feed is public by design: the secret token in the URL is the credential.
    "activities:calendar_feed": (lambda c: {"token": _feed_token(c)}, {"anonymous": OK, **everyone(OK)}),
    "activities:activity_ics": (_private_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["activities:calendar_feed_reset"] = with_post(MATRIX["activities:calendar_feed_reset"],
                                                  everyone_posting(ALLOWED))
