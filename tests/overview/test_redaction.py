"""The identification check of the public executive summary (15): what it finds in the
text however it was typed or pasted, and what the case knows to look for."""

from datetime import date

import pytest

from imr import draft_services
from imr import services as imr_services
from imr.demo import write_section
from imr.models import GlossaryEntry, Part, Section
from overview.family_services import family_member_update
from overview.models import ExecutiveSummary, FamilyMember, RedactionWaiver
from overview.redaction import (
    Identifier,
    case_identifiers,
    find_hits,
    summary_hits,
    unresolved_hits,
)
from referrals import services as referral_services
from scr.cases.models import Case
from tests.imr.conftest import asked, dates, imr_a, write_chronology  # noqa: F401

ADULT = Identifier("name", "Mrs Hypatia Quenby-Marsh", "the adult's name")
BORN = Identifier("date_of_birth", "1941-02-03", "the adult's date of birth")
HOME = Identifier("address", "Flat 2, 12a Acacia Avenue\nCarlisle, CA1 2AB", "the adult's address")
SW1 = Identifier("worker_code", "SW1", "a worker's code in Police's glossary")


def terms(text: str, *identifiers: Identifier) -> list[str]:
    return [hit.term for hit in find_hits({"Key issues": text}, list(identifiers))]


# Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Hypatia Quenby-Marsh",
        "hypatia quenby-marsh",
        "HYPATIA QUENBY MARSH",
        "Hypatia\u00a0Quenby\u2013Marsh",  # pasted from Word: non-breaking space, en dash
        "Hypatia  Quenby\nMarsh",
        "Hypatia Quenby - Marsh",
        "Hypatia Quen\u00adby-Marsh",  # a soft hyphen, invisible on the page
    ],
)
def test_a_full_name_is_found_once_however_it_is_spaced_or_cased(written):
    hits = find_hits({"Key issues": f"The review of {written}’s care."}, [ADULT])
    assert [(hit.term, hit.found) for hit in hits] == [("hypatia quenby-marsh", written)]
    assert hits[0].identifier == ADULT and hits[0].field == "Key issues"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hypatia was known to services.", ["hypatia"]),
        ("Mrs QUENBY-MARSH lived alone.", ["quenby-marsh"]),
        ("Mrs Quenby Marsh lived alone.", ["quenby-marsh"]),
        ("Mrs Quenby lived alone; the Marsh family visited.", ["quenby", "marsh"]),
        ("Mrs Smith told the court.", []),  # the title alone is not searched
    ],
)
def test_each_part_of_a_name_is_found_and_double_barrelled_parts_alone(text, expected):
    assert terms(text, ADULT) == expected


def test_names_match_whole_words_only_but_ordinary_words_that_are_names_are_hits():
    family = Identifier("name", "Ann May", "a family member's name")
    assert terms("The Annual report, maybe, and Mayfield Road.", family) == []
    # 'May' the surname and 'may' the verb read alike: the author waives it (15).
    assert terms("Ann said she may move in May.", family) == ["ann", "may", "may"]


def test_two_letter_names_are_searched_alone():
    """Ng, Li, Wu and Ho are surnames: a false match only costs the author a waiver."""
    assert terms("Li said Bo was out; the BL note.", Identifier("name", "Bo Li", "")) == [
        "li",
        "bo",
        "bl",
    ]
    assert terms("Bo Li was out.", Identifier("name", "Bo Li", "")) == ["bo li"]
    assert terms("Mr Ng visited.", Identifier("name", "Mr Ng", "")) == ["ng"]


def test_apostrophes_and_accents_do_not_hide_a_name():
    irish = Identifier("name", "Siobhan O'Neil", "a family member's name")
    for written in ("O'Neil", "O’Neil", "ONeil", "o neil"):
        assert terms(f"Mr {written} called.", irish) == ["o'neil"]
    zoe = Identifier("name", "Zoë Brennan", "a family member's name")
    assert terms("Zoe BRENNAN and zoë.", zoe) == ["zoe brennan", "zoe"]


def test_accents_are_folded_both_ways_inside_a_word():
    """The accent mid-word: at a word's end a kept mark would still look like a word end."""
    sean = Identifier("name", "Seán Ó Briain", "a family member's name")
    assert terms("Sean called; Briain wrote.", sean) == ["sean", "briain"]
    plain = Identifier("name", "Sean Moylan", "a family member's name")
    assert terms("Seán called; Móylan wrote.", plain) == ["sean", "moylan"]
    hits = find_hits({"Key issues": "Then Seán called."}, [plain])
    assert [(hit.term, hit.found) for hit in hits] == [("sean", "Seán")]


@pytest.mark.parametrize("written", ["HQM", "H.Q.M.", "H. Q. M.", "H Q M", "HQM's", "H-Q-M"])
def test_the_initials_of_a_name_are_a_hit(written):
    assert terms(f"{written} was seen at home.", ADULT) == ["hqm"]


@pytest.mark.parametrize("written", ["HQMS", "the HQ", "hqm"])
def test_initials_must_be_a_capitalised_token_of_their_own(written):
    assert terms(f"{written} was seen at home.", ADULT) == []


def test_two_letter_initials_do_not_hit_ordinary_words():
    alan = Identifier("name", "Alan Smith", "a family member's name")
    assert terms("As well as this, AS said so.", alan) == ["as"]


# Worker codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["SW1", "sw1", "SW 1", "S W 1", "SW-1", "SW.1", "Sw\u00a01", "S.W.1", "SW–1"]
)
def test_a_worker_code_is_found_however_it_is_spaced(written):
    hits = find_hits({"Process": f"Then {written} visited."}, [SW1])
    assert [(hit.term, hit.found) for hit in hits] == [("sw1", written)]


@pytest.mark.parametrize("written", ["SW10", "SW12", "NSW1", "SW1a", "GP1", "SW2"])
def test_a_worker_code_is_a_whole_token(written):
    assert terms(f"Then {written} visited.", SW1) == []


# Dates of birth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "03/02/1941",
        "3/2/1941",
        "3/2/41",
        "03.02.1941",
        "03-02-1941",
        "03 / 02 / 1941",
        "1941-02-03",
        "3 February 1941",
        "3rd Feb 1941",
        "3 Feb. 1941",
        "February 3, 1941",
        "3rd of February 1941",
        "3RD FEBRUARY 1941",
        "3\u00a0February\u00a01941",
        "3-Feb-1941",
        "03 02 1941",
        "February 1941",
    ],
)
def test_a_date_of_birth_is_found_in_every_way_it_is_written(written):
    hits = find_hits({"Key issues": f"Born {written}, she lived alone."}, [BORN])
    assert [(hit.term, hit.found) for hit in hits] == [("1941-02-03", written)]


@pytest.mark.parametrize(
    "written",
    [
        "13/02/1941",
        "03/02/1942",
        "2/3/1941",
        "03/12/1941",
        "3 February 1914",
        "3 February",
        "23rd Feb 1941",
    ],
)
def test_other_dates_are_not_the_date_of_birth(written):
    assert terms(f"On {written} she moved.", BORN) == []


def test_a_date_that_is_not_a_date_is_ignored():
    assert terms("On 03/02/1941.", Identifier("date_of_birth", "not known", "")) == []


# Addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["CA1 2AB", "ca12ab", "CA1  2AB", "Ca1\u00a02ab", "CA1-2AB"])
def test_a_postcode_is_found_however_it_is_spaced(written):
    hits = find_hits({"Process": f"Post to {written} only."}, [HOME])
    assert [(hit.term, hit.found) for hit in hits] == [("ca1 2ab", written)]


@pytest.mark.parametrize("written", ["CA11 2AB", "CA1 2ABC", "XCA1 2AB"])
def test_a_postcode_is_a_whole_token(written):
    assert terms(f"Post to {written} only.", HOME) == []


def test_each_significant_part_of_an_address_is_a_hit_and_generic_words_are_not():
    text = "She lived in a flat at 12A, acacia  avenue, off Acacia Avenue in CARLISLE."
    assert terms(text, HOME) == ["12 a acacia avenue", "acacia avenue", "carlisle"]
    postcode = Identifier("postcode", "TF1 2AB", "a family member's postcode")
    assert terms("Moved to TF12AB.", postcode) == ["tf1 2ab"]


def test_an_address_part_of_six_characters_is_distinctive_and_of_five_is_not():
    """_address_needles: a part with no house number is searched from 6 characters (Wigton,
    but not Ulpha): every town in the other tests has 7 or more."""
    places = Identifier("address", "Ulpha, Wigton", "a family member's address")
    assert terms("She moved from Ulpha to Wigton.", places) == ["wigton"]


# Ordering, duplicates and excerpts ---------------------------------------------------------


def test_hits_are_sorted_by_field_then_position_and_listed_once():
    daughter = Identifier("name", "Rosalind Quenby", "a family member's name")
    texts = {
        "Recommendations": "SW1 should ask Quenby-Marsh.",
        "Key issues": "Hypatia Quenby-Marsh and Rosalind Quenby; Quenby again.",
    }
    hits = find_hits(texts, [ADULT, daughter, SW1])
    assert [(hit.field, hit.found, hit.identifier.label) for hit in hits] == [
        ("Recommendations", "SW1", "a worker's code in Police's glossary"),
        ("Recommendations", "Quenby-Marsh", "the adult's name"),
        ("Key issues", "Hypatia Quenby-Marsh", "the adult's name"),
        ("Key issues", "Rosalind Quenby", "a family member's name"),
        # 'Quenby' alone is both women's name: one hit, for the first identifier.
        ("Key issues", "Quenby", "the adult's name"),
    ]


def test_a_name_only_in_the_recommendations_is_found():
    """The summary's three parts (15.1 a to c) are all checked: a name written only in the
    recommendations would otherwise be published."""
    summary = ExecutiveSummary(
        process="The review began in 2025.",
        key_issues="Agencies did not share what they knew.",
        recommendations="Agencies should ask Mrs Quenby-Marsh's family for their views.",
    )
    hits = summary_hits(summary, identifiers=[ADULT])
    assert [(hit.field, hit.term, hit.found) for hit in hits] == [
        ("Recommendations", "quenby-marsh", "Quenby-Marsh")
    ]


def test_the_excerpt_is_plain_text_around_the_hit():
    text = (
        "The panel read\nevery record.  Then SW1 visited\u00a0the flat on a cold morning in March."
    )
    (hit,) = find_hits({"Process": text}, [SW1])
    assert hit.excerpt == "…every record. Then SW1 visited the flat on a…"
    assert "\n" not in hit.excerpt and "\u00a0" not in hit.excerpt


# What the case knows -----------------------------------------------------------------------


def _by_value(identifiers: list[Identifier]) -> dict[tuple[str, str], str]:
    return {(i.kind, i.value): i.label for i in identifiers}


@pytest.mark.django_db
def test_case_identifiers_collects_the_family_glossary_and_writers_of_the_reviews(
    imr_a,  # noqa: F811
    author_a,
    director_a,
    django_assert_max_num_queries,
):
    write_chronology(imr_a, author_a)
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    son = {"name": "Ptolemy Quenby", "dob": "1970-05-06", "address": "8 Larch Close, TF1 2AB"}
    write_section(
        **key,
        section=Section.FAMILY,
        content={
            "subject": {
                "name": "Hypatia Quenby-Marsh",
                "dob": "1941-02-03",
                "address": "12 Quarry Lane",
                "ethnicity": "White British",
            },
            "people": [{"id": "p1", "relationship": "child", "ethnicity": "", **son}],
        },
    )
    removed = draft_services.glossary_entry_save(
        **key, kind="worker", code="SW2", meaning="Social worker", worker_name="Philippa Dunmore"
    )
    draft_services.glossary_entry_remove(**key, entry_id=removed.pk)
    imr_services.imr_submit(**key, part=Part.CHRONOLOGY)
    case = Case.objects.get(pk=imr_a.case_id)

    with django_assert_max_num_queries(5):
        identifiers = case_identifiers(case)

    found = _by_value(identifiers)
    agency = imr_a.agency.name
    assert found[("name", "Hypatia Quenby-Marsh")] == "the adult's name"
    assert found[("date_of_birth", "1941-02-03")] == "the adult's date of birth"
    assert found[("address", "12 Quarry Lane")] == "the adult's address"
    assert found[("name", "Ptolemy Quenby")] == "a family member's name"
    assert found[("date_of_birth", "1970-05-06")] == "a family member's date of birth"
    assert found[("address", "8 Larch Close, TF1 2AB")] == "a family member's address"
    assert found[("worker_code", "SW1")] == f"a worker's code in {agency}'s glossary"
    assert found[("name", "Bertram Oakes")] == f"a worker's name in {agency}'s glossary"
    # A removed entry still says who SW2 was in the version that used it.
    assert GlossaryEntry.objects.filter(code="SW2").count() == 0
    assert found[("worker_code", "SW2")] == f"a worker's code in {agency}'s glossary"
    assert ("name", "Philippa Dunmore") in found
    assert ("name", author_a.full_name) in found and ("name", director_a.full_name) in found
    # Listed once, under the first label met; a worker's name never enters a label.
    assert len(found) == len(identifiers)
    assert not any("Oakes" in i.label or "Dunmore" in i.label for i in identifiers)


@pytest.mark.django_db
def test_case_identifiers_reads_the_referral(referrer, lead_b, agency_a):
    referral = referral_services.referral_start(by=referrer)
    referral_services.referral_save(
        referral_id=referral.pk,
        by=referrer,
        data={
            "subject_name": "Florence Quibble",
            "subject_date_of_birth": date(1938, 11, 9),
            "subject_address": "Flat 3, 27 Rowan Court\nTestford TF3 4XY",
            "subject_died": True,
            "subject_date_of_death": date(2025, 10, 1),
            "what_happened": "Missed care visits were not acted on.",
            "abuse_or_neglect": "suspected",
            "believes_3_1": True,
        },
        agencies=[agency_a],
    )
    referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    referral = referral_services.referral_endorse(referral_id=referral.pk, by=lead_b)

    identifiers = case_identifiers(referral.case)

    assert _by_value(identifiers) == {
        ("name", "Florence Quibble"): "the adult's name",
        ("date_of_birth", "1938-11-09"): "the adult's date of birth",
        ("date_of_death", "2025-10-01"): "the adult's date of death",
        ("address", "Flat 3, 27 Rowan Court\nTestford TF3 4XY"): "the adult's address",
    }
    text = {"Process": "Ms F. Quibble of 27 Rowan Court, Testford (TF3 4XY), born 9/11/38."}
    assert [hit.term for hit in find_hits(text, identifiers)] == [
        "quibble",
        "27 rowan court",
        "testford",
        "tf3 4xy",
        "1938-11-09",
    ]


@pytest.mark.django_db
def test_case_identifiers_reads_the_overview_family_in_a_fixed_number_of_queries(
    started, overview_author, django_assert_max_num_queries
):
    daughter = FamilyMember.objects.get(overview=started, name="rosalind  quenby")
    family_member_update(
        case_id=started.case_id,
        by=overview_author,
        member_id=daughter.pk,
        name="Rosalind Quenby-Smith",
        relationship="child",
        date_of_birth=date(1975, 6, 15),
    )
    with django_assert_max_num_queries(5):  # three reviews, still five queries
        found = _by_value(case_identifiers(started.case))
    assert found[("name", "Rosalind Quenby-Smith")] == "a family member's name"
    assert found[("date_of_birth", "1975-06-15")] == "a family member's date of birth"
    assert found[("address", "12 Quarry Lane, Testford TF2 9ZZ")] == "the adult's address"
    assert ("name", "Graham Tolley") in found and ("name", "Dara Constabulary") in found


# Waivers -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_waived_term_is_no_longer_unresolved(case, overview_author):
    # The summary's own services are tested with them; this reads rows they would write.
    summary = ExecutiveSummary.objects.create(
        case=case,
        process="The review began in 2025.",
        key_issues="HQM was known to the Quenby Trust.",
        recommendations="",
    )
    hits = summary_hits(summary)
    assert [(hit.field, hit.term) for hit in hits] == [
        ("Key issues arising from the case", "hqm"),
        ("Key issues arising from the case", "quenby"),
    ]
    RedactionWaiver.objects.create(
        summary=summary, term="quenby", reason="The name of a charity.", by=overview_author
    )
    assert [hit.term for hit in unresolved_hits(summary)] == ["hqm"]
    assert [hit.term for hit in unresolved_hits(summary, hits=hits)] == ["hqm"]


def test_a_date_of_death_is_found_but_not_its_month_alone():
    died = Identifier("date_of_death", "2025-12-26", "the adult's date of death")
    assert terms("She died on 26/12/2025 at home.", died) == ["2025-12-26"]
    assert terms("She died on 26 December 2025.", died) == ["2025-12-26"]
    assert terms("She died in December 2025.", died) == []


def test_a_family_name_in_the_plural_is_a_hit_and_initials_say_so():
    quayle = Identifier("name", "Herbert Quayle", "the adult's name")
    hits = find_hits({"Key issues": "The Quayles' house; HQ was seen."}, [quayle])
    assert [(hit.found, hit.identifier.label) for hit in hits] == [
        ("Quayles", "the adult's name"),
        ("HQ", "the adult's initials"),
    ]
