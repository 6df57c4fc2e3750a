"""Dates as people type them, read by one grammar everywhere, in one of two modes:

- exact: a whole day, as every form's date field needs (scr.fields.GovukDateField): a due
  date, a date of birth, the day a meeting was held.
- uncertain: a day, a month or a year, possibly marked approximate, as a chronology's
  dates are (Appendix C: authors work from case notes that are not always precise):
  '03/02/25', '02/2025', 'Feb 25', '2019', '?03/02/25', 'c. 2019', 'about 12/03/2009'.

Both read what Word and Excel paste, ordinals ('3rd'), month names of three letters or
more ('Feb', 'Sept', 'February'), ISO dates, and dates always day first: 03/02/25 is
3 February 2025, never 2 March. A date without a year ('03/02', '3 Feb') is refused with
a sentence saying how to write a day or a month, never guessed: a month is written with a
four-digit year (02/2025) or its name (Feb 2025, February 25), since two numbers alone
could be a day (3 February) or a month (March 2002). What each caller allows beyond that
(a chronology records the past) is the caller's rule.
"""

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

UNCERTAIN_HELP = (
    "Enter the date like 03/02/25 or 3 Feb 2025, a month like 02/2025 or Feb 2025, "
    "or a year like 2025"
)
EXACT_HELP = "Enter the date like 27/03/2027 or 27 Mar 2027"


# Shown ------------------------------------------------------------------------------------
# One display everywhere, pages, emails and PDFs alike: dd/mm/yyyy, and dd/mm/yyyy HH:MM for
# a moment (24-hour clock, Europe/London). Templates use the filters |day and |moment
# (scr/govuk.py); Python calls these.

DAY_FORMAT = "%d/%m/%Y"


def day_text(value) -> str:
    """dd/mm/yyyy of a date, of a moment's day in Europe/London, or of a FuzzyDate (its
    own display); '' for None or ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, FuzzyDate):
        return value.display()
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DAY_FORMAT)


def moment_text(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Europe/London; '' for None."""
    if value is None or value == "":
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(f"{DAY_FORMAT} %H:%M")


class DateParseError(ValueError):
    """What was typed is not a date; the message is a sentence for the person. `code`
    names the fault a caller may word its own way ('no_year'), or is 'invalid'."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def _no_year(original: str, *, exact: bool, two_numbers: bool) -> DateParseError:
    if exact:
        text = f"{original} has no year: enter the day, month and year, like 27/03/2027"
    elif two_numbers:
        text = (
            f"{original} could be a day without its year or a month: write a day with its "
            "year, like 03/02/25, or a month with a four-digit year or its name, like "
            "02/2025 or Feb 2025"
        )
    else:
        text = f"{original} has no year: write the day with its year, like 3 Feb 2025"
    return DateParseError(text, code="no_year")


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# A vaguer date sorts before the exact days it contains: 2025, then 02/2025, then 03/02/25
# (FuzzyDate.sort_key, and chronology_order in the database).
RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


@dataclass(frozen=True)
class FuzzyDate:
    value: date  # the first day of the period: day 1 for a month, 1 January for a year
    precision: Precision
    uncertain: bool = False  # marked approximate
    # The year was typed in two digits: a caller refusing the date may hint at the century.
    short_year: bool = field(default=False, compare=False, repr=False)

    def display(self) -> str:
        """The service's one display (day_text): dd/mm/yyyy; a month as mm/yyyy, a year
        as yyyy; '?' before an approximate date (Appendix C's marker). Appendix C's own
        form, with its two-digit years, is appendix_c()."""
        if self.precision == Precision.DAY:
            text = day_text(self.value)
        elif self.precision == Precision.MONTH:
            text = self.value.strftime("%m/%Y")
        else:
            text = f"{self.value.year:04d}"
        return f"?{text}" if self.uncertain else text

    def appendix_c(self) -> str:
        """Appendix C's form of the date, which parse_date reads back to this date: a day
        as dd/mm/yy, its year in full outside the two-digit window (1970-2069: 1925 is
        never written 25); a month as mm/yyyy (mm/yy is refused as input: 02/25 could be
        a day); a year as yyyy; '?' before an approximate date."""
        if self.precision == Precision.DAY:
            short = 1970 <= self.value.year <= 2069
            text = self.value.strftime("%d/%m/%y" if short else "%d/%m/%Y")
        elif self.precision == Precision.MONTH:
            text = self.value.strftime("%m/%Y")
        else:
            text = f"{self.value.year:04d}"
        return f"?{text}" if self.uncertain else text

    def sort_key(self) -> tuple:
        return (self.value, RANK[self.precision])

    def __str__(self) -> str:
        return self.display()


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


def clean(text: str) -> str:
    """The text as typed, pasted characters made plain, runs of spaces one space, and
    the quotes round it gone."""
    text = (text or "").translate(_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip().strip("\"'").strip()


MONTHS = (
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
# A month has a four-digit year: 02/2025. Two numbers alone (03/02, 02/25) are refused:
# a day without its year, or a month whose year could be read as a day.
_NUMERIC_MONTH = re.compile(r"(\d{1,2})[/.\- ](\d{4})")
_TWO_NUMBERS = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\-]?")
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
# 3 Feb, 3rd of February, Feb 3, February 3rd: a day without its year.
_DAY_WORD_ALONE = re.compile(rf"(\d{{1,2}}){_ORDINAL}[ \-/.]*(?:of )?([a-z]+)\.?")
_WORD_DAY_ALONE = re.compile(rf"([a-z]+)\.? (\d{{1,2}}){_ORDINAL}")


def _month_number(word: str) -> int | None:
    """'feb', 'febr', 'february' and 'sept' all name a month: three letters or more that
    begin its name ('ju' could be June or July: refused, not guessed)."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def _full_year(digits: str, *, exact: bool) -> int:
    # Two-digit years. In a chronology 00-69 are 2000-2069 and 70-99 are 1970-1999: it may
    # reach back decades (an adult's childhood, an earlier review), and its future is
    # refused anyway, so the window only has to place the past correctly. A form's date
    # keeps the window the forms have always read with (Python's strptime, POSIX): 00-68
    # are 2000-2068, 69-99 are 1969-1999.
    year = int(digits)
    if len(digits) == 2:
        return year + (2000 if year < (69 if exact else 70) else 1900)
    return year


def _make_date(year: int, month: int, day: int, original: str) -> date:
    if not 1 <= month <= 12:
        raise DateParseError(f"{original} is not a real date: the month must be 1 to 12")
    if year < 1:
        raise DateParseError(f"{original} is not a real date: the year must be 1 or more")
    if day < 1:
        raise DateParseError(f"{original} is not a real date: the day must be 1 or more")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(
            f"{original} is not a real date: {MONTHS[month - 1].title()} {year} "
            f"has {monthrange(year, month)[1]} days"
        ) from None


def _read(text: str, original: str, *, exact: bool) -> tuple[date, Precision, bool]:
    """The date and precision of the text, markers of uncertainty already removed, and
    whether its year was typed in two digits."""
    text = text.lower()
    day, month = None, None
    if match := _ISO_DAY.fullmatch(text):
        digits, month, day = match[1], int(match[2]), int(match[3])
    elif match := _NUMERIC_DAY.fullmatch(text):
        day, month, digits = int(match[1]), int(match[3]), match[4]
    elif match := _ISO_MONTH.fullmatch(text):
        digits, month = match[1], int(match[2])
    elif match := _NUMERIC_MONTH.fullmatch(text):
        month, digits = int(match[1]), match[2]
    elif match := _YEAR.fullmatch(text):
        digits = match[1]
    elif (match := _DAY_WORD.fullmatch(text)) and _month_number(match[2]):
        day, month, digits = int(match[1]), _month_number(match[2]), match[3]
    elif (match := _WORD_DAY.fullmatch(text)) and _month_number(match[1]):
        month, day, digits = _month_number(match[1]), int(match[2]), match[3]
    elif (match := _WORD_MONTH.fullmatch(text)) and _month_number(match[1]):
        month, digits = _month_number(match[1]), match[2]
    elif _TWO_NUMBERS.fullmatch(text):
        raise _no_year(original, exact=exact, two_numbers=True)
    elif ((match := _DAY_WORD_ALONE.fullmatch(text)) and _month_number(match[2])) or (
        (match := _WORD_DAY_ALONE.fullmatch(text)) and _month_number(match[1])
    ):
        raise _no_year(original, exact=exact, two_numbers=False)
    else:
        raise DateParseError(EXACT_HELP if exact else UNCERTAIN_HELP)

    year, short_year = _full_year(digits, exact=exact), len(digits) == 2
    if day is not None:
        return _make_date(year, month, day, original), Precision.DAY, short_year
    if exact:
        raise DateParseError(f"{original} is not a whole date: enter the day, month and year")
    if month is not None:
        return _make_date(year, month, 1, original), Precision.MONTH, short_year
    return _make_date(year, 1, 1, original), Precision.YEAR, short_year


def parse_date(text: str, *, exact: bool = False) -> FuzzyDate:
    """A date as typed. Exact: a whole day, as written, nothing marked approximate.
    Uncertain (the default): a day, a month or a year, possibly marked approximate
    ('?', '~', 'c.', 'circa', 'approx.', 'about', 'around' before it; '?' or '(approx)'
    after it), spaces round its separators allowed ('03 / 02 / 25').

    Raises DateParseError with a sentence for the person."""
    original = clean(text)
    help_text = EXACT_HELP if exact else UNCERTAIN_HELP
    if not original:
        raise DateParseError(help_text)
    rest = original
    uncertain = False
    while not exact:
        stripped = _UNCERTAIN_AFTER.sub("", _UNCERTAIN_BEFORE.sub("", rest)).strip()
        if stripped == rest:
            break
        rest, uncertain = stripped, True
    if not rest:
        raise DateParseError(help_text)
    if not exact:
        rest = re.sub(r"\s*([/.\-])\s*", r"\1", rest)  # '03 / 02 / 25' as '03/02/25'
    value, precision, short_year = _read(rest, original, exact=exact)
    return FuzzyDate(value, precision, uncertain, short_year=short_year)


# A chronology's order ----------------------------------------------------------------------

PRECISION_RANK = Case(
    *(When(date_precision=precision, then=Value(rank)) for precision, rank in RANK.items()),
    output_field=IntegerField(),
)


def chronology_order(*then) -> tuple:
    """The order_by() of a chronology's entries (Appendix C section 3; 13.4 f), an
    agency's own and the merged one alike, on their `date` (the first day the date can
    mean), `date_precision` and `time`: by that day; on it a year alone, then a month
    alone, then the day's own entries, as FuzzyDate.sort_key orders them (an approximate
    date stands where its date puts it: the mark moves nothing); an entry without a time
    before the timed ones (NULLS FIRST, said outright so SQLite and PostgreSQL agree);
    then `then`, the caller's tie-breaks."""
    return ("date", PRECISION_RANK.asc(), F("time").asc(nulls_first=True), *then)
