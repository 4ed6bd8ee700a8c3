"""Access rows for the compliance matrix, its cells and export, the set-up checks and the exemptions
(merged by tests/test_url_access.py)."""

import datetime as dt

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LOGIN = "login"

# Admins see everything, secretaries their own organisations; members and logins without a role may not open it.
OVERSEERS = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK,
             "other_secretary": OK, "admin": OK}


def branch_a_this_january(city) -> dict:
    return {"org_pk": city.branch_a.pk, "year": dt.date.today().year, "month": 1}


MATRIX = {
    "oversight:matrix": (lambda c: {}, OVERSEERS),
    "oversight:matrix_export": (lambda c: {}, OVERSEERS),
    # Branch A's cell: A's secretary runs it; its member sees the branch but may not open oversight; B's secretary
    # does not see it at all.
    "oversight:matrix_cell": (branch_a_this_january, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
    "oversight:setup_checks": (lambda c: {}, OVERSEERS),
    "oversight:exemption_list": (lambda c: {}, OVERSEERS),
    "oversight:exemption_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": FORBIDDEN,
        "other_secretary": FORBIDDEN, "admin": OK}),
}
