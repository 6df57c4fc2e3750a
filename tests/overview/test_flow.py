"""The overview report from its writing to the board's receipt, and the executive
summary from its draft to its release (13, 14, 15), through the services."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from overview import receipt_services as receipt
from overview import services
from overview import summary_services as summaries
from overview.models import ExecutiveSummary, Finding, Overview
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from tests.overview.conftest import CLEAN_SUMMARY, receive

pytestmark = pytest.mark.django_db


def test_submitting_needs_every_required_part(started, overview_author):
    with pytest.raises(ValidationError) as refused:
        services.overview_submit(case_id=started.case_id, by=overview_author)
    text = " ".join(refused.value.messages)
    assert "a) Introduction" in text and "at least one finding" in text
    assert Overview.objects.get(pk=started.pk).status == Overview.Status.DRAFTING


def test_submitting_meets_the_clock_and_moves_the_case(submitted):
    case = Case.objects.get(pk=submitted.case_id)
    assert case.stage == Stage.WITH_BOARD
    clock = Deadline.objects.get(case=case, kind=Deadline.Kind.OVERVIEW_REPORT)
    assert clock.status == Deadline.Status.MET


def test_a_finding_cites_entries_of_its_own_overview_only(written, overview_author, other_board):
    finding = Finding.objects.get(overview=written)
    assert "visited at home" in finding.entries.get().event
    with pytest.raises(ValidationError, match="No entry E999999"):
        services.finding_save(
            case_id=written.case_id, by=overview_author, text="x", entry_ids=[999999]
        )


def test_a_recommendation_names_an_agency_or_the_board(started, overview_author):
    with pytest.raises(ValidationError) as refused:
        services.recommendation_save(case_id=started.case_id, by=overview_author, text="Do it.")
    assert "agencies the recommendation is for" in str(refused.value)


def test_only_the_author_writes_and_only_while_drafting(
    started, coordinator, chair, panel_chair, lead_a, outsider, overview_author
):
    for person in (coordinator, chair, panel_chair):
        with pytest.raises(PermissionDenied):
            services.overview_section_save(
                case_id=started.case_id, by=person, key="introduction", text="x", revision=None
            )
    from django.http import Http404

    for person in (lead_a, outsider):
        with pytest.raises(Http404):
            services.overview_section_save(
                case_id=started.case_id, by=person, key="introduction", text="x", revision=None
            )


def test_a_save_from_an_older_revision_is_refused(started, overview_author):
    first = services.overview_section_save(
        case_id=started.case_id, by=overview_author, key="introduction", text="One", revision=None
    )
    services.overview_section_save(
        case_id=started.case_id,
        by=overview_author,
        key="introduction",
        text="Two",
        revision=first.revision,
    )
    with pytest.raises(ValidationError, match="after you opened it"):
        services.overview_section_save(
            case_id=started.case_id,
            by=overview_author,
            key="introduction",
            text="Three",
            revision=first.revision,
        )


def test_receipt_needs_every_contributor_before_14a(submitted, coordinator):
    with pytest.raises(ValidationError, match="every contributor"):
        receipt.receipt_item_record(
            case_id=submitted.case_id, by=coordinator, key="contributors", note="Checked."
        )


def test_receipt_of_14a_to_e_moves_the_case_to_the_summary(submitted, coordinator):
    receive(submitted, coordinator)
    overview = Overview.objects.get(pk=submitted.pk)
    assert overview.status == Overview.Status.RECEIVED
    assert Case.objects.get(pk=submitted.case_id).stage == Stage.EXECUTIVE_SUMMARY
    rows = {row["key"]: row for row in receipt.receipt_rows(overview)}
    assert rows["feedback"]["item"].done_by == coordinator
    assert rows["regulator"]["item"] is None  # 14 f comes with the summary and plans


def test_receipt_is_the_coordinators(submitted, chair, overview_author):
    for person in (chair, overview_author):
        with pytest.raises(PermissionDenied):
            receipt.receipt_item_record(
                case_id=submitted.case_id, by=person, key="feedback", note="x"
            )


def test_a_disagreeing_contributor_needs_comments(submitted, coordinator, agency_a):
    with pytest.raises(ValidationError, match="comments"):
        receipt.contributor_response_record(
            case_id=submitted.case_id, by=coordinator, agency_id=agency_a.pk, answer="disagrees"
        )


def _summary(overview, author, **text):
    summaries.summary_start(case_id=overview.case_id, by=author)
    summary = ExecutiveSummary.objects.get(case_id=overview.case_id)
    return summaries.summary_save(
        case_id=overview.case_id,
        by=author,
        revision=summary.revision,
        **{**CLEAN_SUMMARY, **text},
    )


def test_the_summary_is_drafted_from_the_report(submitted, overview_author):
    summary = summaries.summary_start(case_id=submitted.case_id, by=overview_author)
    assert "joint visit was not followed up" in summary.key_issues
    assert "share the outcome of joint visits" in summary.recommendations
    assert "3 agencies" in summary.process


def test_an_identifying_summary_cannot_go_to_the_panel(received, overview_author, panel_chair):
    _summary(received, overview_author, key_issues="Mrs QUENBY-MARSH fell; sw 1 visited.")
    with pytest.raises(ValidationError, match="still identifies someone: 2 unresolved"):
        summaries.summary_send_to_panel(case_id=received.case_id, by=overview_author)
    assert ExecutiveSummary.objects.get(case_id=received.case_id).status == "drafting"


def test_a_waived_match_lets_the_panel_agree(received, overview_author, panel_chair):
    from overview import redaction

    summary = _summary(received, overview_author, key_issues="Agencies met in March 2025.")
    hits = redaction.summary_hits(summary)
    for hit in hits:
        summaries.summary_waive(
            case_id=received.case_id, by=overview_author, term=hit.term, reason="A month."
        )
    summaries.summary_send_to_panel(case_id=received.case_id, by=overview_author)
    agreed = summaries.summary_panel_decide(case_id=received.case_id, by=panel_chair, agree=True)
    assert agreed.status == ExecutiveSummary.Status.AGREED


def test_release_on_the_chairs_date_sends_the_familys_copies(
    received, overview_author, panel_chair, chair, coordinator, django_capture_on_commit_callbacks
):
    _summary(received, overview_author)
    case_id = received.case_id
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_recipient_add(
        case_id=case_id, by=coordinator, name="Rosalind", email="rosalind@example.org"
    )
    today = calendar.today()
    with pytest.raises(ValidationError, match="criminal proceedings"):
        summaries.summary_approve(
            case_id=case_id, by=chair, criminal_proceedings=" ", release_date=today
        )
    with pytest.raises(PermissionDenied):
        summaries.summary_approve(
            case_id=case_id, by=panel_chair, criminal_proceedings="None.", release_date=today
        )
    summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="No related criminal proceedings.",
        release_date=today + timedelta(days=7),
        media_note="Press statement through the council's press office.",
    )
    assert Case.objects.get(pk=case_id).stage == Stage.ACTION_PLANS
    assert summaries.summary_release_due(today=today) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert summaries.summary_release_due(today=today + timedelta(days=7)) == 1
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    assert summary.status == ExecutiveSummary.Status.RELEASED
    (sent,) = mail.outbox
    assert sent.to == ["rosalind@example.org"]
    assert sent.attachments[0][0].endswith("executive-summary.pdf")
    assert summary.recipients.get().sent_at is not None
    # A second run sends nothing more.
    assert summaries.summary_copies_send(summary_id=summary.pk) == 0


def test_the_chair_approves_only_after_the_boards_receipt(
    submitted, overview_author, panel_chair, chair
):
    _summary(submitted, overview_author)
    summaries.summary_send_to_panel(case_id=submitted.case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=submitted.case_id, by=panel_chair, agree=True)
    with pytest.raises(ValidationError, match="board receives"):
        summaries.summary_approve(
            case_id=submitted.case_id,
            by=chair,
            criminal_proceedings="None.",
            release_date=calendar.today(),
        )


def test_the_chair_withdraws_an_approval_held_by_the_check(
    received, overview_author, panel_chair, chair
):
    case_id = received.case_id
    _summary(received, overview_author, key_issues="She died at home on 1 October 2025.")
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    today = calendar.today()
    summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="None.",
        release_date=today + timedelta(days=3),
    )
    # Learnt after the approval: the date of death, corrected on the case in the admin.
    Case.objects.filter(pk=case_id).update(subject_date_of_death=date(2025, 10, 1))
    assert summaries.summary_release_due(today=today + timedelta(days=3)) == 0
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    assert summary.status == ExecutiveSummary.Status.APPROVED  # held
    with pytest.raises(PermissionDenied):
        summaries.summary_withdraw(case_id=case_id, by=panel_chair, reason="x")
    with pytest.raises(ValidationError):
        summaries.summary_withdraw(case_id=case_id, by=chair, reason=" ")
    summaries.summary_withdraw(case_id=case_id, by=chair, reason="It dates the death.")
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    assert summary.status == ExecutiveSummary.Status.DRAFTING and summary.release_date is None
    summaries.summary_save(
        case_id=case_id,
        by=overview_author,
        revision=summary.revision,
        **{**CLEAN_SUMMARY, "key_issues": "She died at home in 2025."},
    )
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    approved = summaries.summary_approve(
        case_id=case_id,
        by=chair,
        criminal_proceedings="None.",
        release_date=today + timedelta(days=3),
    )
    assert approved.status == ExecutiveSummary.Status.APPROVED
    assert Case.objects.get(pk=case_id).stage == Stage.ACTION_PLANS


def test_responses_are_fixed_once_14a_is_recorded(submitted, coordinator, agency_a):
    receive(submitted, coordinator)
    with pytest.raises(ValidationError, match="14 a is recorded"):
        receipt.contributor_response_record(
            case_id=submitted.case_id,
            by=coordinator,
            agency_id=agency_a.pk,
            answer="disagrees",
            comments="Changed our mind.",
        )


def test_a_case_moved_on_before_the_overview_had_its_screen_can_begin_it(
    reviews_accepted, coordinator
):
    """Cases taken to 'Overview in progress' by the case page's old generic decision.
    That decision no longer takes it, so the old data is made by the bare transition: the
    one jump this test is about."""
    from django.db import transaction

    from scr.cases.services import case_transition

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=reviews_accepted.pk)
        case_transition(locked, "start_overview", by=coordinator)
    overview = services.overview_start(case_id=reviews_accepted.pk, by=coordinator)
    assert overview.entries.count() == 9
    assert Case.objects.get(pk=reviews_accepted.pk).stage == Stage.OVERVIEW_IN_PROGRESS
    with pytest.raises(ValidationError, match="already begun"):
        services.overview_start(case_id=reviews_accepted.pk, by=coordinator)
