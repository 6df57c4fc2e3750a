"""The demo's clock (scr/demo/clock.py): a case's history on working days in the past, in
the order it is written."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from scr.deadlines import calendar
from scr.demo.clock import Timeline

MONDAY = date(2026, 12, 7)


def test_a_step_runs_on_its_day_at_ten():
    timeline = Timeline(MONDAY - timedelta(days=7), today=MONDAY)
    with timeline.on(1) as day:
        now = timezone.localtime(timezone.now(), calendar.LONDON)
        assert calendar.today() == day == date(2026, 12, 1)
    assert (now.hour, now.minute) == (10, 0)
    assert calendar.today() != day  # the clock is back afterwards


def test_a_weekend_step_moves_to_the_next_working_day():
    timeline = Timeline(date(2026, 11, 27), today=MONDAY)  # a Friday
    with timeline.on(1) as day:  # Saturday
        assert day == date(2026, 11, 30)
        assert calendar.today() == day


def test_a_weekend_just_before_today_moves_back_to_the_friday():
    timeline = Timeline(date(2026, 12, 5), today=MONDAY)  # Saturday; Monday is today
    with timeline.on(0) as day:
        assert day == date(2026, 12, 4)


def test_steps_keep_their_order_on_the_same_day():
    timeline = Timeline(MONDAY - timedelta(days=3), today=MONDAY)
    with timeline.on(0):
        first = timezone.now()
    with timeline.on(0):
        second = timezone.now()
    assert second > first


@pytest.mark.parametrize("offset", [7, 8])
def test_nothing_is_dated_today_or_later(offset):
    timeline = Timeline(MONDAY - timedelta(days=7), today=MONDAY)
    with pytest.raises(ValueError, match="before"), timeline.on(offset):
        pass
