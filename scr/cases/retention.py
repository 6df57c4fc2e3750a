"""Retention: a closed case's content is deleted once its board's retention period
(Board.retention_years) has passed since the closure. The audit trail keeps a record
of the deletion: reference, board, closure date and counts, never content.

The rows go by the database cascade from Case. The core never imports a stage
(STYLE.md §1), so each stage registers here from its AppConfig.ready():

- `files(case)`: the names in the private storage (scr.uploads) its rows of the case hold;
- `clear(case)`: deletes its rows of the case that PROTECT a row the cascade must take
  (a referral protects its case, an IMR's submitted versions protect the IMR), and
  returns the counts that QuerySet.delete() gave.

Stages clear latest first: a later stage's rows point at an earlier stage's, never the
other way round (STYLE.md §1). A PROTECT that no stage clears stops the deletion and
rolls it back, so nothing goes that nobody meant to delete.

Audit rows name the case by type and id, with no foreign key to it, so they stay.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from scr import uploads
from scr.audit.services import Action, audit_record, change_records_delete
from scr.cases.models import Case
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.dates import day_text
from scr.deadlines import calendar

Files = Callable[[Case], Iterable[str]]
Clear = Callable[[Case], Mapping[str, int]]

_files: list[Files] = []
_clears: list[tuple[int, Clear]] = []

# Who the audit trail names as having deleted: an operator's command, not a user.
ACTOR_LABEL = "apply_retention"


def register(
    *, files: Files | None = None, clear: Clear | None = None, stage: Stage | None = None
) -> None:
    """A stage's part in deleting a case. `stage` is the stage whose rows `clear` deletes:
    it orders the clears, latest stage first."""
    if clear is not None:
        if stage is None:
            raise ValueError("A clear needs the stage whose rows it deletes.")
        entry = (MAIN_ROUTE.index(stage), clear)
        if entry not in _clears:
            _clears.append(entry)
    if files is not None and files not in _files:
        _files.append(files)


@dataclass(frozen=True)
class Due:
    case_id: int
    reference: str
    board: str
    closed_on: date
    due_on: date


@dataclass(frozen=True)
class Deleted:
    reference: str
    board: str
    closed_on: date
    rows: int
    files: int


def due_on(closed_on: date, years: int) -> date:
    """The day the content may go: the anniversary of the closure, `years` on."""
    return calendar.add_months(closed_on, 12 * years)


# The closure is the CaseEvent of the last 'close' (the record of the chair's decision):
# a reopened case is at 'monitoring', not 'closed', and a case closed again counts from
# its last closure.
CLOSED_AT = Max("events__at", filter=Q(events__to_stage=Stage.CLOSED))


def _due(case: Case, closed_at: datetime | None, today: date) -> Due | None:
    if case.stage != Stage.CLOSED or closed_at is None:
        return None
    closed_on = calendar.local_date(closed_at)
    due = due_on(closed_on, case.board.retention_years)
    if due > today:
        return None
    return Due(case.pk, case.reference, case.board.short_name, closed_on, due)


def retention_due(*, now: datetime | None = None) -> list[Due]:
    """The closed cases whose board's retention period has passed by `now` (London
    date), oldest closure first. Reads only."""
    today = calendar.local_date(now or timezone.now())
    cases = (
        Case.objects.filter(stage=Stage.CLOSED)
        .select_related("board")
        .annotate(closed_at=CLOSED_AT)
    )
    due = (_due(case, case.closed_at, today) for case in cases)
    return sorted((d for d in due if d), key=lambda d: (d.closed_on, d.reference))


@transaction.atomic
def retention_apply(*, case_id: int, now: datetime | None = None) -> Deleted:
    """Delete a closed case whose retention period has passed by `now`, with everything
    that hangs off it, and its files. No user: the operator's apply_retention command.

    Refused (ValidationError) if the case is gone, no longer closed (reopened since it
    was listed) or not yet due. Writes one audit row naming the case, its board, its
    closure date and the counts deleted. Removes the files after commit, so a rolled
    back deletion leaves every file in place."""
    today = calendar.local_date(now or timezone.now())
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("board")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise ValidationError("No such case: it may have been deleted already.")
    if case.stage != Stage.CLOSED:
        raise ValidationError("The case is not closed.")
    due = _due(case, Case.objects.filter(pk=case_id).aggregate(at=CLOSED_AT)["at"], today)
    if due is None:
        raise ValidationError("The case's retention period has not passed.")
    board = case.board

    names = {name for files in _files for name in files(case)}
    present = sorted(name for name in names if uploads.stored(name))
    rows: Counter[str] = Counter()
    for _, clear in sorted(_clears, key=lambda entry: -entry[0]):
        rows.update(clear(case))
    rows.update(case.delete()[1])
    # The change history holds the content itself (before and after): it goes too. The
    # audit trail, which holds none, stays.
    rows["audit.ChangeRecord"] += change_records_delete(case_id=case_id)

    total = sum(rows.values())
    audit_record(
        # AuditEvent.Action has no 'delete': the detail says what changed.
        action=Action.CHANGE,
        # The case row is gone: name it by the same type, id and label as before.
        obj=Case(pk=case_id, reference=due.reference),
        board=board,
        label=due.reference,
        actor_label=ACTOR_LABEL,
        detail=(
            f"retention: deleted; closed {day_text(due.closed_on)}, "
            f"{board.retention_years} years; {total} rows, {len(present)} files"
        ),
    )
    transaction.on_commit(partial(uploads.delete_all, present))
    return Deleted(due.reference, due.board, due.closed_on, total, len(present))
