"""The small API stage code calls to open and close the procedure's clocks.

Stage services never compute a date: they say which clock, from when, and for whom.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from scr.deadlines import calendar
from scr.deadlines.models import BOARD_PERIODS, Deadline


def deadline_period(board, kind: str) -> tuple[int, str]:
    """The board's duration of a clock: (amount, unit)."""
    try:
        field, unit = BOARD_PERIODS[kind]
    except KeyError:
        raise ValueError(f"The {kind} clock has no board-wide duration; give a due date") from None
    return getattr(board, field), unit


def deadline_due(board, kind: str, start: date) -> date:
    amount, unit = deadline_period(board, kind)
    return calendar.add_period(start, amount, unit)


@transaction.atomic
def deadline_open(
    *,
    case,
    kind: str,
    start: date | None = None,
    due: date | None = None,
    owner=None,
    agency=None,
) -> Deadline:
    """Open a clock on the case, due by the board's duration (or on `due` where the
    procedure lets a person set the date, as for the IMR submissions).

    A clock of the same kind (and agency) that is still running is returned unchanged,
    so opening twice is harmless."""
    existing = (
        Deadline.objects.select_for_update()
        .live()
        .filter(case=case, kind=kind, agency=agency)
        .first()
    )
    if existing is not None:
        return existing
    start = start or calendar.today()
    due = due or deadline_due(case.board, kind, start)
    if due < start:
        raise ValueError("A clock cannot fall due before it starts")
    return Deadline.objects.create(
        case=case, kind=kind, agency=agency, owner=owner, start=start, due=due, original_due=due
    )


@transaction.atomic
def deadline_meet(*, case, kind: str, on: date | None = None, agency=None) -> Deadline | None:
    """Mark the running clock met on a date (today by default). Returns None if none runs."""
    deadline = (
        Deadline.objects.select_for_update()
        .live()
        .filter(case=case, kind=kind, agency=agency)
        .first()
    )
    if deadline is None:
        return None
    deadline.status = Deadline.Status.MET
    deadline.met_on = on or calendar.today()
    deadline.closed_at = timezone.now()
    deadline.save(update_fields=["status", "met_on", "closed_at"])
    return deadline


@transaction.atomic
def deadline_cancel(*, case, kind: str | None = None, agency=None, on: date | None = None) -> int:
    """Stop running clocks when the case leaves the route that needed them.

    A clock already past its due date is recorded as missed rather than cancelled."""
    on = on or calendar.today()
    running = Deadline.objects.select_for_update().live().filter(case=case)
    if kind is not None:
        running = running.filter(kind=kind, agency=agency)
    now = timezone.now()
    count = 0
    for deadline in running:
        deadline.status = (
            Deadline.Status.MISSED if deadline.is_overdue(on) else Deadline.Status.CANCELLED
        )
        deadline.closed_at = now
        deadline.save(update_fields=["status", "closed_at"])
        count += 1
    return count
