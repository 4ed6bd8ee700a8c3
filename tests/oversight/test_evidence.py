"""Evidence uploads: photos re-encoded like activity photos, PDFs proven to be PDFs, everything else refused
with the file named; nothing half-written; files served privately and removed after their row."""

import io
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from oversight import reviews as services
from oversight.evidence import evidence_add, evidence_prepare
from oversight.models import Evidence, StandardisationReview

YEAR = timezone.localdate().year


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def review(city) -> StandardisationReview:
    return services.review_start(organisation=city.branch_a, year=YEAR, by=city.secretary)


@pytest.fixture
def item(review):
    return review.items.get(checklist_item__code="venue")


def stored_files(root: Path) -> list[Path]:
    return [Path(folder) / name for folder, _, names in os.walk(root) for name in names]


def png_with_text(size=(64, 48)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "拍摄于 甲局三楼 GPS 31.87,117.28")
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def add(item, by, *files):
    return evidence_add(review_item=item, by=by, uploads=list(files))


# --- what is accepted --------------------------------------------------------------------------------

def test_a_real_png_is_accepted_and_stored_re_encoded_without_its_metadata(city, item, media):
    original = png_with_text()
    [evidence] = add(item, city.secretary, upload("活动室.png", original, "image/png"))
    stored = Path(media, evidence.file.name).read_bytes()
    assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")
    assert evidence.original_name == "活动室.png" and evidence.size == len(stored)
    assert stored != original and b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("PNG", (64, 48))
        assert "Comment" not in image.info


def test_a_pdf_is_accepted_and_stored_as_it_is(city, item, media):
    document = pdf(pages=2)
    [evidence] = add(item, city.secretary, upload("三会一课制度.pdf", document, "application/pdf"))
    stored = Path(media, evidence.file.name).read_bytes()
    assert stored == document
    assert evidence.content_type == "application/pdf" and evidence.file.name.startswith("evidence/")
    assert len(PdfReader(io.BytesIO(stored)).pages) == 2


def test_the_format_comes_from_the_content_not_the_name(city, item, media):
    [evidence] = add(item, city.secretary, upload("scan.jpg", pdf(), "image/jpeg"))
    assert evidence.content_type == "application/pdf" and evidence.file.name.endswith(".pdf")


# --- what is refused ---------------------------------------------------------------------------------

BAD = {
    "text named .pdf": ("制度.pdf", "这不是 PDF，只是一段文字。".encode(), "不是照片或 PDF 文档"),
    "text named .jpg": ("照片.jpg", b"just some text pretending", "不是照片或 PDF 文档"),
    "truncated png": ("照片.png", png_with_text()[:60], "已损坏"),
    "pdf header, no pdf": ("假文件.pdf", b"%PDF-1.7\n" + b"x" * 200, "不是有效的 PDF"),
    "half a pdf": ("半个.pdf", pdf()[:200], "不是有效的 PDF"),
    "encrypted pdf": ("加密.pdf", pdf(password="123456"), "加密保护"),
    "empty file": ("空.pdf", b"", "空文件"),
}


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_file_is_refused_naming_it_and_nothing_is_written(city, item, media, kind):
    name, data, reason = BAD[kind]
    with pytest.raises(ValidationError) as refused:
        add(item, city.secretary, upload(name, data))
    message = refused.value.messages[0]
    assert f"“{name}”" in message and reason in message
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(city, item, media, settings):
    settings.PHOTO_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="“大文件.pdf” 超过 1 KB"):
        evidence_prepare(upload("大文件.pdf", pdf() + b"%" * 2048))


def test_one_bad_file_among_good_ones_stores_none_and_names_each_bad_one(city, item, media):
    with pytest.raises(ValidationError) as refused:
        add(item, city.secretary, upload("a.png", png_with_text()), upload("b.pdf", b"plain"),
            upload("c.pdf", pdf()), upload("d.jpg", b"\xff\xd8\xff broken"))
    assert len(refused.value.messages) == 2
    assert "“b.pdf”" in refused.value.messages[0] and "“d.jpg”" in refused.value.messages[1]
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_a_bad_file_on_the_page_keeps_the_typed_statements_but_saves_nothing(city, login, review, item, media):
    response = login(city.secretary).post(reverse("oversight:review_save", args=[review.pk]), {
        f"statement_{item.pk}": "活动室 60 平方米，位于三楼。",
        f"evidence_{item.pk}": [upload("活动室.png", png_with_text(), "image/png"),
                                upload("制度.pdf", b"not a pdf at all", "application/pdf")],
        "action": "save",
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "有场所：“制度.pdf” 不是照片或 PDF 文档" in page
    assert "活动室 60 平方米，位于三楼。" in page  # still in the form …
    item.refresh_from_db()
    assert item.statement == ""  # … but not saved, like the good photo
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_a_database_failure_after_writing_removes_the_files_already_written(city, item, media):
    real_save = Evidence.save
    calls = {"n": 0}

    def failing_second_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise IntegrityError("simulated")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Evidence, "save", failing_second_save), pytest.raises(IntegrityError):
        add(item, city.secretary, upload("a.png", png_with_text()), upload("b.pdf", pdf()))
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


# --- who sees it, and how ----------------------------------------------------------------------------

@pytest.fixture
def stored(city, item, media) -> Evidence:
    [evidence] = add(item, city.secretary, upload("制度.pdf", pdf(), "application/pdf"))
    return evidence


def test_the_file_is_served_to_the_secretary_and_the_admin_privately(city, login, stored):
    for user in (city.secretary, city.admin):
        response = login(user).get(reverse("oversight:evidence_file", args=[stored.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_evidence_of_another_organisations_review_is_a_404(city, login, stored):
    for user in (city.other_secretary, city.member_user, city.outsider):
        client = login(user)
        assert client.get(reverse("oversight:evidence_file", args=[stored.pk])).status_code == 404
        assert client.post(reverse("oversight:review_evidence_delete", args=[stored.pk])).status_code == 404
    assert Evidence.objects.filter(pk=stored.pk).exists()


# --- removal -----------------------------------------------------------------------------------------

def test_removing_evidence_deletes_its_file_once_the_deletion_commits(city, login, stored, media,
                                                                       django_capture_on_commit_callbacks):
    path = Path(media, stored.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(city.secretary).post(reverse("oversight:review_evidence_delete", args=[stored.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=stored.pk).exists()
    assert not path.exists()
    assert stored.review_item.review.events.last().comment == "删除佐证材料“制度.pdf”"


def test_deleting_a_review_removes_its_evidence_files_after_commit(city, stored, media,
                                                                    django_capture_on_commit_callbacks):
    path = Path(media, stored.file.name)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored.review_item.review.delete()
    assert path.exists()  # not before the deletion commits
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_evidence_of_a_passed_item_cannot_be_removed_after_a_return(city, login, stored, media):
    review = stored.review_item.review
    for other in review.items.exclude(pk=stored.review_item_id):
        other.statement = "已落实"
        other.save()
    for one in review.items.filter(checklist_item__evidence_required=True).exclude(pk=stored.review_item_id):
        add(one, city.secretary, upload("p.png", png_with_text()))
    review.items.filter(pk=stored.review_item_id).update(statement="已落实")
    services.review_submit(review=review, by=city.secretary)
    for one in review.items.all():
        if one.pk == stored.review_item_id:
            services.review_item_pass(item=one, by=city.admin)
        else:
            services.review_item_return(item=one, by=city.admin, comment="请补充")
    services.review_return(review=review, by=city.admin)

    response = login(city.secretary).post(reverse("oversight:review_evidence_delete", args=[stored.pk]), follow=True)
    assert "已审核通过，不能再修改" in response.content.decode()
    assert Evidence.objects.filter(pk=stored.pk).exists()
