from datetime import date, time

import pytest

from imr.entry_parsing import (
    DATE_HELP,
    TIME_HELP,
    EntryParseError,
    FuzzyDate,
    Precision,
    display_time,
    exact_date,
    parse_date,
    parse_relevance,
    parse_time,
    relevance_text,
)

TODAY = date(2026, 6, 15)
DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


@pytest.mark.parametrize(
    ("text", "value", "precision", "uncertain", "shown"),
    [
        # Appendix C: dd/mm/yy, and what else authors type
        ("03/02/25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("3/2/25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03/02/2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03.02.25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03-02-2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03 02 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03 / 02 / 25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("2025-02-03", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("3 Feb 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("3 February 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("3rd Feb 25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("3 Feb. 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03-Feb-25", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("Feb 3 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("February 3rd, 2025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("21 Sept 2024", date(2024, 9, 21), DAY, False, "21/09/2024"),
        # what Word pastes: non-breaking spaces, en dashes, curly quotes
        ("\u00a003/02/25\u00a0", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("03\u201302\u20132025", date(2025, 2, 3), DAY, False, "03/02/2025"),
        ("\u201c03/02/25\u201d", date(2025, 2, 3), DAY, False, "03/02/2025"),
        # a month, a year
        ("02/2025", date(2025, 2, 1), MONTH, False, "02/2025"),
        ("2025-02", date(2025, 2, 1), MONTH, False, "02/2025"),
        ("Feb 2025", date(2025, 2, 1), MONTH, False, "02/2025"),
        ("February 25", date(2025, 2, 1), MONTH, False, "02/2025"),
        ("2025", date(2025, 1, 1), YEAR, False, "2025"),
        # marked approximate
        ("?03/02/25", date(2025, 2, 3), DAY, True, "?03/02/2025"),
        ("03/02/25?", date(2025, 2, 3), DAY, True, "?03/02/2025"),
        ("c. 2019", date(2019, 1, 1), YEAR, True, "?2019"),
        ("circa 2019", date(2019, 1, 1), YEAR, True, "?2019"),
        ("approx. 02/2025", date(2025, 2, 1), MONTH, True, "?02/2025"),
        ("approximately 3 Feb 2025", date(2025, 2, 3), DAY, True, "?03/02/2025"),
        ("~Feb 2025", date(2025, 2, 1), MONTH, True, "?02/2025"),
        # two-digit years: 70-99 are the 1900s, 00-69 the 2000s
        ("01/01/70", date(1970, 1, 1), DAY, False, "01/01/1970"),
        ("31/12/99", date(1999, 12, 31), DAY, False, "31/12/1999"),
        ("01/01/00", date(2000, 1, 1), DAY, False, "01/01/2000"),
        ("29/02/24", date(2024, 2, 29), DAY, False, "29/02/2024"),
        ("1900", date(1900, 1, 1), YEAR, False, "1900"),
        # up to a year ahead of today
        ("15/06/27", date(2027, 6, 15), DAY, False, "15/06/2027"),
    ],
)
def test_accepted_dates(text, value, precision, uncertain, shown):
    parsed = parse_date(text, today=TODAY)
    assert parsed == FuzzyDate(value=value, precision=precision, uncertain=uncertain)
    assert parsed.display() == shown


def test_a_date_is_read_day_first():
    assert parse_date("03/02/25", today=TODAY).value == date(2025, 2, 3)
    assert parse_date("12/01/25", today=TODAY).value == date(2025, 1, 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", DATE_HELP),
        ("   ", DATE_HELP),
        ("?", DATE_HELP),
        ("yesterday", DATE_HELP),
        ("TBC", DATE_HELP),
        ("3 Feb", "3 Feb has no year: write the day with its year, like 3 Feb 2025"),
        (
            "3rd of February",
            "3rd of February has no year: write the day with its year, like 3 Feb 2025",
        ),
        ("Feb 3rd", "Feb 3rd has no year: write the day with its year, like 3 Feb 2025"),
        ("Smarch 2025", DATE_HELP),
        ("31/02/25", "31/02/25 is not a real date: February 2025 has 28 days"),
        ("29/02/25", "29/02/25 is not a real date: February 2025 has 28 days"),
        ("00/01/25", "00/01/25 is not a real date: the day must be 1 or more"),
        ("01/13/25", "01/13/25 is not a real date: the month must be 1 to 12"),
        ("13/2025", "13/2025 is not a real date: the month must be 1 to 12"),
        ("1899", "1899 is too early: enter a date from 1900 on"),
        ("01/01/1850", "01/01/1850 is too early: enter a date from 1900 on"),
        (
            "16/06/27",
            "16/06/27 is in the future: a chronology records the past "
            "(for 1927, write the year in full)",
        ),
        ("2028", "2028 is in the future: a chronology records the past"),
        (
            "01/01/69",
            "01/01/69 is in the future: a chronology records the past "
            "(for 1969, write the year in full)",
        ),
    ],
)
def test_refused_dates(text, message):
    # The whole sentence: the hint about the century belongs to a two-digit year only.
    with pytest.raises(EntryParseError) as error:
        parse_date(text, today=TODAY)
    assert str(error.value) == message


def test_pasted_line_breaks_and_runs_of_spaces_are_one_space():
    assert parse_date("3\nFeb\t2025", today=TODAY) == FuzzyDate(date(2025, 2, 3), DAY, False)
    with pytest.raises(EntryParseError) as error:
        parse_date("31  Feb \n 2025", today=TODAY)
    assert str(error.value) == "31 Feb 2025 is not a real date: February 2025 has 28 days"


@pytest.mark.parametrize("text", ["X 2025", "2025 X", "X03/02/25"])
def test_only_quotes_and_spaces_are_trimmed_from_a_date(text):
    # A stray letter means the author typed something else: refused, never dropped.
    with pytest.raises(EntryParseError) as error:
        parse_date(text, today=TODAY)
    assert str(error.value) == DATE_HELP


def test_quotes_round_a_date_are_trimmed():
    assert parse_date("'03/02/25'", today=TODAY).value == date(2025, 2, 3)
    assert parse_date('"2025"', today=TODAY).value == date(2025, 1, 1)


def test_year_zero_is_refused_without_blaming_the_day():
    # date() refuses year 0 itself; the day (1) is not what is wrong.
    with pytest.raises(EntryParseError) as error:
        parse_date("0000-01-01", today=TODAY)
    assert str(error.value).startswith("0000-01-01 is not a real date")
    assert "day must be" not in str(error.value)


# A month word is three letters or more that begin its name: 'ju' could be June or July,
# 'ma' March or May, so two letters are refused rather than guessed.
@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("3 ju 2025", None, DAY),
        ("3rd ju 25", None, DAY),
        ("ju 3 2025", None, DAY),
        ("ju 2025", None, MONTH),
        ("3 ma 2025", None, DAY),
        ("3 se 2024", None, DAY),
        ("3 jun 2025", date(2025, 6, 3), DAY),
        ("3 Jul 2025", date(2025, 7, 3), DAY),
        ("3 june 2025", date(2025, 6, 3), DAY),
        ("3rd July 25", date(2025, 7, 3), DAY),
        ("Jun 3 2025", date(2025, 6, 3), DAY),
        ("July 2025", date(2025, 7, 1), MONTH),
        ("3 mar 2025", date(2025, 3, 3), DAY),
        ("3 May 2025", date(2025, 5, 3), DAY),
        ("3 sep 2024", date(2024, 9, 3), DAY),
    ],
)
def test_a_month_needs_three_letters_or_its_full_name(text, value, precision):
    if value is None:
        with pytest.raises(EntryParseError) as error:
            parse_date(text, today=TODAY)
        assert str(error.value) == DATE_HELP
    else:
        assert parse_date(text, today=TODAY) == FuzzyDate(value, precision, False)


def test_the_future_is_counted_from_today_by_default():
    next_year = date.today().year + 2
    with pytest.raises(EntryParseError):
        parse_date(str(next_year))
    assert parse_date(str(date.today().year)).precision == YEAR


def test_exact_date_is_a_day_held_to_the_same_range():
    assert exact_date(date(2025, 2, 3), today=TODAY) == FuzzyDate(date(2025, 2, 3), DAY, False)
    with pytest.raises(EntryParseError) as error:
        exact_date(date(1899, 12, 31), today=TODAY)
    assert str(error.value) == "31/12/1899 is too early: enter a date from 1900 on"
    # A spreadsheet's date cell has its year in full: no hint about the century.
    with pytest.raises(EntryParseError) as error:
        exact_date(date(2027, 6, 16), today=TODAY)
    assert str(error.value) == "16/06/2027 is in the future: a chronology records the past"


def test_exact_date_counts_the_future_from_the_given_day():
    assert exact_date(date(2019, 6, 1), today=date(2018, 6, 1)).value == date(2019, 6, 1)
    with pytest.raises(EntryParseError, match="in the future"):
        exact_date(date(2019, 6, 2), today=date(2018, 6, 1))


def test_vaguer_dates_sort_before_the_days_they_contain():
    typed = ["05/02/25", "?03/02/25", "2025", "Feb 25", "01/02/25", "31/12/24", "?2024", "01/2025"]
    ordered = sorted((parse_date(t, today=TODAY) for t in typed), key=FuzzyDate.sort_key)
    assert [d.display() for d in ordered] == [
        "?2024",
        "31/12/2024",
        "2025",
        "01/2025",
        "02/2025",
        "01/02/2025",
        "?03/02/2025",
        "05/02/2025",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1430", time(14, 30)),
        ("14:30", time(14, 30)),
        ("14.30", time(14, 30)),
        ("2.30pm", time(14, 30)),
        ("2:30 pm", time(14, 30)),
        ("2:30 p.m.", time(14, 30)),
        ("2pm", time(14, 0)),
        ("11am", time(11, 0)),
        ("12am", time(0, 0)),
        ("1am", time(1, 0)),
        ("1pm", time(13, 0)),
        ("1.05 p.m.", time(13, 5)),
        ("12pm", time(12, 0)),
        ("12.15am", time(0, 15)),
        ("0900", time(9, 0)),
        ("930", time(9, 30)),
        ("9:00", time(9, 0)),
        ("09:00hrs", time(9, 0)),
        ("14:30 hrs", time(14, 30)),
        ("14:30:00", time(14, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("", None),
        ("  ", None),
    ],
)
def test_accepted_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "24:00", "14:60", "13pm", "0am", "noonish", "14", "2.3pm", "half two"]
)
def test_refused_times(text):
    with pytest.raises(EntryParseError) as error:
        parse_time(text)
    assert str(error.value) == TIME_HELP


def test_display_time_is_the_24_hour_clock():
    assert display_time(time(9, 5)) == "09:05"
    assert display_time(time(14, 30)) == "14:30"
    assert display_time(None) == ""


@pytest.mark.parametrize(
    ("text", "numbers", "note"),
    [
        ("1, 3", [1, 3], ""),
        ("ToR 2 and 4 - missed referral", [2, 4], "missed referral"),
        ("Terms 1,2: relevant", [1, 2], "relevant"),
        ("2; delay", [2], "delay"),
        ("Not relevant", [], "Not relevant"),
        ("Terms of reference 1-3. Delay", [1, 2, 3], "Delay"),
        ("ToR 1, ToR 4", [1, 4], ""),
        ("3 & 5 \u2013 see 4.2", [3, 5], "see 4.2"),
        ("1st contact", [], "1st contact"),
        # A range of one is that term; a backwards range is not a range.
        ("Terms 3-3: relevant", [3], "relevant"),
        ("5-3: relevant", [5], "3: relevant"),
        # A slip of the keyboard ('1-999') is held to 101 terms, not a thousand.
        ("1-999", list(range(1, 102)), ""),
        ("7-500", list(range(7, 108)), ""),
        ("", [], ""),
    ],
)
def test_relevance_cells(text, numbers, note):
    assert parse_relevance(text) == (numbers, note)


def test_relevance_text_reads_back():
    assert relevance_text([3, 1], "missed referral") == "1, 3: missed referral"
    assert parse_relevance(relevance_text([3, 1], "2 visits missed")) == (
        [1, 3],
        "2 visits missed",
    )
    assert relevance_text([], "Not relevant") == "Not relevant"
    assert relevance_text([3, 1]) == "1, 3"
    assert relevance_text([]) == ""


# Two numbers alone: 03/02 is a day without its year, 02/25 could be February 2025 or 2
# February; neither is guessed (issue 19).
@pytest.mark.parametrize(
    "text", ["03/02", "02/25", "3/2", "03.02", "03-02", "03 02", "?03/02", "3/2/"]
)
def test_two_numbers_alone_are_refused_saying_how_to_write_a_day_or_a_month(text):
    with pytest.raises(EntryParseError) as error:
        parse_date(text, today=TODAY)
    assert str(error.value) == (
        f"{text} could be a day without its year or a month: write a day with its year, "
        "like 03/02/25, or a month with a four-digit year or its name, like 02/2025 or "
        "Feb 2025"
    )
    assert error.value.code == "no_year"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("02/2025", date(2025, 2, 1)),
        ("Feb 2025", date(2025, 2, 1)),
        ("February 25", date(2025, 2, 1)),
        ("2/2025", date(2025, 2, 1)),
        ("2025-02", date(2025, 2, 1)),
    ],
)
def test_a_month_is_written_with_a_four_digit_year_or_its_name(text, value):
    assert parse_date(text, today=TODAY) == FuzzyDate(value, MONTH, False)
