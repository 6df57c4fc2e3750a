"""Every write to a referral (sections 3, 4 and 5).

A referral stays between its referrer and their agency's lead until the lead endorses
it: only then is the case opened, with its reference, its key agencies and the referrer
following its stage, and sent to the chair. A returned referral is its referrer's alone
again until they resubmit it.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from referrals import access as referrals_access
from referrals.criteria import assess
from referrals.models import Referral
from referrals.questions import fields_asked
from scr.accounts.roles import Role, group_name
from scr.audit.services import Action, audit_record
from scr.cases import services as case_services
from scr.cases import status
from scr.cases.models import Case
from scr.deadlines import calendar
from scr.reviewtypes.services import definition_for

EDITABLE_FIELDS = (
    "subject_name",
    "subject_date_of_birth",
    "subject_died",
    "subject_date_of_death",
    "subject_address",
    "subject_ethnicity",
    "care_and_support_needs",
    "what_happened",
    "abuse_or_neglect",
    "serious_harm",
    "concern_working_together",
    "lessons_for_interagency_working",
    "believes_3_1",
    "believes_3_2",
    "believes_4_2",
)


class AlreadyMovedOn(Exception):
    """The referral left the state this action needs (a second tab, a double click)."""

    def __init__(self, referral: Referral):
        super().__init__(referral.get_status_display())
        self.referral = referral


@transaction.atomic
def referral_start(*, by) -> Referral:
    """Any professional with an account starts a referral (4): a draft of their own. They
    must belong to an agency, whose lead endorses it (5)."""
    if not by.is_active or not by.board_id:
        raise PermissionDenied
    if not by.agency_id:
        raise ValidationError(
            "You need to belong to an agency to refer a case: its lead on the board sends "
            "referrals to the chair. Ask your board's coordinator to add you to your agency."
        )
    referral = Referral.objects.create(
        board_id=by.board_id,
        referrer=by,
        agency=by.agency,
        review_type=by.board.default_review_type or "scr-2009",
    )
    audit_record(action=Action.CREATE, actor=by, obj=referral, label=referral.label)
    return referral


def _editable(by, referral_id: int) -> Referral:
    referral = referrals_access.referral_for_user(by, referral_id, lock=True)
    if referral.referrer_id != by.pk:
        raise PermissionDenied
    if not referral.editable:
        raise AlreadyMovedOn(referral)
    return referral


@transaction.atomic
def referral_save(*, referral_id: int, by, data: dict, agencies=None) -> Referral:
    """Keep what the referrer typed, complete or not: every field given in `data` (and the
    agencies, unless None). Only its referrer, while it is a draft or returned to them."""
    referral = _editable(by, referral_id)
    fields = [name for name in EDITABLE_FIELDS if name in data]
    for name in fields:
        setattr(referral, name, data[name])
    referral.updated_at = timezone.now()
    referral.save(update_fields=[*fields, "updated_at"])
    if agencies is not None:
        referral.agencies.set([a for a in agencies if a.board_id == referral.board_id])
    return referral


def questions_of(referral: Referral) -> tuple[str, ...]:
    """The keys of the questions the referral's review type asks (referrals.questions)."""
    return definition_for(referral.board, referral.review_type).referral_questions


def advice(referral: Referral, review_type=None) -> list:
    """What the facts entered meet, by the advisory test of the referral's review type
    (`review_type`: its case's, already read, where it has one)."""
    if review_type is not None:
        definition = review_type.parsed
    else:
        definition = definition_for(referral.board, referral.review_type)
    return assess(referral, definition.decision.get("test", ""))


def problems_for_submission(referral: Referral) -> dict[str, str]:
    """What must be right before a referral goes to the agency lead: field -> message.
    Only the questions the referral's review type asks are needed."""
    asked = fields_asked(questions_of(referral))
    errors = {}
    today = calendar.today()
    if not referral.subject_name.strip():
        errors["subject_name"] = "Enter the adult's full name"
    born, died = referral.subject_date_of_birth, referral.subject_date_of_death
    if born and born > today:
        errors["subject_date_of_birth"] = "The date of birth must be in the past"
    if referral.subject_died:
        if not died:
            errors["subject_date_of_death"] = "Enter the date of death"
        elif died > today:
            errors["subject_date_of_death"] = "The date of death must be today or in the past"
        elif born and died < born:
            errors["subject_date_of_death"] = "The date of death must be after the date of birth"
    elif died:
        errors["subject_died"] = "Tick ‘The adult has died’, or remove the date of death"
    if "care_and_support_needs" in asked and not referral.care_and_support_needs:
        errors["care_and_support_needs"] = "Select whether the adult has needs for care and support"
    if "what_happened" in asked and not referral.what_happened.strip():
        errors["what_happened"] = "Describe what happened"
    if "abuse_or_neglect" in asked and not referral.abuse_or_neglect:
        errors["abuse_or_neglect"] = "Select whether abuse or neglect is known or suspected"
    if "agencies" in asked and not referral.agencies.exists():
        errors["agencies"] = "Select the agencies that were involved"
    believes = referral.believes_3_1 or referral.believes_3_2 or referral.believes_4_2
    if "believes_3_1" in asked and not believes:
        errors["believes"] = "Select the criteria you believe are met"
    return errors


@transaction.atomic
def referral_submit(*, referral_id: int, by) -> Referral:
    """Send the referral to the referrer's agency lead (5), who is told after commit.
    A referrer who is that lead sends it straight to the chair."""
    referral = _editable(by, referral_id)
    problems = problems_for_submission(referral)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    referral.submitted_at = referral.updated_at = now
    status.status_change(
        referral,
        "submit",
        by=by,
        at=now,
        fields=("submitted_at", "updated_at"),
        detail="referral submitted",
    )
    if referrals_access.is_referrers_agency_lead(by, referral):
        return _endorse(referral, by=by, note="Referred by the agency's lead.", now=now)
    from scr.outbox.services import job_enqueue

    job_enqueue("referrals.referral_notify", referral_id=referral.pk)
    return referral


def _decidable(by, referral_id: int) -> Referral:
    referral = referrals_access.referral_for_user(by, referral_id, lock=True)
    if not referrals_access.is_referrers_agency_lead(by, referral):
        raise PermissionDenied
    if not status.may_move(referral, "endorse"):
        raise AlreadyMovedOn(referral)
    return referral


def _endorse(referral: Referral, *, by, note: str, now: datetime) -> Referral:
    """Open the case from the referral and send it to the chair (5)."""
    agencies = list(referral.agencies.all())
    if referral.agency not in agencies:
        agencies.append(referral.agency)  # its lead endorsed it, so it is on the case
    case = case_services.case_create(
        board=referral.board,
        by=by,
        subject_name=referral.subject_name,
        subject_date_of_birth=referral.subject_date_of_birth,
        subject_date_of_death=referral.subject_date_of_death if referral.subject_died else None,
        agencies=agencies,
        now=referral.submitted_at,
        review_type=referral.review_type,
    )
    case_services.case_assign_referrer(case=case, referrer=referral.referrer, by=by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_services.case_transition(case, "send_to_chair", by=by, note=note, now=now)
    referral.case = case
    referral.decided_by = by
    referral.decided_at = referral.updated_at = now
    status.status_change(
        referral,
        "endorse",
        by=by,
        note=note,
        at=now,
        case=case,
        fields=("case", "decided_by", "decided_at", "updated_at"),
        detail="referral endorsed",
    )
    return referral


@transaction.atomic
def referral_endorse(*, referral_id: int, by, note: str = "") -> Referral:
    """The referrer's agency lead endorses the referral: the case opens and goes to the
    chair (5), who is told after commit."""
    referral = _decidable(by, referral_id)
    return _endorse(
        referral, by=by, note=note.strip() or "Endorsed by the agency lead.", now=timezone.now()
    )


@transaction.atomic
def referral_return(*, referral_id: int, by, reason: str) -> Referral:
    """The agency lead returns the referral to its referrer with reasons (5). Tells the
    referrer after commit."""
    referral = _decidable(by, referral_id)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being returned"})
    now = timezone.now()
    referral.return_reason = reason.strip()
    referral.decided_by = by
    referral.decided_at = referral.updated_at = now
    status.status_change(
        referral,
        "return_to_referrer",
        by=by,
        note=reason,
        at=now,
        fields=("return_reason", "decided_by", "decided_at", "updated_at"),
        detail="referral returned",
    )
    from scr.outbox.services import job_enqueue

    job_enqueue("referrals.referral_notify", referral_id=referral.pk)
    return referral


def referral_notify(*, referral_id: int) -> int:
    """Email who acts next: the referrer's agency lead(s) on submission, the referrer on
    return. The referral's number only, never the adult's name."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from scr.notify import notify_people

    referral = Referral.objects.select_related("case", "board", "referrer").get(pk=referral_id)
    if referral.status == Referral.Status.SUBMITTED and referral.agency_id:
        recipients = get_user_model().objects.filter(
            board_id=referral.board_id,
            agency_id=referral.agency_id,
            is_active=True,
            groups__name=group_name(Role.AGENCY_LEAD),
        )
        template = "referral_submitted"
    elif referral.status == Referral.Status.RETURNED:
        recipients = [referral.referrer]
        template = "referral_returned"
    else:
        return 0
    return notify_people(
        template=template,
        recipients=set(recipients),
        context={
            "reference": referral.label,
            "url": reverse("referrals:referral-detail", args=[referral.pk]),
            "board": referral.board,
        },
    )
