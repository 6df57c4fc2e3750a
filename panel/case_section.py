"""The panel stage on the case page: the chair's decision and securing records (9)."""

from django.urls import reverse

from panel.models import RecordsRequest
from panel.services import DECISIONS
from scr import access
from scr.cases import sections
from scr.cases.models import CasePerm


@sections.register
def panel_section(case, user, perms):
    if CasePerm.VIEW not in perms:
        return None
    requests = list(
        RecordsRequest.objects.filter(case=case).select_related("agency", "confirmed_by")
    )
    decide_url = None
    if CasePerm.DECIDE in perms and case.stage in DECISIONS:
        decide_url = reverse("panel:chair-decision", args=[case.reference])
    meetings = list(case.panel_meetings.all())
    may_record_meeting = case.stage == "panel_convened" and bool(
        perms & {CasePerm.RECOMMEND, CasePerm.MANAGE}
    )
    if not requests and decide_url is None and not meetings and not may_record_meeting:
        return None
    for request in requests:
        request.may_confirm = not request.confirmed and access.is_agency_lead_of(
            user, request.agency
        )
    return "panel/_case_section.html", {
        "decide_url": decide_url,
        "requests": requests,
        "may_chase": CasePerm.MANAGE in perms,
        "meetings": meetings,
        "may_record_meeting": may_record_meeting,
        "case": case,
    }
