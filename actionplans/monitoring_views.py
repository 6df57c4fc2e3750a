"""The board's monitoring of the action plans (16) and the end of the case: the dashboard
of every open action across cases and agencies (with its exports), the coordinator's
evaluation of a completed action's outcome, the monitoring start, and the chair's close
and reopen pages.

The dashboard is the coordinator's and the chair's; anyone else gets 'page not found'.
The case pages follow scr.access: 404 for who cannot see the case, 403 for who sees it
but does not take the step.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from actionplans import access as actionplans_access
from actionplans import closure_services, monitoring
from actionplans.models import ActionPlan, PlanAction
from scr import access
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.cases.selectors import with_names_shown
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.exports import csv_response, xlsx_response
from scr.formtools import add_service_errors, form_page

ACTIONS_PER_PAGE = 50
EVALUATIONS_SHOWN = 50

# Input validation for these pages (the services make the decisions).


class MonitoringFilterForm(forms.Form):
    agency = forms.ChoiceField(label="Plan of", required=False)
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Every state"), *monitoring.STATES]
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", "Every agency"),
            (monitoring.BOARD_PLAN, "The board's own plan"),
            *((str(agency.pk), agency.name) for agency in agencies),
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note for the case history (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        help_text="The reason is kept in the case history and told to the people on the case.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason for reopening the case"},
    )


class EvaluationForm(forms.Form):
    text = forms.CharField(
        label="How was the outcome evaluated?",
        help_text="What the board looked at to judge the action's impact, and what it found.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter how the outcome was evaluated"},
    )


# The dashboard ----------------------------------------------------------------------------


def _overseer(request) -> None:
    if not actionplans_access.oversees_monitoring(request.user):
        raise Http404("No such page")


def _filters(request):
    """(form, agency, state): the valid filters of the query string, or none."""
    agencies = Agency.objects.filter(board_id=request.user.board_id).order_by("name")
    form = MonitoringFilterForm(request.GET or None, agencies=agencies)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["agency"], form.cleaned_data["state"]
    return form, "", ""


@require_GET
@login_required
def monitoring_dashboard(request):
    """Every open action of the accepted plans across the board's cases, filtered by
    agency and state, 50 a page; each plan's progress; the overdue actions per agency;
    and the outcomes waiting to be evaluated. A fixed number of queries."""
    _overseer(request)
    user = request.user
    today = calendar.today()
    form, agency, state = _filters(request)
    actions = monitoring.open_actions(user, today=today, agency=agency, state=state)
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    for action in page.object_list:
        action.overdue = monitoring.is_overdue(action, today)
    progress = monitoring.plans_progress(user)
    closed = monitoring.recently_closed(user)
    to_evaluate = monitoring.outcomes_to_evaluate(user, EVALUATIONS_SHOWN + 1)
    cases = {c.pk: c for c in [p.case for p in progress] + closed}
    cases.update({a.plan.case_id: a.plan.case for a in to_evaluate})
    cases.update({a.plan.case_id: a.plan.case for a in page.object_list})
    perms = access.permissions_for_cases(user, cases.values())
    in_full = {pk for pk, case_perms in perms.items() if access.sees_case_in_full(case_perms)}
    with_names_shown(
        [p.case for p in progress]
        + closed
        + [a.plan.case for a in to_evaluate]
        + [a.plan.case for a in page.object_list],
        in_full,
    )
    for item in progress:
        item.may_start = (
            item.case.stage == Stage.ACTION_PLANS
            and actionplans_access.may_start_monitoring(perms[item.case.pk])
        )
        item.may_close = item.case.stage == Stage.MONITORING and actionplans_access.may_close_case(
            perms[item.case.pk]
        )
        for plan in item.plans:
            plan.accepted = plan.status == ActionPlan.Status.ACCEPTED
    for case in closed:
        case.may_reopen = actionplans_access.may_close_case(perms[case.pk])
    for action in to_evaluate:
        action.may_evaluate = actionplans_access.may_evaluate(perms[action.plan.case_id])
    filters = {k: v for k, v in (("agency", agency), ("state", state)) if v}
    return form_page(
        request,
        "actionplans/monitoring.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query": urlencode(filters),
            "progress": progress,
            "overdue_by_agency": monitoring.overdue_by_agency(user, today),
            "to_evaluate": to_evaluate[:EVALUATIONS_SHOWN],
            "more_to_evaluate": len(to_evaluate) > EVALUATIONS_SHOWN,
            "closed": closed,
            "confidential": True,
        },
    )


EXPORT_HEADER = ["Case", "Plan of", "Action", "Key action", "Date", "State"]


@require_GET
@login_required
def monitoring_export(request, fmt: str):
    """The dashboard's open actions, filtered as on the page, every row, as CSV or XLSX.
    The audit names the filters used, not their values."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    _overseer(request)
    today = calendar.today()
    form, agency, state = _filters(request)
    actions = monitoring.open_actions(request.user, today=today, agency=agency, state=state)
    rows = [
        [
            action.plan.case.reference,
            action.plan.owner_name,
            action.number,
            action.text,
            action.target_date,
            monitoring.state_label(action, today),
        ]
        for action in actions
    ]
    used = [name for name, value in (("agency", agency), ("state", state)) if value]
    audit_record(
        action=Action.EXPORT,
        actor=request.user,
        request=request,
        detail=f"open actions {fmt}" + (f"; filtered by {', '.join(used)}" if used else ""),
    )
    name = f"open-actions-{today:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_response(name, EXPORT_HEADER, rows)
    return xlsx_response(name, "Open actions", EXPORT_HEADER, rows)


@require_http_methods(["GET", "POST"])
@login_required
def action_evaluate(request, reference: str, plan_id: int, action_id: int):
    """The coordinator records how a complete action's outcome was evaluated."""
    case, plan, roles = actionplans_access.plan_for_user(request.user, reference, plan_id)
    if not actionplans_access.is_plan_decider(roles):
        raise PermissionDenied
    action = (
        PlanAction.objects.select_related("recommendation").filter(plan=plan, pk=action_id).first()
    )
    if action is None:
        raise Http404("No such action")
    form = EvaluationForm(request.POST or None)
    ready = action.progress == PlanAction.Progress.COMPLETE and not action.outcome_evaluated
    if request.method == "POST" and form.is_valid():
        try:
            closure_services.action_outcome_record(
                case_id=case.pk,
                by=request.user,
                plan_id=plan.pk,
                action_id=action.pk,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The evaluation of action {action.number} is recorded.")
            return redirect("actionplans:monitoring")
    return form_page(
        request,
        "actionplans/monitoring_evaluate.html",
        {
            "case": case,
            "plan": plan,
            "action": action,
            "ready": ready,
            "form": form,
            "confidential": True,
        },
    )


# The case's stage: monitoring start, close, reopen --------------------------------------


def _stage_page(request, reference, perm, *, stage, form, template, take, done, context):
    """A page that takes one step of the case: GET shows it, a valid POST runs `take`
    (the service); what the service refuses lands on the form."""
    case = access.case_for_user(request.user, reference, perm)
    if request.method == "POST" and form.is_valid():
        try:
            take(case, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            case.refresh_from_db()
            messages.success(request, f"{done}: the case is now at ‘{case.stage_label}’.")
            return redirect("cases:case-detail", reference=case.reference)
    return form_page(
        request,
        template,
        {
            "case": case,
            "at_stage": case.stage == stage,
            "form": form,
            "confidential": True,
            **context(case),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def monitoring_start(request, reference: str):
    """The coordinator starts the monitoring once every plan is accepted (16)."""

    def context(case):
        at_stage = case.stage == Stage.ACTION_PLANS
        return {"blockers": monitoring.monitoring_blockers(case) if at_stage else []}

    return _stage_page(
        request,
        reference,
        CasePerm.MANAGE,
        stage=Stage.ACTION_PLANS,
        form=NoteForm(request.POST or None),
        template="actionplans/monitoring_start.html",
        take=lambda case, data: closure_services.monitoring_start(
            case_id=case.pk, by=request.user, note=data["note"]
        ),
        done="Monitoring started",
        context=context,
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_close(request, reference: str):
    """The chair closes the case once every action is complete; until then the page says
    what is open."""

    def context(case):
        if case.stage != Stage.MONITORING:
            return {"blockers": [], "unevaluated": 0}
        return {
            "blockers": monitoring.closure_blockers(case, today=calendar.today()),
            "unevaluated": monitoring.unevaluated_count(case),
        }

    return _stage_page(
        request,
        reference,
        CasePerm.DECIDE,
        stage=Stage.MONITORING,
        form=NoteForm(request.POST or None),
        template="actionplans/close_case.html",
        take=lambda case, data: closure_services.case_close(
            case_id=case.pk, by=request.user, note=data["note"]
        ),
        done="Case closed",
        context=context,
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_reopen(request, reference: str):
    """The chair reopens a closed case, with the reason, back to monitoring."""
    return _stage_page(
        request,
        reference,
        CasePerm.DECIDE,
        stage=Stage.CLOSED,
        form=ReopenForm(request.POST or None),
        template="actionplans/close_reopen.html",
        take=lambda case, data: closure_services.case_reopen(
            case_id=case.pk, by=request.user, reason=data["reason"]
        ),
        done="Case reopened",
        context=lambda case: {},
    )
