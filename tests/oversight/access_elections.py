"""Access rows for 换届 (merged by tests/test_url_access.py).

The overview is for admins and secretaries. Recording is done on branch A: its member sees the
organisation but may not change it (403); B's secretary and the outsider do not see it (404)."""

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LOGIN = "login"

MATRIX = {
    "oversight:election_list": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "oversight:election_record": (lambda c: {"org_pk": c.branch_a.pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": OK,
        "other_secretary": NOT_FOUND, "admin": OK}),
}
