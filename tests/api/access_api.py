"""Access rows for the JSON API (merged by tests/test_url_access.py), with the browser session as the matrix uses.

API calls answer an anonymous caller with 401 (and `WWW-Authenticate: Bearer`), never a login redirect; the docs
pages are for people and send them to the login page. Lists of organisations and members are the admins' and the
secretaries' (403 for a member and a login without a role), as on the pages; one organisation, member or activity
is visible exactly when its page is (404 outside the user's reach). Recording attendance is POST only (405 on GET
for whoever gets that far); tests/api/test_attendance.py checks the POST."""

from tests.access_post import with_post
from tests.factories import ActivityFactory

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, UNAUTHENTICATED = 200, 403, 404, 405, 401
LOGIN = "login"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


OVERSEERS = {"anonymous": UNAUTHENTICATED, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK,
             "other_secretary": OK, "admin": OK}


def branch_a_activity(city):
    return {"pk": ActivityFactory(organisation=city.branch_a).pk}


MATRIX = {
    "api:schema": (lambda c: {}, {"anonymous": UNAUTHENTICATED, **everyone(OK)}),
    "api:docs": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "api:organisation-list": (lambda c: {}, OVERSEERS),
    "api:organisation-detail": (lambda c: {"pk": c.branch_a.pk}, {
        "anonymous": UNAUTHENTICATED, "outsider": NOT_FOUND, "member": OK, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "api:member-list": (lambda c: {}, OVERSEERS),
    "api:member-detail": (lambda c: {"pk": c.member.pk}, {
        "anonymous": UNAUTHENTICATED, "outsider": NOT_FOUND, "member": OK, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "api:activity-list": (lambda c: {}, {"anonymous": UNAUTHENTICATED, **everyone(OK)}),
    "api:activity-detail": (branch_a_activity, {
        "anonymous": UNAUTHENTICATED, "outsider": NOT_FOUND, "member": OK, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    # POST only; an empty form POST reaches the access check: 415 (not JSON) for those who may record.
    "api:activity-attendance": with_post((branch_a_activity, {"anonymous": UNAUTHENTICATED, **everyone(NOT_ALLOWED)}),
                                         {"outsider": 404, "member": 403, "other_secretary": 404, "secretary": 415,
                                          "admin": 415}),
    "api:compliance-list": (lambda c: {}, OVERSEERS),
}
