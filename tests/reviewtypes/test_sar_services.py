"""A Safeguarding Adults Review from referral to closure through the services its users
call (issue 17): the same stage services as the 2009 procedure, in the moves and clocks
of the SAR's type. The stage fixtures of tests/overview and tests/actionplans build the
later stages; only `commissioned` differs: a SAR is decided on the referral (no panel),
and its terms of reference are written once it is commissioned."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from actionplans import closure_services
from overview import services as overview_services
from overview.models import Overview
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
    started,  # noqa: F811
    submitted,  # noqa: F811
    write_overview,
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


SAR_SECTIONS = (
    ("introduction", "An older woman died after a fall at home."),
    ("the_person", "Hypatia loved her garden and her Sunday calls with her daughter."),
    ("scope_and_method", "Agency reports with chronologies, and a learning event."),
)


@pytest.fixture
def written(started, overview_author) -> Overview:  # noqa: F811
    """The SAR report's own sections (its type's), a finding and two recommendations."""
    write_overview(started, overview_author, SAR_SECTIONS)
    return Overview.objects.get(pk=started.pk)


def test_the_sar_report_has_its_types_sections_and_the_chronology_as_appendices(
    client, written, overview_author, tmp_path
):
    case = written.case
    client.force_login(overview_author)
    page = client.get(reverse("overview:overview-detail", args=[case.reference])).content.decode()
    for label in (
        "1. Introduction",
        "2. The person",
        "3. The review&#x27;s scope and method",
        "4. Findings and conclusions",
        "5. Recommendations",
    ):
        assert label in page
    assert "b) Terms of reference" not in page and "g) Overview" not in page
    # A 13.4 section the SAR's report does not have is no page of it, and no save.
    url = reverse("overview:section-edit", args=[case.reference, "known"])
    assert client.get(url).status_code == 404
    with pytest.raises(ValidationError, match="not written as text in this report"):
        overview_services.overview_section_save(
            case_id=case.pk, by=overview_author, key="known", text="x", revision=None
        )
    overview_services.overview_submit(case_id=case.pk, by=overview_author)
    out = tmp_path / "sar.pdf"
    call_command("render_document", case.reference, "overview", "--out", str(out))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "SAFEGUARDING ADULTS REVIEW: SAR REPORT" in text
    assert "2. The person" in text and "her Sunday calls with her daughter" in text
    assert "Appendix A: Merged inter-agency chronology" in text
    assert "Appendix C: Family tree" in text
    assert "Event, action and outcome" in text  # the merged chronology's table
    assert "The board audits joint visits." in text
    assert "Serious Case Review" not in text and "13.4" not in text


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
