"""Reads of deadlines used by pages, feeds and reports."""

from dataclasses import dataclass
from datetime import date
from statistics import median

from scr.deadlines import calendar
from scr.deadlines.models import Deadline


def tagged(deadlines, on: date) -> list[Deadline]:
    """The clocks with their GOV.UK tag as of `on` (tag_text, tag_class)."""
    result = list(deadlines)
    for deadline in result:
        deadline.tag_text, deadline.tag_class = deadline.tag(on)
    return result


@dataclass
class ComplianceRow:
    kind: str
    label: str
    total: int
    on_time: int
    late: int
    still_open: int
    cancelled: int
    median_days_late: float | None


def days_late(deadline: Deadline, on: date) -> int | None:
    """How late a clock was met, or is now, or was when it stopped; None if not late."""
    if deadline.status == Deadline.Status.CANCELLED:
        return None
    if deadline.met_on is not None:
        end = deadline.met_on
    elif deadline.closed_at is not None:
        end = calendar.local_date(deadline.closed_at)
    else:
        end = on
    late = (end - deadline.due).days
    if deadline.status == Deadline.Status.MISSED:
        return max(late, 1)  # stopped after its date: late, however the days fall
    return late if late > 0 else None


def _whole_or_half(value: float) -> int | float:
    """A median of whole days is whole or ends in .5: show 21, not 21.0."""
    return int(value) if float(value).is_integer() else round(value, 1)


def compliance(board, start: date, end: date, on: date) -> list[ComplianceRow]:
    """Per clock kind, for clocks due between start and end: met on time, late (met late,
    missed, or still running past the date), still open and not yet due, cancelled,
    and the median days late."""
    from scr.reviewtypes.services import clock_labels  # reviewtypes reads the deadlines

    deadlines = Deadline.objects.filter(case__board=board, due__gte=start, due__lte=end).only(
        "kind", "status", "due", "met_on", "closed_at"
    )
    # A row for each clock of the board's default review type, in its order, and for any
    # other clock that fell due; each named as the board's types name it.
    default_keys, labels = clock_labels(board)
    by_kind: dict[str, list[Deadline]] = {kind: [] for kind in default_keys}
    for deadline in deadlines:
        by_kind.setdefault(deadline.kind, []).append(deadline)
    rows = []
    for kind, items in by_kind.items():
        lateness = [d for d in (days_late(x, on) for x in items) if d is not None]
        cancelled = sum(1 for x in items if x.status == Deadline.Status.CANCELLED)
        on_time = sum(1 for x in items if x.status == Deadline.Status.MET and not x.met_late)
        rows.append(
            ComplianceRow(
                kind=kind,
                label=labels.get(kind) or kind.replace("_", " ").capitalize(),
                total=len(items),
                on_time=on_time,
                late=len(lateness),
                still_open=len(items) - on_time - len(lateness) - cancelled,
                cancelled=cancelled,
                median_days_late=_whole_or_half(median(lateness)) if lateness else None,
            )
        )
    return rows
