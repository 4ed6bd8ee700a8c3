import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image

from development.models import StepAttachment

from .helpers import applicant

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return buffer.getvalue()


@freeze_time("2024-07-01")
def test_a_scan_is_stored_with_the_step_and_served_only_to_those_who_see_the_record(city, client):
    record = applicant(city)
    client.force_login(city.secretary)
    response = client.post(reverse("development:step_new", args=[record.pk, 2]), {
        "date": "2022-01-20", "attachments": [SimpleUploadedFile("谈话.png", _png(), content_type="image/png")]})
    assert response.status_code == 302
    item = StepAttachment.objects.get()
    assert item.original_name == "谈话.png" and item.content_type == "image/png"
    assert client.get(reverse("development:attachment", args=[item.pk])).status_code == 200
    client.force_login(city.other_secretary)
    assert client.get(reverse("development:attachment", args=[item.pk])).status_code == 404


@freeze_time("2024-07-01")
def test_a_file_that_is_neither_a_picture_nor_a_pdf_is_refused_and_nothing_is_written(city, client):
    record = applicant(city)
    client.force_login(city.secretary)
    response = client.post(reverse("development:step_new", args=[record.pk, 2]), {
        "date": "2022-01-20", "note": "保留", "attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 50)]})
    assert response.status_code == 200 and "x.exe" in response.content.decode()
    assert "保留" in response.content.decode()
    assert not record.steps.filter(definition__number=2).exists() and not StepAttachment.objects.exists()
