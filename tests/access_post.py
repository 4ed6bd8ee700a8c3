"""POST expectations for the URL access matrix (tests/test_url_access.py).

A row's POST meets the same door as its GET unless the row says otherwise: `with_post(row, {persona: status})`
states the personas whose POST differs, and `data=` (a function of the city) the minimal form data a POST needs
to reach the access check (e.g. the organisation a review is started for)."""

ALLOWED = "allowed"  # 200 (the form again, with its Chinese errors) or 302 (done, or sent on)
POST = "POST"
POST_DATA = "POST_DATA"


def with_post(row, post: dict, *, data=None):
    kwargs_for, statuses = row
    statuses = {**statuses, POST: {**statuses.get(POST, {}), **post}}
    if data is not None:
        statuses[POST_DATA] = data
    return kwargs_for, statuses


def everyone_posting(status) -> dict:
    return {persona: status for persona in ("outsider", "member", "secretary", "other_secretary", "admin")}
