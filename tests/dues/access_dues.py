"""Access rows for the dues app (merged by tests/test_url_access.py).

Totals are for admins and secretaries. A branch's ledger is also open to the branch's own members (amounts
masked, a 公示 of who paid); another organisation's secretary and the outsider must not learn it exists (404).
A member's dues page: the member, the secretaries who run their organisation and admins; recording is theirs but
the member's (403)."""

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
LOGIN = "login"

TOTALS = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
          "admin": OK}
OWN_AND_MANAGED = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK,
                   "other_secretary": NOT_FOUND, "admin": OK}
MANAGED_WRITE = {**OWN_AND_MANAGED, "member": FORBIDDEN}

MATRIX = {
    "dues:overview": (lambda c: {}, TOTALS),
    "dues:ledger": (lambda c: {"pk": c.branch_a.pk}, OWN_AND_MANAGED),
    "dues:member": (lambda c: {"pk": c.member.pk}, OWN_AND_MANAGED),
    "dues:base_set": (lambda c: {"pk": c.member.pk}, MANAGED_WRITE),
    "dues:payment_record": (lambda c: {"pk": c.member.pk}, MANAGED_WRITE),
}
