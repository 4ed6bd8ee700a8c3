"""Evidence (佐证材料): photos and PDF documents attached to a review item or a duty report.

Every upload is untrusted until proven to be what it claims, by its content and never by its
name or the browser's content type (the checks are core.documents'):
- a file starting with an image signature goes through the activity photos' pipeline
  (`activities.photos.photo_prepare`: size and pixel limits before decoding, full decode,
  re-encoded without EXIF/GPS);
- a file starting with ``%PDF-`` must be parsed by pypdf without error, have at least one page
  and not be encrypted (a locked PDF cannot be read by the reviewer), within the same size limit;
- anything else is refused with a Chinese message naming the file.

All files of a request are checked before any is written (`evidences_prepare`); writes happen in
one transaction inside `removed_on_failure`, so a failure leaves neither rows nor files. A deleted
row's file goes once the deletion commits (the `post_delete` receiver below, which also covers
cascades from a deleted review item or duty). Files are served only by `evidence_response`, behind
a view that asks the access module first.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import FileResponse, Http404

from branches import access
from core.documents import (  # noqa: F401  (re-exported: the checks live in core, shared with honours and community)
    ACCEPT,
    PreparedEvidence,
    evidence_prepare,
    evidences_prepare,
)
from core.files import files_delete, private_file_response, removed_on_failure

from .models import Evidence


def evidence_store(prepared: PreparedEvidence, *, by, written: list[str], review_item=None,
                   duty_assignment=None) -> Evidence:
    """Write one prepared file and its row. Call inside `removed_on_failure()` and a transaction."""
    evidence = Evidence(review_item=review_item, duty_assignment=duty_assignment,
                        content_type=prepared.content_type, original_name=prepared.original_name,
                        size=len(prepared.content), uploaded_by=by)
    # The model's upload_to gives the file an unguessable name and keeps only the extension.
    evidence.file.save(f"evidence.{prepared.extension}", ContentFile(prepared.content), save=False)
    written.append(evidence.file.name)
    evidence.full_clean()
    evidence.save()
    return evidence


def evidence_add(*, uploads: Iterable, by, review_item=None, duty_assignment=None) -> list[Evidence]:
    """Store the uploads as evidence of a review item or a duty assignment: all of them, or none."""
    prepared = evidences_prepare(uploads)
    if not prepared:
        raise ValidationError("请选择要上传的文件。", code="required")
    with removed_on_failure() as written, transaction.atomic():
        return [evidence_store(item, by=by, written=written, review_item=review_item,
                               duty_assignment=duty_assignment) for item in prepared]


def evidence_delete(*, evidence: Evidence) -> None:
    """Delete the row; its file goes once the deletion has committed (see `_file_goes_after_commit`)."""
    with transaction.atomic():
        evidence.delete()


@receiver(post_delete, sender=Evidence, dispatch_uid="oversight.evidence.file_goes_after_commit")
def _file_goes_after_commit(sender, instance: Evidence, **kwargs) -> None:
    # Also runs for cascades (a review item, review or duty deleted in the admin); a rollback keeps the file.
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: files_delete([name]))


# --- reading ------------------------------------------------------------------------------

def evidence_for(user, pk) -> Evidence:
    """Evidence the user may see: that of a review or duty of an organisation they manage, else 404."""
    row = Evidence.objects.filter(pk=pk).values_list("review_item_id", "duty_assignment_id").first()
    if row is None:
        raise Http404("没有找到该佐证材料。")
    field = "review_item__review__organisation" if row[0] is not None else "duty_assignment__organisation"
    return access.get_managed_object(user, Evidence.objects.all(), pk, field=field)


def evidence_response(evidence: Evidence) -> FileResponse:
    return private_file_response(evidence.file, content_type=evidence.content_type, filename=evidence.original_name)
