"""Reads of an IMR used in more than one place: its draft sections, the report as one
document (for a submission, the page and the PDF) and the checks before submission."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from imr import checks, sections, template
from imr.entry_parsing import FuzzyDate, Precision, display_time
from imr.models import ChronologyEntry, GlossaryEntry, Imr, ImrSection, Part, Section
from panel.models import TermsOfReference
from scr.dates import chronology_order, day_text
from scr.names import initials

# The chronology's order (Appendix C section 3; scr.dates.chronology_order), then the
# author's own order for entries of one day.
ENTRY_ORDER = chronology_order("position", "pk")


def ordered_entries(imr: Imr):
    return imr.entries.order_by(*ENTRY_ORDER)


def section_row(imr: Imr, key: str) -> ImrSection | None:
    return ImrSection.objects.filter(imr=imr, key=key).first()


def section_data(imr: Imr, key: str) -> dict:
    """A written section's data as saved; {} before its first save."""
    row = section_row(imr, key)
    return dict(row.data) if row else {}


def terms_of_reference(case) -> tuple[list[dict], bool, tuple]:
    """The case's numbered terms, whether final, and the period the review covers."""
    tor = TermsOfReference.objects.filter(case=case).prefetch_related("terms").first()
    if tor is None:
        return [], False, (None, None)
    terms = [{"number": t.number, "text": t.text} for t in tor.terms.all()]
    return terms, tor.final, (tor.period_from, tor.period_to)


def entry_date(entry: ChronologyEntry) -> FuzzyDate:
    return FuzzyDate(entry.date, Precision(entry.date_precision), entry.date_uncertain)


def entry_dict(entry: ChronologyEntry) -> dict:
    return {
        "date": entry_date(entry).display(),
        "sort_date": entry.date.isoformat(),
        "time": display_time(entry.time),
        "source": entry.source,
        "subject": entry.subject,
        "event": entry.event,
        "expected_practice": entry.expected_practice,
        "terms": list(entry.term_numbers),
        "relevance_note": entry.relevance_note,
        "explains_gap": entry.explains_gap,
    }


def imr_content(imr: Imr, part: str = Part.REPORT) -> dict:
    """The report as one document: what a submission freezes and the PDF prints.

    The chronology submission holds sections 2 and 3; the full report all six. Worker
    names from the glossary and the guidance never enter it."""
    case = imr.case
    terms, final, (period_from, period_to) = terms_of_reference(case)
    content = {
        "part": str(part),
        "case": {
            "reference": case.reference,
            "subject_initials": case.subject_initials,
            "subject_dob": case.subject_date_of_birth.isoformat()
            if case.subject_date_of_birth
            else "",
        },
        "agency": imr.agency.name,
        "author": {
            "name": imr.author.full_name if imr.author else "",
            "designation": imr.author_designation,
            "suitability": imr.author_suitability,
            "independent": imr.author_independent,
        },
        "director": {
            "name": imr.director.full_name if imr.director else "",
            "designation": imr.director_designation,
        },
        "terms": terms,
        "terms_final": final,
        "period": [
            period_from.isoformat() if period_from else "",
            period_to.isoformat() if period_to else "",
        ],
        **_written(imr, sections.carried_by(Part.CHRONOLOGY)),
        "chronology": [entry_dict(e) for e in ordered_entries(imr)],
        "glossary": [
            {"code": g.code, "meaning": g.meaning, "kind": g.kind}
            for g in imr.glossary.order_by("kind", "code")
        ],
    }
    if part == Part.REPORT:
        content.update(_written(imr, [d for d in sections.WRITTEN if d.part == Part.REPORT]))
    return content


def _written(imr: Imr, definitions) -> dict:
    """The written sections' data by key, each as saved or as it starts."""
    return {str(d.key): section_data(imr, d.key) or d.default(imr) for d in definitions}


# What the report's pages show of a content dict (the submitted version, the preview).


def frozen_entry_date(row: dict) -> FuzzyDate:
    """The date of a frozen chronology row (entry_dict, in a submission's content): the
    first day it can mean from its 'sort_date', the precision from the shape of its shown
    'date' (two '/' a day, one a month, none a year) and '?' for approximate. Reads the
    shown forms of every version: dd/mm/yyyy and mm/yyyy now, dd/mm/yy and mm/yy before
    issue 19 (whose century only sort_date keeps). KeyError or ValueError without a
    sort_date."""
    text = row.get("date", "")
    first = date.fromisoformat(row["sort_date"])
    uncertain, bare = text.startswith("?"), text.lstrip("?")
    precision = {2: Precision.DAY, 1: Precision.MONTH}.get(bare.count("/"), Precision.YEAR)
    return FuzzyDate(first, precision, uncertain)


def shown_entry_date(row: dict) -> str:
    """A frozen chronology row's date in the service's one display (FuzzyDate.display),
    whichever version stored it."""
    try:
        return frozen_entry_date(row).display()
    except (KeyError, TypeError, ValueError):
        return row.get("date", "")


def content_sections(content: dict) -> dict:
    """Labelled rows of a content dict for templates, which only loop and print: what each
    written section shows of itself (sections.SectionDefinition.report), and the
    chronology's rows with their dates as the service shows dates."""
    report = {"subject_dob": sections.uk_date(content.get("case", {}).get("subject_dob", ""))}
    report["chronology"] = [
        {**row, "date": shown_entry_date(row)} for row in content.get("chronology") or []
    ]
    for definition in sections.WRITTEN:
        report.update(definition.report(content.get(str(definition.key)) or {}))
    return report


# The checks before submission.


@dataclass(frozen=True)
class Problem:
    section: str  # a Section key, or "" for the whole review
    message: str


def text_fields(imr: Imr, part: str) -> list[checks.TextField]:
    """Every free-text field the report will carry, with where to find and fix it."""
    ref, agency = imr.case.reference, imr.agency_id
    fields = []
    for number, entry in enumerate(ordered_entries(imr), 1):
        # From the checks page, back to the checks once the entry is fixed.
        url = reverse("imr:entry-edit", args=[ref, agency, entry.pk]) + "?next=checks"
        where = f"Chronology entry {number} ({entry_date(entry).display()})"
        for name, label in (
            ("source", "Source of information"),
            ("event", "Event description"),
            ("expected_practice", "Expected practice"),
            ("relevance_note", "Relevance"),
        ):
            if getattr(entry, name):
                fields.append(checks.TextField(f"{where}: {label}", getattr(entry, name), url))
    if part != Part.REPORT:
        return fields
    for definition in sections.WRITTEN:
        data = section_data(imr, definition.key)
        for text in definition.texts(data):
            if text.item_id:
                url = reverse(definition.items.url_name, args=[ref, agency, text.item_id])
            else:
                url = reverse("imr:section-edit", args=[ref, agency, definition.key])
            fields.append(checks.TextField(text.location, text.text, url))
    return fields


def known_names(imr: Imr) -> list[tuple[str, str]]:
    """Names that must not appear in the text: workers from the glossary, the family."""
    names = [
        (g.worker_name, "a worker's name in your glossary")
        for g in imr.glossary.filter(kind=GlossaryEntry.Kind.WORKER).exclude(worker_name="")
    ]
    family = section_data(imr, Section.FAMILY) or sections.FAMILY.default(imr)
    names += [(name, "a family member's name") for name in sections.FAMILY.names(family)]
    return names


def short_fields(imr: Imr) -> list[checks.TextField]:
    """Fields of names of things rather than prose: the chronology's subject of recording
    and the glossary's meanings ('Care Quality Commission'). They go into the report, so
    the names of workers and family are looked for in them, but not name-like words."""
    ref, agency = imr.case.reference, imr.agency_id
    fields = [
        checks.TextField(
            f"Chronology entry of {entry_date(e).display()}: Subject of recording",
            e.subject,
            reverse("imr:entry-edit", args=[ref, agency, e.pk]) + "?next=checks",
        )
        for e in ordered_entries(imr).only(
            "pk", "date", "date_precision", "date_uncertain", "subject"
        )
    ]
    url = reverse("imr:glossary", args=[ref, agency])
    fields += [checks.TextField(f"Glossary: {g.code}", g.meaning, url) for g in imr.glossary.all()]
    return fields


def name_check(imr: Imr, part: str, fields=None, names=None) -> list[checks.NameHit]:
    """`fields` and `names`: text_fields and known_names, where the caller has them."""
    confirmed = list(imr.name_confirmations.values_list("word", flat=True))
    names = known_names(imr) if names is None else names
    fields = text_fields(imr, part) if fields is None else fields
    hits = checks.name_hits(fields, known_names=names, confirmed=confirmed)
    hits += [
        hit
        for hit in checks.name_hits(short_fields(imr), known_names=names, confirmed=confirmed)
        if hit.reason != checks.LOOKS_LIKE_A_NAME
    ]
    return hits


def unexplained_abbreviations(imr: Imr, part: str, fields=None, names=None):
    """Abbreviations the glossary does not explain. Initials are not abbreviations:
    those of the family, and those the chronology's 'subject of recording' uses.
    `fields` and `names`: text_fields and known_names, where the caller has them."""
    names = known_names(imr) if names is None else names
    fields = text_fields(imr, part) if fields is None else fields
    explained = set(imr.glossary.values_list("code", flat=True))
    explained |= {initials(name) for name, _ in names}
    for subject in imr.entries.values_list("subject", flat=True).distinct():
        explained |= set(subject.replace(",", " ").replace("/", " ").split())
    return checks.abbreviations(fields, explained=explained)


def chronology_gaps(imr: Imr) -> list[checks.Gap]:
    _, _, period = terms_of_reference(imr.case)
    rows = imr.entries.values_list("date", "explains_gap")
    contacts = [day for day, explains in rows if not explains]
    explanations = [day for day, explains in rows if explains]
    return checks.gaps(
        contacts,
        explanations,
        threshold_months=imr.case.board.chronology_gap_months,
        period=period,
    )


@dataclass(frozen=True)
class CheckReport:
    """The checks before submission, each run once: the checks page shows the details,
    submission needs only the problems."""

    hits: list
    abbreviations: list
    gaps: list
    problems: list[Problem]


def imr_checks(imr: Imr, part: str) -> CheckReport:
    # The report's text and the names to look for, read once for both checks.
    fields, names = text_fields(imr, part), known_names(imr)
    hits = name_check(imr, part, fields, names)
    unexplained = unexplained_abbreviations(imr, part, fields, names)
    gaps = chronology_gaps(imr)
    return CheckReport(hits, unexplained, gaps, _problems(imr, part, hits, unexplained, gaps))


def imr_problems(imr: Imr, part: str) -> list[Problem]:
    """What stops the author submitting this part now. An empty list: ready."""
    return imr_checks(imr, part).problems


def _problems(imr: Imr, part: str, hits, unexplained, gaps) -> list[Problem]:
    problems = _section_problems(imr, sections.FAMILY)
    if not imr.entries.exists():
        problems.append(Problem(Section.CHRONOLOGY, "Section 3: add the chronology"))
    for gap in gaps:
        problems.append(
            Problem(
                Section.CHRONOLOGY,
                f"Section 3: no contact from {day_text(gap.start)} to {day_text(gap.end)}: add "
                "an entry that explains it",
            )
        )
    if hits:
        problems.append(
            Problem(
                "names",
                f"The name check found {len(hits)} possible name{'s' if len(hits) != 1 else ''}"
                " of people: change them to codes or initials, or confirm they are not names",
            )
        )
    if unexplained:
        words = ", ".join(word for word, _ in unexplained[:10])
        problems.append(Problem("glossary", f"Explain every abbreviation in the glossary: {words}"))
    if part != Part.REPORT:
        return problems
    if not imr.appraisal:
        problems.append(Problem("appraisal", "Record the rapid appraisal (section 10)"))
    for definition in sections.WRITTEN:
        if definition.part == Part.REPORT:
            problems += _section_problems(imr, definition)
    return problems


def _section_problems(imr: Imr, definition: sections.SectionDefinition) -> list[Problem]:
    """What a written section lacks (sections.SectionDefinition.problems), as saved."""
    data = section_data(imr, definition.key)
    return [Problem(definition.key, message) for message in definition.problems(data)]


# A saved revision, for people to read (the version history).

_LABELS = {
    # What each written section stores, then the parts of its items and of the chronology.
    **{key: label for d in sections.WRITTEN for key, label in d.fields.items()},
    **dict(template.CONTACT_FIELDS),
    "dob": "Date of birth",
    "dod": "Date of death",
    "ethnicity": "Ethnicity",
    "relationship": "Relationship",
    "relationship_detail": "Relationship (detail)",
    "actions": "Key actions",
    "text": "Text",
    "terms": "Terms of reference",
    "evidence": "Evidence",
    "outcome": "Key outcome",
    "date": "Date",
    "time": "Time",
    "source": "Source of information",
    "event": "Event description, action and outcome",
    "expected_practice": "Expected practice/standards",
    "relevance_note": "Relevance",
    "explains_gap": "Explains a period without contact",
    "code": "Code",
    "kind": "Kind",
    "meaning": "Meaning",
    "moved": "Moved",
    "rows": "Entries imported",
}
_HIDDEN = {"id", "sort_date"}


def revision_rows(data, prefix: str = "") -> list[tuple[str, str]]:
    """A revision's saved data as (label, value) rows, nested parts labelled by path."""
    rows: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _HIDDEN:
                continue
            label = _LABELS.get(key, key.replace("_", " ").capitalize())
            rows += revision_rows(
                value, f"{prefix}{label}" if not prefix else f"{prefix} › {label}"
            )
    elif isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        for number, value in enumerate(data, 1):
            rows += revision_rows(value, f"{prefix} {number}")
    else:
        if isinstance(data, list):
            value = ", ".join(str(v) for v in data)
        elif isinstance(data, bool):
            value = "Yes" if data else "No"
        else:
            value = str(data if data is not None else "")
        rows.append((prefix, value))
    return rows
