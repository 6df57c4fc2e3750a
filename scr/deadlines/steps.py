"""Which reminder a clock is owed on a given day, and when it is owed the next one.

The steps of a clock due on D, with the board's offsets 7, 2 and 0:
  D-7 'before-7', D-2 'before-2', D 'before-0' (the day itself)  -> the owner
  D+1 'overdue-0'                                                -> owner, coordinator
  D+7 'overdue-1', D+14 'overdue-2', ... weekly until met         -> owner, coordinator, chair
A sweep that comes late sends only the step current on its day: after an outage
nobody gets a 'due in 7 days' email two days before the date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

CHAIR_AFTER_DAYS = 7  # the chair hears once a clock is a week overdue, then weekly


@dataclass(frozen=True)
class Step:
    key: str  # unique per clock and due date
    on: date  # the day the step fires
    to_coordinator: bool
    to_chair: bool
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _before(due: date, offset: int) -> Step:
    return Step(
        f"before-{offset}@{due.isoformat()}", due - timedelta(days=offset), False, False, offset
    )


def _overdue(due: date, week: int) -> Step:
    fires = due + timedelta(days=1) if week == 0 else due + timedelta(days=CHAIR_AFTER_DAYS * week)
    return Step(f"overdue-{week}@{due.isoformat()}", fires, True, week >= 1, (due - fires).days)


def current_step(due: date, offsets: list[int], on: date) -> Step | None:
    """The latest step that has fired by `on`, or None if none has yet."""
    days_left = (due - on).days
    if days_left < 0:
        overdue_days = -days_left
        return _overdue(due, overdue_days // CHAIR_AFTER_DAYS)
    fired = [offset for offset in offsets if offset >= days_left]
    if not fired:
        return None
    return _before(due, min(fired))


def next_step_date(due: date, offsets: list[int], after: date) -> date:
    """The first day after `after` on which a new step fires."""
    candidates = [due - timedelta(days=o) for o in offsets if due - timedelta(days=o) > after]
    if candidates:
        return min(candidates)
    if due + timedelta(days=1) > after:
        return due + timedelta(days=1)
    weeks = (after - due).days // CHAIR_AFTER_DAYS + 1
    return due + timedelta(days=CHAIR_AFTER_DAYS * weeks)


def first_step_date(due: date, offsets: list[int]) -> date:
    return due - timedelta(days=max(offsets, default=0))
