from datetime import date, timedelta

import pytest

from scr.deadlines.steps import current_step, first_step_date, next_step_date

DUE = date(2026, 12, 10)
OFFSETS = [7, 2, 0]


@pytest.mark.parametrize(
    ("on", "key", "coordinator", "chair", "fired", "days_left"),
    [
        (date(2026, 12, 2), None, None, None, None, None),
        (date(2026, 12, 3), "before-7", False, False, date(2026, 12, 3), 7),
        (date(2026, 12, 7), "before-7", False, False, date(2026, 12, 3), 7),
        (date(2026, 12, 8), "before-2", False, False, date(2026, 12, 8), 2),
        (date(2026, 12, 10), "before-0", False, False, date(2026, 12, 10), 0),
        (date(2026, 12, 11), "overdue-0", True, False, date(2026, 12, 11), -1),
        (date(2026, 12, 16), "overdue-0", True, False, date(2026, 12, 11), -1),
        (date(2026, 12, 17), "overdue-1", True, True, date(2026, 12, 17), -7),
        (date(2026, 12, 24), "overdue-2", True, True, date(2026, 12, 24), -14),
        (date(2027, 1, 20), "overdue-5", True, True, date(2027, 1, 14), -35),
    ],
)
def test_the_step_current_on_a_day(on, key, coordinator, chair, fired, days_left):
    # `on` and `days_left` are the day the step itself fires and its distance from the due
    # date (negative once overdue), not the sweep's day: a late sweep must not move them.
    step = current_step(DUE, OFFSETS, on)
    if key is None:
        assert step is None
        return
    assert step.key == f"{key}@2026-12-10"
    assert (step.to_coordinator, step.to_chair) == (coordinator, chair)
    assert (step.on, step.days_left, step.overdue) == (fired, days_left, days_left < 0)


def test_next_step_dates_walk_every_step_once():
    fired, day = [], first_step_date(DUE, OFFSETS)
    while day <= DUE + timedelta(days=30):
        fired.append((day, current_step(DUE, OFFSETS, day).key.split("@")[0]))
        # A next date that does not move on fails here at once, not after a timeout.
        assert len(fired) <= 8, fired
        day = next_step_date(DUE, OFFSETS, day)
    assert fired == [
        (date(2026, 12, 3), "before-7"),
        (date(2026, 12, 8), "before-2"),
        (date(2026, 12, 10), "before-0"),
        (date(2026, 12, 11), "overdue-0"),
        (date(2026, 12, 17), "overdue-1"),
        (date(2026, 12, 24), "overdue-2"),
        (date(2026, 12, 31), "overdue-3"),
        (date(2027, 1, 7), "overdue-4"),
    ]


def test_a_late_sweep_sends_only_the_current_step():
    # After an outage from 01/12 to 09/12, the sweep on 09/12 owes 'before-2' only.
    assert current_step(DUE, OFFSETS, date(2026, 12, 9)).key.startswith("before-2")
    assert next_step_date(DUE, OFFSETS, date(2026, 12, 9)) == DUE


def test_other_offsets():
    assert current_step(DUE, [14], date(2026, 11, 26)).key.startswith("before-14")
    assert current_step(DUE, [14], date(2026, 12, 10)).key.startswith("before-14")
    assert first_step_date(DUE, []) == DUE
