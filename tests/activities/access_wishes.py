"""Access rows for 微心愿 (merged by tests/test_url_access.py).

The wishes belong to branch A: its member and A's secretary see them; B's secretary
and the outsider get a 404. Claiming needs a member record (the secretary and the
admin personas have none); fulfilling needs the claimer or a secretary."""

import datetime as dt

from django.utils import timezone

from activities.choices import WishStatus
from activities.models import MicroWish
from tests.access_post import ALLOWED, with_post
from tests.activities.access_photos import fixture_file

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def _wish(city, **fields):
    return MicroWish.objects.create(organisation=city.branch_a, title="帮独居老人修理水龙头", wisher_name="王大妈",
                                    **fields)


def open_wish(city):
    return {"pk": _wish(city).pk}


def claimed_wish(city):
    return {"pk": _wish(city, status=WishStatus.CLAIMED, claimed_by=city.member, claimed_at=timezone.now()).pk}


def fulfilled_wish_with_photo(city):
    now = timezone.now()
    wish = _wish(city, status=WishStatus.FULFILLED, claimed_by=city.member, claimed_at=now - dt.timedelta(days=2),
                 fulfilled_at=now, fulfilment_note="已修好", fulfilment_photo=fixture_file())
    return {"pk": wish.pk}


MATRIX = {
    "activities:wish_board": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": OK, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    "activities:wish_create": (lambda c: {}, {
        "anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": OK, "other_secretary": OK,
        "admin": OK}),
    # POST-only actions answer GET with 405 once access is settled.
    "activities:wish_claim": (open_wish, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_ALLOWED, "secretary": FORBIDDEN,
        "other_secretary": NOT_FOUND, "admin": FORBIDDEN}),
    "activities:wish_fulfil": (claimed_wish, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "activities:wish_release": (claimed_wish, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": NOT_ALLOWED,
        "other_secretary": NOT_FOUND, "admin": NOT_ALLOWED}),
    "activities:wish_photo": (fulfilled_wish_with_photo, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["activities:wish_claim"] = with_post(MATRIX["activities:wish_claim"], {"member": ALLOWED})
MATRIX["activities:wish_release"] = with_post(MATRIX["activities:wish_release"],
                                           {"secretary": ALLOWED, "admin": ALLOWED})
