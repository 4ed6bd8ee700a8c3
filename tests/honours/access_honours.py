"""Access rows for the honours app (merged by tests/test_url_access.py).

Commendations and nominations belong to organisation A's branch or its member: B's secretary and the outsider must
not learn they exist (404). Brands are public within the platform. Recording, deciding and the top-ten selections
are the working committee's (403 for everyone else)."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from honours.models import BrandPhoto
from tests.access_post import ALLOWED, with_post
from tests.honours.factories import (
    BrandFactory,
    CommendationFactory,
    NominationFactory,
    SelectionFactory,
    StarRatingFactory,
)

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "login"
PDF_NAME = "access-matrix/honour.pdf"
PHOTO_NAME = "access-matrix/brand.png"


def everyone(status):
    return {"outsider": status, "member": status, "secretary": status, "other_secretary": status, "admin": status}


def _pdf() -> str:
    if not default_storage.exists(PDF_NAME):
        default_storage.save(PDF_NAME, ContentFile(b"%PDF-1.4 access matrix"))
    return PDF_NAME


def member_commendation(city):
    commendation = CommendationFactory(member=city.member, certificate=_pdf(),
                                       certificate_content_type="application/pdf")
    return {"pk": commendation.pk}


def member_nomination(city):
    return {"pk": NominationFactory(member=city.member, evidence=_pdf(), evidence_content_type="application/pdf").pk}


def branch_a(city):
    return {"pk": city.branch_a.pk}


def member_rating(city):
    return {"pk": StarRatingFactory(member=city.member).pk}


def branch_a_application(city):
    from honours.models import RedFlagApplication

    return {"pk": RedFlagApplication.objects.create(organisation=city.branch_a, year=2024, summary="申报").pk}


def branch_a_brand(city):
    return {"pk": BrandFactory(organisation=city.branch_a).pk}


def brand_photo(city):
    if not default_storage.exists(PHOTO_NAME):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
        default_storage.save(PHOTO_NAME, ContentFile(buffer.getvalue()))
    photo = BrandPhoto(brand=BrandFactory(organisation=city.branch_a))
    photo.image.name = PHOTO_NAME
    photo.width = photo.height = 4
    photo.save()
    return {"pk": photo.pk}


def selection(city):
    return {"pk": SelectionFactory().pk}


ADMIN_ONLY = {"anonymous": LOGIN, "outsider": FORBIDDEN, "member": FORBIDDEN, "secretary": FORBIDDEN,
              "other_secretary": FORBIDDEN, "admin": OK}
MANAGED_ROW = {"anonymous": LOGIN, "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": OK,
               "other_secretary": NOT_FOUND, "admin": OK}

MATRIX = {
    "honours:commendation_list": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK), "outsider": FORBIDDEN}),
    "honours:commendation_create": (lambda c: {}, ADMIN_ONLY),
    # The member's own honour: they, their secretary and the admin see the certificate.
    "honours:commendation_certificate": (member_commendation, {**MANAGED_ROW, "member": OK}),
    "honours:nomination_list": (lambda c: {}, {**ADMIN_ONLY, "secretary": OK, "other_secretary": OK}),
    # Admins decide nominations; they do not make them.
    "honours:nomination_create": (lambda c: {}, {**ADMIN_ONLY, "secretary": OK, "other_secretary": OK,
                                                 "admin": FORBIDDEN}),
    "honours:nomination_detail": (member_nomination, MANAGED_ROW),
    "honours:nomination_evidence": (member_nomination, MANAGED_ROW),
    "honours:star_ratings": (branch_a, {**MANAGED_ROW, "outsider": FORBIDDEN, "member": FORBIDDEN}),
    "honours:star_rating_confirm": (member_rating, {"anonymous": LOGIN, **everyone(NOT_ALLOWED)}),
    "honours:red_flag": (branch_a, {**MANAGED_ROW, "outsider": FORBIDDEN, "member": FORBIDDEN}),
    "honours:red_flag_confirm": (branch_a_application, {"anonymous": LOGIN, **everyone(NOT_ALLOWED)}),
    "honours:brand_gallery": (lambda c: {}, {"anonymous": LOGIN, **everyone(OK)}),
    "honours:brand_create": (lambda c: {}, {**ADMIN_ONLY, "secretary": OK, "other_secretary": OK}),
    "honours:brand_detail": (branch_a_brand, {"anonymous": LOGIN, **everyone(OK)}),
    "honours:brand_edit": (branch_a_brand, {**ADMIN_ONLY, "secretary": OK}),
    "honours:brand_photo": (brand_photo, {"anonymous": LOGIN, **everyone(OK)}),
    "honours:selection_list": (lambda c: {}, ADMIN_ONLY),
    "honours:selection_detail": (selection, ADMIN_ONLY),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
# The nomination page shows the decision form to admins only: B's secretary cannot see it (404 as for GET), A's
# secretary sees it but may not decide (403).
MATRIX["honours:nomination_detail"] = with_post(MATRIX["honours:nomination_detail"], {"secretary": FORBIDDEN})
MATRIX["honours:star_rating_confirm"] = with_post(MATRIX["honours:star_rating_confirm"], {
    "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": FORBIDDEN, "other_secretary": NOT_FOUND,
    "admin": ALLOWED})
MATRIX["honours:red_flag_confirm"] = with_post(MATRIX["honours:red_flag_confirm"], {
    "outsider": NOT_FOUND, "member": NOT_FOUND, "secretary": FORBIDDEN, "other_secretary": NOT_FOUND,
    "admin": ALLOWED})
