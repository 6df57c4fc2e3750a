"""Dates and times of chronology entries, as authors type them or paste them from Word.

Appendix C: the comprehensive chronology gives each entry's date as dd/mm/yy and its time
on the 24-hour clock. Authors work from case notes that are not always precise, so a date
may name only a month or a year, or be marked approximate ('?03/02/25', 'c. 2019'): the
core's date reader in its uncertain mode (scr.dates) reads them, day first. What is the
chronology's own is here: it records the past, from 1900 on.
"""

import re
from collections.abc import Iterable
from datetime import date, time

from scr.dates import UNCERTAIN_HELP, DateParseError, FuzzyDate, Precision, clean, day_text
from scr.dates import parse_date as read_date
from scr.deadlines.calendar import add_months

DATE_HELP = UNCERTAIN_HELP
TIME_HELP = "Enter the time in 24-hour form, like 14:30, or leave it blank"

EARLIEST_YEAR = 1900

# What was typed is not a date or time; the message is a sentence for the author.
EntryParseError = DateParseError


def _check_range(
    value: date, original: str, today: date | None, *, short_year: bool = False
) -> None:
    # A chronology records the past. A year's grace allows for a clock set wrong or a date
    # typed as the review's planned date; no more.
    today = today or date.today()
    if value.year < EARLIEST_YEAR:
        raise EntryParseError(f"{original} is too early: enter a date from {EARLIEST_YEAR} on")
    if value > add_months(today, 12):
        hint = f" (for {value.year - 100}, write the year in full)" if short_year else ""
        raise EntryParseError(f"{original} is in the future: a chronology records the past{hint}")


def parse_date(text: str, *, today: date | None = None) -> FuzzyDate:
    """A chronology date as typed: a day, a month or a year, possibly marked approximate.

    Raises EntryParseError with a sentence for the author. `today` (default: the
    machine's date) bounds the future: nothing more than a year ahead is accepted.
    """
    parsed = read_date(text)
    _check_range(parsed.value, clean(text), today, short_year=parsed.short_year)
    return parsed


def exact_date(value: date, *, today: date | None = None) -> FuzzyDate:
    """A date that arrived as a date (a spreadsheet's date cell): a day, not approximate,
    held to the same range as a typed one."""
    _check_range(value, day_text(value), today)
    return FuzzyDate(value=value, precision=Precision.DAY, uncertain=False)


# 2pm, 2.30pm, 2:30 p.m., 12am
_TWELVE_HOUR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?([ap])\.?m\.?")
# 14:30, 14.30, 9:00, 14:30:00 (seconds as Excel writes them; dropped)
_SEPARATED = re.compile(r"(\d{1,2})[:.](\d{2})(?::\d{2})?")
# 1430, 0900, 930
_DIGITS = re.compile(r"(\d{1,2})(\d{2})")


def parse_time(text: str) -> time | None:
    """A time on the 24-hour clock, or None when blank (a time is optional).

    Also reads what people type from notes: '2.30pm', '09:00hrs', '1430'.
    Raises EntryParseError with a sentence for the author.
    """
    text = clean(text).lower().replace(" ", "")
    if not text:
        return None
    text = re.sub(r"(?:hrs|hr|hours|h)$", "", text)
    if match := _TWELVE_HOUR.fullmatch(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            raise EntryParseError(TIME_HELP)
        hour = hour % 12 + (12 if match[3] == "p" else 0)  # 12am is 00:00, 12pm is 12:00
    elif (match := _SEPARATED.fullmatch(text)) or (match := _DIGITS.fullmatch(text)):
        hour, minute = int(match[1]), int(match[2])
    else:
        raise EntryParseError(TIME_HELP)
    if hour > 23 or minute > 59:
        raise EntryParseError(TIME_HELP)
    return time(hour, minute)


def display_time(value: time | None) -> str:
    """Appendix C: the 24-hour clock, '14:30'; blank when no time was recorded."""
    return value.strftime("%H:%M") if value is not None else ""


# Relevance to the terms of reference: the term numbers, then a note.

_TERMS_WORD = r"(?:terms?\s+of\s+reference|t\.?o\.?r\.?s?|terms?)\s*(?:no\.?s?|numbers?)?\s*"
_TERMS_PREFIX = re.compile(rf"\s*{_TERMS_WORD}", re.IGNORECASE)
_TERM_NUMBER = re.compile(r"\s*(\d{1,3})(?![\w])")
_TERM_RANGE = re.compile(r"(?:-|\s+to\s+)(\d{1,3})(?![\w])")
_TERM_JOIN = re.compile(rf"\s*(?:,|;|&|/|\+|\band\b)\s*(?:{_TERMS_WORD})?(?=\d)", re.IGNORECASE)
_NOTE_START = re.compile(r"^[\s:;,.\-\u2013\u2014]+")


def parse_relevance(text: str) -> tuple[list[int], str]:
    """The term numbers a relevance cell begins with, and the note after them.

    '1, 3' -> [1, 3]; 'ToR 2 and 4 - missed referral' -> [2, 4] and 'missed referral';
    'Terms 1-3: relevant' -> [1, 2, 3]; 'Not relevant' -> no numbers, the note is the text.
    """
    position = 0
    if prefix := _TERMS_PREFIX.match(text):
        position = prefix.end()
    numbers: list[int] = []
    while match := _TERM_NUMBER.match(text, position):
        first = last = int(match[1])
        position = match.end()
        if (span := _TERM_RANGE.match(text, position)) and int(span[1]) >= first:
            last = int(span[1])
            position = span.end()
        numbers.extend(range(first, min(last, first + 100) + 1))
        join = _TERM_JOIN.match(text, position)
        if not join:
            break
        position = join.end()
    if not numbers:
        return [], text.strip()
    return sorted(set(numbers)), _NOTE_START.sub("", text[position:]).strip()


def relevance_text(term_numbers: Iterable[int], note: str = "") -> str:
    """A relevance cell that parse_relevance reads back: '1, 3: missed referral'."""
    numbers = ", ".join(str(n) for n in sorted(set(term_numbers)))
    if numbers and note:
        return f"{numbers}: {note}"
    return numbers or note
