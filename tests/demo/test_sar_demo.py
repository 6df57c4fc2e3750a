"""The demo's second board runs Safeguarding Adults Reviews (issue 17): its cases are
SARs, referred in the SAR's words and decided by the chair on the referral, each at its
own step, walked through the services on days in the past; every one of its people signs
in with the demo password and code (overview/sar_demo.py)."""

from datetime import time

import pytest

from imr.models import Imr
from overview.models import Overview
from overview.sar_demo import DATA
from panel.models import ReviewBasis, TermsOfReference
from referrals.models import Referral
from scr.accounts.models import Board, User
from scr.accounts.roles import Role
from scr.cases.models import Case, CaseAssignment, CaseEvent
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.demo.clock import moment
from tests.accounts.test_demo import README_ACCOUNTS, _sign_in, demo_code_shown  # noqa: F401

# The 2009 procedure's clocks none of the SAR board's cases may run.
PANEL_2009 = {"panel_meets", "panel_recommendation", "chair_decision", "imr_chronology"}


@pytest.fixture
def board(demo_seeded, db):
    return Board.objects.get(name="Southvale Safeguarding Adults Board")


def _case(board, subject: str) -> Case:
    return Case.objects.get(board=board, subject_name=subject)


def test_the_second_board_runs_sars_at_several_stages(board):
    assert board.default_review_type == "sar"
    cases = Case.objects.filter(board=board)
    assert {case.review_type.code for case in cases} == {"sar"}
    assert {case.subject_name: case.stage for case in cases} == {
        "Hester Fairbrother": "overview_in_progress",
        "Tobias Wainwright": "imrs_in_progress",
        "Declan Moorcroft": "other_review",
        "Aurelia Brackenbury": "with_chair",
    }
    referrer = User.objects.get(email="southvale.referrer@example.org")
    lead = User.objects.get(email="southvale.asc.lead@example.org")
    for case in cases:
        # Referred in the SAR's words by the social worker, endorsed by her lead.
        referral = Referral.objects.get(case=case)
        assert (referral.review_type, referral.referrer, referral.decided_by) == (
            "sar",
            referrer,
            lead,
        )
        assert referral.care_and_support_needs in ("yes", "no")
        # No panel: the chair decided on the referral, and no 2009 clock ran.
        route = list(case.events.order_by("pk").values_list("to_stage", flat=True))
        assert "panel_convened" not in route
        kinds = set(Deadline.objects.filter(case=case).values_list("kind", flat=True))
        assert not kinds & PANEL_2009, case


def test_the_mandatory_sar_has_its_terms_and_agency_reports_asked_for(board):
    case = _case(board, "Tobias Wainwright")
    assert case.basis.basis == ReviewBasis.Basis.MANDATORY
    route = list(case.events.order_by("pk").values_list("to_stage", flat=True))
    assert route == ["with_chair", "review_commissioned", "imrs_in_progress"]
    terms = TermsOfReference.objects.get(case=case)
    assert terms.final and terms.terms.count() == 4
    assert terms.period_to == case.subject_date_of_death
    imrs = {imr.agency.name: imr.status for imr in Imr.objects.filter(case=case)}
    assert imrs == {
        "Southvale Council Adult Social Care": Imr.Status.NOMINATING,
        "Southvale Police": Imr.Status.NOMINATING,
        "Southvale and Wyre NHS Foundation Trust": Imr.Status.CHRONOLOGY,
    }
    held = {
        (a.user.email, a.role)
        for a in CaseAssignment.objects.filter(case=case).select_related("user")
    }
    assert {
        ("southvale.panel.chair@example.org", Role.PANEL_CHAIR),
        ("southvale.reviewer@example.org", Role.OVERVIEW_AUTHOR),
        ("southvale.nhs.author@example.org", Role.IMR_AUTHOR),
        ("southvale.nhs.director@example.org", Role.COUNTERSIGNING_DIRECTOR),
    } <= held
    # The SAR's clocks: the completion target and each agency's report.
    kinds = set(Deadline.objects.filter(case=case).values_list("kind", flat=True))
    assert {"sar_completion", "agency_report"} <= kinds


def test_the_sar_report_is_being_written_on_accepted_agency_reports(board):
    case = _case(board, "Hester Fairbrother")
    assert case.basis.basis == ReviewBasis.Basis.MANDATORY
    route = list(case.events.order_by("pk").values_list("to_stage", flat=True))
    assert route == [
        "with_chair",
        "review_commissioned",
        "imrs_in_progress",
        "overview_in_progress",
    ]
    imrs = Imr.objects.filter(case=case)
    assert {imr.status for imr in imrs} == {Imr.Status.ACCEPTED} and imrs.count() == 2
    overview = Overview.objects.get(case=case)
    assert overview.submitted_at is None
    written = {s.key for s in overview.sections.all() if s.text.strip()}
    assert {"introduction", "the_person", "scope_and_method"} <= written
    assert not written & {"facts", "known", "analysis"}  # the 2009 report's sections
    finding = overview.findings.get()
    assert finding.entries.count() == 2
    # The agency reports' clocks met; the completion target still running.
    clocks = dict(Deadline.objects.filter(case=case).values_list("kind", "status"))
    assert clocks == {"agency_report": Deadline.Status.MET, "sar_completion": "open"}


def test_the_references_follow_the_order_the_cases_were_referred(board):
    cases = list(Case.objects.filter(board=board).order_by("created_at"))
    assert [c.reference for c in cases] == sorted(c.reference for c in cases)


def test_the_case_that_is_not_a_sar_says_where_the_learning_goes(board):
    case = _case(board, "Declan Moorcroft")
    assert case.basis.basis == ReviewBasis.Basis.NOT_A_SAR
    decided = case.events.get(to_stage="other_review")
    assert "Route for learning: A multi-agency learning review" in decided.note
    assert decided.actor.email == "southvale.chair@example.org"
    assert not Imr.objects.filter(case=case).exists()


def test_the_sar_boards_history_lies_in_the_past_in_a_believable_order(board):
    start_of_today = moment(calendar.today(), time(0))
    for case in Case.objects.filter(board=board):
        referral = Referral.objects.get(case=case)
        events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
        moments = [referral.submitted_at, case.created_at, *(e.at for e in events)]
        assert moments == sorted(moments), case
        assert moments[-1] < start_of_today, case
        for at in moments:
            assert calendar.is_working_day(calendar.local_date(at)), (case, at)
        if referral.subject_died:
            assert referral.subject_date_of_death < calendar.local_date(referral.submitted_at)


def test_every_sar_board_account_signs_in_with_the_demo_password_and_code(
    board,
    demo_code_shown,  # noqa: F811
):
    people = set(User.objects.filter(board=board).values_list("email", flat=True))
    assert people == {p["email"] for p in DATA["people"]} | {"southvale.coordinator@example.org"}
    assert people <= README_ACCOUNTS, "README does not name every SAR board account"
    for email in sorted(people):
        assert _sign_in(email) == (302, 200), email
