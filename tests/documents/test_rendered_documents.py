"""Documents laid out by the worker and kept (scr.documents.services)."""

from datetime import timedelta

from django.utils import timezone

from scr.documents.models import RenderedDocument
from scr.documents.services import document_render, document_request
from scr.uploads import read


def _ask(case, by, key="summary:1"):
    return document_request(case=case, kind="case-summary", key=key, options={}, by=by)


def test_asking_twice_for_the_same_content_makes_one_document(case, coordinator):
    first = _ask(case, coordinator)
    assert _ask(case, coordinator).pk == first.pk
    assert _ask(case, coordinator, key="summary:2").pk != first.pk


def test_the_worker_renders_once_and_keeps_the_file(case, coordinator):
    document = _ask(case, coordinator)
    assert document_render(document_id=document.pk) == "done"
    # A second delivery of the same task finds it done and does nothing.
    assert document_render(document_id=document.pk) == "done"
    document.refresh_from_db()
    assert document.ready
    assert read(document.file_name).startswith(b"%PDF")
    assert document.filename.endswith(".pdf")


def test_a_render_that_fails_is_recorded_and_can_be_asked_again(case, coordinator):
    document = document_request(case=case, kind="no-such-kind", key="x", options={}, by=coordinator)
    assert document_render(document_id=document.pk) == "failed"
    document.refresh_from_db()
    assert document.failed and "Unknown document kind" in document.error
    again = document_request(case=case, kind="case-summary", key="x", options={}, by=coordinator)
    assert again.pk != document.pk


def test_a_document_whose_file_has_gone_is_made_again(case, coordinator):
    from scr import uploads

    document = _ask(case, coordinator)
    document_render(document_id=document.pk)
    document.refresh_from_db()
    assert _ask(case, coordinator).pk == document.pk
    uploads.delete(document.file_name)
    again = _ask(case, coordinator)
    assert again.pk != document.pk
    assert document_render(document_id=again.pk) == "done"
    again.refresh_from_db()
    assert read(again.file_name).startswith(b"%PDF")
    document.refresh_from_db()
    assert document.failed and "missing" in document.error


def test_a_render_the_worker_abandoned_is_asked_again(case, coordinator):
    document = _ask(case, coordinator)
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=RenderedDocument.Status.RENDERING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    again = _ask(case, coordinator)
    assert again.pk != document.pk
    document.refresh_from_db()
    assert document.failed


def test_the_worker_reports_each_step_and_clears_it_when_done(case, coordinator, monkeypatch):
    from scr.documents import services

    seen = []
    real = services.render_pdf

    def watching(built, progress):
        def record(step):
            progress(step)
            # What the waiting page reads at this moment.
            seen.append(RenderedDocument.objects.get(pk=document.pk).progress)

        return real(built, record)

    monkeypatch.setattr(services, "render_pdf", watching)
    document = _ask(case, coordinator)
    document_render(document_id=document.pk)
    assert seen[0] == "Laying out the pages"
    assert seen[1].startswith("Writing the PDF of ") and seen[1].endswith(" pages")
    document.refresh_from_db()
    assert document.ready and document.progress == ""


def test_the_waiting_page_says_how_far_the_worker_has_got(client, case, chair):
    from django.urls import reverse

    from overview.models import Overview

    Overview.objects.create(case=case, started_by=chair)
    client.force_login(chair)
    url = reverse("overview:pdf", args=[case.reference])
    client.get(url)  # asks; the task runs only after commit, so the request waits
    RenderedDocument.objects.filter(case=case).update(
        status=RenderedDocument.Status.RENDERING,
        started_at=timezone.now() - timedelta(seconds=20),
        progress="Laying out the pages",
    )
    text = client.get(url).content.decode()
    assert "Being laid out</strong>: laying out the pages (for 0" in text
