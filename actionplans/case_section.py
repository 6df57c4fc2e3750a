"""The chair's letters and the action plans on the case page (16)."""

from django.urls import reverse

from actionplans.models import ActionPlan, ChairLetter
from scr import access
from scr.accounts.roles import Role
from scr.cases import sections
from scr.cases.models import CasePerm
from scr.cases.stages import MAIN_ROUTE, Stage

# From the chair's approval of the executive summary on, to the case's close.
SECTION_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]


@sections.register
def action_plans_section(case, user, perms):
    # Before the action plans no query at all: the case page keeps its query budget.
    if case.stage not in SECTION_STAGES or CasePerm.VIEW not in perms:
        return None
    board_side = bool(perms & {CasePerm.MANAGE, CasePerm.DECIDE})
    if board_side:
        letters = list(ChairLetter.objects.filter(case=case).select_related("agency"))
        plans = list(ActionPlan.objects.filter(case=case).select_related("agency"))
    elif user.agency_id and user.has_board_role(Role.AGENCY_LEAD):
        letters = []
        plans = [
            plan
            for plan in ActionPlan.objects.filter(
                case=case, agency_id=user.agency_id
            ).select_related("agency")
            if access.PLAN_READER in access.plan_roles(user, plan, perms)
        ]
        if not plans:
            return None
    else:
        return None
    return "actionplans/_case_section.html", {
        "case": case,
        "board_side": board_side,
        "chair": CasePerm.DECIDE in perms,
        "letters": letters,
        "plans": plans,
        "overview_url": reverse("actionplans:overview", args=[case.reference]),
    }
