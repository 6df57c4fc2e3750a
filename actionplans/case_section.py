"""The chair's letters and the action plans on the case page (16)."""

from django.urls import reverse

from actionplans import access as actionplans_access
from actionplans.models import ActionPlan, ChairLetter
from scr import access
from scr.cases import sections
from scr.cases.stages import MAIN_ROUTE, Stage

# From the chair's approval of the executive summary on, to the case's close.
SECTION_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]


@sections.register
def action_plans_section(case, user, perms):
    # Before the action plans no query at all: the case page keeps its query budget.
    if case.stage not in SECTION_STAGES or not actionplans_access.sees_plans_section(perms):
        return None
    board_side = actionplans_access.is_board_side(perms)
    if board_side:
        letters = list(ChairLetter.objects.filter(case=case).select_related("agency"))
        plans = list(ActionPlan.objects.filter(case=case).select_related("agency"))
    elif access.is_an_agency_lead(user):
        letters = []
        plans = [
            plan
            for plan in ActionPlan.objects.filter(
                case=case, agency_id=user.agency_id
            ).select_related("agency")
            if actionplans_access.is_plan_reader(actionplans_access.plan_roles(user, plan, perms))
        ]
        if not plans:
            return None
    else:
        return None
    return "actionplans/_case_section.html", {
        "case": case,
        "board_side": board_side,
        "chair": actionplans_access.may_write_letters(perms),
        "letters": letters,
        "plans": plans,
        "overview_url": reverse("actionplans:overview", args=[case.reference]),
    }
