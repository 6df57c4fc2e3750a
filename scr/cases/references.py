"""Case references: how one is written, and how one typed or printed finds its case.

A reference names one case across every board of a deployment: the board's code, the
board's prefix, the year and the number (NSAB-SCR-2026-001), and the database holds it
unique. Before boards had codes a reference was PREFIX-YEAR-NUMBER (SCR-2026-001), which
every board repeated; such an older reference still finds its case where only one case
fits it (within the user's own board, always; across boards, if no other board has it).
"""

import re

from django.db.models import QuerySet

from scr.cases.models import Case

# PREFIX-YEAR-NUMBER, as references were written before the board's code led them.
OLD_FORM = re.compile(r"^(?P<prefix>[A-Z]{2,10})-(?P<year>\d{4})-(?P<number>\d{1,9})$")


def reference_for(board, year: int, number: int) -> str:
    return f"{board.code}-{board.reference_prefix}-{year}-{number:03d}"


def normalised(text: str) -> str:
    """As people paste a reference: 'nsab scr 2026 007', en dashes from Word, spaces."""
    text = text.strip().upper()
    return re.sub(r"[\s\u2010-\u2015_/]+", "-", text).strip("-")


def old_reference_cases(cases: QuerySet, text: str) -> QuerySet:
    """The cases of `cases` an older reference (no board code) names: none unless `text`
    has the older form."""
    match = OLD_FORM.match(normalised(text))
    if match is None:
        return cases.none()
    return cases.filter(
        board__reference_prefix=match["prefix"],
        year=int(match["year"]),
        number=int(match["number"]),
    )


class UnknownReference(LookupError):
    pass


def case_by_reference(text: str, cases: QuerySet | None = None) -> Case:
    """The one case `text` names, for operators' commands: its reference, or an older
    reference that only one case has. UnknownReference says why not (none, or which
    cases an older one could mean)."""
    cases = Case.objects.all() if cases is None else cases
    reference = normalised(text)
    case = cases.filter(reference=reference).select_related("board").first()
    if case is not None:
        return case
    matches = list(old_reference_cases(cases, reference).select_related("board")[:10])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownReference(f"No case with reference {text.strip()}")
    named = ", ".join(f"{m.reference} ({m.board.name})" for m in matches)
    raise UnknownReference(f"Several boards have a case {text.strip()}: use its reference, {named}")
