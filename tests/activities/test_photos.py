"""Activity photos: what is refused, what is stored (and what is not), who may see and delete them."""

import io
import os
import struct
import zlib
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image, ImageFile

from activities.models import Photo
from activities.photos import photos_add
from core.files import _human_size, photo_prepare
from tests.factories import ActivityFactory

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def activity(city):
    activity = ActivityFactory(organisation=city.branch_a)
    activity.attendances.create(member=city.member)
    return activity


def stored_files(root: Path) -> list[Path]:
    return [Path(folder) / name for folder, _, names in os.walk(root) for name in names]


def jpeg(size=(300, 200), colour="red", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def phone_photo_with_gps() -> bytes:
    """A landscape JPEG as a phone writes it: stored sideways with Orientation=6, GPS position, camera model."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # display rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 15"
    exif[GPS_IFD] = {1: "N", 2: (31.0, 52.0, 12.5), 3: "E", 4: (117.0, 17.0, 3.25)}
    data = jpeg((300, 200), exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
    return data


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims width×height pixels (the pixel data is a stub)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_photos(client, activity, *files):
    return client.post(reverse("activities:photo_upload", args=[activity.pk]), {"photos": list(files)})


def panel_errors(client, activity) -> str:
    page = client.get(reverse("activities:activity_detail", args=[activity.pk]))
    assert page.status_code == 200
    return page.content.decode()


# --- what is stored ------------------------------------------------------------------

def test_it_strips_gps_and_every_exif_tag_and_turns_the_photo_upright(city, login, activity, media):
    client = login(city.secretary)
    response = post_photos(client, activity, upload("IMG_0001.jpg", phone_photo_with_gps()))

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.startswith(f"activity-photos/{activity.pk}/")
    stored = (media / photo.image.name).read_bytes()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert image.size == (200, 300)  # the sideways original, rotated by its Orientation tag
    assert (photo.width, photo.height) == (200, 300)
    with Image.open(media / photo.thumbnail.name) as thumbnail:
        assert "exif" not in thumbnail.info and max(thumbnail.size) <= 400


def test_it_stores_ten_photos_from_one_request_each_with_a_thumbnail(city, login, activity, media):
    client = login(city.secretary)
    files = [upload(f"IMG_{n:04d}.jpg", jpeg((1200, 900), (20 * n, 100, 150))) for n in range(10)]

    response = post_photos(client, activity, *files)

    assert response.status_code == 302
    photos = list(Photo.objects.filter(activity=activity))
    assert len(photos) == 10
    names = {photo.image.name for photo in photos} | {photo.thumbnail.name for photo in photos}
    assert len(names) == 20  # every file under its own unguessable name
    assert len(stored_files(media)) == 20
    for photo in photos:
        with Image.open(media / photo.thumbnail.name) as thumbnail:
            assert thumbnail.size == (400, 300)
    assert "已上传 10 张照片" in client.get(response["Location"]).content.decode()


def test_it_shrinks_a_huge_original_and_keeps_png_and_webp_formats(city, media):
    png = io.BytesIO()
    Image.new("RGBA", (5000, 1000), (0, 0, 255, 128)).save(png, "PNG")
    webp = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(webp, "WEBP")

    big = photo_prepare(upload("banner.png", png.getvalue(), "image/png"))
    small = photo_prepare(upload("photo.webp", webp.getvalue(), "image/webp"))

    assert (big.extension, big.width, big.height) == ("png", 2560, 512)
    assert Image.open(io.BytesIO(big.content)).mode == "RGBA"
    assert (small.extension, small.width, small.height) == ("webp", 640, 480)
    assert Image.open(io.BytesIO(small.thumbnail)).format == "JPEG"


def test_it_never_trusts_the_file_name_for_the_format(city, media):
    prepared = photo_prepare(upload("really-a-jpeg.png", jpeg(), "image/png"))
    assert prepared.extension == "jpg"


# --- what is refused -----------------------------------------------------------------

def bomb_png() -> bytes:
    """A real 100-megapixel PNG of about 12 KB (the decompression bomb of ENGINEERING.md)."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


BAD_FILES = {
    "text named .jpg": (lambda: upload("notes.jpg", "这不是照片，只是一段文字。".encode()), "不是有效的图片文件"),
    "truncated jpeg": (lambda: upload("half.jpg", jpeg((400, 300), "blue")[:400]), "文件不完整"),
    "gif": (lambda: upload("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"), "不是有效的图片文件"),
    "decompression bomb": (lambda: upload("bomb.png", bomb_png(), "image/png"), "像素过大"),
    "header declaring 400 megapixels": (lambda: upload("huge.png", png_declaring(20_000, 20_000), "image/png"),
                                        "像素过大"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_it_refuses_a_bad_file_with_a_message_naming_it_and_writes_nothing(city, login, activity, media, kind):
    make, reason = BAD_FILES[kind]
    bad = make()
    client = login(city.secretary)

    response = post_photos(client, activity, upload("good.jpg", jpeg()), bad)

    assert response.status_code == 302
    assert Photo.objects.count() == 0
    assert stored_files(media) == []
    page = panel_errors(client, activity)
    assert f"“{bad.name}” {reason}" in page
    assert "本次上传的照片均未保存" in page


def test_it_refuses_a_file_over_the_size_limit(city, login, activity, media, settings):
    settings.PHOTO_MAX_BYTES = 2_000
    client = login(city.secretary)

    post_photos(client, activity, upload("big.jpg", jpeg((800, 600), "white", quality=100) + b"\0" * 3_000))

    assert Photo.objects.count() == 0
    assert stored_files(media) == []
    assert "“big.jpg” 超过 1.95 KB" in panel_errors(client, activity)


def test_the_size_limit_reads_in_megabytes():
    assert _human_size(15 * 1024 * 1024) == "15 MB"


def test_it_refuses_above_the_pixel_setting_before_decoding(city, settings):
    settings.PHOTO_MAX_PIXELS = 10_000
    wide = upload("wide.jpg", jpeg((200, 100)))
    with pytest.raises(ValidationError) as refused, mock.patch.object(ImageFile.ImageFile, "load") as load:
        photo_prepare(wide)
    assert "像素过大" in refused.value.messages[0]
    load.assert_not_called()


def test_it_lists_every_bad_file_of_the_request(city, login, activity, media):
    client = login(city.secretary)
    post_photos(client, activity, upload("a.jpg", b"nope"), upload("b.jpg", jpeg()), upload("c.jpg", b"no"))
    page = panel_errors(client, activity)
    assert "“a.jpg” 不是有效的图片文件" in page and "“c.jpg” 不是有效的图片文件" in page


def test_an_upload_without_files_asks_for_a_photo(city, login, activity, media):
    client = login(city.secretary)
    client.post(reverse("activities:photo_upload", args=[activity.pk]), {})
    assert "请选择要上传的照片" in panel_errors(client, activity)


def test_a_database_failure_after_writing_removes_the_files_already_written(city, activity, media):
    real_save = Photo.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise IntegrityError("disk quota of the database")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Photo, "save", failing_save), pytest.raises(IntegrityError):
        photos_add(activity=activity, uploads=[upload(f"{n}.jpg", jpeg()) for n in range(4)], by=city.secretary)

    assert Photo.objects.count() == 0
    assert stored_files(media) == []


# --- who sees, who changes ---------------------------------------------------------

@pytest.fixture
def stored_photo(city, activity, media):
    return photos_add(activity=activity, uploads=[upload("IMG.jpg", jpeg())], by=city.secretary)[0]


def test_a_member_of_the_host_organisation_sees_the_photo_privately_cached(city, login, stored_photo):
    client = login(city.member_user)
    for name in ("activities:photo_file", "activities:photo_thumbnail"):
        response = client.get(reverse(name, args=[stored_photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_member_of_another_organisation_gets_404_for_a_private_activitys_photo(city, login, stored_photo):
    from tests.factories import MemberFactory, UserFactory

    stranger = UserFactory()
    MemberFactory(organisation=city.org_b, user=stranger)
    client = login(stranger)
    for name in ("activities:photo_file", "activities:photo_thumbnail"):
        assert client.get(reverse(name, args=[stored_photo.pk])).status_code == 404


def test_a_member_may_not_upload(city, login, activity, media):
    response = post_photos(login(city.member_user), activity, upload("x.jpg", jpeg()))
    assert response.status_code == 403
    assert stored_files(media) == []


def test_deleting_a_photo_removes_its_files_once_the_deletion_commits(
        city, login, stored_photo, media, django_capture_on_commit_callbacks):
    files = [media / stored_photo.image.name, media / stored_photo.thumbnail.name]
    client = login(city.secretary)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("activities:photo_delete", args=[stored_photo.pk]))
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=stored_photo.pk).exists()
    assert all(f.exists() for f in files)  # nothing is removed before the commit

    for callback in callbacks:
        callback()
    assert not any(f.exists() for f in files)


def test_a_member_may_not_delete_a_photo(city, login, stored_photo):
    response = login(city.member_user).post(reverse("activities:photo_delete", args=[stored_photo.pk]))
    assert response.status_code == 403
    assert Photo.objects.filter(pk=stored_photo.pk).exists()


# --- the panel on the activity page ---------------------------------------------------------

def test_the_activity_page_shows_thumbnails_linking_to_the_photos_and_the_form_only_to_managers(
        city, login, stored_photo):
    detail = reverse("activities:activity_detail", args=[stored_photo.activity_id])
    secretary_page = login(city.secretary).get(detail).content.decode()
    assert reverse("activities:photo_thumbnail", args=[stored_photo.pk]) in secretary_page
    assert reverse("activities:photo_file", args=[stored_photo.pk]) in secretary_page
    assert 'data-testid="photo-upload-form"' in secretary_page
    assert 'multiple accept="image/jpeg,image/png,image/webp"' in secretary_page

    member_page = login(city.member_user).get(detail).content.decode()
    assert reverse("activities:photo_thumbnail", args=[stored_photo.pk]) in member_page
    assert 'data-testid="photo-upload-form"' not in member_page


def test_the_photo_panel_costs_the_same_queries_for_one_photo_or_many(
        city, login, activity, media):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city.secretary)
    detail = reverse("activities:activity_detail", args=[activity.pk])
    photos_add(activity=activity, uploads=[upload("1.jpg", jpeg())], by=city.secretary)
    client.get(detail)
    with CaptureQueriesContext(connection) as one:
        client.get(detail)
    photos_add(activity=activity, uploads=[upload(f"{n}.jpg", jpeg()) for n in range(6)], by=city.secretary)
    with CaptureQueriesContext(connection) as seven:
        client.get(detail)
    assert len(seven) == len(one)


def test_deleting_an_activity_removes_its_photo_files_after_commit(city, settings, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from activities.photos import photos_add
    from tests.factories import ActivityFactory

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    activity = ActivityFactory(organisation=city.branch_a)
    photos_add(activity=activity, uploads=[SimpleUploadedFile("a.jpg", buffer.getvalue())], by=city.secretary)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 2  # the photo and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        activity.delete()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
