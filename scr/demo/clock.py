"""The demo's clock: the seed walks the real services on days in the past, so that its
cases have a believable history (referred months ago, the panel weeks later, a report
received last month) and their clocks, ages, intervals and the compliance report look
like a real year. The services and the models read Django's `timezone.now()` (and
`calendar.today()` from it) throughout, so the seed moves that clock (time-machine) rather
than passing a date to each service.

A Timeline is one case's history, as days after its first day. Its steps happen on
working days, in the order they are written: each starts at 10:00 on its day, or just
after the previous step ended if that was later, and the clock ticks on through the step,
so the rows of a step keep the order they are written in. Nothing is dated today or
later, so no step lies in the future, whatever the hour the seed runs at.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from scr.deadlines import calendar

START_OF_DAY = time(10, 0)


def moment(day: date, at: time = START_OF_DAY) -> datetime:
    """`day` at `at`, London time."""
    return timezone.make_aware(datetime.combine(day, at), calendar.LONDON)


class Timeline:
    """The days of one case's history, counted from `start` (see the module's docstring)."""

    def __init__(self, start: date, *, today: date | None = None):
        self.start = start
        self.today = today or calendar.today()
        self._last: datetime | None = None

    @property
    def last(self) -> datetime | None:
        """When the timeline's last step ended."""
        return self._last

    def after(self, moment: datetime) -> None:
        """The next step starts after `moment` (something already recorded that day)."""
        self._last = max(moment, self._last) if self._last else moment

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)

    @contextmanager
    def on(self, offset: int) -> Iterator[date]:
        """Run the block on the timeline's day `offset`, or on the next working day if that
        is a weekend or a bank holiday (the working day before if the next one is today);
        yields the day."""
        day = self.day(offset)
        if day >= self.today:
            raise ValueError(f"The demo's history lies before {self.today}, not on {day}")
        if calendar.next_working_day(day) < self.today:
            day = calendar.next_working_day(day)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        at = moment(day)
        if self._last is not None and at <= self._last:
            at = self._last + timedelta(seconds=1)
        with time_machine.travel(at, tick=True):
            yield day
            self._last = timezone.now()
