"""Who may read, write and decide the chair's letters and the action plans (16), and
who follows them through monitoring to the case's close, on the primitives of
scr.access."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actionplans.models import ActionPlan
from scr import access
from scr.accounts.roles import Role
from scr.cases.models import CasePerm

PLAN_WRITER = "writer"  # the agency's lead (the coordinator for the board's own plan)
PLAN_DECIDER = "decider"  # the coordinator: accepts or returns a submitted plan
PLAN_READER = "reader"  # the chair, the coordinator, the agency's lead


def plan_roles(user, plan, perms: frozenset[str]) -> frozenset[str]:
    """What the user is to an action plan: an agency's plan is its lead's to write and
    the board's to read; no other agency sees it. The board's own plan (14 b) is the
    coordinator's to write."""
    roles = set()
    if plan.agency_id is not None and access.is_agency_lead_of(user, plan.agency):
        roles |= {PLAN_WRITER, PLAN_READER}
    if access.manages_case(perms):
        roles |= {PLAN_DECIDER, PLAN_READER}
        if plan.agency_id is None:
            roles.add(PLAN_WRITER)
    if access.decides_case(perms):
        roles.add(PLAN_READER)
    return frozenset(roles)


def plan_for_user(user, case_key: int | str, plan_id: int, lock: bool = False):
    """(case, plan, roles) if the user may read this plan of the case; 404 otherwise."""
    case = access.case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(user, case)
    plans = ActionPlan.objects.select_related("agency", "case__board", "letter")
    if lock:
        plans = plans.select_for_update(of=("self",))
    plan = plans.filter(case=case, pk=plan_id).first()
    if plan is None:
        raise Http404("No such action plan")
    roles = plan_roles(user, plan, perms)
    if PLAN_READER not in roles:
        raise Http404("No such action plan")
    return case, plan, roles


# What a user is to a plan (roles from plan_roles or plan_for_user), by name.


def is_plan_writer(roles: frozenset[str]) -> bool:
    return PLAN_WRITER in roles


def is_plan_decider(roles: frozenset[str]) -> bool:
    return PLAN_DECIDER in roles


def is_plan_reader(roles: frozenset[str]) -> bool:
    return PLAN_READER in roles


# The case's side of the plans: letters, monitoring, evaluation and the close.


def is_board_side(perms: frozenset[str]) -> bool:
    """The coordinator or the chair: every letter and plan of the case."""
    return access.board_side(perms)


def may_write_letters(perms: frozenset[str]) -> bool:
    """The board chair writes and sends the letters to the agencies (16)."""
    return access.decides_case(perms)


def may_start_monitoring(perms: frozenset[str]) -> bool:
    """The coordinator moves the case from the plans to monitoring (16)."""
    return access.manages_case(perms)


def may_close_case(perms: frozenset[str]) -> bool:
    """The board chair closes a case in monitoring, and reopens a closed one (16)."""
    return access.decides_case(perms)


def may_evaluate(perms: frozenset[str]) -> bool:
    """The coordinator records whether an action made the difference it was meant to."""
    return access.manages_case(perms)


def may_decide_evidence(perms: frozenset[str]) -> bool:
    """The coordinator accepts or returns the evidence an agency gives (16)."""
    return access.manages_case(perms)


def sees_evaluation(perms: frozenset[str]) -> bool:
    """The evaluation of the plans: the coordinator and the chair."""
    return access.board_side(perms)


def oversees_monitoring(user) -> bool:
    """The board's monitoring of every action: the coordinator and the chair, the same
    people who oversee every clock of the board."""
    return access.oversees_board_deadlines(user)


def sees_plans_section(perms: frozenset[str]) -> bool:
    """The plans show on the case page to those who see the case in full."""
    return access.sees_case_in_full(perms)


# Only these roles ever have something to do with the plans.
PLAN_BOARD_ROLES = frozenset({Role.BOARD_CHAIR, Role.COORDINATOR, Role.AGENCY_LEAD})


def may_have_plan_work(user) -> bool:
    """The coordinator and the chair (every plan of the board) and an agency's lead
    (their agency's own): nobody else ever has a plan to write, decide or read."""
    return bool(user.is_authenticated and user.board_id and user.board_roles & PLAN_BOARD_ROLES)


def require_plan_role(roles: frozenset[str], role: str) -> None:
    """403 unless the user is `role` (PLAN_WRITER and the like) to the plan."""
    if role not in roles:
        raise PermissionDenied
