"""The report's and the summary's courses as their pages show them: the event rows of
their status (scr.cases.status), each with who, when and the reasons; the rows written for
steps taken before (overview migration 0002) are the ones the services write now."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.urls import reverse
from django.utils import timezone

from overview import summary_services as summaries
from overview.models import ExecutiveSummary, Overview
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.cases.models import StatusEvent
from scr.deadlines import calendar
from tests.overview.conftest import CLEAN_SUMMARY

pytestmark = pytest.mark.django_db
migration = importlib.import_module("overview.migrations.0002_status_events")

PANEL_SAYS = "Say less about the visits of the daughter."
CHAIR_SAYS = "Criminal proceedings have begun: wait for the verdict."


def _rows(obj):
    return [
        (e.transition, e.from_status, e.to_status, e.actor_id, e.note, e.at)
        for e in status.status_events(obj)
    ]


def _summary_course(case_id, author, panel_chair, chair):
    """Sent, returned, sent and agreed, approved, withdrawn, then again to the release."""
    summaries.summary_start(case_id=case_id, by=author)
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    summaries.summary_save(case_id=case_id, by=author, revision=summary.revision, **CLEAN_SUMMARY)
    summaries.summary_send_to_panel(case_id=case_id, by=author)
    summaries.summary_panel_decide(
        case_id=case_id, by=panel_chair, agree=False, comments=PANEL_SAYS
    )
    for _ in range(2):
        summaries.summary_send_to_panel(case_id=case_id, by=author)
        summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
        summaries.summary_approve(
            case_id=case_id,
            by=chair,
            criminal_proceedings="None known.",
            release_date=calendar.today(),
        )
        if not StatusEvent.objects.filter(transition="withdraw").exists():
            summaries.summary_withdraw(case_id=case_id, by=chair, reason=CHAIR_SAYS)
    assert summaries.summary_release_due() == 1
    return ExecutiveSummary.objects.get(case_id=case_id)


def test_the_pages_list_the_steps_and_the_backfill_writes_the_same_rows(
    client, received, overview_author, panel_chair, chair, coordinator, board_member
):
    case = received.case
    overview = Overview.objects.get(pk=received.pk)
    summary = _summary_course(case.pk, overview_author, panel_chair, chair)
    assert [e.transition for e in status.status_events(summary)] == [
        "send_to_panel",
        "return_to_author",
        "send_to_panel",
        "agree",
        "approve",
        "withdraw",
        "send_to_panel",
        "agree",
        "approve",
        "release",
    ]
    # One audit row per step, in the helper's words: none of the services' own any more.
    audit = AuditEvent.objects.filter(object_type="executivesummary", object_id=str(summary.pk))
    assert audit.filter(action="transition").count() == 10
    assert not audit.filter(action="change", detail__contains="panel").exists()

    client.force_login(coordinator)
    page = client.get(reverse("overview:overview-detail", args=[case.reference])).content.decode()
    assert f"by {overview_author.full_name}" in page  # submitted to the board
    assert f"by {coordinator.full_name}" in page  # received, with step 14 e
    assert "Received by the board" in page
    client.force_login(chair)
    page = client.get(reverse("overview:summary", args=[case.reference])).content.decode()
    assert PANEL_SAYS in page and CHAIR_SAYS in page
    assert "waiting for its release date to Being written" in page  # the withdrawal
    assert "The service" in page  # the release, on its date
    # Once public, everyone else sees the released text's own course, from its last
    # sending to the panel to its release: not the returns, the withdrawal or any reasons.
    client.force_login(board_member)
    page = client.get(reverse("overview:summary", args=[case.reference])).content.decode()
    assert page.count("Being written to With the panel to agree") == 1
    assert "With the panel to agree to Agreed by the panel" in page
    assert "waiting for its release date to Released" in page
    assert PANEL_SAYS not in page and CHAIR_SAYS not in page
    assert "to Being written" not in page

    written = {obj: _rows(obj) for obj in (overview, summary)}
    StatusEvent.objects.filter(subject_id__in=[overview.pk, summary.pk]).exclude(
        subject_type__model="imr"
    ).delete()
    # Before the event rows only the last of the panel's comments and the chair's reasons
    # was kept (panel_comments, here the final agreement's: none); the rest were lost.
    written[summary] = [(*row[:4], "", row[5]) for row in written[summary]]
    migration.forwards(global_apps, None)
    for obj, rows in written.items():
        backfilled = _rows(obj)
        assert [row[:5] for row in backfilled] == [row[:5] for row in rows], obj
        for then, now in zip(rows, backfilled, strict=True):
            assert abs(then[5] - now[5]) < timedelta(seconds=5)
    migration.forwards(global_apps, None)
    assert len(_rows(summary)) == 10


def test_a_summary_seeded_without_audit_rows_takes_its_steps_from_its_columns():
    at = timezone.now()
    summary = SimpleNamespace(
        status="approved",
        sent_to_panel_at=at,
        panel_agreed_at=at + timedelta(days=1),
        panel_agreed_by_id=7,
        approved_at=at + timedelta(days=2),
        approved_by_id=8,
        released_at=None,
        panel_comments="Agreed as it stands.",
    )
    steps = migration.summary_steps(summary, [])
    assert [(s["transition"], s["actor_id"], s["note"]) for s in steps] == [
        ("send_to_panel", None, ""),
        ("agree", 7, "Agreed as it stands."),
        ("approve", 8, ""),
    ]
    assert steps[-1]["to_status"] == "approved"
