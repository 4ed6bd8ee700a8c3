"""Access rows for activity photos (merged by tests/test_url_access.py).

The photo belongs to a private activity of branch A that the member of branch A is
expected at: B's secretary and the outsider must not learn that it exists."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from activities.models import Photo
from tests.access_post import ALLOWED, with_post
from tests.factories import ActivityFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "login"

FIXTURE_NAME = "access-matrix/photo.jpg"


def fixture_file() -> str:
    """One shared file in the test media folder, written once (not per test)."""
    if not default_storage.exists(FIXTURE_NAME):
        buffer = io.BytesIO()
        Image.new("L", (8, 8), 128).save(buffer, "JPEG")  # the file views need a real file behind the row
        return default_storage.save(FIXTURE_NAME, ContentFile(buffer.getvalue()))
    return FIXTURE_NAME


def branch_a_activity(city):
    activity = ActivityFactory(organisation=city.branch_a)
    activity.attendances.create(member=city.member)
    return activity


def branch_a_photo(city):
    name = fixture_file()
    photo = Photo.objects.create(activity=branch_a_activity(city), image=name, thumbnail=name, width=8, height=8)
    return {"pk": photo.pk}


MATRIX = {
    # GET only leads back to the activity page; the upload itself is a POST (tests/activities/test_photos.py).
    "activities:photo_upload": (lambda c: {"pk": branch_a_activity(c).pk}, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": REDIRECT,
        "other_secretary": NOT_FOUND, "admin": REDIRECT}),
    "activities:photo_file": (branch_a_photo, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "activities:photo_thumbnail": (branch_a_photo, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": OK, "secretary": OK, "other_secretary": NOT_FOUND,
        "admin": OK}),
    "activities:photo_delete": (branch_a_photo, {
        "anonymous": LOGIN, "outsider": NOT_FOUND, "member": FORBIDDEN, "secretary": NOT_ALLOWED,
        "other_secretary": NOT_FOUND, "admin": NOT_ALLOWED}),
}


# --- POSTs that differ from the GET (tests/access_post.py) ---
MATRIX["activities:photo_delete"] = with_post(MATRIX["activities:photo_delete"],
                                           {"secretary": ALLOWED, "admin": ALLOWED})
