"""A Safeguarding Adults Review from referral to closure through the services its users
call (issue 17): the same stage services as the 2009 procedure, in the moves and clocks
of the SAR's type. The stage fixtures of tests/overview and tests/actionplans build the
later stages; only `commissioned` differs: a SAR is decided on the referral (no panel),
and its terms of reference are written once it is commissioned."""

import pytest

from actionplans import closure_services
from panel import services as panel_services
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case, CaseEvent
from scr.deadlines.models import Deadline
from tests import scenarios
from tests.actionplans.conftest import lead_c, planning  # noqa: F401
from tests.actionplans.test_closure import accepted_plans, complete
from tests.overview.conftest import (  # noqa: F401
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)

pytestmark = pytest.mark.django_db
# What a SAR's referral asks beyond the 2009 one's (referrals.questions).
SAR_FACTS = {"care_and_support_needs": "yes", "concern_working_together": True}


@pytest.fixture
def commissioned(
    board,
    referrer_a,
    lead_a,
    coordinator,
    chair,
    panel_chair,
    author_a,
    director_a,
    overview_author,
    agency_a,
    agency_c,
) -> Case:
    """A SAR referred by agency A, decided by the chair on the referral, with the people
    the review needs and its terms of reference."""
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    case = scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Hypatia Quenby-Marsh",
        agencies=[agency_a, agency_c],
        **SAR_FACTS,
    )
    assign = case_services.case_assign
    # The SAR panel's chair oversees the agency reports; the reviewer writes the report.
    for user, role in (
        (panel_chair, Role.PANEL_CHAIR),
        (author_a, Role.IMR_AUTHOR),
        (director_a, Role.COUNTERSIGNING_DIRECTOR),
        (overview_author, Role.OVERVIEW_AUTHOR),
    ):
        assign(case_id=case.pk, user=user, role=role, by=coordinator)
    panel_services.chair_decision_record(
        case_id=case.pk,
        by=chair,
        decision=panel_services.Decision.REVIEW,
        reasons="Mandatory, s44(2): she died and neglect is suspected.",
        basis="mandatory",
    )
    panel_services.terms_of_reference_save(
        case_id=case.pk,
        by=panel_chair,
        terms=["How agencies shared information.", "Whether her wishes were heard."],
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.review_type.code, case.stage) == ("sar", "review_commissioned")
    return case


def test_a_sar_runs_from_referral_to_closure(planning, chair, coordinator, lead_c):  # noqa: F811
    case = planning
    assert case.stage == "action_plans"
    plans = accepted_plans(case, chair, coordinator, lead_c)
    closure_services.monitoring_start(case_id=case.pk, by=coordinator)
    for plan in plans.values():
        complete(plan.actions.all())
    closure_services.case_close(case_id=case.pk, by=chair)
    case = Case.objects.get(pk=case.pk)
    assert case.stage == "closed"
    route = list(CaseEvent.objects.filter(case=case).values_list("to_stage", flat=True))
    assert route == [
        "with_chair",
        "review_commissioned",
        "imrs_in_progress",
        "overview_in_progress",
        "with_board",
        "executive_summary",
        "action_plans",
        "monitoring",
        "closed",
    ]
    # Only the SAR's clocks ran: none of the 2009 panel's, management reviews' or report's.
    kinds = set(Deadline.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds <= {"sar_completion", "agency_report", "action_plan", "action_target"}
    assert "sar_completion" in kinds
    assert Deadline.objects.get(case=case, kind="sar_completion").status == Deadline.Status.MET
