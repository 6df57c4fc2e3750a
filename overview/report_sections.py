"""The sections of a case's overview report: its review type's (`[documents.overview]
sections`), from the catalogue the service can write (OverviewSection.Key). The 2009
procedure's are 13.4 a to j, lettered as the procedure letters them; another type's are
numbered in its own order ('1. Introduction', '2. The person')."""

import re

from overview.models import OverviewSection

Key = OverviewSection.Key
# 13.4 a) to j): the 2009 procedure's report, and the report of a type that names none.
PROCEDURE_2009 = (
    Key.INTRODUCTION,
    Key.TERMS,
    Key.CONTRIBUTORS,
    Key.SOURCES,
    Key.FACTS,
    Key.CHRONOLOGY,
    Key.KNOWN,
    Key.ANALYSIS,
    Key.FINDINGS,
    Key.RECOMMENDATIONS,
)
# Sections with their own pages or sources, not written as text.
NOT_TEXT = (Key.TERMS, Key.FINDINGS, Key.RECOMMENDATIONS)


def plain_label(key: str) -> str:
    """'Introduction' for 'a) Introduction'."""
    return re.sub(r"^[a-j]\) ", "", Key(key).label)


def _keys(case) -> tuple[Key, ...]:
    named = case.review_type.parsed.documents.get("overview", {}).get("sections") or []
    return tuple(Key(k) for k in named) or PROCEDURE_2009


def lettered(case) -> bool:
    """Whether the case's report is 13.4's, a) to j): the 2009 procedure's words, letters
    and PDF; any other type's sections are numbered in its own order."""
    return _keys(case) == PROCEDURE_2009


def report_sections(case) -> list[tuple[Key, str]]:
    """(key, label) of each section of the case's report, in its type's order."""
    keys = _keys(case)
    if keys == PROCEDURE_2009:
        return [(key, key.label) for key in keys]
    return [(key, f"{n}. {plain_label(key)}") for n, key in enumerate(keys, start=1)]


def text_sections(case) -> dict[Key, str]:
    """The sections of the case's report written as text, with their labels."""
    return {key: label for key, label in report_sections(case) if key not in NOT_TEXT}
