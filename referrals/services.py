"""Every write to a referral (sections 3, 4 and 5)."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from referrals.models import Referral
from scr import access
from scr.accounts.roles import Role
from scr.audit.services import Action, audit_record
from scr.cases import services as case_services
from scr.cases.models import Case

EDITABLE_FIELDS = (
    "subject_name",
    "subject_date_of_birth",
    "subject_died",
    "subject_date_of_death",
    "subject_address",
    "subject_ethnicity",
    "what_happened",
    "abuse_or_neglect",
    "serious_harm",
    "concern_working_together",
    "lessons_for_interagency_working",
    "believes_3_1",
    "believes_3_2",
    "believes_4_2",
)


@transaction.atomic
def referral_start(*, by) -> Referral:
    """Any professional with an account starts a referral (4): a draft of their own."""
    if not by.is_active or not by.board_id:
        raise PermissionDenied
    referral = Referral.objects.create(board_id=by.board_id, referrer=by, agency=by.agency)
    audit_record(action=Action.CREATE, actor=by, obj=referral, label=f"referral {referral.pk}")
    return referral


@transaction.atomic
def referral_save(*, referral_id: int, by, data: dict, agencies) -> Referral:
    """Keep what the referrer typed, complete or not. Only its referrer, while it is a
    draft or returned to them."""
    referral = access.referral_for_user(by, referral_id, lock=True)
    if not access.may_edit_referral(by, referral):
        raise PermissionDenied
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(referral, name, data[name])
    referral.updated_at = timezone.now()
    referral.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    referral.agencies.set([a for a in agencies if a.board_id == referral.board_id])
    return referral


def missing_for_submission(referral: Referral) -> dict[str, str]:
    """What must be filled in before a referral goes to the agency lead: field -> message."""
    errors = {}
    if not referral.subject_name.strip():
        errors["subject_name"] = "Enter the adult's full name"
    if referral.subject_died and not referral.subject_date_of_death:
        errors["subject_date_of_death"] = "Enter the date of death"
    if not referral.what_happened.strip():
        errors["what_happened"] = "Describe what happened"
    if not referral.abuse_or_neglect:
        errors["abuse_or_neglect"] = "Select whether abuse or neglect is known or suspected"
    if not referral.agencies.exists():
        errors["agencies"] = "Select the agencies that were involved"
    if not (referral.believes_3_1 or referral.believes_3_2 or referral.believes_4_2):
        errors["believes"] = "Select the criteria you believe are met"
    return errors


@transaction.atomic
def referral_submit(*, referral_id: int, by) -> Referral:
    """Send the referral to the referrer's agency lead (5). The first submission opens
    the case at 'referral received' with the referrer on it; a resubmission after a
    return updates the case's subject. Tells the agency lead after commit."""
    referral = access.referral_for_user(by, referral_id, lock=True)
    if not access.may_edit_referral(by, referral):
        raise PermissionDenied
    missing = missing_for_submission(referral)
    if missing:
        raise ValidationError(missing)
    agencies = list(referral.agencies.all())
    if referral.agency is not None and referral.agency not in agencies:
        agencies.append(referral.agency)  # its lead endorses, so it is on the case
    subject = {
        "subject_name": referral.subject_name,
        "subject_date_of_birth": referral.subject_date_of_birth,
        "subject_date_of_death": referral.subject_date_of_death if referral.subject_died else None,
    }
    if referral.case is None:
        case = case_services.case_create(board=referral.board, by=by, agencies=agencies, **subject)
        case_services.case_assign_referrer(case=case, referrer=by)
        referral.case = case
    else:
        case_services.case_subject_set(case=referral.case, by=by, agencies=agencies, **subject)
    referral.status = Referral.Status.SUBMITTED
    referral.submitted_at = referral.updated_at = timezone.now()
    referral.return_reason = ""
    referral.save(update_fields=["case", "status", "submitted_at", "updated_at", "return_reason"])
    audit_record(action=Action.CHANGE, actor=by, obj=referral.case, detail="referral submitted")
    from referrals.tasks import referral_notify_task

    transaction.on_commit(partial(referral_notify_task.delay, referral_id=referral.pk))
    return referral


@transaction.atomic
def referral_endorse(*, referral_id: int, by, note: str = "") -> Referral:
    """The referrer's agency lead endorses the referral: the case goes to the chair (5)."""
    referral = access.referral_for_user(by, referral_id, lock=True)
    if not access.may_decide_referral(by, referral):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    case_services.case_transition(
        case, "send_to_chair", by=by, note=note.strip() or "Endorsed by the agency lead."
    )
    referral.status = Referral.Status.ENDORSED
    referral.decided_by = by
    referral.decided_at = referral.updated_at = timezone.now()
    referral.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return referral


@transaction.atomic
def referral_return(*, referral_id: int, by, reason: str) -> Referral:
    """The agency lead returns the referral to its referrer with a reason (5); the case
    stays at 'referral received'. Tells the referrer after commit."""
    referral = access.referral_for_user(by, referral_id, lock=True)
    if not access.may_decide_referral(by, referral):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being returned"})
    referral.status = Referral.Status.RETURNED
    referral.return_reason = reason.strip()
    referral.decided_by = by
    referral.decided_at = referral.updated_at = timezone.now()
    referral.save(
        update_fields=["status", "return_reason", "decided_by", "decided_at", "updated_at"]
    )
    audit_record(action=Action.CHANGE, actor=by, obj=referral.case, detail="referral returned")
    from referrals.tasks import referral_notify_task

    transaction.on_commit(partial(referral_notify_task.delay, referral_id=referral.pk))
    return referral


def referral_notify(*, referral_id: int) -> int:
    """Email who acts next: the agency lead(s) on submission, the referrer on return.
    References only, never the adult's name."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from scr.notify import notify_people

    referral = Referral.objects.select_related("case", "board", "referrer").get(pk=referral_id)
    if referral.status == Referral.Status.SUBMITTED:
        recipients = (
            get_user_model()
            .objects.filter(
                agency_id=referral.agency_id, is_active=True, groups__name=Role.AGENCY_LEAD.label
            )
            .exclude(pk=referral.referrer_id)
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
            "reference": referral.case.reference,
            "url": reverse("referrals:referral-detail", args=[referral.pk]),
            "board": referral.board,
        },
    )
