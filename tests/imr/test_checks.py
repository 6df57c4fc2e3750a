from datetime import date

import pytest

from imr.checks import (
    FAMILY,
    LOOKS_LIKE_A_NAME,
    WORKER,
    Gap,
    TextField,
    abbreviations,
    gaps,
    name_hits,
)

KNOWN = [("Bertram Oakes", WORKER), ("Hypatia Quenby-Marsh", FAMILY)]


def field(text: str, location: str = "Chronology entry 1 (03/02/25): Event description"):
    return TextField(location=location, text=text)


def found(*texts: str, known=KNOWN, confirmed=()):
    fields = [field(text, f"Field {number}") for number, text in enumerate(texts, start=1)]
    return [
        (hit.word, hit.reason, hit.field.location)
        for hit in name_hits(fields, known_names=known, confirmed=confirmed)
    ]


# Names: Appendix C, do not refer to workers by name.


def test_a_glossary_worker_is_found_in_full_and_by_either_name():
    assert found("Home visit by Bertram Oakes, who saw AB.") == [
        ("Bertram Oakes", WORKER, "Field 1")
    ]
    assert found("AB told bertram about the fall.") == [("bertram", WORKER, "Field 1")]
    assert found("Oakes's letter to AB.") == [("Oakes", WORKER, "Field 1")]


def test_a_known_name_is_matched_as_a_whole_word_only():
    # Lower case, so that only the known-name rule could find anything.
    assert found("AB lives on oakeshott road by bertramsson farm.") == []


def test_a_title_in_the_known_name_does_not_hide_the_name():
    assert found("Seen by Bertram Oakes.", known=[("Dr Bertram Oakes", WORKER)]) == [
        ("Bertram Oakes", WORKER, "Field 1")
    ]


def test_a_family_member_is_found_by_a_part_of_a_double_barrelled_name():
    assert found("Ms Quenby-Marsh rang.", "Quenby visited AB.", "AB and Quenby-Smith.") == [
        ("Quenby-Marsh", FAMILY, "Field 1"),
        ("Quenby", FAMILY, "Field 2"),
        ("Quenby", FAMILY, "Field 3"),
    ]


def test_an_ordinary_word_in_a_known_name_is_not_searched_alone():
    known = [("Will Marsh", FAMILY)]
    assert found("AB will walk to the marsh.", known=known) == []
    assert found("AB said will marsh come.", known=known) == [("will marsh", FAMILY, "Field 1")]


def test_a_known_name_given_as_a_bare_string_is_a_worker():
    assert found("Bertram called.", known=["Bertram Oakes"]) == [("Bertram", WORKER, "Field 1")]


def test_a_capitalised_word_mid_sentence_looks_like_a_name():
    assert found("AB was visited by Smithers and O'Neil.") == [
        ("Smithers", LOOKS_LIKE_A_NAME, "Field 1"),
        ("O'Neil", LOOKS_LIKE_A_NAME, "Field 1"),
    ]


def test_the_first_word_of_a_sentence_is_not_flagged_alone():
    text = "Visited AB at home. Discussed the care plan. Then: Agreed to review.\nOutcome fine."
    assert found(text) == []


def test_two_capitalised_words_at_a_sentence_start_look_like_a_name():
    assert found("Gwendolyn Pryce attended.", "Later Pryce called.") == [
        ("Gwendolyn Pryce", LOOKS_LIKE_A_NAME, "Field 1"),
        ("Pryce", LOOKS_LIKE_A_NAME, "Field 2"),
    ]


def test_a_title_before_a_name_does_not_end_the_sentence():
    assert found("AB saw Dr. Pryce today.") == [("Pryce", LOOKS_LIKE_A_NAME, "Field 1")]


def test_stop_words_are_not_names():
    text = (
        "AB was taken to the Hospital by Police on Monday 3 February, a Bank Holiday. "
        "The Adult Social Care Team and the GP at the Practice spoke to Mum in English.\n"
        "03/02/25 Home Visit and Telephone Call: Discharge Letter Received."
    )
    assert found(text) == []


def test_capitals_and_codes_are_not_names():
    assert found("AB was seen by SW1 and HV2; MASH and A&E told; DoLS applied.") == []


def test_confirmed_words_are_not_flagged_whatever_their_case():
    text = "AB moved to Testshire and then to Lowmoor Grange."
    assert found(text) == [
        ("Testshire", LOOKS_LIKE_A_NAME, "Field 1"),
        ("Lowmoor Grange", LOOKS_LIKE_A_NAME, "Field 1"),
    ]
    assert found(text, confirmed=["TESTSHIRE", " lowmoor  grange "]) == []
    assert found(text, confirmed=["lowmoor", "grange", "testshire"]) == []
    assert found("Met O\u2019Neil.", confirmed=["o'neil"]) == []
    assert found("At Lowmoor\u00a0 Grange.", confirmed=["Lowmoor Grange"]) == []


def test_confirming_a_word_does_not_silence_a_known_name():
    assert found("AB rang Oakes.", confirmed=["oakes"]) == [("Oakes", WORKER, "Field 1")]


def test_one_hit_per_word_and_field_in_field_order_then_text_order():
    hits = found(
        "Smithers rang AB; then Bertram Oakes and Smithers visited; Smithers left.",
        "Called Smithers.",
    )
    assert hits == [
        ("Bertram Oakes", WORKER, "Field 1"),
        ("Smithers", LOOKS_LIKE_A_NAME, "Field 1"),
        ("Smithers", LOOKS_LIKE_A_NAME, "Field 2"),
    ]


def test_a_hit_carries_its_field_to_show_where_to_fix_it():
    entry = TextField("Chronology entry 12 (03/02/25): Event description", "Met Smithers.", "/e/12")
    [hit] = name_hits([entry], known_names=[])
    assert hit.field is entry


# Abbreviations: Appendix C, the glossary explains them.


def test_abbreviations_are_found_with_their_fields_sorted():
    first = field("Referred to MASH; DoLS in place; seen by SW1.", "Entry 1")
    second = field("GP and A&E informed; MASH replied. GPs agreed.", "Entry 2")
    assert abbreviations([first, second], explained=[]) == [
        ("A&E", [second]),
        ("DoLS", [first]),
        ("GP", [second]),
        ("MASH", [first, second]),
        ("SW1", [first]),
    ]


def test_explained_abbreviations_are_left_out():
    text = field("MASH, DoLS, SW1, SW2 and HV2 met; GP told.")
    assert abbreviations([text], explained=["MASH", "DoLS", "SW", "HV2", "GP"]) == []


def test_explanation_is_case_sensitive():
    text = field("DoLS applied.")
    assert abbreviations([text], explained=["Dols"]) == [("DoLS", [text])]


def test_numerals_single_letters_names_and_everyday_abbreviations_are_not_abbreviations():
    text = field("Part IV, item (ii) and XII: A said I was OK in the UK; McDonald used WhatsApp.")
    assert abbreviations([text], explained=[]) == []


# Gaps: Appendix C, where there is no contact for a period, this should be explained.


def test_no_gap_when_contact_is_regular():
    contacts = [date(2025, 1, 1), date(2025, 3, 1), date(2025, 5, 30)]
    assert gaps(contacts, [], threshold_months=3) == []


def test_an_unexplained_gap_is_found():
    contacts = [date(2025, 5, 1), date(2025, 1, 10), date(2025, 1, 2)]
    assert gaps(contacts, [], threshold_months=3) == [
        Gap(start=date(2025, 1, 10), end=date(2025, 5, 1), months=3.7)
    ]


def test_a_gap_with_an_explanation_inside_it_is_explained():
    contacts = [date(2025, 1, 10), date(2025, 5, 1)]
    assert gaps(contacts, [date(2025, 3, 1)], threshold_months=3) == []
    assert gaps(contacts, [date(2025, 5, 1)], threshold_months=3) == []
    assert gaps(contacts, [date(2025, 5, 2)], threshold_months=3) != []


def test_calendar_months_are_clamped_to_the_month_end():
    # 3 months after 30/11/24 is 28/02/25: contact that day is in time, the day after is not.
    start = date(2024, 11, 30)
    assert gaps([start, date(2025, 2, 28)], [], threshold_months=3) == []
    assert gaps([start, date(2025, 3, 1)], [], threshold_months=3) == [
        Gap(start=start, end=date(2025, 3, 1), months=3.0)
    ]


def test_the_review_period_edges_count():
    period = (date(2024, 1, 1), date(2024, 12, 31))
    contacts = [date(2024, 6, 1), date(2024, 7, 1), date(2023, 1, 1)]
    assert gaps(contacts, [], threshold_months=3, period=period) == [
        Gap(start=date(2024, 1, 1), end=date(2024, 6, 1), months=5.0),
        Gap(start=date(2024, 7, 1), end=date(2024, 12, 31), months=6.0),
    ]


def test_one_edge_of_the_period_may_be_given():
    contacts = [date(2024, 6, 1)]
    assert gaps(contacts, [], threshold_months=3, period=(None, date(2024, 8, 1))) == []
    assert gaps(contacts, [], threshold_months=1, period=(None, date(2024, 8, 1))) == [
        Gap(start=date(2024, 6, 1), end=date(2024, 8, 1), months=2.0)
    ]


def test_no_contact_in_the_whole_period_is_one_gap():
    period = (date(2024, 1, 1), date(2024, 12, 31))
    assert gaps([], [], threshold_months=3, period=period) == [
        Gap(start=date(2024, 1, 1), end=date(2024, 12, 31), months=12.0)
    ]
    assert gaps([], [], threshold_months=3, period=(date(2024, 1, 1), date(2024, 2, 1))) == []
    assert gaps([], [], threshold_months=3) == []


def test_the_threshold_must_be_a_month_or_more():
    with pytest.raises(ValueError):
        gaps([], [], threshold_months=0)


# Found by mutation testing (`make mutants`): rules that no test above pinned.


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
    """Each field holds an explained abbreviation among unexplained ones: every one is
    listed, whatever order the field's abbreviations are looked at in (a set's)."""
    others = ["CAMHS", "DVLA", "DoLS", "IMCA", "LeDeR", "MASH", "NHS", "PCSO"]
    texts = [field(f"A{n} and SW{n} with {', '.join(others)}.", f"Entry {n}") for n in range(1, 11)]
    assert abbreviations(texts, explained=[f"A{n}" for n in range(1, 11)] + ["SW"]) == [
        (other, texts) for other in others
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


def test_a_name_known_by_one_word_is_found_alone():
    """A family member known only as 'Rose': the name as written, not every 'rose'; an
    unusual single name in any case."""
    assert found("Rose said the rose bed was hers.", known=[("Rose", FAMILY)]) == [
        ("Rose", FAMILY, "Field 1")
    ]
    assert found("AB rang quenby.", known=[("Quenby", FAMILY)]) == [("quenby", FAMILY, "Field 1")]


def test_the_threshold_must_be_a_month_or_more_and_says_so():
    with pytest.raises(ValueError, match="^threshold_months must be 1 or more$"):
        gaps([], [], threshold_months=0)


def test_one_contact_and_the_period_start():
    assert gaps([date(2024, 6, 1)], [], threshold_months=3, period=(date(2024, 1, 1), None)) == [
        Gap(start=date(2024, 1, 1), end=date(2024, 6, 1), months=5.0)
    ]


def test_no_contact_and_one_edge_of_the_period_is_no_gap():
    assert gaps([], [], threshold_months=1, period=(None, date(2024, 8, 1))) == []
    assert gaps([], [], threshold_months=1, period=(date(2024, 8, 1), None)) == []


def test_an_explanation_on_the_first_day_of_a_gap_explains_it():
    contacts = [date(2025, 1, 10), date(2025, 5, 1)]
    assert gaps(contacts, [date(2025, 1, 10)], threshold_months=3) == []
    assert gaps(contacts, [date(2025, 1, 9)], threshold_months=3) != []


def test_every_gap_is_found_after_a_short_interval_or_an_explained_gap():
    contacts = [date(2024, 1, 1), date(2024, 6, 1), date(2024, 6, 15), date(2024, 12, 1)]
    assert gaps(contacts, [date(2024, 3, 1)], threshold_months=3) == [
        Gap(start=date(2024, 6, 15), end=date(2024, 12, 1), months=5.5)
    ]


def test_a_known_name_is_searched_by_a_part_of_three_letters():
    assert found("AB told ida.", known=[("Ida Lumb", WORKER)]) == [("ida", WORKER, "Field 1")]


def test_a_stop_word_in_a_known_name_is_not_searched_alone():
    known = [("June Church", FAMILY)]
    assert found("AB went to church in june.", known=known) == []
    assert found("AB saw june church.", known=known) == [("june church", FAMILY, "Field 1")]


def test_a_known_entry_without_a_name_finds_nothing():
    """Not even the placeholder of a text redacted by hand."""
    known = [("", WORKER), (None, FAMILY)]
    assert found("Mr XXXX and xxxx attended.", known=known) == []


def test_the_longest_known_name_is_found_whole():
    known = [("Mary Ann", FAMILY), ("Mary Ann Quenby", WORKER)]
    assert found("AB met Mary Ann Quenby today.", known=known) == [
        ("Mary Ann Quenby", WORKER, "Field 1")
    ]


def test_the_word_after_a_part_of_a_known_name_is_read_too():
    assert found("AB told Bertram Smithers rang.") == [
        ("Bertram", WORKER, "Field 1"),
        ("Smithers", LOOKS_LIKE_A_NAME, "Field 1"),
    ]
    assert found("AB met Quenby-Smith Pryce today.") == [
        ("Quenby", FAMILY, "Field 1"),
        ("Pryce", LOOKS_LIKE_A_NAME, "Field 1"),
    ]


def test_a_known_part_after_a_hyphen_is_reported_as_written():
    assert found("AB met Smith-Quenby.", "AB met Smithson-Quenby and Jo.") == [
        ("Quenby", FAMILY, "Field 1"),
        ("Quenby", FAMILY, "Field 2"),
        ("Jo", LOOKS_LIKE_A_NAME, "Field 2"),
    ]


def test_two_letter_capitalised_words_look_like_names():
    assert found("AB met Ed and Mc Intyre.") == [
        ("Ed", LOOKS_LIKE_A_NAME, "Field 1"),
        ("Mc Intyre", LOOKS_LIKE_A_NAME, "Field 1"),
    ]


def test_a_confirmed_phrase_does_not_hide_the_names_after_it():
    text = "AB moved to Lowmoor Grange and met Smithers."
    assert found(text, confirmed=["lowmoor grange"]) == [("Smithers", LOOKS_LIKE_A_NAME, "Field 1")]


def test_a_word_found_again_in_the_same_field_in_any_case_is_listed_once():
    text = "AB met Oakes; later oakes and OAKES rang, and Smithers met Smithers."
    assert found(text) == [
        ("Oakes", WORKER, "Field 1"),
        ("Smithers", LOOKS_LIKE_A_NAME, "Field 1"),
    ]


def test_mc_and_mac_names_look_like_names():
    assert found("AB met Mac, McDonald and MacLeod.") == [
        ("Mac", LOOKS_LIKE_A_NAME, "Field 1"),
        ("McDonald", LOOKS_LIKE_A_NAME, "Field 1"),
        ("MacLeod", LOOKS_LIKE_A_NAME, "Field 1"),
    ]
