"""An action plan's pages (16; Appendix C's action plan template): the plan and its
SMART checks, the lead and named person, the key actions, submission to the board, the
coordinator's decision and the PDF.

The chair, the coordinator and the agency's lead read a plan; no one else sees it (404).
Only the plan's writer (the agency's lead; the coordinator for the board's own plan)
changes it, and only the coordinator decides on it: anyone else who reads it gets 403
for a write."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actionplans import access as actionplans_access
from actionplans import services
from actionplans.models import ActionPlan
from actionplans.plan_forms import (
    RECOMMENDATION_GUIDANCE,
    SMART_GUIDANCE,
    PlanActionForm,
    PlanContactsForm,
    PlanDecisionForm,
)
from imr import sections as imr_sections
from imr.template import CONTACT_FIELDS
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.deadlines import calendar
from scr.drafting import Conflict
from scr.formtools import add_service_errors, form_page


def plan_url(plan, name: str = "actionplans:plan-detail", *args) -> str:
    return reverse(name, args=[plan.case.reference, plan.pk, *args])


def _load(request, reference: str, plan_id: int, role: str | None = None):
    """(case, plan, roles); 404 for who may not read the plan, 403 for a reader who
    lacks `role`."""
    case, plan, roles = actionplans_access.plan_for_user(request.user, reference, plan_id)
    if role is not None:
        actionplans_access.require_plan_role(roles, role)
    return case, plan, roles


def _contacts(person: dict) -> list[tuple[str, str]]:
    return [(label, person.get(key, "")) for key, label in CONTACT_FIELDS if person.get(key)]


STATE_TAGS = {
    "Complete": "govuk-tag--green",
    "Overdue": "govuk-tag--red",
    "In progress": "govuk-tag--blue",
}


def _rows(plan) -> list[dict]:
    """Appendix C's table: each recommendation of the letter, as the overview report
    numbers it, with its key actions (1.1, 1.2 ...)."""
    from actionplans.implementation_services import action_state

    actions = list(plan.actions.select_related("recommendation"))
    today = calendar.today()
    for action in actions:
        # The progress tag (16): overdue is read from the date now, never stored.
        action.state = action_state(action, today)
        action.state_class = STATE_TAGS.get(action.state, "govuk-tag--grey")
    return [
        {"rec": rec, "actions": [a for a in actions if a.recommendation_id == rec.pk]}
        for rec in plan.letter.recommendations.order_by("number")
    ]


def _linked(plan, problems) -> list[tuple[str, str]]:
    """Each SMART problem with the page that fixes it. A problem names no recommendation
    or field, so one without an action is matched to the recommendation it names, and
    is otherwise the lead person's."""
    covered = set(plan.actions.values_list("recommendation_id", flat=True))
    uncovered = [
        rec for rec in plan.letter.recommendations.order_by("number") if rec.pk not in covered
    ]
    new_action = reverse("actionplans:action-new", args=[plan.case.reference, plan.pk])
    linked = []
    for problem in problems:
        if problem.action is not None:
            url = plan_url(plan, "actionplans:action-edit", problem.action.pk)
            if problem.vague:
                url += "#id_vague_confirmed"
        else:
            rec = next(
                (r for r in uncovered if problem.message.endswith(f"recommendation {r.number}")),
                None,
            )
            if rec is not None:
                url = f"{new_action}?recommendation={rec.pk}"
            else:
                url = plan_url(plan, "actionplans:plan-contacts")
        linked.append((problem.message, url))
    return linked


def _detail_page(request, case, plan, roles, *, refused=None, decision_form=None):
    may_write = actionplans_access.is_plan_writer(roles) and plan.editable
    may_decide = (
        actionplans_access.is_plan_decider(roles) and plan.status == ActionPlan.Status.SUBMITTED
    )
    problems = _linked(plan, services.plan_problems(plan)) if may_write else []
    if may_decide and decision_form is None:
        decision_form = PlanDecisionForm()
    bad = bool(refused) or bool(decision_form is not None and decision_form.errors)
    return render(
        request,
        "actionplans/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "lead": _contacts(plan.lead or {}),
            "named": _contacts(plan.named or {}),
            "rows": _rows(plan),
            # Every submission, return and acceptance, with the coordinator's comments.
            "history": status.status_history(plan),
            "problems": problems,
            "refused": refused,
            "may_write": may_write,
            "may_decide": may_decide,
            "decision_form": decision_form if may_decide else None,
            "smart": SMART_GUIDANCE,
            "recommendation_hint": RECOMMENDATION_GUIDANCE,
            "confidential": True,
        },
        status=400 if bad else 200,
    )


@require_http_methods(["GET"])
@login_required
def plan_detail(request, reference: str, plan_id: int):
    """The plan in the form of Appendix C's template, with what the user may do to it."""
    case, plan, roles = _load(request, reference, plan_id)
    audit_record(
        action=Action.VIEW,
        actor=request.user,
        obj=plan,
        board=case.board,
        detail=request.path[:200],
        request=request,
    )
    return _detail_page(request, case, plan, roles)


@require_POST
@login_required
def plan_submit(request, reference: str, plan_id: int):
    """The writer submits the plan to the board (16); refused, the page lists the SMART
    checks still failing, each with its link."""
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_WRITER)
    try:
        services.plan_submit(case_id=case.pk, by=request.user, plan_id=plan.pk)
    except ValidationError as error:
        plan.refresh_from_db()
        problems = services.plan_problems(plan) if plan.editable else []
        refused = _linked(plan, problems) or [(m, "") for m in error.messages]
        return _detail_page(request, case, plan, roles, refused=refused)
    messages.success(request, "The plan is submitted to the board.")
    return redirect(plan_url(plan))


@require_POST
@login_required
def plan_decide(request, reference: str, plan_id: int):
    """The coordinator accepts a submitted plan or returns it with comments."""
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_DECIDER)
    form = PlanDecisionForm(request.POST)
    if form.is_valid():
        accept = form.accepted
        try:
            services.plan_decide(
                case_id=case.pk,
                by=request.user,
                plan_id=plan.pk,
                accept=accept,
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "The plan is accepted."
                if accept
                else f"The plan is returned to {plan.owner_name} with your comments.",
            )
            return redirect(plan_url(plan))
    if plan.status != ActionPlan.Status.SUBMITTED:
        # Decided meanwhile: say so rather than show a form that no longer applies.
        messages.error(request, " ".join(form.non_field_errors()) or "The plan is decided.")
        return redirect(plan_url(plan))
    return _detail_page(request, case, plan, roles, decision_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def plan_contacts(request, reference: str, plan_id: int):
    """Appendix C: the lead person, and the named person if different."""
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_WRITER)
    initial = imr_sections.contacts_initial({"lead": plan.lead, "named": plan.named})
    initial["revision"] = plan.revision
    form = PlanContactsForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = imr_sections.contacts_from_form(form.cleaned_data)
        try:
            services.plan_contacts_save(
                case_id=case.pk,
                by=request.user,
                plan_id=plan.pk,
                lead=data["lead"],
                named=data["named"],
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            if isinstance(error, Conflict):
                # The typed values stay; the next save is measured against what is
                # saved now, shown beside the form.
                conflict = True
                plan.refresh_from_db()
                form.data = form.data.copy()
                form.data["revision"] = plan.revision
        else:
            messages.success(request, "The lead and named person are saved.")
            return redirect(plan_url(plan))
    return form_page(
        request,
        "actionplans/plan_contacts.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "saved_lead": _contacts(plan.lead or {}),
            "saved_named": _contacts(plan.named or {}),
            "confidential": True,
        },
    )


def _action_of(plan, action_id: int):
    action = plan.actions.select_related("recommendation").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    return action


def _action_page(request, case, plan, form, rec, action=None):
    return form_page(
        request,
        "actionplans/plan_action_form.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "rec": rec,
            "action": action,
            "smart": SMART_GUIDANCE,
            "confidential": True,
        },
    )


def _action_save(request, case, plan, form, rec, action=None):
    """Run the save for a valid form; a response, or None to show the form again."""
    d = form.cleaned_data
    values = services.ActionValues(
        text=d["text"],
        evidence=d["evidence"],
        outcome=d["outcome"],
        target_date=d["target_date"],
        # Only while the text still starts with a vague verb.
        vague_confirmed=bool(d.get("vague_confirmed")) and form.vague,
    )
    try:
        saved = services.plan_action_save(
            case_id=case.pk,
            by=request.user,
            plan_id=plan.pk,
            recommendation_id=rec.pk,
            values=values,
            action_id=action.pk if action else None,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, f"Action {saved.number} is saved.")
    return redirect(plan_url(plan))


@require_http_methods(["GET", "POST"])
@login_required
def action_new(request, reference: str, plan_id: int):
    """A key action under one of the letter's recommendations (?recommendation=<id>)."""
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_WRITER)
    rec_id = request.GET.get("recommendation", "")
    rec = plan.letter.recommendations.filter(pk=int(rec_id)).first() if rec_id.isdigit() else None
    if rec is None:
        raise Http404("No such recommendation in the chair's letter")
    form = PlanActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _action_save(request, case, plan, form, rec)
        if done is not None:
            return done
    return _action_page(request, case, plan, form, rec)


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, reference: str, plan_id: int, action_id: int):
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_WRITER)
    action = _action_of(plan, action_id)
    initial = {
        "text": action.text,
        "evidence": action.evidence,
        "outcome": action.outcome,
        "target_date": action.target_date,
        "vague_confirmed": action.vague_confirmed,
    }
    form = PlanActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _action_save(request, case, plan, form, action.recommendation, action)
        if done is not None:
            return done
    return _action_page(request, case, plan, form, action.recommendation, action)


@require_http_methods(["GET", "POST"])
@login_required
def action_remove(request, reference: str, plan_id: int, action_id: int):
    """Asks first; removing renumbers the actions after it."""
    case, plan, roles = _load(request, reference, plan_id, actionplans_access.PLAN_WRITER)
    action = _action_of(plan, action_id)
    error = None
    if request.method == "POST":
        try:
            services.plan_action_remove(
                case_id=case.pk, by=request.user, plan_id=plan.pk, action_id=action.pk
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"Action {action.number} is removed.")
            return redirect(plan_url(plan))
    return render(
        request,
        "actionplans/plan_action_remove.html",
        {"case": case, "plan": plan, "action": action, "error": error, "confidential": True},
        status=400 if error else 200,
    )


def plan_pdf_key(plan) -> str:
    """What the plan's PDF is made from: its status, contacts (revision), decision and
    actions. The newest change of an action alone misses a removal, hence the digest of
    the actions' numbers."""
    actions = list(plan.actions.order_by("pk").values_list("pk", "recommendation_id", "position"))
    latest = plan.actions.aggregate(latest=Max("updated_at"))["latest"]
    digest = hashlib.sha256(repr(actions).encode()).hexdigest()[:12]
    decided = int(plan.decided_at.timestamp()) if plan.decided_at else 0
    stamp = int(latest.timestamp() * 1000) if latest else 0
    return f"plan:{plan.pk}:{plan.status}:{plan.revision}:{stamp}:{digest}:{decided}"


@require_http_methods(["GET", "POST"])
@login_required
def plan_pdf(request, reference: str, plan_id: int):
    """The plan as a PDF (STRICTLY CONFIDENTIAL), laid out by the worker."""
    from scr.documents.views import document_page

    case, plan, roles = _load(request, reference, plan_id)
    return document_page(
        request,
        case=case,
        kind="action-plan",
        key=plan_pdf_key(plan),
        obj=plan,
        template="actionplans/plan_pdf.html",
        options={"plan_id": plan.pk},
        context={
            "case": case,
            "plan": plan,
            "title": "The action plan as a PDF",
            "back": plan_url(plan),
            "confidential": True,
        },
    )
