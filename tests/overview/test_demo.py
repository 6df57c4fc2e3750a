"""The overview demo data: a Northshire case at each step of the overview report (13),
the board's receipt (14) and the executive summary (15)."""

import pytest

from imr.models import ChronologyEntry, Imr, ImrSubmission
from overview import redaction
from overview.chronology import duplicate_suggestions, merged_gaps
from overview.family import merge_suggestions
from overview.models import (
    ContributorResponse,
    ExecutiveSummary,
    FamilyMember,
    FamilyRecipient,
    Finding,
    Overview,
    OverviewEntry,
    ReceiptItem,
    Recommendation,
)
from referrals.models import Referral
from scr.accounts.models import User
from scr.cases.models import Case, CaseAssignment, CaseEvent
from scr.deadlines import calendar
from scr.demo.seed import seed_demo

MODELS = (
    User,
    Case,
    CaseEvent,
    CaseAssignment,
    Referral,
    Imr,
    ImrSubmission,
    ChronologyEntry,
    Overview,
    OverviewEntry,
    FamilyMember,
    Finding,
    Recommendation,
    ContributorResponse,
    ReceiptItem,
    ExecutiveSummary,
    FamilyRecipient,
)
SUBJECTS = {
    "writing": "Cyril Mablethorpe",
    "with_board": "Florence Ashby",
    "summary": "Herbert Quayle",
    "approved": "Mabel Oddington",
    "released": "Ernest Pennyworth",
}


@pytest.fixture
def cases(demo_seeded, db):
    return {step: Case.objects.get(subject_name=name) for step, name in SUBJECTS.items()}


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_each_case_is_at_its_step(cases):
    expected = {
        "writing": ("overview_in_progress", Overview.Status.DRAFTING, None),
        "with_board": ("with_board", Overview.Status.WITH_BOARD, None),
        "summary": ("executive_summary", Overview.Status.RECEIVED, "drafting"),
        "approved": ("action_plans", Overview.Status.RECEIVED, "approved"),
        "released": ("action_plans", Overview.Status.RECEIVED, "released"),
    }
    for step, (stage, overview, summary) in expected.items():
        case = cases[step]
        assert case.stage == stage, step
        assert case.overview.status == overview, step
        found = ExecutiveSummary.objects.filter(case=case).first()
        assert (found.status if found else None) == summary, step
        assert case.board.name == "Northshire Safeguarding Adults Board"


def test_each_case_has_three_accepted_reviews(cases):
    for case in cases.values():
        imrs = case.imrs.select_related("agency")
        assert imrs.count() == 3
        assert {imr.status for imr in imrs} == {Imr.Status.ACCEPTED}
        assert {imr.agency.name for imr in imrs} == {
            "Northshire Constabulary",
            "Northshire Health NHS Foundation Trust",
            "Northshire Adult Social Care",
        }
        for imr in imrs:
            assert 6 <= imr.entries.count() <= 10, (case, imr.agency)


def test_the_report_being_written_shows_the_authors_work_in_progress(cases):
    case = cases["writing"]
    overview = case.overview
    assert set(overview.sections.exclude(text="").values_list("key", flat=True)) >= {
        "introduction",
        "facts",
    }
    assert overview.entries.exclude(same_event=None).count() == 1
    assert duplicate_suggestions(overview)
    suggestions = merge_suggestions(overview)
    assert [s.reason for s in suggestions] == ["Same name and date of birth"]
    finding = overview.findings.get()
    assert finding.entries.count() >= 2
    assert not overview.recommendations.exists()
    assert case.assignments.filter(role="overview_author").exists()


def test_every_case_has_a_long_gap_and_the_later_ones_are_merged_and_linked(cases):
    for step, case in cases.items():
        overview = case.overview
        assert any(gap.months > 3 for gap in merged_gaps(overview)), step
        if step == "writing":
            continue
        assert overview.entries.exclude(same_event=None).exists(), step
        assert not duplicate_suggestions(overview), step
        assert not merge_suggestions(overview), step
        assert overview.recommendations.exists(), step


def test_receipt_under_way_for_the_report_with_the_board(cases):
    overview = cases["with_board"].overview
    assert 0 < overview.contributor_responses.count() < 3
    assert 0 < overview.receipt.count() < 5


def test_the_summary_being_written_has_an_identifying_slip(cases):
    summary = cases["summary"].executive_summary
    hits = redaction.unresolved_hits(summary)
    assert [hit.found for hit in hits] == ["Herbert"]


def test_approved_summary_waits_for_its_release_date_with_a_family_copy(cases):
    summary = cases["approved"].executive_summary
    assert summary.release_date > calendar.today()
    assert not redaction.unresolved_hits(summary)
    recipient = summary.recipients.get()
    assert recipient.sent_at is None
    assert recipient.email.endswith("@example.org")


def test_released_summary_sent_its_family_copy(cases):
    summary = cases["released"].executive_summary
    assert summary.released_at is not None
    assert summary.release_date <= calendar.today()
    assert summary.recipients.get().sent_at is not None


def test_seeding_twice_changes_nothing(cases):
    first = _counts()
    seed_demo()
    assert _counts() == first
