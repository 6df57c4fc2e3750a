"""The chair's letters (16) and the case's action plans at a glance: the letters drafted
from the overview's recommendations, changed and sent by the chair, and each agency's
plan with its status.

Who sees what: the chair and the coordinator every letter and plan; an agency's lead
only their own agency's plan, and its letter once it is sent; nobody else anything."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actionplans import access as actionplans_access
from actionplans import services
from actionplans.forms import ConfirmForm, LetterForm
from actionplans.models import ActionPlan, ChairLetter
from actionplans.monitoring import letters_missing
from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.dates import day_text
from scr.deadlines.models import Deadline
from scr.documents.views import document_page
from scr.drafting import Conflict
from scr.formtools import add_service_errors, form_page, submit


def overview_url(case) -> str:
    return reverse("actionplans:overview", args=[case.reference])


def letter_url(case, letter, name: str = "actionplans:letter-edit") -> str:
    return reverse(name, args=[case.reference, letter.pk])


def _case(request, reference: str):
    """The case and the user's permissions on it; 404 if they may not see it at all."""
    case = access.case_for_user(request.user, reference, CasePerm.VIEW_STATUS)
    return case, access.case_permissions(request.user, case)


def _readable_plans(user, case, perms) -> list[ActionPlan]:
    """The plans of the case the user may read: all for the board, their own agency's
    for a lead (actionplans_access.plan_roles)."""
    plans = ActionPlan.objects.filter(case=case).select_related("agency")
    if not actionplans_access.is_board_side(perms):
        if not user.agency_id:
            return []
        plans = plans.filter(agency_id=user.agency_id)
    return [
        p
        for p in plans
        if actionplans_access.is_plan_reader(actionplans_access.plan_roles(user, p, perms))
    ]


def _letter(request, reference: str, letter_id: int, *, pdf: bool = False):
    """(case, letter, perms). The letter's page is the chair's and the coordinator's; its
    PDF (pdf=True) also the addressed agency's lead once it is sent (16). 404 otherwise."""
    case, perms = _case(request, reference)
    letter = (
        ChairLetter.objects.select_related("agency", "sent_by", "updated_by")
        .filter(case=case, pk=letter_id)
        .first()
    )
    if letter is None:
        raise Http404("No such letter")
    addressed = (
        pdf
        and letter.status == ChairLetter.Status.SENT
        and access.is_agency_lead_of(request.user, letter.agency)
    )
    if not (actionplans_access.is_board_side(perms) or addressed):
        raise Http404("No such letter")
    return case, letter, perms


def _clocks(case) -> dict[int | None, Deadline]:
    """Each agency's action plan clock (None: the board's own), newest first wins."""
    clocks = Deadline.objects.filter(case=case, kind=Deadline.Kind.ACTION_PLAN).order_by("pk")
    return {clock.agency_id: clock for clock in clocks}


def _overview_page(request, case, perms, form=None):
    user = request.user
    board_side = actionplans_access.is_board_side(perms)
    plans = _readable_plans(user, case, perms)
    if not board_side and not plans:
        raise Http404("No action plan of yours on this case")
    chair = actionplans_access.may_write_letters(perms)
    letters = []
    if board_side:
        letters = list(
            ChairLetter.objects.filter(case=case)
            .select_related("agency")
            .prefetch_related("recommendations")
        )
    clocks = _clocks(case)
    for plan in plans:
        plan.clock = clocks.get(plan.agency_id)
    to_write = letters_missing(case, letters) if chair else []
    context = {
        "case": case,
        "weeks": case.board.action_plan_weeks,
        "board_side": board_side,
        "chair": chair,
        "letters": letters,
        "plans": plans,
        "at_plan_stage": case.stage in services.PLAN_STAGES,
        # The first drafting always offered, so the chair learns why it cannot happen.
        "can_draft": chair and (not letters or bool(to_write)),
        "to_write": to_write if letters else [],
        "form": form,
        "confidential": True,
    }
    return form_page(request, "actionplans/overview.html", context)


@require_http_methods(["GET"])
@login_required
def plans_overview(request, reference: str):
    """The letters and plans of a case: for the chair (who drafts and sends the letters),
    the coordinator, and the lead of each agency with a plan (their plan alone)."""
    case, perms = _case(request, reference)
    return _overview_page(request, case, perms)


@require_POST
@login_required
def letters_draft(request, reference: str):
    case, perms = _case(request, reference)
    if not actionplans_access.is_board_side(perms):
        raise Http404("No such page")
    if not actionplans_access.may_write_letters(perms):
        raise PermissionDenied
    form = ConfirmForm(request.POST)
    try:
        made = services.letters_draft(case_id=case.pk, by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return _overview_page(request, case, perms, form)
    if made:
        count = f"{len(made)} letter{'s' if len(made) != 1 else ''}"
        messages.success(
            request, f"{count} drafted. Read each one and change it as you need, then send it."
        )
    else:
        messages.success(request, "Every agency the recommendations name already has its letter.")
    return redirect(overview_url(case))


def _audit_view(request, case, letter) -> None:
    audit_record(
        action=Action.VIEW,
        actor=request.user,
        obj=letter,
        board=case.board,
        detail=request.path[:200],
        request=request,
    )


@require_http_methods(["GET", "POST"])
@login_required
def letter_edit(request, reference: str, letter_id: int):
    """The letter: the chair changes the draft; after sending, and for the coordinator,
    it is read only."""
    case, letter, perms = _letter(request, reference, letter_id)
    chair = actionplans_access.may_write_letters(perms)
    if request.method == "POST" and not chair:
        raise PermissionDenied
    if request.method == "GET":
        _audit_view(request, case, letter)
    form = LetterForm(
        request.POST or None, initial={"body": letter.body, "revision": letter.revision}
    )
    saved_version = None
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_save(
                case_id=case.pk,
                by=request.user,
                letter_id=letter.pk,
                body=form.cleaned_data["body"],
                revision=form.cleaned_data.get("revision"),
            )
        except Conflict as error:
            # Keep what the chair typed; the next save is made over the version shown.
            letter.refresh_from_db()
            saved_version = letter.body
            data = request.POST.copy()
            data["revision"] = str(letter.revision)
            form = LetterForm(data)
            form.is_valid()
            form.add_error(None, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The letter is saved.")
            return redirect(letter_url(case, letter))
    return form_page(
        request,
        "actionplans/letter_edit.html",
        {
            "case": case,
            "letter": letter,
            "recommendations": letter.recommendations.order_by("number"),
            "form": form,
            "editable": chair and letter.status == ChairLetter.Status.DRAFT,
            "may_send": chair and letter.status == ChairLetter.Status.DRAFT,
            "saved_version": saved_version,
            "confidential": True,
        },
    )


def _sent_message(plan: ActionPlan) -> str:
    letter = plan.letter
    clock = (
        Deadline.objects.live()
        .filter(case_id=plan.case_id, kind=Deadline.Kind.ACTION_PLAN, agency_id=plan.agency_id)
        .order_by("-pk")
        .first()
    )
    by = f" by {day_text(clock.due)}" if clock else ""
    if letter.sent_to:
        return (
            f"The letter to {letter.addressee} is sent to {', '.join(letter.sent_to)}. "
            f"Its action plan is due{by}."
        )
    return f"The letter for the board's own plan is recorded as sent. The plan is due{by}."


@require_http_methods(["GET", "POST"])
@login_required
def letter_send(request, reference: str, letter_id: int):
    """The chair confirms who the letter goes to, then sends it (16)."""
    case, letter, perms = _letter(request, reference, letter_id)
    if not actionplans_access.may_write_letters(perms):
        raise PermissionDenied
    if request.method == "GET" and letter.status != ChairLetter.Status.DRAFT:
        messages.info(request, f"The letter was sent on {day_text(letter.sent_at)}.")
        return redirect(letter_url(case, letter))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: services.letter_send(case_id=case.pk, by=request.user, letter_id=letter.pk),
        success=_sent_message,
        redirect_to=overview_url(case),
    )
    return done or form_page(
        request,
        "actionplans/letter_send.html",
        {
            "case": case,
            "letter": letter,
            "leads": services.agency_leads(letter.agency) if letter.agency_id else [],
            "weeks": case.board.action_plan_weeks,
            "form": form,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def letter_pdf(request, reference: str, letter_id: int):
    """The letter as a PDF, laid out by the worker: a draft to preview for the chair and
    the coordinator, the sent letter also for its agency's lead."""
    case, letter, perms = _letter(request, reference, letter_id, pdf=True)
    back = (
        letter_url(case, letter) if actionplans_access.is_board_side(perms) else overview_url(case)
    )
    return document_page(
        request,
        case=case,
        kind="chair-letter",
        key=f"letter:{letter.pk}:r{letter.revision}:{letter.status}",
        obj=letter,
        template="overview/pdf_status.html",
        context={
            "case": case,
            "title": f"The letter to {letter.addressee} as a PDF",
            "back": back,
            "confidential": True,
        },
        options={"letter_id": letter.pk},
    )
