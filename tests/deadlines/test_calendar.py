from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_due, deadline_period

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 10, 31), 4, date(2027, 2, 28)),  # month end clamped
        (date(2027, 10, 31), 4, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 15), 4, date(2026, 7, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert calendar.add_months(start, months) == expected


def test_days_and_weeks_are_calendar_days():
    assert calendar.add_days(date(2026, 12, 28), 7) == date(2027, 1, 4)
    assert calendar.add_weeks(date(2028, 2, 1), 4) == date(2028, 2, 29)
    assert calendar.add_period(date(2026, 1, 1), 6, calendar.Unit.WEEKS) == date(2026, 2, 12)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match=r"^Unknown unit: fortnights$"):
        calendar.add_period(date(2026, 1, 1), 1, "fortnights")


@pytest.mark.parametrize(
    ("utc_moment", "london_date"),
    [
        # Summer time: 23:30 UTC is already the next day in London.
        (datetime(2026, 7, 10, 23, 30, tzinfo=UTC), date(2026, 7, 11)),
        # Winter: London is on UTC.
        (datetime(2026, 12, 10, 23, 30, tzinfo=UTC), date(2026, 12, 10)),
        # The spring change (29/03/2026 01:00 UTC): 00:30 UTC is 00:30 GMT, 01:30 UTC is 02:30 BST.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29)),
        # The autumn change (25/10/2026 01:00 UTC): 23:30 UTC on the 24th is 00:30 BST on the 25th.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_local_date_is_the_date_in_london(utc_moment, london_date):
    assert calendar.local_date(utc_moment) == london_date


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match=r"^A naive datetime has no London date$"):
        calendar.local_date(datetime(2026, 1, 1, 12, 0))


def test_today_follows_london_across_midnight_in_summer():
    with time_machine.travel(datetime(2026, 6, 30, 23, 15, tzinfo=UTC), tick=False):
        assert calendar.today() == date(2026, 7, 1)


@pytest.mark.django_db
def test_durations_come_from_the_boards_settings(board):
    start = date(2026, 10, 31)
    assert deadline_due(board, Deadline.Kind.PANEL_MEETING, start) == date(2026, 11, 7)
    assert deadline_due(board, Deadline.Kind.PANEL_RECOMMENDATION, start) == date(2026, 11, 28)
    assert deadline_due(board, Deadline.Kind.IMRS_BEGIN, start) == date(2026, 12, 12)
    assert deadline_due(board, Deadline.Kind.OVERVIEW_REPORT, start) == date(2027, 2, 28)
    assert deadline_due(board, Deadline.Kind.ACTION_PLAN, start) == date(2026, 11, 28)
    board.panel_meeting_days = 10
    board.overview_months = 6
    assert deadline_due(board, Deadline.Kind.PANEL_MEETING, start) == date(2026, 11, 10)
    assert deadline_due(board, Deadline.Kind.OVERVIEW_REPORT, start) == date(2027, 4, 30)


@pytest.mark.django_db
def test_clocks_set_by_people_have_no_board_duration(board):
    with pytest.raises(ValueError):
        deadline_period(board, Deadline.Kind.IMR_CHRONOLOGY)


def test_describe_period():
    assert calendar.describe_period(1, "weeks") == "1 week"
    assert calendar.describe_period(4, "months") == "4 months"
