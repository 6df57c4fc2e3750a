"""The rendered documents' part in deleting a case (scr.cases.retention): the rows go by
the cascade from the case; their PDFs, and the laid-out parts kept for the next render
(scr.documents.pipeline), are files to remove. Kept parts also go once unused for
DOCUMENT_PDF_PART_DAYS (document_parts_prune)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scr import uploads
from scr.cases import retention
from scr.documents.models import DocumentPart, RenderedDocument


def _files(case) -> list[str]:
    documents = (
        RenderedDocument.objects.filter(case=case)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    parts = DocumentPart.objects.filter(case=case).values_list("file_name", flat=True)
    return [*documents, *parts]


retention.register(files=_files)


def document_parts_prune(*, now: datetime | None = None, limit: int = 500) -> int:
    """Forget up to `limit` kept parts unused for DOCUMENT_PDF_PART_DAYS, rows and files;
    returns how many. The files go after the rows' deletion is committed, so a render that
    reads a part meanwhile finds either both or neither (and lays the part out again)."""
    since = (now or timezone.now()) - timedelta(days=settings.DOCUMENT_PDF_PART_DAYS)
    with transaction.atomic():
        stale = list(
            DocumentPart.objects.filter(used_at__lt=since)
            .order_by("used_at")
            .values_list("pk", "file_name")[:limit]
        )
        DocumentPart.objects.filter(pk__in=[pk for pk, _ in stale]).delete()
        names = [name for _, name in stale]
        transaction.on_commit(lambda: uploads.delete_all(names))
    return len(stale)
