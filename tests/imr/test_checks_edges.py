"""The IMR's checks at their edges: rules that mutation testing found unpinned
(`make mutants`, imr/checks.py). Pure functions, no database."""

from datetime import date

from imr.checks import (
    LOOKS_LIKE_A_NAME,
    WORKER,
    Gap,
    TextField,
    abbreviations,
    gaps,
    name_hits,
)


def field(text: str, location: str = "Entry 1") -> TextField:
    return TextField(location=location, text=text)


def found(*texts: str, known=(), confirmed=()):
    fields = [field(text, f"Field {number}") for number, text in enumerate(texts, start=1)]
    return [
        (hit.word, hit.reason, hit.field.location)
        for hit in name_hits(fields, known_names=known, confirmed=confirmed)
    ]


# Names ---------------------------------------------------------------------------------------


def test_a_word_after_a_quote_or_bracket_at_a_sentence_start_is_still_first():
    text = 'AB fell. "Afterwards she slept." (Neighbours called.)\n\u2022 Visitors came.'
    assert found(text) == []


def test_a_word_after_a_letter_is_not_the_first_of_its_sentence():
    assert found("The scan was clear. X Ray reported it.") == [
        ("Ray", LOOKS_LIKE_A_NAME, "Field 1")
    ]


# Abbreviations -------------------------------------------------------------------------------


def test_an_all_capitals_plural_is_its_singular():
    text = field("Two SWs and the GPs attended.")
    assert abbreviations([text], explained=[]) == [("GP", [text]), ("SW", [text])]
    assert abbreviations([text], explained=["SW", "GP"]) == []


def test_a_plural_in_the_glossary_explains_the_singular():
    text = field("The GP and SW1 attended.")
    assert abbreviations([text], explained=["GPs", "SWs"]) == []


def test_a_mixed_case_abbreviation_ending_in_s_keeps_its_s():
    """Only an all-capitals word before the 's' is a plural (GPs); PhDs and MScs are
    listed as written, and need their own glossary line."""
    text = field("Both had PhDs and MScs.")
    assert abbreviations([text], explained=[]) == [("MScs", [text]), ("PhDs", [text])]


def test_a_capital_and_a_number_is_an_abbreviation():
    text = field("Moved to Ward B4 and then C12.")
    assert abbreviations([text], explained=[]) == [("B4", [text]), ("C12", [text])]


def test_an_explained_abbreviation_does_not_hide_the_others_in_its_field():
    """Each field holds an explained abbreviation and an unexplained one: every field is
    listed, whatever order the field's abbreviations are looked at in."""
    texts = [field(f"DoLS with A{n} and SW{n}.", f"Entry {n}") for n in range(1, 11)]
    assert abbreviations(texts, explained=[f"A{n}" for n in range(1, 11)] + ["SW"]) == [
        ("DoLS", texts)
    ]


# Gaps ----------------------------------------------------------------------------------------


def test_a_gap_is_measured_in_calendar_months_of_their_own_lengths():
    # Two whole months to 01/03/25, then 27 of March's 31 days.
    assert gaps([date(2025, 1, 1), date(2025, 3, 28)], [], threshold_months=2) == [
        Gap(start=date(2025, 1, 1), end=date(2025, 3, 28), months=2.9)
    ]


def test_a_known_worker_needs_no_capital():
    assert found("seen by oakes.", known=[("Bertram Oakes", WORKER)]) == [
        ("oakes", WORKER, "Field 1")
    ]
