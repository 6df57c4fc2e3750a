"""The small API stage code calls to open and close the procedure's clocks.

Stage services never compute a date: they say which clock, from when, and for whom.
"""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from scr import access
from scr.accounts.roles import Role, group_name
from scr.audit.services import Action, audit_record
from scr.cases import status
from scr.deadlines import calendar
from scr.deadlines.models import BOARD_PERIODS, CalendarFeed, Deadline, Extension
from scr.deadlines.steps import first_step_date


def deadline_period(board, kind: str) -> tuple[int, str]:
    """The board's duration of a clock: (amount, unit)."""
    try:
        field, unit = BOARD_PERIODS[kind]
    except KeyError:
        raise ValueError(f"The {kind} clock has no board-wide duration; give a due date") from None
    return getattr(board, field), unit


def deadline_due(board, kind: str, start: date) -> date:
    amount, unit = deadline_period(board, kind)
    return calendar.add_period(start, amount, unit, working_days=board.working_days)


# Who owns each clock by default: a person in this role on the case. A clock with no
# owner reminds the board's coordinators instead.
DEFAULT_OWNER_ROLE = {
    Deadline.Kind.PANEL_MEETING: Role.PANEL_CHAIR,
    Deadline.Kind.PANEL_RECOMMENDATION: Role.PANEL_CHAIR,
    Deadline.Kind.OVERVIEW_REPORT: Role.OVERVIEW_AUTHOR,
    # Appendix C: each agency's submissions are its author's (the clock names the agency).
    Deadline.Kind.IMR_CHRONOLOGY: Role.IMR_AUTHOR,
    Deadline.Kind.IMR_REPORT: Role.IMR_AUTHOR,
}

# The clocks each transition of the case starts and satisfies. Stage events that are
# not transitions (a panel meeting, an IMR started) call deadline_open/meet themselves.
TRANSITION_CLOCKS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # 6.1 and 6.2 run from the chair's request to the panel.
    "convene_panel": ((Deadline.Kind.PANEL_MEETING, Deadline.Kind.PANEL_RECOMMENDATION), ()),
    # A recommendation means the panel has met and recommended (6.2 a).
    "record_recommendation": (
        (),
        (Deadline.Kind.PANEL_MEETING, Deadline.Kind.PANEL_RECOMMENDATION),
    ),
    # 10: reviews begin within 6 weeks of the decision; 13.2: the overview report is due
    # 4 months from the review commencing, which is the decision to hold it.
    "commission_review": ((Deadline.Kind.IMRS_BEGIN, Deadline.Kind.OVERVIEW_REPORT), ()),
    # 10: the 6-week clock is met when every agency's review has begun (imr.services).
    "submit_overview": ((), (Deadline.Kind.OVERVIEW_REPORT,)),
}


# The clock a decision is due by, for 'Needs your attention'.
DECISION_CLOCK: dict[str, str] = {
    "record_recommendation": Deadline.Kind.PANEL_RECOMMENDATION,
    "start_imrs": Deadline.Kind.IMRS_BEGIN,
    "submit_overview": Deadline.Kind.OVERVIEW_REPORT,
}


def _default_owner(case, kind: str, agency_id: int | None = None):
    role = DEFAULT_OWNER_ROLE.get(kind)
    if role is None:
        return None
    assignments = case.assignments.filter(role=role, user__is_active=True)
    if agency_id is not None:
        assignments = assignments.filter(agency_id=agency_id)
    assignment = assignments.select_related("user").order_by("assigned_at").first()
    return assignment.user if assignment else None


def deadline_owners_refresh(*, case) -> int:
    """Keep the owners of a case's running clocks people who may work on it (called when
    people join or leave the case). A clock whose owner lost access passes to the first
    person in its default role, or to nobody, when the coordinator is reminded instead;
    a clock nobody owns is taken by the first person now in its default role.
    Returns how many clocks changed hands."""
    running = list(case.deadlines.filter(status__in=Deadline.LIVE).select_related("owner"))
    allowed = {
        owner.pk
        for owner in {d.owner for d in running if d.owner is not None}
        if owner.is_active and access.may_see_in_full(owner, case)
    }
    changed = 0
    for deadline in running:
        if deadline.owner_id in allowed:
            continue
        owner = _default_owner(case, deadline.kind, deadline.agency_id)
        if owner is not None and owner.pk == deadline.owner_id:
            continue
        if owner is None and deadline.owner_id is None:
            continue
        deadline.owner = owner
        deadline.save(update_fields=["owner"])
        changed += 1
    return changed


def deadline_on_transition(*, case, transition: str, on: date) -> None:
    """Open and meet the clocks a transition starts and satisfies (called by
    scr.cases.services.case_transition inside its transaction)."""
    opens, meets = TRANSITION_CLOCKS.get(transition, ((), ()))
    for kind in meets:
        deadline_meet(case=case, kind=kind, on=on)
    for kind in opens:
        deadline_open(case=case, kind=kind, start=on, owner=_default_owner(case, kind))


@transaction.atomic
def deadline_open(
    *,
    case,
    kind: str,
    start: date | None = None,
    due: date | None = None,
    owner=None,
    agency=None,
    subject: str = "",
) -> Deadline:
    """Open a clock on the case, due by the board's duration (or on `due` where the
    procedure lets a person set the date, as for the IMR submissions).

    A clock of the same kind (and agency) that is still running is returned unchanged,
    so opening twice is harmless."""
    existing = (
        Deadline.objects.select_for_update()
        .live()
        .filter(case=case, kind=kind, agency=agency, subject=subject)
        .first()
    )
    if existing is not None:
        return existing
    start = start or calendar.today()
    due = due or deadline_due(case.board, kind, start)
    if due < start:
        raise ValueError("A clock cannot fall due before it starts")
    return Deadline.objects.create(
        case=case,
        kind=kind,
        agency=agency,
        subject=subject,
        owner=owner,
        start=start,
        due=due,
        original_due=due,
        next_reminder_on=first_step_date(due, case.board.reminder_days),
    )


@transaction.atomic
def deadline_meet(
    *, case, kind: str, on: date | None = None, agency=None, subject: str = ""
) -> Deadline | None:
    """Mark the running clock met on a date (today by default). Returns None if none runs."""
    deadline = (
        Deadline.objects.select_for_update()
        .live()
        .filter(case=case, kind=kind, agency=agency, subject=subject)
        .first()
    )
    if deadline is None:
        return None
    deadline.status = Deadline.Status.MET
    deadline.met_on = on or calendar.today()
    deadline.closed_at = timezone.now()
    deadline.save(update_fields=["status", "met_on", "closed_at"])
    _lapse_requests(deadline)
    return deadline


def _lapse_requests(deadline: Deadline) -> None:
    """A request for more time on a clock that has stopped needs no decision."""
    waiting = deadline.extensions.select_for_update().filter(status=Extension.Status.REQUESTED)
    for extension in waiting:
        extension.decided_at = timezone.now()
        status.status_change(
            extension,
            "lapse",
            by=None,
            at=extension.decided_at,
            case=deadline.case,
            fields=["decided_at"],
            detail=f"extension of clock {deadline.pk}: the clock stopped",
        )


@transaction.atomic
def deadline_cancel(
    *,
    case,
    kind: str | None = None,
    agency=None,
    on: date | None = None,
    subject: str | None = None,
) -> int:
    """Stop running clocks when the case leaves the route that needed them (or, with
    `subject`, the one clock a stage no longer needs).

    A clock already past its due date is recorded as missed rather than cancelled."""
    on = on or calendar.today()
    running = Deadline.objects.select_for_update().live().filter(case=case)
    if kind is not None:
        running = running.filter(kind=kind, agency=agency)
    if subject is not None:
        running = running.filter(subject=subject)
    now = timezone.now()
    count = 0
    for deadline in running:
        deadline.status = (
            Deadline.Status.MISSED if deadline.is_overdue(on) else Deadline.Status.CANCELLED
        )
        deadline.closed_at = now
        deadline.save(update_fields=["status", "closed_at"])
        _lapse_requests(deadline)
        count += 1
    return count


@transaction.atomic
def extension_request(*, deadline_id: int, by, requested_due: date, reason: str) -> Extension:
    """Ask the chair for a later due date (13.3). Needs the clock's owner or the
    coordinator. One request waits at a time. Tells the chair after commit."""
    deadline = access.deadline_for_user(by, deadline_id, lock=True)
    if not access.may_request_extension(by, deadline):
        raise PermissionDenied
    if not deadline.is_live:
        raise ValidationError("This clock has stopped: there is nothing to extend.")
    if requested_due <= deadline.due:
        raise ValidationError("The new date must be after the current due date.")
    if deadline.extensions.filter(status=Extension.Status.REQUESTED).exists():
        raise ValidationError("A request for this clock is already waiting for the chair.")
    extension = Extension.objects.create(
        deadline=deadline,
        requested_by=by,
        due_before=deadline.due,
        requested_due=requested_due,
        reason=reason.strip(),
    )
    audit_record(
        action=Action.CREATE,
        actor=by,
        obj=deadline.case,
        detail=f"extension requested for clock {deadline.pk}",
    )
    from scr.outbox.services import job_enqueue

    job_enqueue("deadlines.extension_notify", extension_id=extension.pk)
    return extension


@transaction.atomic
def extension_decide(*, extension_id: int, by, approve: bool, note: str = "") -> Extension:
    """The chair approves or refuses a requested extension. Approval moves the due date,
    keeps the original and marks the clock extended; the requester is told after commit."""
    extension = Extension.objects.select_for_update().filter(pk=extension_id).first()
    if extension is None:
        raise Http404("No such extension")
    deadline = access.deadline_for_user(by, extension.deadline_id, lock=True)
    if not access.may_decide(by, deadline.case):
        raise PermissionDenied
    refused = "This request has already been decided."
    if not status.may_move(extension, "approve"):
        raise ValidationError(refused)
    if approve and not deadline.is_live:
        raise ValidationError("This clock has stopped: it cannot be extended.")
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = note.strip()
    status.status_change(
        extension,
        "approve" if approve else "refuse",
        by=by,
        note=note,
        at=extension.decided_at,
        case=deadline.case,
        fields=["decided_by", "decided_at", "decision_note"],
        detail=f"extension of clock {deadline.pk}",
        refused=refused,
    )
    if approve:
        deadline.due = extension.requested_due
        deadline.status = Deadline.Status.EXTENDED
        deadline.next_reminder_on = first_step_date(deadline.due, deadline.case.board.reminder_days)
        deadline.save(update_fields=["due", "status", "next_reminder_on"])
    from scr.outbox.services import job_enqueue

    job_enqueue("deadlines.extension_notify", extension_id=extension.pk)
    return extension


def extension_notify(*, extension_id: int) -> int:
    """Email the chair(s) about a new request, or the requester about the decision."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from scr.notify import notify_people

    extension = Extension.objects.select_related(
        "deadline__case__board", "requested_by", "decided_by"
    ).get(pk=extension_id)
    case = extension.deadline.case
    if extension.status == Extension.Status.REQUESTED:
        recipients = get_user_model().objects.filter(
            board=case.board, is_active=True, groups__name=group_name(Role.BOARD_CHAIR)
        )
        url = reverse("deadlines:extension-decide", args=[extension.pk])
    else:
        recipients = [extension.requested_by]
        url = reverse("cases:case-detail", args=[case.reference])
    return notify_people(
        template="extension_requested"
        if extension.status == Extension.Status.REQUESTED
        else "extension_decided",
        recipients=set(recipients),
        context={
            "reference": case.reference,
            "clock": extension.deadline.get_kind_display(),
            "due_before": extension.due_before,
            "requested_due": extension.requested_due,
            "decision": extension.get_status_display(),
            "url": url,
            "board": case.board,
        },
    )


@transaction.atomic
def reminder_preference_set(*, user, digest: bool) -> None:
    """A person chooses separate reminders or one daily digest (their own setting)."""
    user.reminder_digest = digest
    user.save(update_fields=["reminder_digest"])
    audit_record(action=Action.CHANGE, actor=user, detail=f"reminder digest: {digest}")


@transaction.atomic
def calendar_feed_create(*, user) -> tuple[str, bool]:
    """Give the person a new private calendar address; any older one stops working.
    Returns the address's secret (kept only as a hash: show it now or never) and whether
    an older address was replaced."""
    token = secrets.token_urlsafe(32)
    _, created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": CalendarFeed.hash(token)}
    )
    audit_record(action=Action.CHANGE, actor=user, detail="calendar feed created")
    return token, not created


@transaction.atomic
def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
    audit_record(action=Action.CHANGE, actor=user, detail="calendar feed revoked")
