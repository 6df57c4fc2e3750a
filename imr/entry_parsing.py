"""Dates and times of chronology entries, as authors type them or paste them from Word.

Appendix C: the comprehensive chronology gives each entry's date as dd/mm/yy and its time
on the 24-hour clock. Authors work from case notes that are not always precise, so a date
may name only a month or a year, or be marked approximate ('?03/02/25', 'c. 2019').

Dates are always read day first: 03/02/25 is 3 February 2025, never 2 March.
"""

import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from scr.deadlines.calendar import add_months

DATE_HELP = "Enter the date like 03/02/25, 3 Feb 2025 or 02/25 for a month"
TIME_HELP = "Enter the time in 24-hour form, like 14:30, or leave it blank"

EARLIEST_YEAR = 1900


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# A vaguer date sorts before the exact days it contains: 2025, then 02/25, then 03/02/25.
_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


@dataclass(frozen=True)
class FuzzyDate:
    value: date  # the first day of the period: day 1 for a month, 1 January for a year
    precision: Precision
    uncertain: bool = False  # the author marked it approximate

    def display(self) -> str:
        """Appendix C: dd/mm/yy; a month as mm/yy, a year as yyyy; '?' before an
        approximate date."""
        if self.precision == Precision.DAY:
            text = self.value.strftime("%d/%m/%y")
        elif self.precision == Precision.MONTH:
            text = self.value.strftime("%m/%y")
        else:
            text = f"{self.value.year:04d}"
        return f"?{text}" if self.uncertain else text

    def sort_key(self) -> tuple:
        return (self.value, _RANK[self.precision])

    def __str__(self) -> str:
        return self.display()


class EntryParseError(ValueError):
    """What was typed is not a date or time; the message is a sentence for the author."""


# What Word and Excel paste: non-breaking and thin spaces, zero-width characters, curly
# quotes, en and em dashes.
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": None,
        "\ufeff": None,
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


def _clean(text: str) -> str:
    text = (text or "").translate(_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip().strip("\"'").strip()


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

_UNCERTAIN_BEFORE = re.compile(
    r"^(?:\?|~|c\.|ca\.|circa\b|approx(?:imately|\.|\b)|about\b|around\b)\s*", re.IGNORECASE
)
_UNCERTAIN_AFTER = re.compile(r"\s*(?:\?|\(approx(?:imately|\.)?\)|approx(?:imately|\.)?)$")

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
# The same separator twice: 03/02/25, 3.2.2025, 03-02-2025, 03 02 2025.
_NUMERIC_DAY = re.compile(r"(\d{1,2})([/.\- ])(\d{1,2})\2(\d{2}|\d{4})")
_NUMERIC_MONTH = re.compile(r"(\d{1,2})[/.\- ](\d{2}|\d{4})")
_YEAR = re.compile(r"(\d{4})")
_ORDINAL = r"(?:st|nd|rd|th)?"
# 3 Feb 2025, 3rd February 25, 03-Feb-25, 3 Feb. 2025, 3 of February 2025
_DAY_WORD = re.compile(
    rf"(\d{{1,2}}){_ORDINAL}[ \-/.]*(?:of )?([a-z]+)\.?[ \-/.,]*(\d{{2}}|\d{{4}})"
)
# Feb 3 2025, February 3rd, 2025: unambiguous, since the month is a word.
_WORD_DAY = re.compile(rf"([a-z]+)\.? (\d{{1,2}}){_ORDINAL},? (\d{{2}}|\d{{4}})")
# Feb 2025, February 25, Feb-25
_WORD_MONTH = re.compile(r"([a-z]+)\.?[ \-/,]*(\d{2}|\d{4})")


def _month_number(word: str) -> int | None:
    """'feb', 'febr', 'february' and 'sept' all name a month: three letters or more that
    begin its name."""
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def _full_year(digits: str) -> int:
    # Two-digit years: 00-69 are 2000-2069 and 70-99 are 1970-1999. A chronology may reach
    # back decades (an adult's childhood, an earlier review), and the future is refused
    # anyway, so the window only has to place the past correctly.
    year = int(digits)
    if len(digits) == 2:
        return year + (2000 if year < 70 else 1900)
    return year


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


def _make_date(year: int, month: int, day: int, original: str) -> date:
    if not 1 <= month <= 12:
        raise EntryParseError(f"{original} is not a real date: the month must be 1 to 12")
    try:
        return date(year, month, day)
    except ValueError:
        if day < 1:
            raise EntryParseError(
                f"{original} is not a real date: the day must be 1 or more"
            ) from None
        raise EntryParseError(
            f"{original} is not a real date: {_MONTHS[month - 1].title()} {year} "
            f"has {monthrange(year, month)[1]} days"
        ) from None


def _read(text: str, original: str) -> tuple[date, Precision]:
    """The date and precision of the text, markers of uncertainty already removed."""
    text = text.lower()
    day, month, year = None, None, None
    if match := _ISO_DAY.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _NUMERIC_DAY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), _full_year(match[4])
    elif match := _ISO_MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
    elif match := _NUMERIC_MONTH.fullmatch(text):
        month, year = int(match[1]), _full_year(match[2])
    elif match := _YEAR.fullmatch(text):
        year = int(match[1])
    elif (match := _DAY_WORD.fullmatch(text)) and _month_number(match[2]):
        day, month, year = int(match[1]), _month_number(match[2]), _full_year(match[3])
    elif (match := _WORD_DAY.fullmatch(text)) and _month_number(match[1]):
        month, day, year = _month_number(match[1]), int(match[2]), _full_year(match[3])
    elif (match := _WORD_MONTH.fullmatch(text)) and _month_number(match[1]):
        month, year = _month_number(match[1]), _full_year(match[2])
    else:
        raise EntryParseError(DATE_HELP)

    if day is not None:
        return _make_date(year, month, day, original), Precision.DAY
    if month is not None:
        return _make_date(year, month, 1, original), Precision.MONTH
    return date(year, 1, 1), Precision.YEAR


def parse_date(text: str, *, today: date | None = None) -> FuzzyDate:
    """A chronology date as typed: a day, a month or a year, possibly marked approximate.

    Raises EntryParseError with a sentence for the author. `today` (default: the
    machine's date) bounds the future: nothing more than a year ahead is accepted.
    """
    original = _clean(text)
    if not original:
        raise EntryParseError(DATE_HELP)
    rest = original
    uncertain = False
    while True:
        stripped = _UNCERTAIN_AFTER.sub("", _UNCERTAIN_BEFORE.sub("", rest)).strip()
        if stripped == rest:
            break
        rest, uncertain = stripped, True
    if not rest:
        raise EntryParseError(DATE_HELP)
    rest = re.sub(r"\s*([/.\-])\s*", r"\1", rest)  # '03 / 02 / 25' as '03/02/25'
    value, precision = _read(rest, original)
    short_year = re.search(r"(?<!\d)\d{2}$", rest) is not None
    _check_range(value, original, today, short_year=short_year)
    return FuzzyDate(value=value, precision=precision, uncertain=uncertain)


def exact_date(value: date, *, today: date | None = None) -> FuzzyDate:
    """A date that arrived as a date (a spreadsheet's date cell): a day, not approximate,
    held to the same range as a typed one."""
    _check_range(value, value.strftime("%d/%m/%Y"), today)
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
    text = _clean(text).lower().replace(" ", "")
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
