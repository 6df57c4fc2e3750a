"""The entries of section 45 requests (SARs) in 'Needs your attention': a reply for the
lead of the agency asked, an overdue reply for the coordinator, an escalation for the
chair."""

from django.urls import reverse

from imr import access as imr_access
from imr.models import InformationRequest
from scr import access
from scr.attention import AttentionItem, register
from scr.cases.stages import FINAL_STAGES
from scr.deadlines import calendar


def _url(request: InformationRequest) -> str:
    return reverse("imr:s45-detail", args=[request.case.reference, request.pk])


def _waiting():
    return (
        InformationRequest.objects.filter(status__in=InformationRequest.WAITING)
        .exclude(case__stage__in=list(FINAL_STAGES))
        .select_related("case", "agency")
    )


@register
def s45_replies(user):
    """For an agency's lead: reply to the requests made of their agency."""
    if not access.is_active_board_user(user) or not access.is_an_agency_lead(user):
        return
    mine = _waiting().filter(agency_id=user.agency_id, case__board_id=user.board_id)
    for request in mine:
        if not imr_access.may_answer_s45(user, request):
            continue
        yield AttentionItem(
            case_reference=request.case.reference,
            title="Reply to a request for information (Care Act 2014, s45)",
            url=reverse("imr:s45-reply", args=[request.case.reference, request.pk]),
            due=request.due_on,
            hint=request.agency.name,
        )


@register
def s45_board_side(user):
    """For the coordinator: replies past their due date not yet escalated. For the
    chair: the requests escalated to them."""
    if not access.oversees_board_deadlines(user):
        return
    waiting = list(_waiting().filter(case__in=access.cases_visible_to(user).values("pk")))
    if not waiting:
        return
    perms = access.permissions_for_cases(user, {r.case for r in waiting})
    today = calendar.today()
    for request in waiting:
        case_perms = perms[request.case_id]
        escalated = request.status == InformationRequest.Status.ESCALATED
        if escalated and access.decides_case(case_perms):
            yield AttentionItem(
                case_reference=request.case.reference,
                title="A request for information escalated to you (s45)",
                url=_url(request),
                due=request.due_on,
                hint=f"Asked of {request.to_whom}",
            )
        elif (
            not escalated
            and request.is_late(today)
            and imr_access.may_escalate_s45(case_perms, request)
        ):
            yield AttentionItem(
                case_reference=request.case.reference,
                title="Chase or escalate a late reply to a request for information (s45)",
                url=_url(request),
                due=request.due_on,
                hint=f"Asked of {request.to_whom}",
            )
