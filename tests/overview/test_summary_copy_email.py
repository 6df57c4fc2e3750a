"""The family's copy of the executive summary (15.3) crosses the internet as an email:
it names no one and says nothing of who the recipient is to the adult. Only that the
board has a document for them, attached."""

from datetime import timedelta

from django.core import mail
from django.utils.html import strip_tags

from overview import summary_services as summaries
from overview.models import ExecutiveSummary
from scr.deadlines import calendar
from tests.overview.conftest import CLEAN_SUMMARY

RECIPIENT = "Carol Pennyworth (daughter of the adult)"


def test_the_familys_copy_names_no_one_and_no_relationship(
    received, overview_author, panel_chair, chair, coordinator, django_capture_on_commit_callbacks
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
        case_id=case_id, by=coordinator, name=RECIPIENT, email="carol@example.org"
    )
    today = calendar.today()
    summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="No related criminal proceedings.",
        release_date=today,
    )
    with django_capture_on_commit_callbacks(execute=True):
        summaries.summary_release_due(today=today + timedelta(days=1))

    (sent,) = mail.outbox
    subject_name = received.case.subject_name
    # The HTML's words, not its markup (its style says font-family).
    parts = [sent.subject, sent.body, *(strip_tags(body) for body, _ in sent.alternatives)]
    for part in parts:
        lowered = part.lower()
        for word in ("carol", "pennyworth", "daughter", "family", "dear", "review"):
            assert word not in lowered, (word, part)
        for word in subject_name.lower().split():
            assert word not in lowered, (word, part)
        assert received.case.reference.lower() not in lowered
        assert "document" in lowered
        assert "sign in" not in lowered  # the family have no account
    assert sent.to == ["carol@example.org"]
    assert sent.attachments[0][0].endswith("executive-summary.pdf")
