"""The core's date reader (scr/dates.py) and its two modes. What the chronology accepts
in the uncertain mode is pinned in tests/imr/test_entry_parsing.py, what a form's date
field accepts in the exact mode in tests/test_fields.py; here, where the modes differ."""

from datetime import date

import pytest

from scr.dates import (
    EXACT_HELP,
    UNCERTAIN_HELP,
    DateParseError,
    FuzzyDate,
    Precision,
    clean,
    parse_date,
)

DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/03/2027", FuzzyDate(date(2027, 3, 27), DAY)),
        ("03/2009", FuzzyDate(date(2009, 3, 1), MONTH)),
        ("2009", FuzzyDate(date(2009, 1, 1), YEAR)),
        ("about 12/03/2009", FuzzyDate(date(2009, 3, 12), DAY, uncertain=True)),
        ("around March 2009", FuzzyDate(date(2009, 3, 1), MONTH, uncertain=True)),
        ("2009 (approx)", FuzzyDate(date(2009, 1, 1), YEAR, uncertain=True)),
        ("? c. 2009 ?", FuzzyDate(date(2009, 1, 1), YEAR, uncertain=True)),
        ("12 / 03 / 2009", FuzzyDate(date(2009, 3, 12), DAY)),
    ],
)
def test_the_uncertain_mode_reads_days_months_years_and_approximate_dates(text, expected):
    assert parse_date(text) == expected
    assert parse_date(text, exact=False) == expected


@pytest.mark.parametrize(
    "text",
    ["27/03/2027", "27.3.27", "2027-03-27", "27th March 2027", "Mar 27, 2027", "27–03–2027"],
)
def test_the_exact_mode_reads_a_whole_day(text):
    assert parse_date(text, exact=True) == FuzzyDate(date(2027, 3, 27), DAY, uncertain=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("03/2027", "03/2027 is not a whole date: enter the day, month and year"),
        ("March 2027", "March 2027 is not a whole date: enter the day, month and year"),
        ("2027", "2027 is not a whole date: enter the day, month and year"),
        ("?27/03/2027", EXACT_HELP),
        ("27/03/2027?", EXACT_HELP),
        ("about 27/03/2027", EXACT_HELP),
        ("c. 27/03/2027", EXACT_HELP),
        ("27 / 03 / 2027", EXACT_HELP),
        ("", EXACT_HELP),
        ("soon", EXACT_HELP),
        ("31/02/2027", "31/02/2027 is not a real date: February 2027 has 28 days"),
    ],
)
def test_the_exact_mode_refuses_a_part_of_a_date_and_an_approximate_one(text, message):
    with pytest.raises(DateParseError) as refused:
        parse_date(text, exact=True)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", UNCERTAIN_HELP),
        ("?", UNCERTAIN_HELP),
        # Year 0 is no year: refused as a date, never a crash (date() cannot hold it).
        ("0000", "0000 is not a real date: the year must be 1 or more"),
        ("01/0000", "01/0000 is not a real date: the year must be 1 or more"),
        ("0000-01-01", "0000-01-01 is not a real date: the year must be 1 or more"),
    ],
)
def test_the_uncertain_mode_refuses_markers_alone_and_year_0(text, message):
    with pytest.raises(DateParseError) as refused:
        parse_date(text)
    assert str(refused.value) == message


def test_the_first_year_and_the_first_day_are_real():
    # What the chronology and the forms then allow is their own rule (from 1900 on, say).
    assert parse_date("01/01/0001", exact=True).value == date(1, 1, 1)
    assert parse_date("0001").value == date(1, 1, 1)
    with pytest.raises(DateParseError) as refused:
        parse_date("30/02/0001")
    assert str(refused.value) == "30/02/0001 is not a real date: February 1 has 28 days"


@pytest.mark.parametrize(
    ("digits", "exact", "uncertain"),
    [("00", 2000, 2000), ("68", 2068, 2068), ("69", 1969, 2069), ("70", 1970, 1970)],
)
def test_each_mode_keeps_its_window_for_two_digit_years(digits, exact, uncertain):
    # A form's date reads 69 as 1969 (as Python's strptime did); a chronology as 2069,
    # which it then refuses as the future, asking for the year in full.
    assert parse_date(f"01/01/{digits}", exact=True).value.year == exact
    assert parse_date(f"01/01/{digits}").value.year == uncertain
    assert parse_date(f"Jan {digits}").value.year == uncertain
    assert parse_date(f"1 Jan {digits}", exact=True).value.year == exact
    assert parse_date(f"Jan 1 {digits}", exact=True).value.year == exact


@pytest.mark.parametrize(
    ("text", "short"),
    [("03/02/25", True), ("03/02/25?", True), ("3 Feb 25", True), ("Feb 25", True)]
    + [("03/02/2025", False), ("2025", False), ("2025-02-03", False), ("Feb 2025", False)],
)
def test_a_two_digit_year_is_noted_but_is_no_part_of_the_date(text, short):
    parsed = parse_date(text)
    assert parsed.short_year is short
    assert parsed == FuzzyDate(parsed.value, parsed.precision, parsed.uncertain)
    assert "short_year" not in repr(parsed)


def test_clean_makes_pasted_text_plain():
    assert clean("\u201c03\u201302\u20132025\u201d\u00a0") == "03-02-2025"
    assert clean("  3\n\tFeb\u200b  2025 ") == "3 Feb 2025"
    assert clean(None) == ""


def test_the_precision_is_a_choice_with_a_label():
    assert Precision("month") is MONTH
    assert Precision.choices == [("day", "Day"), ("month", "Month"), ("year", "Year")]


def test_a_refusal_is_a_value_error():
    assert issubclass(DateParseError, ValueError)


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("text", ["03/02", "02/25", "3 Feb", "Feb 3rd", "3rd of February"])
def test_a_date_without_a_year_is_refused_in_both_modes_never_guessed(text, exact):
    # "03/02" alone was read as March 2002 (issue 19): a year is never guessed.
    with pytest.raises(DateParseError) as refused:
        parse_date(text, exact=exact)
    assert refused.value.code == "no_year"
    assert str(refused.value).startswith(f"{text} ")
    assert "year" in str(refused.value)


def test_other_refusals_carry_the_code_invalid():
    with pytest.raises(DateParseError) as refused:
        parse_date("soon")
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("03/02/25", "03/02/25"),
        ("?3 Feb 2025", "?03/02/25"),
        ("03/02/1925", "03/02/1925"),
        ("03/02/1969", "03/02/1969"),
        ("03/02/1970", "03/02/70"),
        ("Feb 2025", "02/2025"),
        ("c. Feb 1925", "?02/1925"),
        ("2019", "2019"),
    ],
)
def test_appendix_c_form_reads_back_to_the_same_date(typed, written):
    parsed = parse_date(typed)
    assert parsed.appendix_c() == written
    assert parse_date(written) == parsed
