"""Who may read and act on an Individual Management Review (10, 11, 12), on the
primitives of scr.access and the panel's rules."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from imr.models import Imr, ImrSubmission, InformationRequest
from panel import access as panel_access
from scr import access
from scr.accounts.roles import Role
from scr.cases.models import CasePerm

IMR_AUTHOR = "author"  # writes the draft
IMR_LEAD = "lead"  # the agency's lead: nominates, sees the draft
IMR_DIRECTOR = "director"  # countersigns for the agency
IMR_READER = "reader"  # the panel, the coordinator, the overview author: signed versions
IMR_TEAM = frozenset({IMR_AUTHOR, IMR_LEAD, IMR_DIRECTOR})
# Case roles whose holders read an IMR once the agency has signed it off.
IMR_READER_CASE_ROLES = (Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.OVERVIEW_AUTHOR)
# The coordinator, the overview author and the panel chair read them by their rights.
READER_PERMS = frozenset({CasePerm.MANAGE, CasePerm.SUBMIT_OVERVIEW, CasePerm.RECOMMEND})


def holds_imr_reader_role(user, case) -> bool:
    """Panel chair, panel member or overview author on the case (one query)."""
    return access.holds_case_role(user, case, IMR_READER_CASE_ROLES)


def imr_roles(
    user, imr, perms: frozenset[str] | None = None, reader_role: bool | None = None
) -> frozenset[str]:
    """What the user is to this IMR. A draft is its agency's alone: the author, the lead
    and the countersigning director. The panel, the coordinator and the overview author
    read the versions the agency has signed off; another agency nothing.
    `reader_role`: holds_imr_reader_role(user, case), where the caller knows it."""
    if not access.is_active_board_user(user) or user.board_id != imr.case.board_id:
        return frozenset()
    if perms is None:
        perms = access.case_permissions(user, imr.case)
    roles = set()
    if imr.author_id == user.pk and access.sees_case_in_full(perms):
        roles.add(IMR_AUTHOR)
    if imr.director_id == user.pk and access.sees_case_in_full(perms):
        roles.add(IMR_DIRECTOR)
    if access.is_agency_lead_of(user, imr.agency):
        roles.add(IMR_LEAD)
    if reader_role is None and not perms & READER_PERMS:
        reader_role = holds_imr_reader_role(user, imr.case)
    if perms & READER_PERMS or reader_role:
        roles.add(IMR_READER)
    return frozenset(roles)


# What a user is to an IMR (roles from imr_roles or imr_for_user), by name.


def is_imr_author(roles: frozenset[str]) -> bool:
    return IMR_AUTHOR in roles


def is_imr_lead(roles: frozenset[str]) -> bool:
    """The agency's lead: nominates the author and the director (10)."""
    return IMR_LEAD in roles


def is_imr_director(roles: frozenset[str]) -> bool:
    """The countersigning director (11)."""
    return IMR_DIRECTOR in roles


def is_imr_team(roles: frozenset[str]) -> bool:
    """The agency's own people: its author, lead and director read every draft."""
    return bool(roles & IMR_TEAM)


def may_read_imr_version(roles: frozenset[str], submission) -> bool:
    """The agency's own people read every version of its IMR; the board's readers only
    the versions the agency has signed off."""
    return is_imr_team(roles) or (IMR_READER in roles and submission.signed)


def may_open_imr(roles: frozenset[str], has_signed_version: bool) -> bool:
    """An IMR is there for its agency from the start, for readers once signed off."""
    return is_imr_team(roles) or (IMR_READER in roles and has_signed_version)


def imr_signed_versions(imr=None):
    """The versions of an IMR (of every IMR, with None) its agency has signed off: what
    readers may see."""
    versions = ImrSubmission.objects.filter(status__in=ImrSubmission.SIGNED)
    return versions if imr is None else versions.filter(imr=imr)


def imr_for_user(user, case_key: int | str, agency_id: int, lock: bool = False):
    """(case, imr, roles) if the user may see this IMR of the case (by id or reference);
    404 otherwise, also when the IMR is there but not yet signed off and the user is
    only a reader."""
    case = access.case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(user, case)
    imrs = Imr.objects.select_related("agency", "author", "director", "case__board")
    if lock:
        imrs = imrs.select_for_update(of=("self",))
    imr = imrs.filter(case=case, agency_id=agency_id).first()
    if imr is None:
        raise Http404("No such IMR")
    roles = imr_roles(user, imr, perms)
    # The query for a signed version only for readers: the team opens it anyway.
    if not may_open_imr(roles, is_imr_team(roles) or imr_signed_versions(imr).exists()):
        raise Http404("No such IMR")
    return case, imr, roles


def may_review_imr(user, imr, perms: frozenset[str] | None = None) -> bool:
    """Appendix C: the panel chair (or the coordinator for the panel) accepts an IMR or
    returns it for revision."""
    return panel_access.may_run_panel(user, imr.case, perms)


def may_see_concerns(user, imr, perms: frozenset[str] | None = None) -> bool:
    """Section 12: the agency's lead, the coordinator and the board chair alone."""
    if perms is None:
        perms = access.case_permissions(user, imr.case)
    return access.is_agency_lead_of(user, imr.agency) or access.board_side(perms)


def may_record_concern(user, imr, roles: frozenset[str], perms: frozenset[str]) -> bool:
    """Section 12: the author, or the panel, records that disciplinary action may be
    needed in the agency."""
    return (
        is_imr_author(roles)
        or panel_access.may_run_panel(user, imr.case, perms)
        or access.is_panel_member(user, imr.case)
    )


def may_commission_imrs(perms: frozenset[str]) -> bool:
    """The coordinator commissions the agencies' reviews (10)."""
    return access.manages_case(perms)


def sees_imr_clocks(roles: frozenset[str], perms: frozenset[str]) -> bool:
    """An IMR's clocks: its agency's own people and the coordinator."""
    return is_imr_team(roles) or access.manages_case(perms)


def sees_imr_section(perms: frozenset[str]) -> bool:
    """The reviews show on the case page to those who see the case in full."""
    return access.sees_case_in_full(perms)


def require_imr_role(roles: frozenset[str], role: str) -> None:
    """403 unless the user is `role` (IMR_AUTHOR and the like) to the IMR."""
    if role not in roles:
        raise PermissionDenied


# Requests for information under section 45 of the Care Act 2014 (a SAR's register).

S45_CLOCK = "s45_reply"


def has_s45_register(case) -> bool:
    """The case's review type keeps a register of s45 requests: it names their clock
    (the Safeguarding Adults Review does; the 2009 procedure has no such power)."""
    return case.review_type.clock_display(S45_CLOCK) is not None


def may_manage_s45(perms: frozenset[str]) -> bool:
    """The coordinator and the board chair keep the register and read every reply."""
    return access.board_side(perms)


def may_answer_s45(user, request: InformationRequest) -> bool:
    """The lead of the agency asked reads the request and records its reply; nobody of
    another agency ever sees it."""
    return request.agency_id is not None and access.is_agency_lead_of(user, request.agency)


def may_see_s45(user, request: InformationRequest, perms: frozenset[str]) -> bool:
    return may_manage_s45(perms) or may_answer_s45(user, request)


def may_escalate_s45(perms: frozenset[str], request: InformationRequest) -> bool:
    """The coordinator escalates a request still waiting to the chair."""
    return access.manages_case(perms) and request.status == InformationRequest.Status.ASKED


def may_record_s45_reply(user, request: InformationRequest, perms: frozenset[str]) -> bool:
    """The agency's lead, or the board's side for a reply that came some other way (by
    post, or from someone outside the board), while the request waits."""
    return request.is_waiting and may_see_s45(user, request, perms)


def s45_case_for_user(user, case_key: int | str, lock: bool = False):
    """(case, perms) of a SAR the user may see in full; 404 for any other case."""
    case = access.case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(user, case)
    if not has_s45_register(case) or not access.sees_case_in_full(perms):
        raise Http404("No such register")
    if lock:
        case = access.case_for_user(user, case.pk, CasePerm.VIEW, lock=True)
    return case, perms


def s45_register_for_user(user, case_key: int | str, lock: bool = False):
    """(case, perms) if the user keeps the register of this SAR; 404 otherwise (another
    agency's people may not know what was asked of whom)."""
    case, perms = s45_case_for_user(user, case_key, lock=lock)
    if not may_manage_s45(perms):
        raise Http404("No such register")
    return case, perms


def s45_request_for_user(user, case_key: int | str, request_id: int, lock: bool = False):
    """(case, request, perms) if the user may see this request (the board's side, or the
    lead of the agency asked); 404 otherwise."""
    case, perms = s45_case_for_user(user, case_key, lock=lock)
    requests = InformationRequest.objects.select_related("agency", "case__board")
    if lock:
        requests = requests.select_for_update(of=("self",))
    request = requests.filter(case=case, pk=request_id).first()
    if request is None or not may_see_s45(user, request, perms):
        raise Http404("No such request")
    return case, request, perms


def s45_requests_answered_by(user, case):
    """The requests of the case this user answers for their agency (none unless a lead)."""
    if not access.is_an_agency_lead(user):
        return InformationRequest.objects.none()
    return InformationRequest.objects.filter(
        case=case, agency_id=user.agency_id, agency__board_id=user.board_id
    )
