"""Carrying out an accepted plan (16), one page per action: its progress updates and
evidence files, the writer's forms for both, and the coordinator's decision on each
file of evidence.

Who: the plan's readers (the chair, the coordinator, the agency's lead) see the page;
no one else does (404), and it opens only once the plan is accepted. The agency's lead
writes; the coordinator decides; a reader posting what they may not do gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from actionplans import access as actionplans_access
from actionplans import implementation_services as implementation
from actionplans.implementation_forms import (
    ActionUpdateForm,
    EvidenceDecisionForm,
    EvidenceUploadForm,
)
from actionplans.models import ActionPlan, Evidence, PlanAction
from scr.audit.services import Action, audit_record
from scr.deadlines import calendar
from scr.formtools import add_service_errors


def action_url(action, name: str = "actionplans:action-detail") -> str:
    return reverse(name, args=[action.plan.case.reference, action.plan_id, action.pk])


def _load(request, reference: str, plan_id: int, action_id: int, role: str | None = None):
    """(case, plan, roles, action) of an accepted plan; 404 for who may not read the plan
    (or before acceptance), 403 for a reader who lacks `role`."""
    case, plan, roles = actionplans_access.plan_for_user(request.user, reference, plan_id)
    if plan.status != ActionPlan.Status.ACCEPTED:
        raise Http404("The plan is not accepted yet")
    action = plan.actions.select_related("recommendation").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    if role is not None:
        actionplans_access.require_plan_role(roles, role)
    action.plan = plan
    return case, plan, roles, action


def _evidence(plan, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("action__recommendation", "decided_by", "uploaded_by")
        .filter(pk=evidence_id, action__plan=plan)
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence")
    return evidence


def _page(request, case, plan, roles, action, *, update_form=None, upload_form=None, decided=None):
    """The action's page. `decided` is the decision form that failed, for its file."""
    open_to_work = action.progress != PlanAction.Progress.COMPLETE
    may_write = actionplans_access.is_plan_writer(roles) and open_to_work
    may_decide = actionplans_access.is_plan_decider(roles)
    if may_write:
        update_form = update_form or ActionUpdateForm(initial={"progress": action.progress})
        upload_form = upload_form or EvidenceUploadForm()
    files = []
    for evidence in action.evidence_files.select_related("uploaded_by", "decided_by"):
        form = None
        if may_decide and evidence.status == Evidence.Status.WAITING:
            if decided is not None and decided.prefix == f"evidence-{evidence.pk}":
                form = decided
            else:
                form = EvidenceDecisionForm(prefix=f"evidence-{evidence.pk}")
        files.append({"evidence": evidence, "form": form})
    failed = [f for f in (update_form, upload_form, decided) if f is not None and f.errors]
    return render(
        request,
        "actionplans/action_detail.html",
        {
            "case": case,
            "plan": plan,
            "action": action,
            "state": implementation.action_state(action, calendar.today()),
            "updates": list(action.updates.select_related("by")),
            "files": files,
            "may_write": may_write,
            "update_form": update_form if may_write else None,
            "upload_form": upload_form if may_write else None,
            "failed": failed[0] if failed else None,
            "confidential": True,
        },
        status=400 if failed else 200,
    )


@require_GET
@login_required
def action_detail(request, reference: str, plan_id: int, action_id: int):
    """An action of an accepted plan: what was promised, its progress and evidence."""
    case, plan, roles, action = _load(request, reference, plan_id, action_id)
    audit_record(
        action=Action.VIEW,
        actor=request.user,
        obj=action,
        board=case.board,
        detail=request.path[:200],
        request=request,
    )
    return _page(request, case, plan, roles, action)


@require_POST
@login_required
def action_update(request, reference: str, plan_id: int, action_id: int):
    """The writer's progress update."""
    case, plan, roles, action = _load(
        request, reference, plan_id, action_id, actionplans_access.PLAN_WRITER
    )
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            implementation.action_update_add(
                case_id=case.pk,
                by=request.user,
                plan_id=plan.pk,
                action_id=action.pk,
                text=form.cleaned_data["text"],
                progress=form.cleaned_data["progress"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your update on action {action.number} is saved.")
            return redirect(action_url(action))
    action.refresh_from_db(fields=["progress", "completed_at"])
    return _page(request, case, plan, roles, action, update_form=form)


@require_POST
@login_required
def evidence_upload(request, reference: str, plan_id: int, action_id: int):
    """The writer uploads a file of evidence; a refused file is named in the error
    summary and nothing is kept."""
    case, plan, roles, action = _load(
        request, reference, plan_id, action_id, actionplans_access.PLAN_WRITER
    )
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = implementation.evidence_upload(
                case_id=case.pk,
                by=request.user,
                plan_id=plan.pk,
                action_id=action.pk,
                description=form.cleaned_data["description"],
                upload=form.cleaned_data["upload"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{evidence.original_name} is uploaded. The coordinator will look at it.",
            )
            return redirect(action_url(action))
    action.refresh_from_db(fields=["progress", "completed_at"])
    return _page(request, case, plan, roles, action, upload_form=form)


@require_GET
@login_required
def evidence_download(request, reference: str, plan_id: int, evidence_id: int):
    """A file of evidence, to the plan's readers only, as an attachment; every download
    audited."""
    case, plan, roles = actionplans_access.plan_for_user(request.user, reference, plan_id)
    evidence = _evidence(plan, evidence_id)
    response = evidence.download_response()
    audit_record(
        action=Action.DOWNLOAD,
        actor=request.user,
        obj=evidence,
        board=case.board,
        label=f"evidence {evidence.pk}",
        detail=f"evidence {evidence.pk} of action {evidence.action_id}",
        request=request,
    )
    return response


@require_POST
@login_required
def evidence_decide(request, reference: str, plan_id: int, evidence_id: int):
    """The coordinator accepts a file of evidence (the action is complete) or says it is
    not enough, with comments."""
    case, plan, roles = actionplans_access.plan_for_user(request.user, reference, plan_id)
    evidence = _evidence(plan, evidence_id)
    if not actionplans_access.is_plan_decider(roles):
        raise PermissionDenied
    action = evidence.action
    action.plan = plan
    form = EvidenceDecisionForm(request.POST, prefix=f"evidence-{evidence.pk}")
    if form.is_valid():
        accept = form.accepted
        try:
            implementation.evidence_decide(
                case_id=case.pk,
                by=request.user,
                evidence_id=evidence.pk,
                accept=accept,
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Action {action.number} is complete."
                if accept
                else f"{evidence.original_name} is returned to {plan.owner_name} with your "
                "comments.",
            )
            return redirect(action_url(action))
    evidence.refresh_from_db(fields=["status"])
    if evidence.status != Evidence.Status.WAITING:
        # Decided meanwhile: say so rather than show a form that no longer applies.
        messages.error(request, " ".join(form.non_field_errors()) or "The evidence is decided.")
        return redirect(action_url(action))
    if plan.status != ActionPlan.Status.ACCEPTED:
        raise Http404("The plan is not accepted")
    action.refresh_from_db(fields=["progress", "completed_at"])
    return _page(request, case, plan, roles, action, decided=form)
