"""Access rows for planning, recording and listing activities (merged by tests/test_url_access.py)."""

import datetime as dt

from tests.factories import ActivityFactory

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LOGIN = "login"


def branch_a_activity(city):
    """A private activity of branch A that the member of branch A is expected at."""
    activity = ActivityFactory(organisation=city.branch_a)
    activity.attendances.create(member=city.member)
    return {"pk": activity.pk}


MATRIX = {
    "activities:activity_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": OK, "member": OK, "secretary": OK, "other_secretary": OK, "admin": OK}),
    "activities:activity_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "activities:activity_plan_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "activities:year_plan": (lambda c: {"organisation_pk": c.branch_a.pk, "year": dt.date.today().year}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:activity_detail": (branch_a_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "activities:activity_edit": (branch_a_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:activity_record": (branch_a_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:activity_minutes": (branch_a_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:activity_cancel": (branch_a_activity, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "activities:choice_options": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
}
