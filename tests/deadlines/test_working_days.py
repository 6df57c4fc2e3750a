from datetime import date

import pytest

from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from tests import scenarios


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Christmas 2026: Fri 25 Dec, Sat 26, Mon 28 (Boxing Day observed), Fri 1 Jan.
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2026, 12, 24), 4, date(2027, 1, 4)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 22), 7, date(2027, 4, 2)),
        # An ordinary week: Friday plus one working day is Monday.
        (date(2026, 11, 6), 1, date(2026, 11, 9)),
        (date(2026, 11, 6), 0, date(2026, 11, 6)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, days, expected):
    assert calendar.add_working_days(start, days) == expected


def test_weeks_are_five_working_days_and_months_end_on_a_working_day():
    # Mon 21/12/2026: 22, 23, 24, (Christmas and Boxing Day observed), 29, 30.
    assert calendar.add_period(date(2026, 12, 21), 1, "weeks", working_days=True) == date(
        2026, 12, 30
    )
    # 30/05/2027 + 1 month = 30/06/2027, a Wednesday.
    assert calendar.add_period(date(2027, 5, 30), 1, "months", working_days=True) == date(
        2027, 6, 30
    )
    # 25/11/2026 + 1 month = Friday 25/12/2026, Christmas: the next working day is 29/12.
    assert calendar.add_period(date(2026, 11, 25), 1, "months", working_days=True) == date(
        2026, 12, 29
    )
    # 31/12/2026 + 1 month = Sunday 31/01/2027: the next working day is Monday 01/02, one
    # day on (a step of two days would land on Tuesday).
    assert calendar.add_period(date(2026, 12, 31), 1, "months", working_days=True) == date(
        2027, 2, 1
    )


def test_working_days_are_counted_forwards_only():
    with pytest.raises(ValueError, match=r"^Working days are counted forwards only$"):
        calendar.add_working_days(date(2026, 11, 6), -1)


def test_calendar_days_are_the_default():
    assert calendar.add_period(date(2026, 12, 24), 7, "days") == date(2026, 12, 31)


@pytest.mark.django_db
def test_a_board_counting_working_days_sets_its_clocks_so(
    case_with_chair, board, chair, panel_chair
):
    board.working_days = True
    board.save(update_fields=["working_days"])
    case = scenarios.panel_convened(case_with_chair, chair=chair, panel_chair=panel_chair)
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    assert meeting.due == calendar.add_working_days(meeting.start, 7)
    assert calendar.is_working_day(meeting.due)
