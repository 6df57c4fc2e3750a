"""The register of requests for information under section 45 of the Care Act 2014 on a
Safeguarding Adults Review: the coordinator's and the chair's register, a request's own
page (also the asked agency's lead's), recording the reply, escalating to the chair, and
the files sent with a reply. Any other case, and anyone else, gets 404."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from imr import access as imr_access
from imr import s45_services
from imr.forms import S45EscalateForm, S45ReplyForm, S45RequestForm
from imr.models import S45_LEGAL_BASIS, InformationReplyFile, InformationRequest
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.dates import day_text
from scr.deadlines import calendar
from scr.formtools import add_service_errors, form_page, submit


def _register_url(case) -> str:
    return reverse("imr:s45-register", args=[case.reference])


def _request_url(request: InformationRequest) -> str:
    return reverse("imr:s45-detail", args=[request.case.reference, request.pk])


def response_times(requests: list[InformationRequest], today) -> list[dict]:
    """Per agency (or person outside the board): how many were asked, replied, late, and
    the days a reply took on average and at most."""
    groups: dict[str, list[InformationRequest]] = defaultdict(list)
    for request in requests:
        groups[request.to_whom].append(request)
    rows = []
    for to_whom, asked in sorted(groups.items()):
        taken = [r.days_taken for r in asked if r.days_taken is not None]
        rows.append(
            {
                "to_whom": to_whom,
                "asked": len(asked),
                "replied": len(taken),
                "waiting": len(asked) - len(taken),
                "late": sum(1 for r in asked if r.is_late(today)),
                "average": round(sum(taken) / len(taken)) if taken else None,
                "longest": max(taken) if taken else None,
            }
        )
    return rows


@require_GET
@login_required
def register(request, reference: str):
    """Every request of the case, with its due date and reply, and the response times of
    each agency asked. The coordinator and the chair."""
    case, perms = imr_access.s45_register_for_user(request.user, reference)
    requests = list(InformationRequest.objects.filter(case=case).select_related("agency", "case"))
    today = calendar.today()
    rows = [
        {
            "request": r,
            "url": _request_url(r),
            "late": r.is_late(today),
            "days_taken": r.days_taken,
        }
        for r in requests
    ]
    return form_page(
        request,
        "imr/s45_register.html",
        {
            "case": case,
            "rows": rows,
            "times": response_times(requests, today),
            "may_ask": imr_access.may_manage_s45(perms),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request, reference: str):
    """The coordinator (or the chair) records a request and opens its clock."""
    case, _ = imr_access.s45_register_for_user(request.user, reference)
    agencies = Agency.objects.filter(board=case.board).order_by("name")
    form = S45RequestForm(
        request.POST or None,
        agencies=agencies,
        initial={"legal_basis": S45_LEGAL_BASIS, "asked_on": day_text(calendar.today())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = s45_services.s45_request_send(
                case_id=case.pk,
                by=request.user,
                agency_id=form.agency_id(),
                recipient_name=data["recipient_name"],
                recipient_organisation=data["recipient_organisation"],
                recipient_email=data["recipient_email"],
                asked=data["asked"],
                legal_basis=data["legal_basis"],
                asked_on=data["asked_on"],
            )
        except ValidationError as error:
            # The service's 'agency' is the field that chooses who is asked.
            add_service_errors(form, error, aliases={"agency": "recipient"})
        else:
            then = (
                "Its lead has been emailed."
                if made.agency_id
                else "Send it to them yourself by secure email."
            )
            messages.success(
                request,
                f"The request to {made.to_whom} is recorded, due on {day_text(made.due_on)}. "
                + then,
            )
            return redirect(_register_url(case))
    return form_page(
        request, "imr/s45_new.html", {"case": case, "form": form, "confidential": True}
    )


@require_GET
@login_required
def request_detail(request, reference: str, request_id: int):
    """A request with its reply: the board's side, and the lead of the agency asked."""
    case, s45, perms = imr_access.s45_request_for_user(request.user, reference, request_id)
    audit_record(
        action=Action.VIEW,
        actor=request.user,
        obj=s45,
        board=case.board,
        detail=request.path[:200],
        request=request,
    )
    return form_page(
        request,
        "imr/s45_detail.html",
        {
            "case": case,
            "s45": s45,
            "files": list(s45.files.all()),
            "late": s45.is_late(calendar.today()),
            "history": status.status_history(s45),
            "may_manage": imr_access.may_manage_s45(perms),
            "may_reply": imr_access.may_record_s45_reply(request.user, s45, perms),
            "may_escalate": imr_access.may_escalate_s45(perms, s45),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def reply(request, reference: str, request_id: int):
    """The agency's lead (or the board's side, for a reply that came another way) records
    the reply; a refused file or a missing reply is named in the error summary and what
    was typed stays."""
    case, s45, perms = imr_access.s45_request_for_user(request.user, reference, request_id)
    if not imr_access.may_record_s45_reply(request.user, s45, perms):
        raise PermissionDenied
    form = S45ReplyForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": day_text(calendar.today())},
    )
    done = submit(
        request,
        form,
        lambda data: s45_services.s45_reply_record(
            case_id=case.pk,
            request_id=s45.pk,
            by=request.user,
            received_on=data["received_on"],
            reply=data["reply"],
            upload=data["upload"],
        ),
        success="The reply is recorded. The coordinator has been told.",
        redirect_to=_request_url(s45),
    )
    return done or form_page(
        request,
        "imr/s45_reply.html",
        {"case": case, "s45": s45, "form": form, "confidential": True},
    )


@require_http_methods(["GET", "POST"])
@login_required
def escalate(request, reference: str, request_id: int):
    """The coordinator escalates a waiting request to the chair, with the reason."""
    case, s45, perms = imr_access.s45_request_for_user(request.user, reference, request_id)
    if not imr_access.may_escalate_s45(perms, s45):
        raise PermissionDenied
    form = S45EscalateForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: s45_services.s45_escalate(
            case_id=case.pk, request_id=s45.pk, by=request.user, reason=data["reason"]
        ),
        success="The request is escalated. The chair has been emailed.",
        redirect_to=_request_url(s45),
    )
    return done or form_page(
        request,
        "imr/s45_escalate.html",
        {"case": case, "s45": s45, "form": form, "confidential": True},
    )


@require_GET
@login_required
def reply_file(request, reference: str, request_id: int, file_id: int):
    """A file sent with a reply, to those who may read the request; every download
    audited."""
    case, s45, _ = imr_access.s45_request_for_user(request.user, reference, request_id)
    stored = InformationReplyFile.objects.filter(request=s45, pk=file_id).first()
    if stored is None:
        raise Http404("No such file")
    response = stored.download_response()
    audit_record(
        action=Action.DOWNLOAD,
        actor=request.user,
        obj=stored,
        board=case.board,
        label=f"s45 reply file {stored.pk}",
        detail=f"file {stored.pk} of s45 request {s45.pk}",
        request=request,
    )
    return response
