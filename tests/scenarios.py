"""Scenario builders: a case walked to a stage by the services its users call, in order.

Tests reach a stage through these, never by a transition alone: each stage's service does
work around its transition (records asked for, clocks opened, letters written) that a
jump would skip, leaving a case the product cannot make. Each builder takes a case at the
stage before and the people who act, and returns the case read afresh. The case page's
'Record a decision' (scr.cases.services.case_transition_request) takes none of these
steps: their own pages do (Case's transition metadata, `page`).

    referred            a referral submitted and endorsed by the agency lead (4, 5)
    panel_convened      the chair's decision: the panel discusses it (5, 6.1)
    panel_recommended   terms of reference drafted, the panel's recommendation (6.2)
    review_commissioned the chair's decision after the panel: a review (7)
    imrs_commissioned   the coordinator asks agencies for their reviews (10)

The later stages are built by fixtures of the stage's own tests, through its services:
reviews accepted and the overview begun, submitted and received in
tests/overview/conftest.py (reviews_accepted, started, submitted, received), the summary
approved in tests/actionplans/conftest.py (planning), the plans accepted in
tests/actionplans/test_closure.py (accepted_plans), then monitoring_started and closed
below.
"""

from datetime import date, timedelta

from actionplans import closure_services
from imr import services as imr_services
from panel import services as panel_services
from referrals import services as referral_services
from scr.cases.models import Case
from scr.deadlines import calendar

REFERRAL = {
    "what_happened": "Missed care visits and weight loss were not acted on.",
    "abuse_or_neglect": "suspected",
    "believes_3_1": True,
}


def _fresh(case_id: int) -> Case:
    return Case.objects.get(pk=case_id)


def referred(*, referrer, lead, subject_name: str, agencies=(), **data) -> Case:
    """A referral started, filled in and submitted by `referrer`, endorsed by `lead`, the
    lead of the referrer's agency (5): the case opens at 'with the chair' with the
    agencies named and the referrer's own. A lead who refers sends it straight on."""
    referral = referral_services.referral_start(by=referrer)
    referral_services.referral_save(
        referral_id=referral.pk,
        by=referrer,
        data={**REFERRAL, "subject_name": subject_name, **data},
        agencies=list(agencies),
    )
    referral = referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    if lead != referrer:
        referral = referral_services.referral_endorse(referral_id=referral.pk, by=lead)
    return _fresh(referral.case_id)


def panel_convened(case: Case, *, chair, panel_chair, reasons: str = "Section 5 met.") -> Case:
    """The chair sends the case to the panel (5) and appoints its chair: the panel's
    clocks open and every key agency is asked to secure its records (9)."""
    panel_services.chair_decision_record(
        case_id=case.pk,
        by=chair,
        decision=panel_services.Decision.PANEL,
        reasons=reasons,
        panel_chair=panel_chair,
    )
    return _fresh(case.pk)


def panel_recommended(
    case: Case,
    *,
    panel_chair,
    choice: str = "full_review",
    terms=("How agencies shared information.", "Whether her wishes were heard."),
    reasons: str = "3.1 met.",
) -> Case:
    """The panel chair drafts the terms of reference (6.2 b) and records the panel's
    recommendation (6.2 a)."""
    if terms:
        panel_services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=list(terms))
    panel_services.panel_recommendation_record(
        case_id=case.pk, by=panel_chair, choice=choice, reasons=reasons
    )
    return _fresh(case.pk)


def review_commissioned(case: Case, *, chair, reasons: str = "Agreed.") -> Case:
    """The chair decides on a Serious Case Review after the panel (7): the regulator's and
    the board's letters are written."""
    panel_services.chair_decision_record(
        case_id=case.pk, by=chair, decision=panel_services.Decision.REVIEW, reasons=reasons
    )
    return _fresh(case.pk)


def imrs_commissioned(
    case: Case,
    *,
    coordinator,
    agencies,
    chronology_due: date | None = None,
    report_due: date | None = None,
) -> Case:
    """The coordinator asks `agencies` for their management reviews (10), due in four and
    ten weeks unless said otherwise."""
    today = calendar.today()
    imr_services.imr_commission(
        case_id=case.pk,
        by=coordinator,
        agency_ids=[agency.pk for agency in agencies],
        chronology_due=chronology_due or today + timedelta(weeks=4),
        report_due=report_due or today + timedelta(weeks=10),
    )
    return _fresh(case.pk)


def monitoring_started(case: Case, *, coordinator) -> Case:
    """The coordinator starts monitoring the plans, once every one is accepted (16)."""
    closure_services.monitoring_start(case_id=case.pk, by=coordinator)
    return _fresh(case.pk)


def closed(case: Case, *, chair) -> Case:
    """The chair closes the case, once every action is complete (16)."""
    closure_services.case_close(case_id=case.pk, by=chair)
    return _fresh(case.pk)
