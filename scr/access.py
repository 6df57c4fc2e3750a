"""The only place that answers "may this user do X to this object".

Three sources of permission on a case, all within the user's own board:
- board-wide roles (groups): the coordinator and the board chair on every case of
  their board, board members on the stage of every case;
- the agency lead on the cases their agency is involved in;
- roles on one case (CaseAssignment), held as django-guardian object permissions.

Cannot see: 404. Can see but cannot act: 403 (PermissionDenied).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from scr.accounts.roles import Role
from scr.cases.models import Case, CaseAgency, CasePerm, CaseUserObjectPermission

SEE = frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS})

BOARD_ROLE_PERMS: dict[Role, frozenset[str]] = {
    Role.COORDINATOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.MANAGE}),
    Role.BOARD_CHAIR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.DECIDE}),
    Role.BOARD_MEMBER: frozenset({CasePerm.VIEW_STATUS}),
}
# On the cases that involve the lead's own agency.
AGENCY_LEAD_PERMS = frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.ENDORSE_REFERRAL})
# Granted as object permissions when a person is assigned to a case.
CASE_ROLE_PERMS: dict[Role, frozenset[str]] = {
    Role.PANEL_CHAIR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.RECOMMEND}),
    Role.PANEL_MEMBER: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.IMR_AUTHOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.COUNTERSIGNING_DIRECTOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.OVERVIEW_AUTHOR: frozenset(
        {CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.SUBMIT_OVERVIEW}
    ),
    Role.REFERRER: frozenset({CasePerm.VIEW_STATUS}),
}
# Who may put people on a case or take them off.
ASSIGNING_PERMS = frozenset({CasePerm.MANAGE, CasePerm.DECIDE})


def _active_board_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.board_id)


def cases_visible_to(user, *, full: bool = False) -> QuerySet[Case]:
    """Every case the user may at least see the stage of, in one query; with full=True,
    only those they may see in full (details, clocks, people, documents)."""
    if not _active_board_user(user):
        return Case.objects.none()
    cases = Case.objects.filter(board_id=user.board_id)
    needed = CasePerm.VIEW if full else CasePerm.VIEW_STATUS
    if any(needed in BOARD_ROLE_PERMS.get(role, ()) for role in user.board_roles):
        return cases
    condition = Q(
        Exists(
            CaseUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename=needed
            )
        )
    )
    if user.has_board_role(Role.AGENCY_LEAD) and user.agency_id:
        condition |= Q(
            Exists(CaseAgency.objects.filter(case=OuterRef("pk"), agency_id=user.agency_id))
        )
    return cases.filter(condition)


def permissions_for_cases(user, cases: Iterable[Case]) -> dict[int, frozenset[str]]:
    """What the user may do on each case: two queries, however many cases."""
    cases = list(cases)
    result: dict[int, set[str]] = {case.pk: set() for case in cases}
    if not _active_board_user(user):
        return {pk: frozenset() for pk in result}
    own = [case.pk for case in cases if case.board_id == user.board_id]
    board_perms = set().union(*(BOARD_ROLE_PERMS.get(r, ()) for r in user.board_roles))
    for pk in own:
        result[pk] |= board_perms
    if user.has_board_role(Role.AGENCY_LEAD) and user.agency_id and own:
        involved = CaseAgency.objects.filter(case_id__in=own, agency_id=user.agency_id)
        for pk in involved.values_list("case_id", flat=True):
            result[pk] |= AGENCY_LEAD_PERMS
    if own:
        granted = CaseUserObjectPermission.objects.filter(
            user=user, content_object_id__in=own
        ).values_list("content_object_id", "permission__codename")
        for pk, codename in granted:
            result[pk].add(codename)
    return {pk: frozenset(perms) for pk, perms in result.items()}


def case_permissions(user, case: Case) -> frozenset[str]:
    return permissions_for_cases(user, [case])[case.pk]


def may(user, perm: str, case: Case) -> bool:
    return perm in case_permissions(user, case)


def case_for_user(user, key: int | str, perm: str = CasePerm.VIEW, lock: bool = False) -> Case:
    """The case with this id (int) or reference (str) if the user may do `perm` to it.

    404 if the user may not see it at all; 403 if they may see it but not do `perm`.
    With lock=True the row is locked for the rest of the transaction.
    """
    cases = cases_visible_to(user)
    lookup = {"pk": key} if isinstance(key, int) else {"reference": str(key).upper()}
    if lock:
        # Lock the row alone: FOR UPDATE on a query with EXISTS conditions is refused
        # by PostgreSQL when joins are nullable, and the visible check already ran.
        if not cases.filter(**lookup).exists():
            raise Http404("No such case")
        case = Case.objects.select_for_update().get(board_id=user.board_id, **lookup)
    else:
        case = cases.filter(**lookup).first()
        if case is None:
            raise Http404("No such case")
    perms = case_permissions(user, case)
    if not perms & SEE:
        raise Http404("No such case")
    if perm not in perms:
        raise PermissionDenied
    return case


def may_run_panel(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    """The panel's work on a case (members, meetings, considerations, terms of reference):
    its panel chair, or the coordinator. `perms`: the user's permissions, if known."""
    if perms is None:
        perms = case_permissions(user, case)
    return bool(perms & {CasePerm.RECOMMEND, CasePerm.MANAGE})


def may_assign(user, case: Case, role: str | None = None, agency_id: int | None = None) -> bool:
    """The coordinator and the chair put people on a case; the panel chair of the case
    co-opts panel members (5); an agency lead nominates its IMR author and director (10),
    people of its own agency (`agency_id`: the agency of the person assigned)."""
    perms = case_permissions(user, case)
    if perms & ASSIGNING_PERMS:
        return True
    if role in (Role.IMR_AUTHOR, Role.COUNTERSIGNING_DIRECTOR):
        # 10: each agency's lead nominates its own author and director (the IMR
        # service checks that the people nominated belong to the lead's agency).
        return (
            CasePerm.ENDORSE_REFERRAL in perms
            and user.has_board_role(Role.AGENCY_LEAD)
            and agency_id is not None
            and agency_id == user.agency_id
        )
    return role == Role.PANEL_MEMBER and CasePerm.RECOMMEND in perms


# Deadlines: a clock is seen by whoever may see its case in full.


def deadline_for_user(user, deadline_id: int, lock: bool = False):
    """The clock if the user may see its case in full; 404 otherwise."""
    from scr.deadlines.models import Deadline

    deadlines = Deadline.objects.select_related("case__board", "owner", "agency")
    if lock:
        deadlines = deadlines.select_for_update(of=("self",))
    deadline = deadlines.filter(pk=deadline_id, case__board_id=getattr(user, "board_id", None))
    deadline = deadline.first() if _active_board_user(user) else None
    if deadline is None or CasePerm.VIEW not in case_permissions(user, deadline.case):
        raise Http404("No such deadline")
    return deadline


def may_request_extension(user, deadline, perms: frozenset[str] | None = None) -> bool:
    """The clock's owner, or the coordinator for a clock nobody owns or on their behalf.
    `perms`: the user's permissions on the clock's case, where the caller has them."""
    if perms is None:
        perms = case_permissions(user, deadline.case)
    return CasePerm.VIEW in perms and (deadline.owner_id == user.pk or CasePerm.MANAGE in perms)


def oversees_board_deadlines(user) -> bool:
    """The coordinator and the chair see every clock of their board."""
    return _active_board_user(user) and bool(
        user.board_roles & {Role.COORDINATOR, Role.BOARD_CHAIR}
    )


def deadlines_visible_to(user):
    """Every clock on a case the user may see in full (one query)."""
    from scr.deadlines.models import Deadline

    return Deadline.objects.filter(case__in=cases_visible_to(user, full=True).values("pk"))


# Referrals (section 5). The referrals app's model is looked up by name: the core
# never imports a stage app.


def _referral_model():
    from django.apps import apps

    return apps.get_model("referrals", "Referral")


def referrals_visible_to(user):
    """The user's own referrals, and, for an agency lead, their agency's referrals that
    wait for them or that they sent on. A draft, or one returned and being rewritten,
    is its referrer's alone; nobody else sees a referral before its lead endorses it."""
    Referral = _referral_model()
    if not _active_board_user(user):
        return Referral.objects.none()
    mine = Q(referrer=user)
    if user.has_board_role(Role.AGENCY_LEAD) and user.agency_id:
        mine |= Q(agency_id=user.agency_id) & Q(
            status__in=[Referral.Status.SUBMITTED, Referral.Status.ENDORSED]
        )
    return Referral.objects.filter(mine, board_id=user.board_id)


def referral_for_user(user, referral_id: int, lock: bool = False):
    """A referral the user may see: theirs; their agency's, as its lead, once submitted;
    or one endorsed to the chair whose case they may see in full. 404 otherwise."""
    Referral = _referral_model()
    referrals = Referral.objects.select_related("case", "agency", "referrer")
    if lock:
        referrals = referrals.select_for_update(of=("self",))
    referral = referrals.filter(pk=referral_id, board_id=getattr(user, "board_id", None)).first()
    if referral is None or not _active_board_user(user):
        raise Http404("No such referral")
    if referrals_visible_to(user).filter(pk=referral.pk).exists():
        return referral
    if (
        referral.status == Referral.Status.ENDORSED
        and referral.case_id
        and CasePerm.VIEW in case_permissions(user, referral.case)
    ):
        return referral
    raise Http404("No such referral")


def may_edit_referral(user, referral) -> bool:
    return referral.referrer_id == user.pk and referral.editable


def is_agency_lead_of(user, agency) -> bool:
    """The agency's representative on the board (5)."""
    return (
        agency is not None
        and _active_board_user(user)
        and user.has_board_role(Role.AGENCY_LEAD)
        and user.agency_id == agency.pk
        and user.board_id == agency.board_id
    )


def is_referrers_agency_lead(user, referral) -> bool:
    """Section 5: the referrer's agency representative on the board."""
    return is_agency_lead_of(user, referral.agency) and user.board_id == referral.board_id


def may_decide_referral(user, referral) -> bool:
    """The referrer's agency lead endorses or returns a submitted referral (5)."""
    return referral.status == referral.Status.SUBMITTED and is_referrers_agency_lead(user, referral)


# Individual Management Reviews (10, 11, 12). The imr app's models are looked up by
# name: the core never imports a stage app.

IMR_AUTHOR = "author"  # writes the draft
IMR_LEAD = "lead"  # the agency's lead: nominates, sees the draft
IMR_DIRECTOR = "director"  # countersigns for the agency
IMR_READER = "reader"  # the panel, the coordinator, the overview author: signed versions
IMR_TEAM = frozenset({IMR_AUTHOR, IMR_LEAD, IMR_DIRECTOR})
# Case roles whose holders read an IMR once the agency has signed it off.
IMR_READER_CASE_ROLES = (Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.OVERVIEW_AUTHOR)
# The coordinator, the overview author and the panel chair read them by their rights.
READER_PERMS = frozenset({CasePerm.MANAGE, CasePerm.SUBMIT_OVERVIEW, CasePerm.RECOMMEND})


def _imr_model(name: str = "Imr"):
    from django.apps import apps

    return apps.get_model("imr", name)


def holds_imr_reader_role(user, case) -> bool:
    """Panel chair, panel member or overview author on the case (one query)."""
    return case.assignments.filter(user=user, role__in=IMR_READER_CASE_ROLES).exists()


def imr_roles(
    user, imr, perms: frozenset[str] | None = None, reader_role: bool | None = None
) -> frozenset[str]:
    """What the user is to this IMR. A draft is its agency's alone: the author, the lead
    and the countersigning director. The panel, the coordinator and the overview author
    read the versions the agency has signed off; another agency nothing.
    `reader_role`: holds_imr_reader_role(user, case), where the caller knows it."""
    if not _active_board_user(user) or user.board_id != imr.case.board_id:
        return frozenset()
    if perms is None:
        perms = case_permissions(user, imr.case)
    roles = set()
    if imr.author_id == user.pk and CasePerm.VIEW in perms:
        roles.add(IMR_AUTHOR)
    if imr.director_id == user.pk and CasePerm.VIEW in perms:
        roles.add(IMR_DIRECTOR)
    if is_agency_lead_of(user, imr.agency):
        roles.add(IMR_LEAD)
    if reader_role is None and not perms & READER_PERMS:
        reader_role = holds_imr_reader_role(user, imr.case)
    if perms & READER_PERMS or reader_role:
        roles.add(IMR_READER)
    return frozenset(roles)


def may_read_imr_version(roles: frozenset[str], submission) -> bool:
    """The agency's own people read every version of its IMR; the board's readers only
    the versions the agency has signed off."""
    return bool(roles & IMR_TEAM) or (IMR_READER in roles and submission.signed)


def may_open_imr(roles: frozenset[str], has_signed_version: bool) -> bool:
    """An IMR is there for its agency from the start, for readers once signed off."""
    return bool(roles & IMR_TEAM) or (IMR_READER in roles and has_signed_version)


def imr_signed_versions(imr=None):
    """The versions of an IMR (of every IMR, with None) its agency has signed off: what
    readers may see."""
    submission = _imr_model("ImrSubmission")
    versions = submission.objects.filter(status__in=submission.SIGNED)
    return versions if imr is None else versions.filter(imr=imr)


def imr_for_user(user, case_key: int | str, agency_id: int, lock: bool = False):
    """(case, imr, roles) if the user may see this IMR of the case (by id or reference);
    404 otherwise, also when the IMR is there but not yet signed off and the user is
    only a reader."""
    case = case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = case_permissions(user, case)
    imrs = _imr_model().objects.select_related("agency", "author", "director", "case__board")
    if lock:
        imrs = imrs.select_for_update(of=("self",))
    imr = imrs.filter(case=case, agency_id=agency_id).first()
    if imr is None:
        raise Http404("No such IMR")
    roles = imr_roles(user, imr, perms)
    # The query for a signed version only for readers: the team opens it anyway.
    if not may_open_imr(roles, bool(roles & IMR_TEAM) or imr_signed_versions(imr).exists()):
        raise Http404("No such IMR")
    return case, imr, roles


def may_review_imr(user, imr, perms: frozenset[str] | None = None) -> bool:
    """Appendix C: the panel chair (or the coordinator for the panel) accepts an IMR or
    returns it for revision."""
    return may_run_panel(user, imr.case, perms)


def may_see_concerns(user, imr, perms: frozenset[str] | None = None) -> bool:
    """Section 12: the agency's lead, the coordinator and the board chair alone."""
    if perms is None:
        perms = case_permissions(user, imr.case)
    return is_agency_lead_of(user, imr.agency) or bool(perms & {CasePerm.MANAGE, CasePerm.DECIDE})


def may_record_concern(user, imr, roles: frozenset[str], perms: frozenset[str]) -> bool:
    """Section 12: the author, or the panel, records that disciplinary action may be
    needed in the agency."""
    return (
        IMR_AUTHOR in roles
        or may_run_panel(user, imr.case, perms)
        or is_panel_member(user, imr.case)
    )


# The overview report (13), its receipt (14) and the executive summary (15). The
# overview app's models are looked up by name, as the IMR's are.

# The confidential report is read by its author, the panel, the coordinator and the
# board chair; the agencies read their own reviews, not the overview. (Who else may be
# given it is the board's decision, 14 c, recorded on the receipt and done outside.)
OVERVIEW_READER_PERMS = frozenset(
    {CasePerm.MANAGE, CasePerm.DECIDE, CasePerm.SUBMIT_OVERVIEW, CasePerm.RECOMMEND}
)


def _overview_model(name: str = "Overview"):
    from django.apps import apps

    return apps.get_model("overview", name)


def is_panel_member(user, case) -> bool:
    return case.assignments.filter(user=user, role=Role.PANEL_MEMBER).exists()


def may_read_overview(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    if perms is None:
        perms = case_permissions(user, case)
    if CasePerm.VIEW not in perms:
        return False
    return bool(perms & OVERVIEW_READER_PERMS) or is_panel_member(user, case)


def may_write_overview(perms: frozenset[str]) -> bool:
    """The overview author writes the report (13) and the executive summary (15.1)."""
    return CasePerm.SUBMIT_OVERVIEW in perms


def overview_for_user(user, case_key: int | str, lock: bool = False):
    """(case, overview, perms) if the user may read the case's overview report; 404 if
    they may not, or if the report has not begun."""
    case = case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = case_permissions(user, case)
    if not may_read_overview(user, case, perms):
        raise Http404("No such overview report")
    overviews = _overview_model().objects.select_related("case__board")
    if lock:
        overviews = overviews.select_for_update(of=("self",))
    overview = overviews.filter(case=case).first()
    if overview is None:
        raise Http404("No overview report yet")
    return case, overview, perms


def summary_released(summary) -> bool:
    return summary.status == _overview_model("ExecutiveSummary").Status.RELEASED


def may_read_summary(user, case: Case, summary, perms: frozenset[str] | None = None) -> bool:
    """15: before its release only the panel, the chair, the author (and the coordinator,
    who runs the panel's business) read the summary; once released it is public, so
    everyone who sees the case does."""
    if perms is None:
        perms = case_permissions(user, case)
    if summary is not None and summary_released(summary):
        return bool(perms & SEE)
    return may_read_overview(user, case, perms)


def may_send_summary_copies(perms: frozenset[str]) -> bool:
    """15.3: the coordinator and the chair list the family members who receive copies."""
    return bool(perms & {CasePerm.MANAGE, CasePerm.DECIDE})


def summary_for_user(user, case_key: int | str, lock: bool = False):
    """(case, summary, perms) if the user may read the case's executive summary; 404
    otherwise, also before it is begun."""
    case = case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = case_permissions(user, case)
    summaries = _overview_model("ExecutiveSummary").objects.select_related("case__board")
    if lock:
        summaries = summaries.select_for_update(of=("self",))
    summary = summaries.filter(case=case).first()
    if summary is None or not may_read_summary(user, case, summary, perms):
        raise Http404("No executive summary")
    return case, summary, perms


# Action plans (16). The actionplans app's models are looked up by name.

PLAN_WRITER = "writer"  # the agency's lead (the coordinator for the board's own plan)
PLAN_DECIDER = "decider"  # the coordinator: accepts or returns a submitted plan
PLAN_READER = "reader"  # the chair, the coordinator, the agency's lead


def plan_roles(user, plan, perms: frozenset[str]) -> frozenset[str]:
    """What the user is to an action plan: an agency's plan is its lead's to write and
    the board's to read; no other agency sees it. The board's own plan (14 b) is the
    coordinator's to write."""
    roles = set()
    if plan.agency_id is not None and is_agency_lead_of(user, plan.agency):
        roles |= {PLAN_WRITER, PLAN_READER}
    if CasePerm.MANAGE in perms:
        roles |= {PLAN_DECIDER, PLAN_READER}
        if plan.agency_id is None:
            roles.add(PLAN_WRITER)
    if CasePerm.DECIDE in perms:
        roles.add(PLAN_READER)
    return frozenset(roles)


def plan_for_user(user, case_key: int | str, plan_id: int, lock: bool = False):
    """(case, plan, roles) if the user may read this plan of the case; 404 otherwise."""
    case = case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = case_permissions(user, case)
    from django.apps import apps

    plans = apps.get_model("actionplans", "ActionPlan").objects.select_related(
        "agency", "case__board", "letter"
    )
    if lock:
        plans = plans.select_for_update(of=("self",))
    plan = plans.filter(case=case, pk=plan_id).first()
    if plan is None:
        raise Http404("No such action plan")
    roles = plan_roles(user, plan, perms)
    if PLAN_READER not in roles:
        raise Http404("No such action plan")
    return case, plan, roles


def may_read_change_records(user) -> bool:
    """The change history holds content (before and after): the board's coordinator
    reads their own board's. Nobody else, a superuser as such included."""
    return bool(user.is_active and user.board_id and user.has_board_role(Role.COORDINATOR))


def change_records_visible_to(user) -> QuerySet:
    """The change records the user may read: their board's, less an agency's own work on
    its review (agency set), which is that agency's alone."""
    from scr.audit.models import ChangeRecord

    if not may_read_change_records(user):
        return ChangeRecord.objects.none()
    return ChangeRecord.objects.filter(board_id=user.board_id, agency=None)
