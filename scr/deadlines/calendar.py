"""Calendar arithmetic for the procedure's clocks: the only module that computes dates.

Clocks run on Europe/London dates: a request made at 23:30 UTC on a summer evening
belongs to the next day in London. Months are calendar months with the month end
clamped (31/10/2026 + 4 months = 28/02/2027).

A board may count in working days instead of calendar days (the procedure's default):
then days count Monday to Friday less the England and Wales bank holidays, a week is
five working days, and a month stays a calendar month whose end moves on to the next
working day if it falls on a weekend or bank holiday.
"""

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import models
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


class Unit(models.TextChoices):
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


def local_date(moment: datetime) -> date:
    """The date in London of an aware moment."""
    if timezone.is_naive(moment):
        raise ValueError("A naive datetime has no London date")
    return moment.astimezone(LONDON).date()


def today() -> date:
    return local_date(timezone.now())


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_weeks(start: date, weeks: int) -> date:
    return start + timedelta(weeks=weeks)


def add_months(start: date, months: int) -> date:
    """Calendar months; a day past the end of the target month becomes its last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """Count `days` working days after `start` (the start itself is not counted)."""
    if days < 0:
        raise ValueError("Working days are counted forwards only")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def add_period(start: date, amount: int, unit: str, *, working_days: bool = False) -> date:
    if working_days:
        if unit == Unit.DAYS:
            return add_working_days(start, amount)
        if unit == Unit.WEEKS:
            return add_working_days(start, amount * 5)
        if unit == Unit.MONTHS:
            return next_working_day(add_months(start, amount))
    elif unit == Unit.DAYS:
        return add_days(start, amount)
    elif unit == Unit.WEEKS:
        return add_weeks(start, amount)
    elif unit == Unit.MONTHS:
        return add_months(start, amount)
    raise ValueError(f"Unknown unit: {unit}")


def describe_period(amount: int, unit: str) -> str:
    word = Unit(unit).label
    return f"{amount} {word[:-1] if amount == 1 else word}"
