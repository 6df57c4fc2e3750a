"""The identification check (15) at its edges: the rules that mutation testing found
unpinned (`make mutants`, overview/redaction.py). Each test pins one rule of what is
looked for, what is not, and what the case knows."""

from datetime import date

import pytest

from imr.models import GlossaryEntry, Imr, ImrSubmission
from overview.models import ExecutiveSummary, FamilyMember, Overview, RedactionWaiver
from overview.redaction import Identifier, case_identifiers, find_hits, unresolved_hits
from referrals import services as referral_services
from scr.cases import services as case_services
from scr.cases.models import Case

HOME = Identifier("address", "Flat 2, 12a Acacia Avenue\nCarlisle, CA1 2AB", "the adult's address")


def terms(text: str, *identifiers: Identifier) -> list[str]:
    return [hit.term for hit in find_hits({"Key issues": text}, list(identifiers))]


def test_every_hit_names_the_identifier_it_came_from():
    born = Identifier("date_of_birth", "1941-02-03", "the adult's date of birth")
    text = "Of 12a Acacia Avenue, CA1 2AB, born 3/2/41."
    hits = find_hits({"Process": text}, [HOME, born])
    assert [(hit.term, hit.identifier) for hit in hits] == [
        ("12 a acacia avenue", HOME),
        ("ca1 2ab", HOME),
        ("1941-02-03", born),
    ]


def test_an_empty_or_missing_part_finds_nothing():
    placeholder = Identifier("worker_code", "XXXX", "a worker's code in Police's glossary")
    assert find_hits({"Process": "", "Recommendations": None}, [placeholder]) == []


# Names -------------------------------------------------------------------------------------


def test_a_one_letter_part_of_a_name_is_not_searched_but_the_rest_is():
    """'B' alone would hit every 'Plan B'; the parts after it are still searched."""
    middle = Identifier("name", "Ann B Smith", "a family member's name")
    assert terms("Plan B was agreed with Mr Smith.", middle) == ["smith"]
    initial_first = Identifier("name", "J Smith", "a family member's name")
    assert terms("Plan J: Smith called.", initial_first) == ["smith"]


def test_a_name_that_is_only_a_title_finds_nothing():
    """Not even the placeholder of a summary redacted by hand."""
    assert terms("Mrs XXXX was seen by Dr XXXX.", Identifier("name", "Mrs", "")) == []


# Dates of birth ----------------------------------------------------------------------------


def test_a_day_or_month_of_two_digits_takes_no_leading_zero():
    tenth = Identifier("date_of_birth", "1941-10-10", "the adult's date of birth")
    assert terms("Born 10/10/1941.", tenth) == ["1941-10-10"]
    assert terms("Forms 010/10/1941 and 10/010/1941 were filed.", tenth) == []


@pytest.mark.parametrize(
    "written",
    [
        "23 Feb 1941",
        "23\u00a0Feb 1941",
        "23 of Feb 1941",
        "21st Feb 1941",
        "22nd Feb 1941",
        "24th Feb 1941",
        "24th of February 1941",
    ],
)
def test_the_month_of_birth_is_not_found_in_another_day_of_that_month(written):
    born = Identifier("date_of_birth", "1941-02-03", "the adult's date of birth")
    assert terms(f"On {written} she moved.", born) == []


# Addresses ---------------------------------------------------------------------------------


def test_a_numbered_part_is_a_hit_however_short():
    assert terms("She lived at 2 Elm.", Identifier("address", "2 Elm", "")) == ["2 elm"]
    # The house number and its letter on a line of their own.
    flat = Identifier("address", "12a\nAcacia Avenue", "")
    assert terms("Flat 12A was empty.", flat) == ["12 a"]


def test_a_house_number_alone_is_not_a_hit():
    assert terms("There were 12 visits.", Identifier("address", "12, Acacia Avenue", "")) == []


def test_a_part_made_only_of_generic_words_is_not_a_hit_however_long():
    text = "She lived on the ground floor."
    assert terms(text, Identifier("address", "Ground Floor, Acacia Avenue", "")) == []
    assert terms("Ulpha", Identifier("address", "Ulpha", "")) == []


# Excerpts ----------------------------------------------------------------------------------


def test_a_short_text_is_its_own_excerpt_without_ellipses():
    code = Identifier("worker_code", "SW1", "")
    for text in ("SW1 visited the flat.", "Then SW1 visited the flat.", "Then SW1"):
        (hit,) = find_hits({"Process": text}, [code])
        assert hit.excerpt == text


def test_the_excerpt_keeps_about_twenty_characters_each_side():
    """One-letter words, so a cut one character earlier or later would show."""
    letters = "a b c d e f g h i j k l m n o p q r s t u v w x y z"
    (hit,) = find_hits(
        {"Process": f"{letters} SW1 {letters}"}, [Identifier("worker_code", "SW1", "")]
    )
    assert hit.excerpt == "…p q r s t u v w x y z SW1 a b c d e f g h i j k…"


def test_a_long_hit_keeps_twelve_characters_each_side():
    name = "Maximilian Bartholomew Quenby-Marshall-Oakes"
    letters = "a b c d e f g h i j k l m n o p"
    (hit,) = find_hits({"Process": f"{letters} {name} {letters}"}, [Identifier("name", name, "")])
    assert hit.excerpt == f"…l m n o p {name} a b c d e…"


# Waivers -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_waiver_of_a_full_name_covers_it_however_the_waiver_was_typed(case, overview_author):
    summary = ExecutiveSummary.objects.create(
        case=case, process="Hypatia Quenby-Marsh lived alone.", key_issues="", recommendations=""
    )
    RedactionWaiver.objects.create(
        summary=summary,
        term="HYPATIA  Quenby-Marsh",
        reason="Named with the family's consent.",
        by=overview_author,
    )
    assert unresolved_hits(summary) == []


# What the case knows -----------------------------------------------------------------------


def _labels(case) -> dict[tuple[str, str], str]:
    return {(i.kind, i.value): i.label for i in case_identifiers(case)}


@pytest.mark.django_db
def test_the_case_record_and_its_referral_are_both_read(referrer, lead_b, agency_a):
    """A corrected name or date on the case does not hide what the referral said."""
    referral = referral_services.referral_start(by=referrer)
    referral_services.referral_save(
        referral_id=referral.pk,
        by=referrer,
        data={
            "subject_name": "Florence Quibble",
            "subject_date_of_birth": date(1938, 11, 9),
            "subject_address": "27 Rowan Court",
            "subject_died": True,
            "subject_date_of_death": date(2025, 10, 1),
            "what_happened": "Missed care visits were not acted on.",
            "abuse_or_neglect": "suspected",
            "believes_3_1": True,
        },
        agencies=[agency_a],
    )
    referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    case = referral_services.referral_endorse(referral_id=referral.pk, by=lead_b).case
    Case.objects.filter(pk=case.pk).update(
        subject_name="Florence Quibble-Hart",
        subject_date_of_birth=date(1938, 11, 19),
        subject_date_of_death=date(2025, 10, 2),
    )

    assert _labels(Case.objects.get(pk=case.pk)) == {
        ("name", "Florence Quibble-Hart"): "the adult's name",
        ("date_of_birth", "1938-11-19"): "the adult's date of birth",
        ("date_of_death", "2025-10-02"): "the adult's date of death",
        ("name", "Florence Quibble"): "the adult's name",
        ("date_of_birth", "1938-11-09"): "the adult's date of birth",
        ("date_of_death", "2025-10-01"): "the adult's date of death",
        ("address", "27 Rowan Court"): "the adult's address",
    }


def _family(subject: dict, people: list[dict], other_addresses: str = "") -> dict:
    return {"subject": subject, "people": people, "other_addresses": other_addresses}


@pytest.mark.django_db
def test_everything_in_the_submitted_reviews_overview_and_glossaries_is_read(
    new_case, coordinator, referrer, agency_a, agency_c, author_a, director_a
):
    """Rows as the services write them, made directly: two agencies' submitted versions
    (with a version that has no family part), the overview's family, the glossaries of
    this case and of another."""
    case = new_case
    Case.objects.filter(pk=case.pk).update(subject_date_of_birth=date(1941, 2, 3))
    case.refresh_from_db()
    imr_a = Imr.objects.create(
        case=case, agency=agency_a, invited_by=coordinator, author=author_a, director=director_a
    )
    imr_c = Imr.objects.create(case=case, agency=agency_c, invited_by=coordinator)

    def submit(imr, number, content):
        ImrSubmission.objects.create(
            imr=imr, number=number, part="chronology", content=content, submitted_by=coordinator
        )

    # Versions are read review by review, each in version order, and a value met twice
    # keeps the label it was first met with: A's second version (submitted first here)
    # after A's first, and both before C's.
    submit(
        imr_a,
        2,
        {
            "family": _family(
                {"name": "Patty Quenby-Marsh", "dob": "1941-02-03", "dod": "2025-12-26"},
                [
                    {
                        "name": "Ptolemy Quenby",
                        "dob": "1970-05-07",
                        "dod": "2024-01-05",
                        "address": "8 Larch Close",
                    }
                ],
                other_addresses="4 Elm Row, Testford",
            ),
        },
    )
    submit(
        imr_a,
        1,
        {
            "family": _family({}, [{"name": "Patty Quenby-Marsh"}]),
            "author": {"name": "Ottoline Prewitt"},
        },
    )
    submit(
        imr_c,
        1,
        {
            "family": _family(
                {"name": "Hypatia Quenby"},
                [{"name": "Ptolemy Quenby", "dob": "1970-05-06", "address": "4 Elm Row, Testford"}],
            ),
            "director": {"name": "Cuthbert Ravel"},
        },
    )
    submit(imr_c, 2, {"family": None})  # a version with no family part
    overview = Overview.objects.create(case=case, started_by=coordinator)
    FamilyMember.objects.create(
        overview=overview, is_subject=True, name="Hypatia Q. Marsh", address="12 Quarry Lane"
    )
    FamilyMember.objects.create(
        overview=overview,
        name="Rosalind Quenby",
        address="9 Birch Way",
        date_of_death=date(2023, 3, 4),
    )
    GlossaryEntry.objects.create(
        imr=imr_a, kind="worker", code="SW7", meaning="Social worker", worker_name="Ida Lumb"
    )
    GlossaryEntry.objects.create(imr=imr_a, kind="abbreviation", code="MASH", meaning="Hub")
    other = case_services.case_create(
        board=case.board, by=referrer, subject_name="Someone Else", agencies=[agency_a]
    )
    other_imr = Imr.objects.create(case=other, agency=agency_a, invited_by=coordinator)
    GlossaryEntry.objects.create(
        imr=other_imr, kind="worker", code="PC9", meaning="Officer", worker_name="Other Person"
    )

    found = _labels(case)

    a, c = agency_a.name, agency_c.name
    assert found == {
        ("name", "Hypatia Quenby-Marsh"): "the adult's name",
        ("date_of_birth", "1941-02-03"): "the adult's date of birth",
        ("name", "Ptolemy Quenby"): "a family member's name",
        ("date_of_birth", "1970-05-06"): "a family member's date of birth",
        ("name", "Patty Quenby-Marsh"): "a family member's name",
        ("name", "Hypatia Quenby"): "the adult's name",
        ("date_of_death", "2025-12-26"): "the adult's date of death",
        ("address", "4 Elm Row, Testford"): "the adult's address",
        ("date_of_birth", "1970-05-07"): "a family member's date of birth",
        ("date_of_death", "2024-01-05"): "a family member's date of death",
        ("address", "8 Larch Close"): "a family member's address",
        ("name", "Hypatia Q. Marsh"): "the adult's name",
        ("address", "12 Quarry Lane"): "the adult's address",
        ("name", "Rosalind Quenby"): "a family member's name",
        ("address", "9 Birch Way"): "a family member's address",
        ("date_of_death", "2023-03-04"): "a family member's date of death",
        ("worker_code", "SW7"): f"a worker's code in {a}'s glossary",
        ("name", "Ida Lumb"): f"a worker's name in {a}'s glossary",
        ("name", author_a.full_name): f"the name of the author of {a}'s management review",
        ("name", director_a.full_name): f"the name of {a}'s countersigning director",
        ("name", "Ottoline Prewitt"): f"the name of the author of {a}'s management review",
        ("name", "Cuthbert Ravel"): f"the name of {c}'s countersigning director",
    }
