"""The action plans in the demo (16; fictional people only).

Two of the overview demo's cases (overview/demo.py), both at 'Action plans':

1. Ernest Pennyworth, whose summary is released: the chair's letters drafted and sent;
   Adult Social Care's plan written and accepted; the NHS trust's plan submitted and
   waiting for the coordinator; the board's own plan (14 b) being written by the
   coordinator. (The overview's recommendations name the trust, Adult Social Care and
   the board: the police have no letter on this case.)
2. Mabel Oddington, whose summary is approved and not yet released: the letters drafted
   and not sent.

Everything goes through the services, each step by the person whose step it is. Running
it twice changes nothing: a case with letters is left alone.
"""

from datetime import timedelta

from django.db import transaction

from actionplans import services
from actionplans.models import ActionPlan, ChairLetter
from actionplans.services import ActionValues
from scr.accounts.models import User
from scr.accounts.roles import Role
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.seed import DemoWorld, register

ERNEST, MABEL = "Ernest Pennyworth", "Mabel Oddington"

# What each plan answers, by the owner's key (None: the board's own plan).
ACTIONS = {
    "asc": (
        "Screen the assessment waiting list every week against a written risk tool, and "
        "publish the tool to every team by the end of the quarter.",
        "The risk tool, and a monthly report of the waiting list's screening.",
        "No request that describes a risk to health waits unscreened for more than a week.",
        12,
    ),
    "nhs": (
        "Give every adult with a learning disability who uses insulin an easy read plan, "
        "agreed with them, and audit a sample each quarter.",
        "The easy read plan template and the quarterly audit.",
        "Adults with a learning disability manage their insulin with support they can use.",
        20,
    ),
    None: (
        "Ask each partner for its waiting list screening figures and report them to the "
        "board every quarter.",
        "The board's quarterly performance report.",
        "The board knows where people wait without their risk being weighed.",
        26,
    ),
}


def _lead_contact(user: User) -> dict:
    return {"name": user.full_name, "position": user.job_title, "email": user.email}


@register
def demo_action_plans(world: DemoWorld) -> None:
    """The two cases, once each (see the module's docstring)."""
    for subject, send in ((ERNEST, True), (MABEL, False)):
        case = Case.objects.filter(board=world.board, subject_name=subject).first()
        if case is None or case.stage != Stage.ACTION_PLANS:
            continue
        if ChairLetter.objects.filter(case=case).exists():
            continue
        with transaction.atomic():
            _letters(world, case, send=send)


def _letters(world: DemoWorld, case: Case, *, send: bool) -> None:
    chair = world.people[Role.BOARD_CHAIR]
    letters = services.letters_draft(case_id=case.pk, by=chair)
    if not send:
        return
    for letter in letters:
        plan = services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)
        _plan(world, case, plan)


def _plan(world: DemoWorld, case: Case, plan: ActionPlan) -> None:
    """Adult Social Care's accepted, the trust's submitted, the board's being written."""
    coordinator = world.people[Role.COORDINATOR]
    if plan.agency_id is None:
        key, writer = None, coordinator
    else:
        key = next(k for k, a in world.agencies.items() if a.pk == plan.agency_id)
        writer = services.agency_leads(plan.agency)[0]
    ids = {"case_id": case.pk, "by": writer, "plan_id": plan.pk}
    services.plan_contacts_save(**ids, lead=_lead_contact(writer), named={}, revision=None)
    text, evidence, outcome, weeks = ACTIONS[key]
    due = calendar.today() + timedelta(weeks=weeks)
    for rec in plan.letter.recommendations.order_by("number"):
        services.plan_action_save(
            **ids,
            recommendation_id=rec.pk,
            values=ActionValues(text=text, evidence=evidence, outcome=outcome, target_date=due),
        )
    if key is None:
        return
    services.plan_submit(**ids)
    if key == "asc":
        services.plan_decide(
            case_id=case.pk,
            by=coordinator,
            plan_id=plan.pk,
            accept=True,
            comments="A clear plan with a date and evidence for each action.",
        )
