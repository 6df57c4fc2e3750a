"""The overview report's PDF laid out by a real worker (not inside the web request), and
the executive summary's release sending the family's copy through it (13, 15.3)."""

import io
import threading

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from overview import summary_services as summaries
from overview.models import ExecutiveSummary
from scr.deadlines import calendar
from scr.documents.models import RenderedDocument
from scr.documents.tasks import document_render_task
from scr.uploads import read
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import (  # noqa: F401
    CLEAN_SUMMARY,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_overview_pdf_is_laid_out_by_the_worker(
    client,
    submitted,  # noqa: F811
    chair,
    real_worker,
    wait_for_task,
):
    client.force_login(chair)
    url = reverse("overview:pdf", args=[submitted.case.reference])
    waiting = client.get(url)
    assert waiting.status_code == 200
    assert "This page looks again every 5 seconds" in waiting.content.decode()
    name, state, thread, eager = wait_for_task(document_render_task.name, timeout=60)
    assert state == "SUCCESS" and not eager and thread != threading.current_thread().name
    document = RenderedDocument.objects.get(case=submitted.case, kind="overview")
    assert document.ready
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(read(document.file_name))).pages)
    assert "Inter-agency chronology of events" in " ".join(text.split())
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"


def test_the_familys_copy_goes_through_the_worker_on_the_release_date(
    received,  # noqa: F811
    overview_author,
    panel_chair,
    chair,
    coordinator,
    real_worker,
    wait_for_task,
    wait_for_mail,
):
    case_id = received.case_id
    summaries.summary_start(case_id=case_id, by=overview_author)
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    summaries.summary_save(
        case_id=case_id, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_recipient_add(
        case_id=case_id, by=coordinator, name="Rosalind", email="rosalind@example.org"
    )
    mail.outbox.clear()
    summaries.summary_approve(
        case_id=case_id, by=chair, criminal_proceedings="None.", release_date=calendar.today()
    )

    def family(messages):
        return [m for m in messages if m.to == ["rosalind@example.org"]]

    wait_for_mail(family, timeout=60)
    # The stage change tells the people on the case too; the family gets one email.
    (copy,) = family(mail.outbox)
    assert copy.attachments[0][2] == "application/pdf"
    assert ExecutiveSummary.objects.get(pk=summary.pk).status == ExecutiveSummary.Status.RELEASED
