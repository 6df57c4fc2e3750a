"""Referrals: start, fill in, submit; the agency lead endorses or returns (sections 3-5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from referrals import access as referrals_access
from referrals import services
from referrals.forms import ReferralForm, ReturnForm
from referrals.models import Referral
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.formtools import add_service_errors


@require_GET
@login_required
def referral_list(request):
    referrals = referrals_access.referrals_visible_to(request.user).select_related(
        "case", "referrer"
    )
    mine = [r for r in referrals if r.referrer_id == request.user.pk]
    waiting = [r for r in referrals if referrals_access.may_decide_referral(request.user, r)]
    return render(request, "referrals/referral_list.html", {"mine": mine, "waiting": waiting})


@require_POST
@login_required
def referral_new(request):
    try:
        referral = services.referral_start(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:referral-list")
    return redirect("referrals:referral-edit", referral_id=referral.pk)


def _moved_on(request, referral):
    """A second tab or a double click: say what happened instead of refusing."""
    who = f" by {referral.decided_by.full_name}" if referral.decided_by else ""
    messages.info(request, f"This referral is now ‘{referral.get_status_display().lower()}’{who}.")
    return redirect("referrals:referral-detail", referral_id=referral.pk)


def _initial(referral: Referral) -> dict:
    initial = {name: getattr(referral, name) for name in services.EDITABLE_FIELDS}
    initial["agencies"] = list(referral.agencies.all())
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def referral_edit(request, referral_id: int):
    referral = referrals_access.referral_for_user(request.user, referral_id)
    if referral.referrer_id != request.user.pk:
        raise PermissionDenied
    if not referral.editable:
        return _moved_on(request, referral)
    if request.method == "GET":
        form = ReferralForm(
            initial=_initial(referral),
            board=referral.board,
            questions=services.questions_of(referral),
        )
        return render(request, "referrals/referral_form.html", _form_context(referral, form))
    form = ReferralForm(
        request.POST, board=referral.board, questions=services.questions_of(referral)
    )
    valid = form.is_valid()
    # Keep every field that validated, even when another did not: nothing typed is lost.
    data = {k: v for k, v in form.cleaned_data.items() if k != "agencies"}
    for choice in ("abuse_or_neglect", "care_and_support_needs"):
        if choice in data:
            data[choice] = data[choice] or ""
    try:
        referral = services.referral_save(
            referral_id=referral.pk,
            by=request.user,
            data=data,
            agencies=form.cleaned_data.get("agencies"),
        )
        if valid and request.POST.get("action") != "submit":
            messages.success(request, "Your draft has been saved.")
            return redirect("referrals:referral-edit", referral_id=referral.pk)
        if valid:
            referral = services.referral_submit(referral_id=referral.pk, by=request.user)
            messages.success(
                request,
                "Your referral has been sent to the board chair."
                if referral.status == Referral.Status.ENDORSED
                else "Your referral has been sent to your agency lead.",
            )
            return redirect("referrals:referral-detail", referral_id=referral.pk)
    except services.AlreadyMovedOn as moved:
        return _moved_on(request, moved.referral)
    except ValidationError as error:
        # The criteria are three checkboxes: the first one carries their error.
        add_service_errors(form, error, aliases={"believes": "believes_3_1"})
    return render(
        request, "referrals/referral_form.html", _form_context(referral, form), status=400
    )


def _form_context(referral, form) -> dict:
    return {"referral": referral, "form": form, "confidential": True}


@require_http_methods(["GET", "POST"])
@login_required
def referral_detail(request, referral_id: int):
    referral = referrals_access.referral_for_user(request.user, referral_id)
    may_decide = referrals_access.may_decide_referral(request.user, referral)
    form = ReturnForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if not may_decide:
            if referrals_access.is_referrers_agency_lead(request.user, referral):
                return _moved_on(request, referral)
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.accepted:
                    services.referral_endorse(
                        referral_id=referral.pk, by=request.user, note=form.cleaned_data["reason"]
                    )
                    messages.success(request, "The referral has been sent to the board chair.")
                else:
                    services.referral_return(
                        referral_id=referral.pk,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, "The referral has been returned to the referrer.")
            except services.AlreadyMovedOn as moved:
                return _moved_on(request, moved.referral)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("referrals:referral-list")
    else:
        audit_record(
            action=Action.VIEW,
            actor=request.user,
            obj=referral,
            request=request,
            label=referral.label,
        )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "findings": services.advice(referral),
            "agencies": list(referral.agencies.order_by("name")),
            "form": form,
            "may_edit": referrals_access.may_edit_referral(request.user, referral),
            "events": status.status_history(referral),
            "confidential": True,
        },
        status=400 if form is not None and form.errors else 200,
    )
