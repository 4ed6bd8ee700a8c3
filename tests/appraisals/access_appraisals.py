"""Access rows for the appraisals app (merged by tests/test_url_access.py).

Grades are about people: an appraisal is seen by the secretaries who run the organisation and admins; members,
the outsider and another organisation's secretary get a 404. Submitting and deciding are POST only (405 on GET)."""

from tests.access_post import ALLOWED, with_post

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"
# POST only: the branch's and the superior's secretaries and admins reach it; nobody else learns it exists.
POSTING = {"outsider": NOT_FOUND, "member": NOT_FOUND, "other_secretary": NOT_FOUND, "secretary": ALLOWED,
           "admin": ALLOWED}


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def branch_a_appraisal(city):
    from appraisals import services
    from tests.appraisals.helpers import meeting

    appraisal = services.appraisal_start(organisation=city.branch_a, meeting=meeting(city.branch_a),
                                         by=city.secretary)
    return {"pk": appraisal.pk}


MANAGED = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
           "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "appraisals:appraisal_list": (lambda c: {}, {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN,
                                                 "secretary": OK, "other_secretary": OK, "admin": OK}),
    "appraisals:appraisal_start": (lambda c: {"pk": c.branch_a.pk}, MANAGED),
    "appraisals:appraisal_detail": (branch_a_appraisal, MANAGED),
    "appraisals:appraisal_submit": with_post((branch_a_appraisal, {"anonymous": LOGIN, **everyone(NOT_ALLOWED)}),
                                             POSTING),
    "appraisals:appraisal_decide": with_post((lambda c: {**branch_a_appraisal(c), "target": "confirmed"},
                                              {"anonymous": LOGIN, **everyone(NOT_ALLOWED)}), POSTING),
}
