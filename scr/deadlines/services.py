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


def deadline_period(board, kind: str, review_type=None) -> tuple[int, str]:
    """The duration of a clock: (amount, unit). The case's review type says it, unless
    the type leaves it to the board's own settings (the 2009 procedure's clocks), or
    does not know the clock."""
    amount, unit, _ = _period(board, kind, review_type)
    return amount, unit


def _period(board, kind: str, review_type=None) -> tuple[int, str, bool]:
    clock = review_type.parsed.clock(kind) if review_type is not None else None
    if clock is not None and clock.amount is not None and not clock.board_setting:
        return clock.amount, clock.unit, clock.working_days
    try:
        field, unit = BOARD_PERIODS[kind]
    except KeyError:
        raise ValueError(f"The {kind} clock has no board-wide duration; give a due date") from None
    return getattr(board, field), unit, board.working_days


def deadline_due(board, kind: str, start: date, review_type=None) -> date:
    amount, unit, working_days = _period(board, kind, review_type)
    return calendar.add_period(start, amount, unit, working_days=working_days)


def _definition(case):
    """The case's review type, as data: which clocks its events open and meet."""
    return case.review_type.parsed


def decision_clock_keys(case, transition: str) -> set[str]:
    """The clocks a case-page decision is due by, as its type says ('Needs your
    attention' dates the decision by them)."""
    return {clock.key for clock in _definition(case).decision_clocks(transition)}


def _default_owner(case, kind: str, agency_id: int | None = None):
    """The first active person on the case in the role the type gives the clock (in the
    agency, for an agency's clock); None when the type gives none, so the board's
    coordinators are reminded."""
    clock = _definition(case).clock(kind)
    if clock is None or not clock.owner:
        return None
    assignments = case.assignments.filter(role=clock.owner, user__is_active=True)
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
    """Open and meet the clocks a transition starts and satisfies, as the case's review
    type says (called by scr.cases.services.case_transition inside its transaction).
    Each clock it opens is owned by the first person in the role the type gives it."""
    definition = _definition(case)
    for clock in definition.clocks_met_by(transition):
        deadline_meet(case=case, kind=clock.key, on=on)
    for clock in definition.clocks_opened_by(transition):
        deadline_open(case=case, kind=clock.key, start=on, owner=_default_owner(case, clock.key))


@transaction.atomic
def deadline_event(
    *,
    case,
    event: str,
    on: date | None = None,
    agency=None,
    subject: str = "",
    owner=None,
    dues: dict[str, date] | None = None,
) -> list[Deadline]:
    """A stage recorded `event` (one of scr.registry.CLOCK_EVENTS): meet the running
    clocks of the case (of `agency`, for `subject`) that its review type says the event
    meets, then open those the event opens, from `on` (today by default), owned by
    `owner` (None: the coordinators are reminded until deadline_owners_refresh finds a
    person in the clock's role). A clock the type gives no duration is due on the date
    `dues` gives under the event that will meet it: {"imr_report_countersigned": date},
    as the person commissioning the work set it. Returns the clocks opened (or found
    running); a type with no clock for the event opens and meets nothing."""
    definition = _definition(case)
    on = on or calendar.today()
    dues = dues or {}
    for clock in definition.clocks_met_by(event):
        deadline_meet(case=case, kind=clock.key, on=on, agency=agency, subject=subject)
    opened = []
    for clock in definition.clocks_opened_by(event):
        due = next((dues[m] for m in clock.meets if m in dues), None)
        if due is None and clock.amount is None:
            raise ValueError(
                f"The {clock.key} clock has no duration: give its due date under one of "
                f"{', '.join(clock.meets)}"
            )
        opened.append(
            deadline_open(
                case=case,
                kind=clock.key,
                start=on,
                due=due,
                owner=owner,
                agency=agency,
                subject=subject,
            )
        )
    return opened


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
    """Open a clock on the case, due by its duration (deadline_period: the case's review
    type, or the board's settings), or on `due` where the procedure lets a person set
    the date, as for the IMR submissions.

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
    due = due or deadline_due(case.board, kind, start, case.review_type)
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
            "clock": extension.deadline.label,
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
