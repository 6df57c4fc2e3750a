"""The panel stage's entries in 'Needs your attention'."""

from django.urls import reverse

from panel import access as panel_access
from panel.models import RecordsRequest
from panel.services import DECISIONS, decisions_open
from scr import access
from scr.attention import AttentionItem, register
from scr.dates import day_text
from scr.deadlines.models import Deadline


@register
def chair_decisions(user):
    """Cases waiting for the chair's decision (5, 7)."""
    if not access.oversees_board_deadlines(user):
        return
    cases = list(
        access.cases_visible_to(user)
        .filter(stage__in=list(DECISIONS))
        .select_related("review_type")
    )
    perms = access.permissions_for_cases(user, cases)
    for case in cases:
        if not panel_access.may_decide_on_case(perms[case.pk]) or not decisions_open(case):
            continue
        yield AttentionItem(
            case_reference=case.reference,
            title="Decide what happens to the case"
            if case.stage == "with_chair"
            else "Decide on the panel's recommendation",
            url=reverse("panel:chair-decision", args=[case.reference]),
            hint=f"Stage: {case.stage_label}",
        )


@register
def records_to_secure(user):
    """For an agency lead: confirm that their agency's records are secured (9)."""
    if not user.is_authenticated or not user.agency_id:
        return
    if not access.is_an_agency_lead(user):
        return
    waiting = RecordsRequest.objects.filter(
        agency_id=user.agency_id, confirmed_at=None, case__board_id=user.board_id
    ).select_related("case", "agency")
    for records in waiting:
        yield AttentionItem(
            case_reference=records.case.reference,
            title="Confirm your agency's records are secured",
            url=reverse("panel:records-confirm", args=[records.case.reference, records.agency_id]),
            hint=f"Asked on {day_text(records.requested_at)}",
        )


@register
def recommendations_due(user):
    """For a panel chair: the recommendation and terms of reference due within 4 weeks of
    the chair's request (6.2)."""
    cases = list(
        access.cases_visible_to(user).filter(stage="panel_convened").prefetch_related("deadlines")
    )
    perms = access.permissions_for_cases(user, cases)
    for case in cases:
        if not panel_access.may_record_recommendation(perms[case.pk]):
            continue
        due = next(
            (
                d.due
                for d in case.deadlines.all()
                if d.kind == Deadline.Kind.PANEL_RECOMMENDATION and d.is_live
            ),
            None,
        )
        yield AttentionItem(
            case_reference=case.reference,
            title="Record the panel's recommendation",
            url=reverse("panel:recommendation", args=[case.reference]),
            due=due,
            hint="With the terms of reference (6.2)",
        )
