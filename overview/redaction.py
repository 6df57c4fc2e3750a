"""The identification check of the public executive summary (15).

The summary is published (15.3), so its three parts (15.1 a to c) must not identify the
adult, the family or the workers. Before the panel agrees it, the service looks in it for
every name, date of birth, address and worker code the case knows, and lists each hit;
release waits until every hit is edited out or waived (RedactionWaiver, by `term`).

The text is pasted from word processors, so matching forgives case, accents, runs of
spaces, non-breaking spaces, line breaks, curly apostrophes, dashes and invisible
characters. It is deliberately eager: a false hit costs the author one waiver, a missed
name identifies someone for good.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from imr.models import GlossaryEntry, Imr, ImrSubmission
from referrals.models import Referral
from scr.names import initials
from scr.text import ORDINARY_WORDS, STOP_WORDS, TITLES, word_set, words_of

from .models import ExecutiveSummary, FamilyMember


@dataclass(frozen=True)
class Identifier:
    """Something the case knows that would identify a person if published (15)."""

    kind: str  # "name", "date_of_birth", "date_of_death", "address", "postcode", "worker_code"
    value: str  # as known: "Hypatia Quenby-Marsh", "1941-02-03" (ISO), "SW1"
    label: str  # what the user reads, never the value: "the adult's name"


@dataclass(frozen=True)
class Hit:
    """One place where the summary names an identifier; `term` is what a waiver cites,
    so one waiver covers every occurrence of the same word, not just this one."""

    identifier: Identifier
    field: str  # the part of the summary, by its label
    found: str  # the text as written in the summary
    excerpt: str  # about 40 characters of plain text around it
    term: str  # the waiver's key: "quenby-marsh", "hqm", "1941-02-03", "sw1", "ca1 2ab"


@dataclass(frozen=True)
class _Needle:
    identifier: Identifier
    term: str
    pattern: re.Pattern


# Folding -----------------------------------------------------------------------------------

_ONE_FOR_ONE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u00b4`", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
# Soft hyphens and zero-width characters: Word leaves them inside words, unseen.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def _fold(text: str) -> tuple[str, list[int]]:
    """A copy to search (accents off, apostrophes and dashes plain, no invisible
    characters) and, for each of its characters, its position in the original, so a
    hit is reported as the author wrote it."""
    chars, origin = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.translate(_ONE_FOR_ONE)):
            if part not in _INVISIBLE and not unicodedata.combining(part):
                chars.append(part)
                origin.append(index)
    return "".join(chars), origin


def _key(value: str) -> str:
    return " ".join(_fold(value)[0].lower().split())


# Patterns ----------------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_WORD_START, _WORD_END = rf"(?<!{_LETTER})", rf"(?!{_LETTER})"  # 'Ann' is not in 'Annual'
_TOKEN_START, _TOKEN_END = r"(?<![^\W_])", r"(?![^\W_])"  # 'SW1' is not in 'SW10'
_NAME_GAP = r"[\s'\-]*"  # Quenby-Marsh, Quenby Marsh, Quenby\nMarsh, O'Neil, ONeil
_GAP = r"[\s,.'\-/]*"  # 12, Acacia Avenue; 3rd Feb. '41; 3-Feb-1941
_POSTCODE = re.compile(
    rf"{_TOKEN_START}([a-z]{{1,2}}\d[a-z\d]?)\s*(\d[a-z]{{2}}){_TOKEN_END}", re.I
)
# A part of an address made only of these says nothing about where anyone lives.
_GENERIC = (
    STOP_WORDS
    | ORDINARY_WORDS
    | word_set(
        "flat apartment apt floor ground basement cottage bungalow united kingdom uk england "
        "wales scotland fixed abode nfa address unknown"
    )
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _name_needles(identifier: Identifier) -> list[_Needle]:
    """The full name, each word and each part of a double-barrelled word of 3 letters or
    more (titles left out), whole words in any case; and the initials as a capitalised
    token (HQM, H.Q.M.), since the summary must not use the subject's initials either."""
    words = [w for w in words_of(_fold(identifier.value)[0]) if w.lower() not in TITLES]
    candidates = [words] if len(words) > 1 else []
    for word in words:
        candidates.append([word])
        if "-" in word:
            candidates += [[piece] for piece in word.split("-")]
    needles, seen = [], set()
    for candidate in candidates:
        term = " ".join(candidate).lower()
        # Two letters are enough: Ng, Li, Wu and Ho are surnames (a false match costs the
        # author one line saying why it identifies nobody).
        if term in seen or _letters(term) < 2:
            continue
        seen.add(term)
        pieces = [re.escape(p) for w in candidate for p in re.split(r"['\-]", w) if p]
        # 'the Quayles', 'the Quayles\' house': a family name in the plural names them too.
        plural = r"(?:e?s)?"
        pattern = re.compile(_WORD_START + _NAME_GAP.join(pieces) + plural + _WORD_END, re.I)
        needles.append(_Needle(identifier, term, pattern))
    letters = initials(" ".join(words)) if words else ""
    if len(letters) >= 2:
        pattern = re.compile(_TOKEN_START + r"[.\-]?\s?".join(letters) + r"\.?" + _TOKEN_END)
        initials_of = replace(identifier, label=identifier.label.replace(" name", " initials"))
        needles.append(_Needle(initials_of, letters.lower(), pattern))
    return needles


def _date_needles(identifier: Identifier) -> list[_Needle]:
    """A date of birth in the ways people write dates: 03/02/1941, 3.2.41, 1941-02-03,
    3rd of Feb. 1941, February 3, 1941."""
    try:
        born = date.fromisoformat(identifier.value.strip())
    except ValueError:
        return []
    day = f"0?{born.day}" if born.day < 10 else str(born.day)
    month = f"0?{born.month}" if born.month < 10 else str(born.month)
    year = f"(?:{born.year}|'?{born.year % 100:02d})"
    named = rf"{_WORD_START}{_MONTHS[born.month - 1]}[a-z]*"  # Feb, Feb., February, Febuary
    ordinal = r"(?:st|nd|rd|th)?"
    sep = r"(?:\s*[./\-]\s*|\s+)"  # 03/02/1941, 3.2.41, 03 02 1941
    forms = [
        rf"(?<!\d){day}{sep}{month}{sep}{year}(?!\d)",
        rf"(?<!\d){born.year}{sep}{month}{sep}{day}(?!\d)",
        rf"(?<!\d){day}{ordinal}{_GAP}(?:of{_GAP})?{named}{_GAP}{year}(?!\d)",
        rf"{named}{_GAP}{day}{ordinal}{_GAP}{year}(?!\d)",
    ]
    if identifier.kind == "date_of_birth":
        # 'born in March 1941' narrows a person down as well. (A month of death is how
        # published summaries date the events, so it is not looked for.)
        # Not the month and year of another day ('23rd Feb 1941'): each fixed-width
        # look-behind rules out a day before the month.
        not_a_day = "".join(
            rf"(?<!\d{suffix}{gap})"
            for suffix in ("", "st", "nd", "rd", "th")
            for gap in (" ", "\u00a0", " of ")
        )
        forms.append(rf"{not_a_day}{named}{_GAP}(?:of{_GAP})?{born.year}(?!\d)")
    pattern = re.compile("|".join(f"(?:{form})" for form in forms), re.I)
    return [_Needle(identifier, born.isoformat(), pattern)]


def _code_needles(identifier: Identifier) -> list[_Needle]:
    """A worker's code as a whole token, however spaced: SW1, sw1, SW 1, S W 1, SW-1."""
    chars = [char for char in _fold(identifier.value)[0] if char.isalnum()]
    if not chars:
        return []
    pattern = re.compile(_TOKEN_START + r"[\s.\-]{0,3}".join(chars) + _TOKEN_END, re.I)
    return [_Needle(identifier, "".join(chars).lower(), pattern)]


def _address_needles(identifier: Identifier) -> list[_Needle]:
    """Each postcode, and each line or comma-part that has a house number or is 6
    characters or more and not generic ('Flat'); a numbered street also without its
    number, as 'lived in Acacia Avenue' identifies too."""
    needles, seen = [], set()
    for part in re.split(r"[\n,;]", _fold(identifier.value)[0]):
        for outward, inward in _POSTCODE.findall(part):
            term = f"{outward} {inward}".lower()
            pattern = re.compile(rf"{_TOKEN_START}{outward}[\s\-]*{inward}{_TOKEN_END}", re.I)
            needles.append(_Needle(identifier, term, pattern))
        runs = re.findall(r"\d+|[^\W\d_]+", _POSTCODE.sub(" ", part))
        street = list(runs)
        while street and (street[0].isdigit() or len(street[0]) == 1):
            street.pop(0)  # 12a Acacia Avenue -> Acacia Avenue
        for candidate in (runs, street):
            term = " ".join(candidate).lower()
            numbered = any(r.isdigit() for r in candidate) and _letters(term) > 0
            distinctive = len(term) >= 6 and any(r.lower() not in _GENERIC for r in candidate)
            if term in seen or not (numbered or distinctive):
                continue
            seen.add(term)
            body = _GAP.join(re.escape(r) for r in candidate)
            needles.append(
                _Needle(identifier, term, re.compile(_TOKEN_START + body + _TOKEN_END, re.I))
            )
    return needles


_NEEDLES = {
    "name": _name_needles,
    "date_of_birth": _date_needles,
    "date_of_death": _date_needles,
    "address": _address_needles,
    "postcode": _address_needles,
    "worker_code": _code_needles,
}


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    """About `width` characters of plain text around a hit, cut between words."""
    side = max(12, (width - (end - start)) // 2 + 6)  # cutting between words loses some
    left, right = max(0, start - side), min(len(text), end + side)
    if left and (gap := re.search(r"\s", text[left:start])):
        left += gap.end()
    if right < len(text) and (gaps := list(re.finditer(r"\s", text[end:right]))):
        right = end + gaps[-1].start()
    body = " ".join("".join(c for c in text[left:right] if c not in _INVISIBLE).split())
    return ("…" if left else "") + body + ("…" if right < len(text) else "")


def find_hits(texts: dict[str, str], identifiers: list[Identifier]) -> list[Hit]:
    """Every place in `texts` (field label -> text) where an identifier appears, sorted by
    field (in the order given) and then position.

    A text inside a longer hit is not listed again: the parts of a full name (its
    surname), or a sister's surname inside the adult's. Of hits on the same text, the
    first identifier's is kept, so order `identifiers` by importance (the adult first).
    """
    needles = [n for identifier in identifiers for n in _NEEDLES[identifier.kind](identifier)]
    hits = []
    for field, text in texts.items():
        folded, origin = _fold(text or "")
        found = []
        for rank, needle in enumerate(needles):
            for match in needle.pattern.finditer(folded):
                found.append((origin[match.start()], origin[match.end() - 1] + 1, rank, needle))
        kept: list[tuple[int, int, _Needle]] = []
        # Longest first at each position, so a container is kept before what it contains.
        for start, end, _, needle in sorted(found, key=lambda f: (f[0], -f[1], f[2])):
            if any(s <= start and end <= e for s, e, _ in kept):
                continue
            kept.append((start, end, needle))
        hits += [
            Hit(
                identifier=needle.identifier,
                field=field,
                found=text[start:end],
                excerpt=_excerpt(text, start, end),
                term=needle.term,
            )
            for start, end, needle in kept
        ]
    return hits


# What the case knows -----------------------------------------------------------------------


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "").strip()


def case_identifiers(case) -> list[Identifier]:
    """Every identifier the case knows, the adult's first: the case, its referral, the
    family of every IMR submission and of the overview, every worker code and name in
    the glossaries (removed entries too: an older version used them) and the IMRs'
    authors and directors. Five queries however many reviews there are.

    Each (kind, value) is listed once, under the label it is first met with.
    """
    found: dict[tuple[str, str], Identifier] = {}

    def add(kind: str, value, label: str) -> None:
        value = _iso(value)
        if value and (kind, _key(value)) not in found:
            found[kind, _key(value)] = Identifier(kind=kind, value=value, label=label)

    def person(whose: str, name="", born=None, address="", died=None) -> None:
        add("name", name, f"{whose} name")
        add("date_of_birth", born, f"{whose} date of birth")
        add("date_of_death", died, f"{whose} date of death")
        add("address", address, f"{whose} address")

    adult, relative = "the adult's", "a family member's"
    person(adult, case.subject_name, case.subject_date_of_birth, died=case.subject_date_of_death)
    for referral in Referral.objects.filter(case=case):
        person(
            adult,
            referral.subject_name,
            referral.subject_date_of_birth,
            referral.subject_address,
            referral.subject_date_of_death,
        )
    submissions = ImrSubmission.objects.filter(imr__case=case).order_by("imr_id", "number")
    people = submissions.values_list(
        "content__family", "content__author__name", "content__director__name", "imr__agency__name"
    )
    writers = []
    for family, author, director, agency in people:
        family = family if isinstance(family, dict) else {}
        subject = family.get("subject") or {}
        person(
            adult,
            subject.get("name"),
            subject.get("dob"),
            subject.get("address"),
            subject.get("dod"),
        )
        add("address", family.get("other_addresses"), f"{adult} address")
        for other in family.get("people") or []:
            person(
                relative,
                other.get("name"),
                other.get("dob"),
                other.get("address"),
                other.get("dod"),
            )
        writers.append((author, director, agency))
    for member in FamilyMember.objects.filter(overview__case=case):
        whose = adult if member.is_subject else relative
        person(whose, member.name, member.date_of_birth, member.address, member.date_of_death)
    glossary = GlossaryEntry.everything.filter(imr__case=case, kind=GlossaryEntry.Kind.WORKER)
    for code, name, agency in glossary.values_list("code", "worker_name", "imr__agency__name"):
        add("worker_code", code, f"a worker's code in {agency}'s glossary")
        add("name", name, f"a worker's name in {agency}'s glossary")
    imrs = Imr.objects.filter(case=case).values_list(
        "author__full_name", "director__full_name", "agency__name"
    )
    for author, director, agency in [*imrs, *writers]:
        add("name", author, f"the name of the author of {agency}'s management review")
        add("name", director, f"the name of {agency}'s countersigning director")
    return list(found.values())


# The summary -------------------------------------------------------------------------------

SUMMARY_FIELDS = ("process", "key_issues", "recommendations")  # 15.1 a to c


def summary_texts(summary: ExecutiveSummary) -> dict[str, str]:
    """The three parts of 15.1, by their labels."""
    return {
        str(ExecutiveSummary._meta.get_field(name).verbose_name): getattr(summary, name)
        for name in SUMMARY_FIELDS
    }


def summary_hits(
    summary: ExecutiveSummary, identifiers: list[Identifier] | None = None
) -> list[Hit]:
    """Every hit in the summary; the case's identifiers unless the caller has them."""
    if identifiers is None:
        identifiers = case_identifiers(summary.case)
    return find_hits(summary_texts(summary), identifiers)


def unresolved_hits(summary: ExecutiveSummary, hits: list[Hit] | None = None) -> list[Hit]:
    """The hits no waiver covers: while any is left the summary is not released (15)."""
    if hits is None:
        hits = summary_hits(summary)
    waived = {_key(term) for term in summary.waivers.values_list("term", flat=True)}
    return [hit for hit in hits if hit.term not in waived]
