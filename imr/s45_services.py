"""Requests for information under section 45 of the Care Act 2014, on a Safeguarding
Adults Review: the coordinator (or the chair) asks an agency of the board, or a person
outside it; the reply is due by the case's `s45_reply` clock (its type's 20 working
days); the agency's lead, or the coordinator for a reply that came another way, records
the reply; a request left unanswered is escalated to the chair.

Each request has a clock of its own: the type's per-agency clock, for the agency asked
(none for a person outside the board), told apart by Deadline.subject, so two requests
to one agency run side by side and the reminders of scr.deadlines chase each."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imr import access as imr_access
from imr.models import S45_LEGAL_BASIS, InformationReplyFile, InformationRequest
from scr import access, uploads
from scr.accounts.models import Agency
from scr.accounts.roles import Role, group_name
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.cases.models import CaseAgency
from scr.cases.stages import FINAL_STAGES
from scr.deadlines import calendar
from scr.deadlines.services import deadline_due, deadline_event

# The events this stage records for the s45 clock (registered in imr.apps).
SENT = "s45_request_sent"
RECEIVED = "s45_reply_received"

CHOOSE_RECIPIENT = "Choose the agency, or give the name of the person outside the board"
WRONG_TYPE = "The selected file must be a PDF, Word document, Excel spreadsheet, PNG or JPEG"


def _notify(request: InformationRequest, event: str) -> None:
    from scr.outbox.services import job_enqueue

    job_enqueue("imr.s45_notify", request_id=request.pk, event=event)


def _still_open(case) -> None:
    if case.stage in FINAL_STAGES:
        raise ValidationError(
            f"The case is ‘{case.stage_label}’: its requests for information cannot change."
        )


def _leads(agency: Agency):
    return get_user_model().objects.filter(
        board_id=agency.board_id,
        agency=agency,
        is_active=True,
        groups__name=group_name(Role.AGENCY_LEAD),
    )


def _recipient_errors(
    case, agency_id: int | None, name: str, email: str
) -> tuple[Agency | None, dict]:
    errors: dict[str, str] = {}
    if agency_id and (name or email):
        errors["agency"] = "Choose an agency of the board or a person outside it, not both"
        return None, errors
    if agency_id:
        agency = Agency.objects.filter(pk=agency_id, board_id=case.board_id).first()
        if agency is None:
            errors["agency"] = "Choose an agency of this board"
        return agency, errors
    if not name and not email:
        errors["agency"] = CHOOSE_RECIPIENT
    elif not name:
        errors["recipient_name"] = "Enter the name of the person asked"
    elif not email:
        errors["recipient_email"] = "Enter the email address of the person asked"
    return None, errors


@transaction.atomic
def s45_request_send(
    *,
    case_id: int,
    by,
    asked: str,
    agency_id: int | None = None,
    recipient_name: str = "",
    recipient_organisation: str = "",
    recipient_email: str = "",
    legal_basis: str = "",
    asked_on: date | None = None,
) -> InformationRequest:
    """Record a request for information under s45 on a SAR. Needs the coordinator or the
    chair of the case's board (imr.access.may_manage_s45); 404 on any other case.

    To an agency of the board (which becomes involved in the case, so that its lead sees
    it) or to a named person outside it, with what is asked, the legal basis shown
    (section 45 by default) and the day it was asked (today by default, never later).
    Opens the s45 clock of the case's type from that day and keeps its due date. After
    commit the agency's leads are emailed (no content: they sign in to read it); a person
    outside the board is sent the request by the coordinator, as the page says."""
    case, _ = imr_access.s45_register_for_user(by, case_id, lock=True)
    _still_open(case)
    today = calendar.today()
    asked_on = asked_on or today
    name, email = recipient_name.strip(), recipient_email.strip()
    agency, errors = _recipient_errors(case, agency_id, name, email)
    if not asked.strip():
        errors["asked"] = "Say what information is asked for"
    if asked_on > today:
        errors["asked_on"] = "The date asked must be today or in the past"
    elif asked_on < calendar.local_date(case.created_at):
        errors["asked_on"] = "The date asked must be on or after the day the case opened"
    if errors:
        raise ValidationError(errors)
    request = InformationRequest.objects.create(
        case=case,
        agency=agency,
        recipient_name="" if agency else name,
        recipient_organisation="" if agency else recipient_organisation.strip(),
        recipient_email="" if agency else email,
        asked=asked.strip(),
        legal_basis=legal_basis.strip() or S45_LEGAL_BASIS,
        asked_on=asked_on,
        due_on=deadline_due(case.board, imr_access.S45_CLOCK, asked_on, case.review_type),
        requested_by=by,
    )
    owner = None
    if agency is not None:
        CaseAgency.objects.get_or_create(case=case, agency=agency)
        owner = _leads(agency).order_by("pk").first()
    opened = deadline_event(
        case=case,
        event=SENT,
        on=asked_on,
        agency=agency,
        subject=request.clock_subject,
        owner=owner,
    )
    # The clock is the truth of the due date (a board's copy of the type may differ).
    due = next((d.due for d in opened if d.kind == imr_access.S45_CLOCK), request.due_on)
    if due != request.due_on:
        request.due_on = due
        request.save(update_fields=["due_on"])
    audit_record(
        action=Action.CREATE,
        actor=by,
        obj=request,
        board=case.board,
        detail=f"s45 request {request.pk} to {'agency ' + str(agency.pk) if agency else 'outside'}",
    )
    if agency is not None:
        _notify(request, "asked")
    return request


def _checked(upload) -> uploads.CheckedFile:
    if not upload.size:
        raise ValidationError({"upload": "The selected file is empty"})
    try:
        return uploads.check_upload(upload)
    except ValidationError as error:
        message = WRONG_TYPE if error.code == "type" else error.messages
        raise ValidationError({"upload": message}) from None


@transaction.atomic
def s45_reply_record(
    *,
    case_id: int,
    request_id: int,
    by,
    received_on: date | None = None,
    reply: str = "",
    upload=None,
) -> InformationRequest:
    """Record the reply to a request: its text, a file (checked by scr.uploads and counted
    in the case's quota), or both, and the day it was received (today by default; not
    before the request, not in the future). The lead of the agency asked records its own
    reply; the coordinator or the chair records one that came another way. Meets the
    request's clock on that day. The coordinators are emailed after commit."""
    case, request, perms = imr_access.s45_request_for_user(by, case_id, request_id, lock=True)
    _still_open(case)
    if not imr_access.may_record_s45_reply(by, request, perms):
        raise ValidationError("The reply to this request has already been recorded.")
    today = calendar.today()
    received_on = received_on or today
    errors: dict = {}
    if not reply.strip() and upload is None:
        errors["reply"] = "Enter the reply, or upload the file that holds it"
    if received_on > today:
        errors["received_on"] = "The date received must be today or in the past"
    elif received_on < request.asked_on:
        errors["received_on"] = "The date received must be on or after the date asked"
    checked = None
    if upload is not None:
        try:
            checked = _checked(upload)
            uploads.check_case_quota(case.pk, len(checked.data))
        except ValidationError as error:
            errors["upload"] = error.message_dict.get("upload", error.messages)
    if errors:
        raise ValidationError(errors)
    request.reply = reply.strip()
    request.received_on = received_on
    request.received_by = by
    status.status_change(
        request,
        "receive",
        by=by,
        case=case,
        fields=["reply", "received_on", "received_by"],
        detail=f"s45 request {request.pk}",
    )
    if checked is not None:
        InformationReplyFile.objects.create(request=request, **uploads.keep(checked, by=by))
    deadline_event(
        case=case,
        event=RECEIVED,
        on=received_on,
        agency=request.agency,
        subject=request.clock_subject,
    )
    _notify(request, "replied")
    return request


@transaction.atomic
def s45_escalate(*, case_id: int, request_id: int, by, reason: str) -> InformationRequest:
    """The coordinator escalates a request still waiting to the chair, with the reason (no
    reply by the due date, a refusal, a partial answer). The chair sees it under 'Needs
    your attention' and is emailed after commit. The clock keeps running."""
    case, request, perms = imr_access.s45_request_for_user(by, case_id, request_id, lock=True)
    _still_open(case)
    if not access.manages_case(perms):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is escalated to the chair"})
    request.escalated_at = timezone.now()
    request.escalated_by = by
    request.escalation_reason = reason.strip()
    status.status_change(
        request,
        "escalate",
        by=by,
        note=reason,
        at=request.escalated_at,
        case=case,
        fields=["escalated_at", "escalated_by", "escalation_reason"],
        detail=f"s45 request {request.pk}",
        refused="This request is no longer waiting: it cannot be escalated.",
    )
    _notify(request, "escalated")
    return request
