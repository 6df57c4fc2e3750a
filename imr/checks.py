"""Checks an IMR's author runs before submitting: names that should not be there,
abbreviations that the glossary does not explain, and gaps in contact.

Each check is a plain function over text or dates, so a page, the submission service and
a test can all call it; the caller finds the text and says where it lives.
"""

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scr.deadlines.calendar import add_months
from scr.text import (
    ORDINARY_WORDS,
    SAME_LENGTH,
    STOP_WORDS,
    TITLES,
    WORD,
    word_set,
    words_of,
)
from scr.text import words as _words


@dataclass(frozen=True)
class TextField:
    location: str  # where a user finds it: "Chronology entry 12 (03/02/25): Event description"
    text: str
    url: str = ""  # where to fix it, filled by the caller


# Names -----------------------------------------------------------------------------------
#
# Appendix C: the IMR does not refer to workers by name (they appear by role or code, and
# the glossary keys the codes), and family members appear by relationship or initials. The
# check cannot prove a text free of names; it shows the author every likely one to look at.

WORKER = "a worker's name in your glossary"
FAMILY = "a family member's name"
LOOKS_LIKE_A_NAME = "looks like a person's name"


@dataclass(frozen=True)
class NameHit:
    word: str  # the text found, as written: "Bertram Oakes", "Smithers"
    reason: str
    field: TextField


# Ordinary words that are also first names or surnames. A part of a glossary name that is
# one of these (or an ordinary or stop word) is not searched alone, or every 'will' would
# be reported; the full name still is. Capitalised mid-sentence they still look like names.
NAME_WORDS = word_set(
    "will mark rose may grace hope joy faith bill frank sue pat jack dean rob art august "
    "hill wood green white brown black grey gray young king bell marsh field hall rich long "
    "short little hunt cook baker carter mason turner walker ward street read waters day "
    "summer winter page price stone banks lane moore more well wells brook fox bird lamb "
    "bush hart pool ford forest chase grant dawn sky star"
)

NOT_NAMES = STOP_WORDS | ORDINARY_WORDS

_SENTENCE_ENDS = ".!?:;\n"
_INLINE_SPACE = re.compile(r"[ \t\u00a0]+")


class _KnownNames:
    """Known names as lookups on words, so each text is read once however many names
    there are (a 5,000-entry chronology has some 15,000 texts)."""

    def __init__(self):
        # first word (lower case) -> (the name's words, reason), longest names first
        self.full: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.part: dict[str, str] = {}  # a distinctive part, lower case -> reason
        self.exact: dict[str, str] = {}  # compared as written -> reason

    @classmethod
    def build(cls, known_names: Iterable) -> "_KnownNames":
        known = cls()
        for item in known_names:
            name, reason = (item, WORKER) if isinstance(item, str) else item
            known.add(name or "", reason)
        for names in known.full.values():
            names.sort(key=lambda entry: -len(entry[0]))
        return known

    def add(self, name: str, reason: str) -> None:
        words = [w for w in words_of(name) if w.lower() not in TITLES]  # 'Dr Bertram Oakes'
        if not words:
            return
        if len(words) == 1:
            word = words[0]
            if _ordinary(word):
                # A family member known only as 'Rose': the name as written, not every 'rose'.
                self.exact.setdefault(word, reason)
            else:
                self.part.setdefault(word.lower(), reason)
            return
        lower = tuple(w.lower() for w in words)
        self.full.setdefault(lower[0], []).append((lower, reason))
        for word in words:
            parts = [word, *word.split("-")] if "-" in word else [word]  # Quenby-Marsh, Quenby
            for part in parts:
                if sum(ch.isalpha() for ch in part) >= 3 and not _ordinary(part):
                    self.part.setdefault(part.lower(), reason)

    def match(self, text: str, words: list[tuple[int, int, str]], index: int):
        """(how many words, start, end, reason) of a known name at words[index], or None."""
        start, end, word = words[index]
        for name, reason in self.full.get(word.lower(), ()):
            following = words[index : index + len(name)]
            if (
                len(following) == len(name)
                and all(w[2].lower() == n for w, n in zip(following, name, strict=True))
                and all(text[a[1] : b[0]].isspace() for a, b in itertools.pairwise(following))
            ):
                return len(name), start, following[-1][1], reason
        reason = self.exact.get(word) or self.part.get(word.lower())
        if reason:
            return 1, start, end, reason
        if "-" in word:  # Quenby-Smith holds Quenby
            offset = start
            for piece in word.split("-"):
                if reason := self.part.get(piece.lower()):
                    return 1, offset, offset + len(piece), reason
                offset += len(piece) + 1
        return None


def _ordinary(word: str) -> bool:
    return word.lower() in NOT_NAMES or word.lower() in NAME_WORDS


def _looks_like_a_name(word: str) -> bool:
    """Titlecase letters joined by ' or -: Oakes, O'Neil, Quenby-Marsh, McDonald.
    All capitals (MASH) and mixed abbreviations (DoLS) are not names."""
    if len(word) < 2 or not word[0].isupper():
        return False
    for part in re.split(r"['\-]", word):
        if len(part) > 2 and part.startswith("Mc") and part[2].isupper():
            part = part[2:]
        elif len(part) > 3 and part.startswith("Mac") and part[3].isupper():
            part = part[3:]
        if not part[0].isupper() or (len(part) > 1 and not part[1:].islower()):
            return False
    return True


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\u00a0\"'([{*\u2022-")
    if not before or before[-1] in _SENTENCE_ENDS:
        if before.endswith("."):
            # 'Dr. Oakes': a title's full stop does not end a sentence.
            previous = WORD.findall(before[-12:])
            if previous and previous[-1].lower() in TITLES:
                return False
        return True
    return False


def _field_hits(
    text_field: TextField, known: _KnownNames, confirmed: frozenset[str]
) -> list[tuple[int, str, str]]:
    """(position, word as written, reason) of each likely name in one text."""
    original = text_field.text
    text = original.translate(SAME_LENGTH)
    words = _words(text)
    hits: list[tuple[int, str, str]] = []
    # Runs of capitalised words that are not stop or everyday words, confirmed or known.
    runs: list[list[tuple[int, int, str]]] = []
    joinable = False
    index = 0
    while index < len(words):
        if found := known.match(text, words, index):
            count, start, end, reason = found
            hits.append((start, original[start:end], reason))
            index += count
            joinable = False
            continue
        start, end, word = words[index]
        index += 1
        lower = word.lower()
        if not _looks_like_a_name(word) or lower in NOT_NAMES or lower in confirmed:
            joinable = False
            continue
        if joinable and _INLINE_SPACE.fullmatch(text[runs[-1][-1][1] : start]):
            runs[-1].append((start, end, word))
        else:
            runs.append([(start, end, word)])
        joinable = True

    for run in runs:
        if " ".join(word for _, _, word in run).lower() in confirmed:
            continue
        if len(run) > 1 or not _starts_sentence(text, run[0][0]):
            hits.append((run[0][0], original[run[0][0] : run[-1][1]], LOOKS_LIKE_A_NAME))
    return hits


def name_hits(
    fields: Iterable[TextField],
    *,
    known_names: Iterable[tuple[str, str] | str],
    confirmed: Iterable[str] = (),
) -> list[NameHit]:
    """Likely names of people in the fields, for the author to remove or confirm.

    `known_names` holds (full name, reason) pairs, the reason said to the author: use
    WORKER for the glossary's workers and FAMILY for family members (a bare string counts
    as a worker). A known name is found whole or by any part of 3 letters or more that is
    not an ordinary word ('Bertram', 'Oakes'; not 'Will'), as a whole word, in any case.

    Any other capitalised word that is not the first of its sentence, and any two or more
    capitalised words together, 'look like a person's name', unless a stop word (days,
    months, titles, services: STOP_WORDS), an everyday word (ORDINARY_WORDS), in capitals
    (MASH, SW1) or in `confirmed` (words or phrases the author said are not names,
    compared without regard to case). `confirmed` does not silence a known name.

    One hit per word and field, in field order and then in order of the text.
    """
    known = _KnownNames.build(known_names)
    confirmed_words = frozenset(
        " ".join(word.translate(SAME_LENGTH).split()).lower() for word in confirmed
    ) - {""}
    result = []
    for field in fields:
        seen = set()
        for _, word, reason in sorted(_field_hits(field, known, confirmed_words)):
            if word.lower() not in seen:
                seen.add(word.lower())
                result.append(NameHit(word=word, reason=reason, field=field))
    return result


# Abbreviations ---------------------------------------------------------------------------
#
# Appendix C: the IMR keeps a glossary of the abbreviations it uses, for readers outside
# the agency.

# Understood by every reader; asking for them in a glossary would be noise.
EVERYDAY_ABBREVIATIONS = frozenset({"OK", "UK", "TV", "AM", "PM"})

_ABBREVIATION = re.compile(r"(?<![\w&])[A-Z][A-Za-z0-9]*(?:&[A-Za-z0-9]+)*(?![\w&])")
# List numbering, I to XXXIX: '(ii)', 'Part IV'.
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_CODE = re.compile(r"([A-Za-z&]+)(\d+)")


def _abbreviation(token: str) -> str | None:
    """The abbreviation a token is, or None: MASH, DoLS, A&E, SW1, GPs (as GP)."""
    if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
        token = token[:-1]  # plural: GPs, SWs
    if len(token) < 2 or token in EVERYDAY_ABBREVIATIONS or _ROMAN.fullmatch(token):
        return None
    capitals = sum(ch.isupper() for ch in token)
    lower = sum(ch.islower() for ch in token)
    # DoLS, PhD and LeDeR are abbreviations; McDonald and WhatsApp are not.
    if capitals >= 2 and capitals >= lower:
        return token
    if re.fullmatch(r"[A-Z]\d+", token):
        return token
    return None


def abbreviations(
    fields: Iterable[TextField], *, explained: Iterable[str]
) -> list[tuple[str, list[TextField]]]:
    """Abbreviations used in the fields that `explained` (the glossary's terms) does not
    explain, sorted, each with the fields it appears in (in field order).

    Matching is case-sensitive ('Dols' does not explain 'DoLS'). A numbered code is
    explained by itself or by its letters: 'SW' explains SW1 and SW2, as glossaries list
    a worker's role once. A plural is its singular: 'GPs' is GP.
    """
    known = set()
    for term in explained:
        if term and term.strip():
            known.add(_abbreviation(term.strip()) or term.strip())
    found: dict[str, list[TextField]] = {}
    for field in fields:
        tokens = {_abbreviation(match.group()) for match in _ABBREVIATION.finditer(field.text)}
        for token in tokens:
            if token is None or token in known:
                continue
            code = _CODE.fullmatch(token)
            if code and code[1] in known:
                continue
            found.setdefault(token, []).append(field)
    return sorted(found.items())


# Gaps in contact -------------------------------------------------------------------------
#
# Appendix C: where there is no contact for a period longer than the board sets
# (Board.chronology_gap_months), the chronology has an entry that explains why.


@dataclass(frozen=True)
class Gap:
    start: date  # the last contact before the gap, or the review period's start
    end: date  # the next contact, or the review period's end
    months: float  # its length in calendar months, to one decimal place, for display


def _months_between(start: date, end: date) -> float:
    whole = 0
    while add_months(start, whole + 1) <= end:
        whole += 1
    month_start, month_end = add_months(start, whole), add_months(start, whole + 1)
    return round(whole + (end - month_start).days / (month_end - month_start).days, 1)


def gaps(
    contacts: Iterable[date],
    explanations: Iterable[date],
    *,
    threshold_months: int,
    period: tuple[date | None, date | None] = (None, None),
) -> list[Gap]:
    """The unexplained gaps in contact longer than `threshold_months`, in date order.

    A gap runs between consecutive contact dates and, when the review period's edges are
    given, from its start to the first contact and from the last contact to its end (with
    no contact at all, the whole period). Contacts outside the period are left out.
    Longer than N calendar months means ending after the same day N months on, the month
    end clamped: 3 months after 30/11/24 is 28/02/25, so a gap to 01/03/25 counts.
    A gap is explained by an explanation dated within it, its edges included.
    """
    if threshold_months < 1:
        raise ValueError("threshold_months must be 1 or more")
    period_start, period_end = period
    dates = sorted(
        {
            day
            for day in contacts
            if (period_start is None or day >= period_start)
            and (period_end is None or day <= period_end)
        }
    )
    if period_start is not None and (not dates or period_start < dates[0]):
        dates.insert(0, period_start)
    if period_end is not None and (not dates or period_end > dates[-1]):
        dates.append(period_end)
    explained = sorted(explanations)
    found = []
    for start, end in zip(dates, dates[1:], strict=False):
        if end <= add_months(start, threshold_months):
            continue
        if any(start <= day <= end for day in explained):
            continue
        found.append(Gap(start=start, end=end, months=_months_between(start, end)))
    return found
