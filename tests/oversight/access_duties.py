"""Access rows for the responsibility list (merged by tests/test_url_access.py).

The assignment belongs to branch A: A's secretary (and the admin) report on it; B's secretary, the member
and the outsider must not learn that it exists (404). Creating duties and a duty's page are for admins only
(403 for everyone else). Removing evidence is POST only: GET answers 405 once access is settled."""

import datetime as dt

from oversight.models import Duty, DutyAssignment, Evidence
from tests.access_post import ALLOWED, with_post
from tests.activities.access_photos import fixture_file

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def branch_a_assignment(city) -> DutyAssignment:
    duty, _ = Duty.objects.get_or_create(title="落实“三会一课”制度", defaults={"deadline": dt.date(2099, 12, 31)})
    assignment, _ = DutyAssignment.objects.get_or_create(duty=duty, organisation=city.branch_a)
    return assignment


def branch_a_duty_evidence(city) -> dict:
    evidence = Evidence.objects.create(duty_assignment=branch_a_assignment(city), file=fixture_file(),
                                       content_type="image/jpeg", original_name="会议记录.jpg", size=100)
    return {"pk": evidence.pk}


ADMIN_ONLY = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": FORBIDDEN,
              "other_secretary": FORBIDDEN, "admin": OK}

MATRIX = {
    "oversight:duty_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "oversight:duty_create": (lambda c: {}, ADMIN_ONLY),
    "oversight:duty_detail": (lambda c: {"pk": branch_a_assignment(c).duty_id}, ADMIN_ONLY),
    "oversight:duty_report": (lambda c: {"pk": branch_a_assignment(c).pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "oversight:duty_evidence_delete": (branch_a_duty_evidence, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": NOT_ALLOWED,
        "other_secretary": NOT_FOUND, "admin": NOT_ALLOWED}),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["oversight:duty_evidence_delete"] = with_post(MATRIX["oversight:duty_evidence_delete"],
                                                  {"secretary": ALLOWED, "admin": ALLOWED})
