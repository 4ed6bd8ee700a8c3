"""Access rows for standardisation reviews (merged by tests/test_url_access.py).

The review belongs to branch A: A's secretary fills it in, the admin decides it, B's secretary,
the member and the outsider must not learn that it exists (404). A secretary asking for a
decision URL is refused (403) before the method is even considered; so is an admin asking to
fill in a self-assessment."""

from django.utils import timezone

from oversight.models import ChecklistItem, Evidence, ReviewItem, StandardisationReview
from tests.access_post import ALLOWED, with_post
from tests.activities.access_photos import fixture_file

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def branch_a_review(city) -> StandardisationReview:
    review, _ = StandardisationReview.objects.get_or_create(organisation=city.branch_a, year=timezone.localdate().year)
    return review


def branch_a_item(city) -> ReviewItem:
    item, _ = ReviewItem.objects.get_or_create(review=branch_a_review(city),
                                               checklist_item=ChecklistItem.objects.order_by("sort_order").first())
    return item


def branch_a_evidence(city) -> dict:
    evidence = Evidence.objects.create(review_item=branch_a_item(city), file=fixture_file(),
                                       content_type="image/jpeg", original_name="活动室.jpg", size=100)
    return {"pk": evidence.pk}


# Fill-in URLs: A's secretary may (GET is the wrong method), the admin may not.
FILL = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": NOT_ALLOWED,
        "other_secretary": NOT_FOUND, "admin": FORBIDDEN}
# Decision URLs: the admin may (GET is the wrong method), A's own secretary never.
DECIDE = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": FORBIDDEN,
          "other_secretary": NOT_FOUND, "admin": NOT_ALLOWED}
SEE = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK, "other_secretary": NOT_FOUND,
       "admin": OK}
LISTS = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
         "admin": OK}

MATRIX = {
    "oversight:review_list": (lambda c: {}, LISTS),
    "oversight:review_export": (lambda c: {}, LISTS),
    # POST only (the list's 开始自评 button).
    "oversight:review_start": (lambda c: {}, {"anonymous": LOGIN, **everyone(NOT_ALLOWED)}),
    "oversight:review_detail": (lambda c: {"pk": branch_a_review(c).pk}, SEE),
    "oversight:review_save": (lambda c: {"pk": branch_a_review(c).pk}, FILL),
    "oversight:review_decide": (lambda c: {"pk": branch_a_review(c).pk}, DECIDE),
    "oversight:review_item_decide": (lambda c: {"pk": branch_a_review(c).pk, "item_pk": branch_a_item(c).pk}, DECIDE),
    "oversight:evidence_file": (branch_a_evidence, SEE),
    "oversight:review_evidence_delete": (branch_a_evidence, FILL),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
# A review is started for the organisation the form names: branch A's. Only its secretary fills it in; the admin
# sees the organisation but judges reviews, never fills one (403).
MATRIX["oversight:review_start"] = with_post(MATRIX["oversight:review_start"], {
    "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": ALLOWED, "other_secretary": NOT_FOUND,
    "admin": FORBIDDEN}, data=lambda c: {"organisation": c.branch_a.pk})
for _name in ("oversight:review_save", "oversight:review_evidence_delete"):
    MATRIX[_name] = with_post(MATRIX[_name], {"secretary": ALLOWED})
for _name in ("oversight:review_decide", "oversight:review_item_decide"):
    MATRIX[_name] = with_post(MATRIX[_name], {"admin": ALLOWED})
