"""Photos: every upload is untrusted until Pillow has decoded it, and is stored re-encoded.

What an upload goes through (`photo_prepare`), before anything touches storage:
the byte size; the format read from the file's own header (never the name or the
browser's content type), only JPEG, PNG and WebP; the pixel count read from the
header *before* decoding, so a 12 KB file declaring 100 megapixels never gets
~300 MB of memory; a full decode, so a truncated file is refused. The decoded
picture is turned upright by its EXIF orientation, converted to sRGB, shrunk to a
sensible size and encoded anew with no metadata at all (EXIF with GPS, XMP, ICC,
comments), which also throws away anything smuggled after the image data.

Every feature that keeps uploaded files uses this module: validate everything
first and write only if all pass (`photos_prepare`), remove what was written when
the transaction fails (`removed_on_failure`), delete files after their row's
deletion commits (`files_delete` from a signal), and serve them only through a
view that has asked the access rules first (`private_file_response`).
"""

import io
import logging
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow's format name → the extension we store under.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
ACCEPT = "image/jpeg,image/png,image/webp"
MAX_SIDE = 2560  # long side of a stored photo: sharp on any screen, ~0.5–1 MB as JPEG
THUMBNAIL_SIDE = 400
MAX_FILES_PER_UPLOAD = 30

# Errors a damaged file raises while Pillow parses or decodes it.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


@dataclass(frozen=True)
class PreparedImage:
    """A validated upload, re-encoded in memory and not yet stored."""

    original_name: str
    extension: str
    content: bytes
    width: int
    height: int
    thumbnail: bytes | None = None


def _display_name(upload) -> str:
    name = os.path.basename(getattr(upload, "name", "") or "")
    return name[:80] or "未命名文件"


def _human_size(size: int) -> str:
    mb = 1024 * 1024
    if size >= mb:
        return f"{size / mb:.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} 字节"


def _refuse(name: str, reason: str, code: str) -> ValidationError:
    return ValidationError(f"“{name}” {reason}", code=code)


def _open(upload, name: str) -> Image.Image:
    """Decode the upload, refusing anything that is not a complete, reasonably sized JPEG/PNG/WebP."""
    max_pixels = settings.PHOTO_MAX_PIXELS
    # Pillow's own guard follows our setting (re-applied each time so overridden settings hold).
    Image.MAX_IMAGE_PIXELS = max_pixels
    too_big = _refuse(name, f"像素过大（超过 {max_pixels / 10_000:g} 万像素），请缩小后再上传。",
                      "too_many_pixels")
    with warnings.catch_warnings():
        # Above MAX_IMAGE_PIXELS Pillow only warns; a warning must stop the decode too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            # Image.open reads the header only: format and size are known before any pixel is decoded.
            with Image.open(upload, formats=list(FORMATS)) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise too_big
                probe.verify()
            upload.seek(0)
            image = Image.open(upload, formats=list(FORMATS))
            if image.format == "JPEG":
                # Let libjpeg decode at a reduced scale when the photo is far larger than we keep.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big from None
        except UnidentifiedImageError:
            raise _refuse(name, "不是有效的图片文件（只能上传 JPEG、PNG 或 WebP 格式的照片）。", "invalid") from None
        except _BROKEN:
            raise _refuse(name, "文件不完整或已损坏，请重新拍摄或导出后再上传。", "truncated") from None
    return image


def _upright_srgb(image: Image.Image) -> Image.Image:
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a malformed EXIF block only costs us the orientation
        logger.info("ignoring unreadable EXIF orientation")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        # Phones shoot in Display P3 and some JPEGs are CMYK: convert the colours, then drop the profile.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target_mode = mode if image.mode != "CMYK" else "RGB"
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=target_mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image if image.mode == mode else image.convert(mode)


def _encode(image: Image.Image, pillow_format: str, **options) -> bytes:
    # Nothing from the original rides along: no exif=, icc_profile=, xmp= and no info to inherit.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def photo_prepare(upload, *, max_side: int = MAX_SIDE, thumbnail: bool = True) -> PreparedImage:
    """Validate one uploaded file and re-encode it. Raises ValidationError with a Chinese message naming the file."""
    name = _display_name(upload)
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise _refuse(name, f"超过 {_human_size(settings.PHOTO_MAX_BYTES)}，请压缩后再上传。", "too_large")
    with _open(upload, name) as decoded:
        source_format = decoded.format
        image = _upright_srgb(decoded)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    extension = FORMATS[source_format]
    if source_format == "JPEG":
        content = _encode(image, "JPEG", quality=85, optimize=True, progressive=True)
    elif source_format == "WEBP":
        content = _encode(image, "WEBP", quality=85)
    else:
        content = _encode(image, "PNG", optimize=True)
    small = None
    if thumbnail:
        thumb = _flatten(image.copy())
        thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        small = _encode(thumb, "JPEG", quality=80, optimize=True)
    return PreparedImage(original_name=name, extension=extension, content=content, width=image.width,
                         height=image.height, thumbnail=small)


def photos_prepare(uploads: Iterable) -> list[PreparedImage]:
    """Validate every file; if any is bad raise one ValidationError listing each bad file, so none is saved."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError("请选择要上传的照片。", code="required")
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(f"一次最多上传 {MAX_FILES_PER_UPLOAD} 张照片。", code="too_many_files")
    prepared, errors = [], []
    for upload in uploads:
        try:
            prepared.append(photo_prepare(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return prepared


@contextmanager
def removed_on_failure(storage: Storage = default_storage) -> Iterator[list[str]]:
    """Collect names of files written inside the block; if the block fails, delete them.

    Use it around the outermost transaction.atomic() of a write (views that call
    these services opt out of ATOMIC_REQUESTS), so a rolled-back row never leaves its file behind."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        files_delete(written, storage=storage)
        raise


def files_delete(names: Iterable[str], *, storage: Storage = default_storage) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            # The row is gone either way; a stray file is logged, not fatal.
            logger.warning("could not delete stored file %s", name, exc_info=True)


def image_store(prepared: PreparedImage, field_file, written: list[str]) -> None:
    """Save a prepared image into an ImageField under an unguessable name (the row is saved by the caller)."""
    field_file.save(f"{uuid.uuid4().hex}.{prepared.extension}", ContentFile(prepared.content), save=False)
    written.append(field_file.name)


def private_file_response(field_file, *, content_type: str = "", filename: str = "",
                          as_attachment: bool = False, max_age: int = 3600, missing: str = "文件不存在。"):
    """A stored file for someone the caller has already let see it; never cached by shared caches.

    The one place private media leaves storage: views call it after the access module said yes."""
    from django.http import FileResponse, Http404

    name = getattr(field_file, "name", field_file)
    storage = getattr(field_file, "storage", default_storage)
    if not name:
        raise Http404(missing)
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(missing)
    if not content_type:
        extension = os.path.splitext(name)[1].lower().lstrip(".")
        content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type, filename=filename or None,
                            as_attachment=as_attachment)
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
