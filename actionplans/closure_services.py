"""The end of a Serious Case Review (16): the coordinator starts the monitoring once every
plan is in, records how each completed action's outcome was evaluated, and the chair
closes the case once every action is complete (or reopens it, with a reason).

Each stage change goes through scr.cases.services.case_transition with the case locked
first; the reads that decide whether it may happen are in actionplans.monitoring.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from actionplans import access as actionplans_access
from actionplans import monitoring
from actionplans.models import ActionPlan, PlanAction
from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.models import Case, CasePerm
from scr.cases.services import case_transition
from scr.cases.stages import Stage
from scr.deadlines import calendar


def _at(case: Case, stage: str, doing: str) -> None:
    if case.stage != stage:
        raise ValidationError(
            f"The case is at ‘{case.stage_label}’: {doing} only from ‘{Stage(stage).label}’."
        )


@transaction.atomic
def monitoring_start(*, case_id: int | str, by, note: str = "") -> Case:
    """The coordinator starts monitoring the action plans (16). Needs MANAGE on the case
    at 'action plans'; refused with the list of what is missing until every agency the
    recommendations name has been sent its letter and every plan is accepted. Writes the
    case event; tells the people on the case after commit (case_transition)."""
    case = access.case_for_user(by, case_id, CasePerm.MANAGE, lock=True)
    _at(case, Stage.ACTION_PLANS, "the monitoring starts")
    problems = monitoring.monitoring_blockers(case, lock=True)
    if problems:
        raise ValidationError(problems)
    case_transition(case, "start_monitoring", by=by, note=note)
    return case


@transaction.atomic
def case_close(*, case_id: int | str, by, note: str = "") -> Case:
    """The chair closes the case (16). Needs DECIDE on the case at 'monitoring'; refused
    with the list of what is open while a letter is unsent, a plan unaccepted or an
    action not complete. The plans and actions are locked while checked, so none
    changes between the check and the close. Running clocks are cancelled and the people
    on the case told after commit (case_transition)."""
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    _at(case, Stage.MONITORING, "a case closes")
    problems = monitoring.closure_blockers(case, lock=True, today=calendar.today())
    if problems:
        raise ValidationError(problems)
    case_transition(case, "close", by=by, note=note)
    return case


@transaction.atomic
def case_reopen(*, case_id: int | str, by, reason: str) -> Case:
    """The chair reopens a closed case, back to 'monitoring', with the reason (required;
    it becomes the case event's note). Needs DECIDE on the case."""
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening the case"})
    _at(case, Stage.CLOSED, "a case reopens")
    case_transition(case, "reopen", by=by, note=reason)
    return case


@transaction.atomic
def action_outcome_record(
    *, case_id: int | str, by, plan_id: int, action_id: int, text: str
) -> PlanAction:
    """The coordinator records how a complete action's outcome was evaluated (16: its
    impact). Needs the coordinator's role on the plan (actionplans_access.PLAN_DECIDER); the plan
    accepted, the action complete and not yet evaluated. Audited; nothing scheduled."""
    _, plan, roles = actionplans_access.plan_for_user(by, case_id, plan_id, lock=True)
    if not actionplans_access.is_plan_decider(roles):
        raise PermissionDenied
    if plan.status != ActionPlan.Status.ACCEPTED:
        raise ValidationError("The plan has not been accepted.")
    action = (
        PlanAction.objects.select_for_update(of=("self",))
        .select_related("recommendation")
        .filter(plan=plan, pk=action_id)
        .first()
    )
    if action is None:
        raise ValidationError("That action is not part of this plan.")
    if action.progress != PlanAction.Progress.COMPLETE:
        raise ValidationError(f"Action {action.number} is not complete yet.")
    if action.outcome_evaluated:
        raise ValidationError(f"The outcome of action {action.number} has been evaluated.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter how the outcome was evaluated"})
    action.outcome_evaluated = text
    action.save(update_fields=["outcome_evaluated"])
    audit_record(
        action=Action.CHANGE,
        actor=by,
        obj=plan,
        board=plan.case.board,
        detail=f"action {action.number} outcome evaluated",
    )
    return action
