"""Uploaded documents: a photo or a PDF, checked by its content and never by its name or the browser's content
type, before anything is stored. Used for review and duty evidence (oversight), nomination evidence (honours)
and community documents.

- a file starting with an image signature goes through the photo pipeline (`core.files.photo_prepare`: size
  and pixel limits before decoding, full decode, re-encoded without EXIF/GPS);
- a file starting with ``%PDF-`` must be parsed by pypdf without error, have at least one page and not be
  encrypted (a locked PDF cannot be read by the reviewer), within the same size limit;
- anything else is refused with a Chinese message naming the file.
"""

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from .files import CONTENT_TYPES, photo_prepare

PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"
# What the file picker offers; the server decides by content anyway.
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"
IMAGE_MAX_SIDE = 2560
MAX_FILES_PER_UPLOAD = 20
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class PreparedEvidence:
    """A validated upload held in memory, not yet stored."""

    original_name: str
    extension: str
    content_type: str
    content: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _display_name(upload) -> str:
    return os.path.basename(getattr(upload, "name", "") or "")[:80] or "未命名文件"


def _max_size_text() -> str:
    limit = settings.PHOTO_MAX_BYTES
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{limit / 1024:.3g} KB" if limit >= 1024 else f"{limit} 字节"


def _head(upload, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _looks_like_image(head: bytes) -> bool:
    return head.startswith(_IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _pdf_prepare(upload, name: str) -> PreparedEvidence:
    upload.seek(0)
    content = upload.read()
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(f"“{name}” 不是有效的 PDF 文件。", code="not_pdf")
    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)  # walks the whole page tree
    except Exception:  # noqa: BLE001 - untrusted input: any parser failure means "not a readable PDF"
        raise ValidationError(f"“{name}” 文件已损坏或不是有效的 PDF 文档，请重新导出后再上传。",
                              code="broken_pdf") from None
    if encrypted:
        raise ValidationError(f"“{name}” 设置了密码或加密保护，审核人无法打开，请去除保护后再上传。",
                              code="encrypted_pdf")
    if pages == 0:
        raise ValidationError(f"“{name}” 没有任何页面。", code="empty_pdf")
    return PreparedEvidence(original_name=name, extension="pdf", content_type=PDF_CONTENT_TYPE, content=content)


def evidence_prepare(upload) -> PreparedEvidence:
    """Check one uploaded file; a photo comes back re-encoded. ValidationError (Chinese, naming the file) if bad."""
    name = _display_name(upload)
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(f"“{name}” 超过 {_max_size_text()}，请压缩后再上传。", code="too_large")
    if upload.size == 0:
        raise ValidationError(f"“{name}” 是空文件。", code="empty")
    head = _head(upload)
    if head.startswith(PDF_MAGIC):
        return _pdf_prepare(upload, name)
    if _looks_like_image(head):
        image = photo_prepare(upload, max_side=IMAGE_MAX_SIDE, thumbnail=False)
        return PreparedEvidence(original_name=image.original_name, extension=image.extension,
                                content_type=CONTENT_TYPES[image.extension], content=image.content)
    raise ValidationError(f"“{name}” 不是照片或 PDF 文档（只能上传 JPEG、PNG、WebP 照片或 PDF 文件）。",
                          code="unsupported")


def evidences_prepare(uploads: Iterable, *, label: str = "") -> list[PreparedEvidence]:
    """Check every file; if any is bad raise one ValidationError listing each bad file (so none is stored).
    `label` (e.g. the checklist item) prefixes each message. No files is not an error here."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(f"{label}一次最多上传 {MAX_FILES_PER_UPLOAD} 个文件。", code="too_many_files")
    prepared, errors = [], []
    for upload in uploads:
        try:
            prepared.append(evidence_prepare(upload))
        except ValidationError as error:
            errors.extend(ValidationError(f"{label}{message}", code=e.code)
                          for e in error.error_list for message in e.messages)
    if errors:
        raise ValidationError(errors)
    return prepared
