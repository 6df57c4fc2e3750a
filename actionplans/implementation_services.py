"""Carrying out an accepted action plan (16): "Agencies subject to action points must
provide evidence to CSAB that the Action Plan in respect of their agency is being or has
been implemented."

Each action of an accepted plan gets its own clock, due on the action's date, so an
overdue action joins the deadline engine's reminders and escalation. The plan's writer
(the agency's lead) records progress and uploads evidence; an action is complete only
when the coordinator accepts its evidence, which meets its clock.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from actionplans import access as actionplans_access
from actionplans import services
from actionplans.models import ActionPlan, ActionUpdate, Evidence, PlanAction
from scr import uploads
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_event

WRONG_TYPE = "The file must be a PDF, Word document, Excel spreadsheet, PNG or JPEG"
EMPTY = "The selected file is empty"
CHOOSE = "Select a file"

# What the writer may say of progress: complete comes only from the coordinator's
# acceptance of the evidence.
WRITER_PROGRESS = (PlanAction.Progress.NOT_STARTED, PlanAction.Progress.IN_PROGRESS)


def action_subject(action: PlanAction) -> str:
    """The subject that tells an action's clock from the other actions' of the agency."""
    return f"action:{action.pk}"


def action_state(action: PlanAction, today: date | None = None) -> str:
    """'Not started', 'In progress', 'Complete' or 'Overdue': overdue when its date has
    passed and it is not complete. Read at render time, never stored."""
    today = today or calendar.today()
    if action.progress == PlanAction.Progress.COMPLETE:
        return PlanAction.Progress.COMPLETE.label
    if action.target_date is not None and action.target_date < today:
        return "Overdue"
    return PlanAction.Progress(action.progress).label


def _audit(action: PlanAction, by, detail: str, kind: str = Action.CHANGE) -> None:
    audit_record(action=kind, actor=by, obj=action, board=action.plan.case.board, detail=detail)


def action_clocks_open(*, plan: ActionPlan, today: date | None = None) -> list[Deadline]:
    """One clock per action of a plan just accepted (16), due on the action's date,
    owned by the agency's lead when it has exactly one (otherwise nobody, and the
    coordinators are reminded). Called by services.plan_decide inside its transaction,
    after its permission check; opening twice is harmless."""
    today = today or calendar.today()
    leads = services.agency_leads(plan.agency) if plan.agency_id else []
    owner = leads[0] if len(leads) == 1 else None
    opened = []
    for action in plan.actions.exclude(target_date=None).order_by("pk"):
        opened += deadline_event(
            case=plan.case,
            event="action_agreed",
            agency=plan.agency,
            subject=action_subject(action),
            # A date that passed while the plan waited for its decision opens a clock
            # already overdue, so the reminders escalate at once.
            on=min(today, action.target_date),
            dues={"action_completed": action.target_date},
            owner=owner,
        )
    return opened


def _action(by, case_id, plan_id: int, action_id: int, role: str) -> PlanAction:
    """The action of an accepted plan, locked, for a user in `role`: 404 for who may not
    read the plan, 403 for a reader without the role."""
    _, plan, roles = actionplans_access.plan_for_user(by, case_id, plan_id, lock=True)
    action = (
        PlanAction.objects.select_for_update(of=("self",))
        .select_related("recommendation")
        .filter(plan=plan, pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    actionplans_access.require_plan_role(roles, role)
    action.plan = plan
    if plan.status != ActionPlan.Status.ACCEPTED:
        raise ValidationError("Progress and evidence are given once the board accepts the plan.")
    return action


def _not_complete(action: PlanAction) -> None:
    if action.progress == PlanAction.Progress.COMPLETE:
        raise ValidationError(
            f"Action {action.number} is complete: the coordinator has accepted its evidence."
        )


@transaction.atomic
def action_update_add(
    *, case_id, by, plan_id: int, action_id: int, text: str, progress: str
) -> ActionUpdate:
    """The plan's writer records progress on an action of an accepted plan: a note and
    'not started' or 'in progress' (complete comes only from the coordinator's
    acceptance of evidence). Changes the action's progress."""
    action = _action(by, case_id, plan_id, action_id, actionplans_access.PLAN_WRITER)
    _not_complete(action)
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Enter what has been done"
    if progress not in WRITER_PROGRESS:
        errors["progress"] = "Choose whether the action has started"
    if errors:
        raise ValidationError(errors)
    update = ActionUpdate.objects.create(action=action, text=text.strip(), by=by)
    if action.progress != progress:
        action.progress = progress
        action.save(update_fields=["progress"])
    _audit(action, by, f"progress update {update.pk}: {progress}", Action.CREATE)
    return update


def _checked(upload) -> uploads.CheckedFile:
    """The upload checked by its content (scr.uploads), with this page's messages."""
    if upload is None:
        raise ValidationError({"upload": CHOOSE})
    if not upload.size:
        raise ValidationError({"upload": EMPTY})
    try:
        return uploads.check_upload(upload)
    except ValidationError as error:
        # Too big, infected, or the scanner down: scr.uploads says it. A wrong type: ours.
        message = WRONG_TYPE if error.code == "type" else error.messages
        raise ValidationError({"upload": message}) from None


@transaction.atomic
def evidence_upload(
    *, case_id, by, plan_id: int, action_id: int, description: str, upload
) -> Evidence:
    """The plan's writer gives a file as evidence for an action (16): a PDF, Word
    document, Excel spreadsheet, PNG or JPEG, recognised by its content and within the
    size limit of scr.uploads. Stored outside the web root under a random name; the name
    given is kept, reduced to its base name, for display only. Refused past the case's
    quota of uploads. An action not started is then in progress. The evidence waits for
    the coordinator."""
    action = _action(by, case_id, plan_id, action_id, actionplans_access.PLAN_WRITER)
    _not_complete(action)
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Say what the file shows"
    try:
        checked = _checked(upload)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        try:
            uploads.check_case_quota(action.plan.case_id, len(checked.data))
        except ValidationError as error:
            errors["upload"] = error.messages
    if errors:
        raise ValidationError(errors)
    evidence = Evidence.objects.create(
        action=action, description=description.strip(), **uploads.keep(checked, by=by)
    )
    if action.progress == PlanAction.Progress.NOT_STARTED:
        action.progress = PlanAction.Progress.IN_PROGRESS
        action.save(update_fields=["progress"])
    _audit(action, by, f"evidence {evidence.pk} uploaded", Action.CREATE)
    return evidence


def evidence_for_user(by, case_id, evidence_id: int, lock: bool = False):
    """(plan, roles, evidence) if the user may read the plan the evidence belongs to;
    404 otherwise, as for the plan itself."""
    found = Evidence.objects.filter(pk=evidence_id).values_list("action__plan_id", flat=True)
    plan_id = found.first()
    if plan_id is None:
        raise Http404("No such evidence")
    _, plan, roles = actionplans_access.plan_for_user(by, case_id, plan_id, lock=lock)
    rows = Evidence.objects.select_related("action__recommendation")
    if lock:
        rows = rows.select_for_update(of=("self",))
    evidence = rows.filter(pk=evidence_id, action__plan=plan).first()
    if evidence is None:
        raise Http404("No such evidence")
    evidence.action.plan = plan
    return plan, roles, evidence


@transaction.atomic
def evidence_decide(*, case_id, by, evidence_id: int, accept: bool, comments: str = "") -> Evidence:
    """The coordinator accepts a file of evidence, which completes its action and meets
    the action's clock, or rejects it with comments (the agency sees them; the action
    stays in progress and its clock runs on). Needs the plan's decider."""
    plan, roles, evidence = evidence_for_user(by, case_id, evidence_id, lock=True)
    if not actionplans_access.is_plan_decider(roles):
        raise PermissionDenied
    comments = (comments or "").strip()
    if not status.may_move(evidence, "accept"):
        raise ValidationError("This evidence has already been decided.")
    if not accept and not comments:
        raise ValidationError({"comments": "Say why the evidence is not enough"})
    now = timezone.now()
    evidence.decided_by = by
    evidence.decided_at = now
    evidence.comments = comments
    status.status_change(
        evidence,
        "accept" if accept else "reject",
        by=by,
        note=comments,
        at=now,
        case=plan.case,
        fields=["decided_by", "decided_at", "comments"],
        detail=f"evidence for action {evidence.action.number}",
    )
    action = PlanAction.objects.select_for_update(of=("self",)).get(pk=evidence.action_id)
    action.plan = plan
    if accept and action.progress != PlanAction.Progress.COMPLETE:
        action.progress = PlanAction.Progress.COMPLETE
        action.completed_at = now
        action.save(update_fields=["progress", "completed_at"])
        deadline_event(
            case=plan.case,
            event="action_completed",
            agency=plan.agency,
            subject=action_subject(action),
        )
    return evidence
