"""Asking for a document to be rendered by the worker, and the worker rendering it."""

import logging
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scr import uploads
from scr.documents import registry
from scr.documents.models import RenderedDocument
from scr.documents.render import RenderTimeout, render_pdf

log = logging.getLogger(__name__)

WAITING = (RenderedDocument.Status.QUEUED, RenderedDocument.Status.RENDERING)
# Longer than any document takes to lay out on a small machine (BENCHMARKS.md), and
# than the worker lets a render run (tasks.py): a render still running is never stale.
STALE_AFTER = max(timedelta(minutes=15), timedelta(seconds=settings.DOCUMENT_RENDER_SECONDS + 120))


def _stale(document: RenderedDocument) -> bool:
    started = document.started_at or document.requested_at
    return document.status in WAITING and timezone.now() - started > STALE_AFTER


def _file_gone(document: RenderedDocument) -> bool:
    """True when the document's file is known to be missing; storage that cannot be
    reached now is not taken for a missing file (the download says so instead)."""
    try:
        return not uploads.stored(document.file_name)
    except uploads.StorageUnavailable:
        return False


@transaction.atomic
def document_request(
    *, case, kind: str, key: str, options: dict, by, retry_failed: bool = True
) -> RenderedDocument:
    """The PDF of `key`: the one made or being made, or a new request for the worker
    (queued after commit). With retry_failed=False a failed render is returned as it is,
    so a page that looks again every few seconds does not ask the worker each time.
    The caller has checked that `by` may read the document."""
    # Only the newest request of a key can still be live: a new one is made only once
    # the one before it has failed.
    existing = (
        RenderedDocument.objects.select_for_update()
        .filter(case=case, key=key)
        .order_by("-pk")
        .first()
    )
    if existing is not None and existing.failed:
        if not retry_failed:
            return existing
        existing = None
    if existing is not None and existing.ready and _file_gone(existing):
        # Made, but its file has gone since (deleted by hand, storage restored from an
        # older backup): the page would answer 404 for ever. Make it again.
        existing.status = RenderedDocument.Status.FAILED
        existing.error = "Its file was missing; it was made again."
        existing.save(update_fields=["status", "error"])
        existing = None
    if existing is not None and not _stale(existing):
        return existing
    if existing is not None:
        # A worker that died while rendering never finishes it: ask again.
        existing.status = RenderedDocument.Status.FAILED
        existing.error = "The worker stopped before finishing."
        existing.save(update_fields=["status", "error"])
    document = RenderedDocument.objects.create(
        case=case, kind=kind, key=key, options=options, requested_by=by
    )
    from scr.documents.tasks import document_render_task

    transaction.on_commit(partial(document_render_task.delay, document_id=document.pk))
    return document


def document_render(*, document_id: int) -> str:
    """Lay the document out and keep the file (the worker's side). A second delivery of
    the same task finds it claimed or done and does nothing."""
    claimed = RenderedDocument.objects.filter(
        pk=document_id, status=RenderedDocument.Status.QUEUED
    ).update(status=RenderedDocument.Status.RENDERING, started_at=timezone.now())
    document = RenderedDocument.objects.select_related("case__board").get(pk=document_id)
    if not claimed:
        return document.status

    def progress(step: str) -> None:
        RenderedDocument.objects.filter(pk=document_id).update(progress=step[:100])

    try:
        progress("Gathering the content")
        built = registry.build(document.kind, document.case, **document.options)
        data = render_pdf(built, progress)
    except Exception as error:  # a document that cannot be made is reported, not retried
        log.exception("Rendering document %s failed", document_id)
        if isinstance(error, SoftTimeLimitExceeded):
            # The worker's limit, in case render_pdf's own could not be set.
            error = RenderTimeout(settings.DOCUMENT_RENDER_SECONDS)
        RenderedDocument.objects.filter(pk=document_id).update(
            status=RenderedDocument.Status.FAILED,
            finished_at=timezone.now(),
            error=str(error)[:300],
        )
        return RenderedDocument.Status.FAILED
    try:
        name = uploads.store(data, ".pdf")
    except OSError:
        # The disk said no: put it back in the queue for the task's retry.
        RenderedDocument.objects.filter(pk=document_id).update(
            status=RenderedDocument.Status.QUEUED
        )
        raise
    RenderedDocument.objects.filter(pk=document_id).update(
        status=RenderedDocument.Status.DONE,
        progress="",
        finished_at=timezone.now(),
        file_name=name,
        size=len(data),
        filename=built.filename,
    )
    return RenderedDocument.Status.DONE
