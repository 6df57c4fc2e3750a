"""The family of the overview report (13.4 e; Appendix C section 2).

When the overview begins each agency's account of each person is copied as its own
FamilyMember (overview.services._copy_family). Here the service suggests which of them
are the same person and the outline family tree is laid out for the page and the PDF; the
author confirms or rejects each suggestion and corrects what the agencies recorded through
overview/family_services.py.

The tree is laid out in Python by overview/family_tree.py (boxes, lines, groups with
coordinates) and only drawn by templates/overview/_family_tree.svg.html, as
scr/cases/flow.py does for the procedure's flow.
"""

from dataclasses import dataclass
from datetime import date
from itertools import combinations

from django.db.models import Prefetch

from imr.template import RELATIONSHIP_LABELS
from overview.family_tree import Tree, layout
from overview.models import FamilyMember, FamilyMergeDecision, FamilyReport, Overview
from scr.dates import day_text
from scr.text import name_key, name_words

__all__ = ["name_key", "name_words"]  # the comparison of names is the core's (scr.text)

# Selectors --------------------------------------------------------------------------------


def family_members(overview: Overview) -> list[FamilyMember]:
    """The people of the overview with each agency's report (and its agency) prefetched:
    the page, the tree and the suggestions all read these, in two queries."""
    reports = FamilyReport.objects.select_related("agency")
    return list(overview.family.prefetch_related(Prefetch("reports", queryset=reports)))


def snapshot(member: FamilyMember) -> dict:
    """What a decision remembers of a person: the rows may be merged or corrected later."""
    dob = member.date_of_birth
    return {"name": member.name, "date_of_birth": dob.isoformat() if dob else None}


def snapshot_key(data: dict) -> tuple[str, str | None]:
    return name_key(data.get("name") or ""), data.get("date_of_birth")


@dataclass(frozen=True)
class Suggestion:
    """Two people the service thinks are one, and why, for the author to answer."""

    first: FamilyMember
    second: FamilyMember
    reason: str


def _reason(a: FamilyMember, b: FamilyMember) -> str | None:
    """Why a and b are likely the same person, or None. Same name with different dates
    of birth is not suggested: a father and son often share a name."""
    words_a, words_b = name_words(a.name), name_words(b.name)
    dob_a, dob_b = a.date_of_birth, b.date_of_birth
    if words_a and "".join(words_a) == "".join(words_b):
        if dob_a and dob_a == dob_b:
            return "Same name and date of birth"
        if not dob_a and not dob_b:
            return "Same name; neither date of birth is recorded"
        if not dob_a or not dob_b:
            return "Same name; one date of birth is not recorded"
        return None
    if dob_a and dob_a == dob_b and len(words_a) > 1 and len(words_b) > 1:
        first_a, first_b = words_a[0], words_b[0]
        similar = first_a.startswith(first_b) or first_b.startswith(first_a)
        if words_a[-1] == words_b[-1] and similar:
            return "Same date of birth and surname, similar first name"
    return None


def merge_suggestions(
    overview: Overview, *, members: list[FamilyMember] | None = None
) -> list[Suggestion]:
    """Pairs of people (never the adult) likely to be one person, strongest first,
    leaving out every pair the author has answered, in either order (13.4 e)."""
    if members is None:
        members = family_members(overview)
    answered = {
        frozenset((snapshot_key(first), snapshot_key(second)))
        for first, second in FamilyMergeDecision.objects.filter(overview=overview).values_list(
            "first", "second"
        )
    }
    people = sorted((m for m in members if not m.is_subject), key=lambda m: m.pk)
    found = []
    for a, b in combinations(people, 2):
        reason = _reason(a, b)
        pair = frozenset((snapshot_key(snapshot(a)), snapshot_key(snapshot(b))))
        if reason and pair not in answered:
            found.append(Suggestion(a, b, reason))
    strength = {"Same name and date of birth": 0}
    return sorted(found, key=lambda s: (strength.get(s.reason, 1), s.first.pk, s.second.pk))


# The agencies' accounts -------------------------------------------------------------------

COMPARED = (
    ("name", "Name"),
    ("relationship", "Relationship"),
    ("relationship_detail", "Relationship described as"),
    ("dob", "Date of birth"),
    ("dod", "Date of death"),
    ("address", "Address"),
    ("ethnicity", "Ethnicity"),
)


def _shown(key: str, value) -> str:
    value = " ".join(str(value or "").split())
    if key in ("dob", "dod") and value:
        try:
            return day_text(date.fromisoformat(value))
        except ValueError:
            return value
    if key == "relationship":
        return RELATIONSHIP_LABELS.get(value, value)
    return value


@dataclass
class Difference:
    label: str
    accounts: list[tuple[str, str]]  # (agency name, what it reported, or "Not given")


@dataclass
class Person:
    member: FamilyMember
    relationship: str
    agencies: list[str]
    differences: list[Difference]


def relationship_text(member: FamilyMember) -> str:
    """'Child (Daughter)': the template's relationship with the agency's own words."""
    if member.is_subject:
        return "The adult"
    label = RELATIONSHIP_LABELS.get(member.relationship, "Not recorded")
    detail = member.relationship_detail.strip()
    return f"{label} ({detail})" if detail and detail.casefold() != label.casefold() else label


def family_people(members: list[FamilyMember]) -> list[Person]:
    """Each person with the agencies that reported them and, where the agencies' accounts
    differ (two addresses, say), what each reported: the author weighs them (13.4 e)."""
    people = []
    for member in members:
        reports = list(member.reports.all())
        differences = []
        for key, label in COMPARED:
            accounts = [(r.agency.name, _shown(key, r.data.get(key))) for r in reports]
            if len({value.casefold() for _, value in accounts}) > 1:
                differences.append(
                    Difference(label, [(a, value or "Not given") for a, value in accounts])
                )
        agencies = list(dict.fromkeys(r.agency.name for r in reports))
        people.append(Person(member, relationship_text(member), agencies, differences))
    return people


# The outline family tree ------------------------------------------------------------------


def family_tree(
    overview: Overview, *, names: bool, members: list[FamilyMember] | None = None
) -> Tree:
    """The outline family tree of 13.4 e, laid out for the SVG template
    (overview/_family_tree.svg.html). names=True only for the readers of the confidential
    report (its PDF, the family page); any other audience gets initials and no name
    anywhere in the tree. Pass `members` from family_members() to save the queries."""
    if members is None:
        members = family_members(overview)
    return layout(members, names=names)
