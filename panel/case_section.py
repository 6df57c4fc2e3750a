"""The panel stage on the case page: the chair's decision and securing records (9)."""

from django.urls import reverse

from panel import access as panel_access
from panel.models import (
    PanelConsiderations,
    PanelRecommendation,
    RecordsRequest,
    ReviewBasis,
    TermsOfReference,
)
from panel.services import (
    EDITABLE_TOR_STAGES,
    asks_basis,
    decisions_open,
    missing_representatives,
)
from scr import access
from scr.cases import sections


@sections.register
def panel_section(case, user, perms):
    if not panel_access.sees_panel_section(perms):
        return None
    requests = list(
        RecordsRequest.objects.filter(case=case).select_related("agency", "confirmed_by")
    )
    decide_url = None
    if panel_access.may_decide_on_case(perms) and decisions_open(case):
        decide_url = reverse("panel:chair-decision", args=[case.reference])
    meetings = list(case.panel_meetings.prefetch_related("attachments"))
    tor = TermsOfReference.objects.filter(case=case).prefetch_related("terms").first()
    recommendation = PanelRecommendation.objects.filter(case=case).first()
    panel_work = panel_access.may_run_panel(user, case, perms)
    statements = list(case.media_statements.select_related("recorded_by"))
    members = list(case.panel_members.select_related("user__agency"))
    considerations = PanelConsiderations.objects.filter(case=case).first()
    in_panel_stage = case.stage in EDITABLE_TOR_STAGES
    letters = list(case.letters.all())
    may_record_meeting = case.stage == "panel_convened" and panel_access.may_run_panel(
        user, case, perms
    )
    if not (
        requests
        or decide_url
        or meetings
        or may_record_meeting
        or tor
        or recommendation
        or statements
        or letters
        or panel_access.may_decide_on_case(perms)
    ):
        return None
    # Papers for the panel only are not listed for anyone else (panel.access); asked only
    # when there is one (a query for those not running the panel).
    all_papers = not any(
        paper.panel_only for meeting in meetings for paper in meeting.attachments.all()
    ) or panel_access.may_see_panel_only_papers(user, case, perms)
    for meeting in meetings:
        meeting.papers = [
            paper for paper in meeting.attachments.all() if all_papers or not paper.panel_only
        ]
    for request in requests:
        request.may_confirm = not request.confirmed and access.is_agency_lead_of(
            user, request.agency
        )
    return "panel/_case_section.html", {
        "decide_url": decide_url,
        "requests": requests,
        "may_chase": panel_access.may_chase_records(perms),
        "meetings": meetings,
        "tor": tor,
        "may_edit_tor": panel_work
        and case.stage in EDITABLE_TOR_STAGES
        and not (tor and tor.final),
        "recommendation": recommendation,
        "basis": ReviewBasis.objects.filter(case=case).first() if asks_basis(case) else None,
        "members": members,
        "missing": missing_representatives(case) if in_panel_stage else [],
        "considerations": considerations,
        "considerations_rows": [
            (PanelConsiderations._meta.get_field(name).verbose_name, getattr(considerations, name))
            for name in PanelConsiderations.FIELDS
            if considerations and getattr(considerations, name)
        ],
        "may_edit_panel": panel_work and in_panel_stage,
        "statements": statements,
        "letters": letters,
        "may_record_statement": panel_access.may_decide_on_case(perms),
        "may_recommend": panel_access.may_record_recommendation(perms)
        and case.stage == "panel_convened",
        "may_record_meeting": may_record_meeting,
        "case": case,
    }
