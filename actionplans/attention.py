"""The action plans' entries in 'Needs your attention' (16): the chair's letters to
write, the plans to write or revise (an agency's lead; the coordinator for the board's
own plan), the plans and evidence waiting for the coordinator's decision, and the cases
the chair may close."""

from django.urls import reverse

from actionplans import access as actionplans_access
from actionplans.models import ActionPlan, ChairLetter, Evidence, PlanAction
from actionplans.services import PLAN_STAGES
from overview.models import Recommendation
from scr import access
from scr.attention import AttentionItem, register
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline


@register
def action_plan_work(user):
    """At most ten queries however many cases; one when no case is at the plans."""
    if not actionplans_access.may_have_plan_work(user):
        return
    cases = list(access.cases_visible_to(user, full=True).filter(stage__in=PLAN_STAGES))
    if not cases:
        return
    perms = access.permissions_for_cases(user, cases)
    by_pk = {case.pk: case for case in cases}
    yield from _letters_to_write(
        [
            c
            for c in cases
            if c.stage == Stage.ACTION_PLANS and actionplans_access.may_write_letters(perms[c.pk])
        ]
    )
    yield from _evidence_to_decide(
        [c for c in cases if actionplans_access.may_decide_evidence(perms[c.pk])]
    )
    yield from _cases_to_close(
        [
            c
            for c in cases
            if c.stage == Stage.MONITORING and actionplans_access.may_close_case(perms[c.pk])
        ]
    )
    plans = ActionPlan.objects.filter(
        case__in=cases, status__in=[*ActionPlan.EDITABLE, ActionPlan.Status.SUBMITTED]
    ).select_related("agency")
    if not access.is_board_officer(user):
        plans = plans.filter(agency_id=user.agency_id)
    waiting = []
    for plan in plans:
        roles = actionplans_access.plan_roles(user, plan, perms[plan.case_id])
        if (plan.editable and actionplans_access.is_plan_writer(roles)) or (
            plan.status == ActionPlan.Status.SUBMITTED and actionplans_access.is_plan_decider(roles)
        ):
            waiting.append(plan)
    if not waiting:
        return
    clocks = {
        (d.case_id, d.agency_id): d.due
        for d in Deadline.objects.live().filter(
            case__in=[p.case_id for p in waiting], kind=Deadline.Kind.ACTION_PLAN
        )
    }
    for plan in waiting:
        yield _plan_item(plan, by_pk[plan.case_id], clocks.get((plan.case_id, plan.agency_id)))


def _evidence_to_decide(cases):
    """The coordinator's: evidence an agency gave that waits for a decision (16). One
    query."""
    if not cases:
        return
    waiting = (
        Evidence.objects.filter(action__plan__case__in=cases, status=Evidence.Status.WAITING)
        .select_related("action__recommendation", "action__plan__agency", "action__plan__case")
        .order_by("uploaded_at")
    )
    for evidence in waiting:
        action, plan = evidence.action, evidence.action.plan
        yield AttentionItem(
            case_reference=plan.case.reference,
            title=f"Decide the evidence for action {action.number} of {plan.owner_name}",
            url=reverse(
                "actionplans:action-detail", args=[plan.case.reference, plan.pk, action.pk]
            ),
            hint="Accept it to complete the action, or say what is missing (16)",
        )


def _cases_to_close(cases):
    """The chair's: a case in monitoring with every plan accepted and every action
    complete (16). Two queries."""
    if not cases:
        return
    open_plans = set(
        ActionPlan.objects.filter(case__in=cases)
        .exclude(status=ActionPlan.Status.ACCEPTED)
        .values_list("case_id", flat=True)
    )
    open_actions = set(
        PlanAction.objects.filter(plan__case__in=cases)
        .exclude(progress=PlanAction.Progress.COMPLETE)
        .values_list("plan__case_id", flat=True)
    )
    for case in cases:
        if case.pk not in open_plans | open_actions:
            yield AttentionItem(
                case_reference=case.reference,
                title="Close the case",
                url=reverse("actionplans:case-close", args=[case.reference]),
                hint="Every action of every plan is complete (16)",
            )


def _letters_to_write(cases):
    """The chair's: a case at the plans whose recommendations name an agency (or the
    board) with no letter sent yet. Two queries."""
    if not cases:
        return
    wanted: dict[int, dict[int | None, str]] = {}
    rows = Recommendation.objects.filter(overview__case__in=cases).values_list(
        "overview__case_id", "for_board", "agencies", "agencies__name"
    )
    for case_id, for_board, agency_id, name in rows:
        if agency_id is not None:
            wanted.setdefault(case_id, {})[agency_id] = name
        if for_board:
            wanted.setdefault(case_id, {})[None] = "the board"
    sent = set(
        ChairLetter.objects.filter(case__in=cases, status=ChairLetter.Status.SENT).values_list(
            "case_id", "agency_id"
        )
    )
    for case in cases:
        missing = sorted(
            name for key, name in wanted.get(case.pk, {}).items() if (case.pk, key) not in sent
        )
        if missing:
            yield AttentionItem(
                case_reference=case.reference,
                title="Write to the agencies about the recommendations",
                url=reverse("actionplans:overview", args=[case.reference]),
                hint=f"16: no letter sent yet to {', '.join(missing)}",
            )


def _plan_item(plan, case, due) -> AttentionItem:
    url = reverse("actionplans:plan-detail", args=[case.reference, plan.pk])
    if plan.status == ActionPlan.Status.SUBMITTED:
        title = f"Decide the action plan of {plan.agency.name if plan.agency_id else 'the board'}"
        hint = "Accept it, or return it with comments (16)"
    else:
        returned = plan.status == ActionPlan.Status.RETURNED
        if plan.agency_id is None:
            title = "Write the board's action plan"
        else:
            title = "Revise the action plan" if returned else "Write the action plan"
        hint = "Returned with comments" if returned else "16: the chair's letter asks for it"
    return AttentionItem(case_reference=case.reference, title=title, url=url, due=due, hint=hint)
