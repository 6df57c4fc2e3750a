"""Every write to a case, its stage and the people on it."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from scr import access
from scr.accounts.models import Agency, Board
from scr.accounts.roles import AGENCY_CASE_ROLES, CASE_ROLES, Role, group_name
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.cases.models import Case, CaseAgency, CaseAssignment, CaseEvent, CasePerm, CaseSequence
from scr.cases.references import reference_for
from scr.cases.stages import FINAL_STAGES, stage_words
from scr.deadlines import calendar
from scr.deadlines.services import (
    deadline_cancel,
    deadline_on_transition,
    deadline_owners_refresh,
)
from scr.notify import notify_people
from scr.outbox import services as outbox
from scr.reviewtypes.services import review_type_for


def _next_number(board: Board, year: int) -> int:
    """Allocate the next number under a row lock, so two referrals never share one."""
    sequence, _ = CaseSequence.objects.select_for_update().get_or_create(board=board, year=year)
    CaseSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    return CaseSequence.objects.values_list("last_number", flat=True).get(pk=sequence.pk)


@transaction.atomic
def case_create(
    *,
    board: Board,
    by,
    subject_name: str,
    subject_date_of_birth=None,
    subject_date_of_death=None,
    agencies: list[Agency] = (),
    now: datetime | None = None,
    review_type: str = "",
) -> Case:
    """Open a case at 'referral received' with the next reference of the board's year, of the
    board's default review type or the one `review_type` names (its code).
    Needs a signed-in member of the board. Records the creation in the audit trail."""
    if by.board_id != board.pk:
        raise PermissionDenied
    year = calendar.local_date(now).year if now else calendar.today().year
    number = _next_number(board, year)
    case = Case(
        board=board,
        year=year,
        number=number,
        reference=reference_for(board, year, number),
        subject_name=subject_name.strip(),
        subject_date_of_birth=subject_date_of_birth,
        subject_date_of_death=subject_date_of_death,
        review_type=review_type_for(board, review_type),
    )
    if now:
        case.created_at = now
        case.stage_changed_at = now
    case.full_clean(exclude=["stage"])
    case.save()
    for agency in agencies:
        _agency_add(case, agency)
    audit_record(action=Action.CREATE, actor=by, obj=case)
    return case


def _agency_add(case: Case, agency: Agency) -> CaseAgency:
    if agency.board_id != case.board_id:
        raise ValidationError("The agency must belong to the case's board.")
    link, _ = CaseAgency.objects.get_or_create(case=case, agency=agency)
    return link


@transaction.atomic
def case_assign_referrer(*, case: Case, referrer, by) -> CaseAssignment:
    """The referrer follows the stage of the case they referred (5), and nothing more.
    Called by the referral's endorsement, whose service checked `by`."""
    assignment, created = CaseAssignment.objects.get_or_create(
        case=case, user=referrer, role=Role.REFERRER, defaults={"assigned_by": by}
    )
    for codename in access.CASE_ROLE_PERMS[Role.REFERRER]:
        assign_perm(codename, referrer, case)
    if created:
        audit_record(
            action=Action.ASSIGN, actor=by, obj=case, detail=f"referrer user {referrer.pk}"
        )
    return assignment


@transaction.atomic
def case_agency_add(*, case_id: int, agency_id: int, by) -> CaseAgency:
    """Involve a key agency in the case (5, 9). Needs the coordinator's or chair's rights."""
    case = access.case_for_user(by, case_id, CasePerm.VIEW, lock=True)
    if not access.may_assign(by, case):
        raise PermissionDenied
    agency = Agency.objects.filter(pk=agency_id, board_id=case.board_id).first()
    if agency is None:
        raise ValidationError("Choose an agency of the case's board.")
    link = _agency_add(case, agency)
    audit_record(action=Action.CHANGE, actor=by, obj=case, detail=f"agency added: {agency.pk}")
    return link


def available_transitions(case: Case, perms: frozenset[str]) -> list:
    """The transitions from the case's stage that holders of `perms` may take on the case
    page (those a stage takes on its own screens are left out)."""
    return [
        t
        for t in status.moves_open(case)
        if t.custom.get("permission") in perms and t.custom.get("generic", True)
    ]


def case_transition(
    case: Case,
    name: str,
    *,
    by,
    note: str = "",
    now: datetime | None = None,
    notify: bool = True,
) -> CaseEvent:
    """The single way a case changes stage. The caller holds the row lock.

    Checks that the transition leaves the current stage and that `by` holds its
    permission; runs it; saves the stage; writes one CaseEvent and one audit row;
    cancels running clocks when the case leaves the procedure's route; tells the
    people on the case after commit (unless notify=False, for records of the past
    such as demo data). `now` backdates the change to when it was decided."""
    transition_meta = status.transition_meta(case, name)
    if transition_meta is None or not status.may_move(case, name):
        raise ValidationError(
            f"The case is at '{case.stage_label}': it cannot {name.replace('_', ' ')}."
        )
    if not access.may(by, transition_meta.custom["permission"], case):
        raise PermissionDenied
    note = note.strip()
    if transition_meta.custom.get("note_required") and not note:
        raise ValidationError("Give the reasons for this decision.")
    event = status.status_change(case, name, by=by, note=note, at=now)
    deadline_on_transition(
        case=case, transition=name, on=calendar.local_date(case.stage_changed_at)
    )
    if case.stage in FINAL_STAGES:
        deadline_cancel(case=case)
    if notify:
        # Written to the outbox with the event: who hears is worked out after commit.
        outbox.job_enqueue("cases.case_event_notify", event_id=event.pk)
    return event


@transaction.atomic
def case_transition_request(*, case_id: int, by, transition: str, note: str = "") -> CaseEvent:
    """Take a generic transition on the user's behalf (the case page's 'Record a decision').
    Needs the transition's permission on the case: 404 if the case is hidden, 403 if not.
    A transition that a stage's own page takes (its `page`) is refused, naming that page:
    that page does the stage's work around it (records, clocks, letters), which a bare
    transition would skip."""
    case = access.case_for_user(by, case_id, CasePerm.VIEW_STATUS, lock=True)
    refusal = stage_page_refusal(transition)
    if refusal:
        if not access.may(by, status.transition_custom(Case, transition)["permission"], case):
            raise PermissionDenied
        raise ValidationError(refusal, code="stage_page")
    return case_transition(case, transition, by=by, note=note)


def stage_page_refusal(transition: str) -> str:
    """Why the case page does not take `transition`, naming the stage's page that does;
    empty for a generic transition. ValueError for no transition of the case."""
    custom = status.transition_custom(Case, transition)
    if custom.get("generic", True):
        return ""
    return f"‘{custom['label']}’ is not recorded on the case page: use {custom['page']}."


@transaction.atomic
def case_assign(
    *, case_id: int, user, role: str, by, agency: Agency | None = None
) -> CaseAssignment:
    """Put a person on the case in a case role and grant that role's object permissions.
    Needs the coordinator's or the chair's rights on the case, or the panel chair's for
    panel members. Authors and directors act for their own agency."""
    case = access.case_for_user(by, case_id, CasePerm.VIEW, lock=True)
    if not access.may_assign(by, case, role, agency_id=user.agency_id):
        raise PermissionDenied
    role = Role(role)
    if role not in CASE_ROLES:
        raise ValidationError(f"{role.label} is not a role held on one case.")
    if user.board_id != case.board_id or not user.is_active:
        raise ValidationError("Only active members of the case's board can be assigned.")
    if role in AGENCY_CASE_ROLES:
        agency = user.agency
        if agency is None:
            raise ValidationError(f"A {role.label.lower()} must belong to an agency.")
    assignment, created = CaseAssignment.objects.get_or_create(
        case=case, user=user, role=role, defaults={"agency": agency, "assigned_by": by}
    )
    for codename in access.CASE_ROLE_PERMS[role]:
        assign_perm(codename, user, case)
    deadline_owners_refresh(case=case)
    if created:
        audit_record(action=Action.ASSIGN, actor=by, obj=case, detail=f"{role} user {user.pk}")
    return assignment


@transaction.atomic
def case_unassign(*, assignment_id: int, by) -> None:
    """Take a person off the case; revoke the permissions no other role of theirs on it needs."""
    assignment = CaseAssignment.objects.select_related("case", "user").filter(pk=assignment_id)
    assignment = assignment.first()
    if assignment is None:
        raise Http404("No such assignment")
    case = access.case_for_user(by, assignment.case_id, CasePerm.VIEW, lock=True)
    if not access.may_assign(by, case, assignment.role, agency_id=assignment.agency_id):
        raise PermissionDenied
    user = assignment.user
    assignment.delete()
    still_needed = set().union(
        *(
            access.CASE_ROLE_PERMS[Role(r)]
            for r in CaseAssignment.objects.filter(case=case, user=user).values_list(
                "role", flat=True
            )
        )
    )
    for codename in access.CASE_ROLE_PERMS[Role(assignment.role)] - still_needed:
        remove_perm(codename, user, case)
    deadline_owners_refresh(case=case)
    audit_record(
        action=Action.UNASSIGN, actor=by, obj=case, detail=f"{assignment.role} user {user.pk}"
    )


def case_event_notify(*, event_id: int) -> int:
    """Tell the board's coordinators, the chairs when the case now waits on their decision,
    and the people on the case (not the one who acted) that the case moved stage. Emails
    leave the service: reference and stage only. The stage is the one this event moved
    to, however late the email goes."""
    event = CaseEvent.objects.select_related("case__board", "actor").get(pk=event_id)
    case = event.case
    roles = [group_name(Role.COORDINATOR)]
    if any(
        t.source == event.to_stage and t.custom.get("permission") == CasePerm.DECIDE
        for t in Case._meta.get_field("stage").get_all_transitions(Case)
    ):
        roles.append(group_name(Role.BOARD_CHAIR))
    recipients = set(case.board.users.filter(is_active=True, groups__name__in=roles))
    recipients |= {a.user for a in case.assignments.select_related("user") if a.user.is_active}
    recipients.discard(event.actor)
    return notify_people(
        template="case_stage_changed",
        recipients=recipients,
        context={
            "reference": case.reference,
            "stage": stage_words(event.to_stage, case.wording),
            "at": event.at,
            "url": reverse("cases:case-detail", args=[case.reference]),
            "board": case.board,
        },
    )
