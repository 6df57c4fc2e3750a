"""Reads of an IMR used in more than one place: its draft sections, the report as one
document (for a submission, the page and the PDF) and the checks before submission."""

from dataclasses import dataclass

from django.urls import reverse

from imr import checks, template
from imr.entry_parsing import FuzzyDate, Precision, display_time
from imr.models import ChronologyEntry, GlossaryEntry, Imr, ImrSection, Part, Section
from panel.models import TermsOfReference
from scr.dates import chronology_order
from scr.deadlines import calendar
from scr.names import initials

# The chronology's order (Appendix C section 3; scr.dates.chronology_order), then the
# author's own order for entries of one day.
ENTRY_ORDER = chronology_order("position", "pk")


def ordered_entries(imr: Imr):
    return imr.entries.order_by(*ENTRY_ORDER)


def section_row(imr: Imr, key: str) -> ImrSection | None:
    return ImrSection.objects.filter(imr=imr, key=key).first()


def section_data(imr: Imr, key: str) -> dict:
    row = section_row(imr, key)
    return dict(row.data) if row else {}


def family_default(imr: Imr) -> dict:
    """Section 2 starts from what the case knows of the adult."""
    case = imr.case
    return {
        "subject": {
            "name": case.subject_name,
            "dob": case.subject_date_of_birth.isoformat() if case.subject_date_of_birth else "",
            "dod": case.subject_date_of_death.isoformat() if case.subject_date_of_death else "",
            "address": "",
            "ethnicity": "",
        },
        "people": [],
        "other_addresses": "",
    }


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
        "family": section_data(imr, Section.FAMILY) or family_default(imr),
        "chronology": [entry_dict(e) for e in ordered_entries(imr)],
        "glossary": [
            {"code": g.code, "meaning": g.meaning, "kind": g.kind}
            for g in imr.glossary.order_by("kind", "code")
        ],
    }
    if part == Part.REPORT:
        for key in (Section.INTRODUCTION, Section.ANALYSIS, Section.LESSONS, Section.ACTION_PLAN):
            content[str(key)] = section_data(imr, key)
    return content


# What the report's pages show of a content dict (the submitted version, the preview).


def uk_date(iso: str) -> str:
    """'2025-02-03' as 03/02/2025 for people to read; '' stays ''."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _with_dates(person: dict) -> dict:
    return {**person, "dob": uk_date(person.get("dob", "")), "dod": uk_date(person.get("dod", ""))}


def content_sections(content: dict) -> dict:
    """Labelled rows of a content dict for templates, which only loop and print."""
    intro = content.get("introduction") or {}
    analysis = content.get("analysis") or {}
    lessons = content.get("lessons") or {}
    plan = content.get("action_plan") or {}
    family = content.get("family") or {}
    people = [
        {
            **_with_dates(person),
            "relationship_label": template.RELATIONSHIP_LABELS.get(person.get("relationship"), ""),
        }
        for person in family.get("people", [])
    ]
    return {
        "sources": [template.SOURCE_LABELS.get(k, k) for k in intro.get("sources", [])],
        "intro": intro,
        "subject_dob": uk_date(content.get("case", {}).get("subject_dob", "")),
        "family_subject": _with_dates(family.get("subject", {})),
        "family_people": people,
        "other_addresses": family.get("other_addresses", ""),
        "analysis": [
            (
                p,
                (analysis.get(p.key) or {}).get("text", ""),
                (analysis.get(p.key) or {}).get("terms", []),
            )
            for p in template.ANALYSIS_PROMPTS
        ],
        "lessons": [(p, lessons.get(p.key, "")) for p in template.LESSON_PROMPTS],
        "plan": plan,
        "plan_lead": [
            (label, (plan.get("lead") or {}).get(k, "")) for k, label in template.CONTACT_FIELDS
        ],
        "plan_named": [
            (label, (plan.get("named") or {}).get(k, ""))
            for k, label in template.CONTACT_FIELDS
            if (plan.get("named") or {}).get(k)
        ],
        "recommendations": [
            {
                **rec,
                "actions": [
                    {**a, "date": uk_date(a.get("date", ""))} for a in rec.get("actions", [])
                ],
            }
            for rec in plan.get("recommendations", [])
        ],
    }


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
    intro = section_data(imr, Section.INTRODUCTION)
    url = reverse("imr:section-edit", args=[ref, agency, Section.INTRODUCTION])
    for name, label in (("other_sources", "Other sources"), ("notes", "Introduction")):
        if intro.get(name):
            fields.append(checks.TextField(f"Section 1: {label}", intro[name], url))
    analysis = section_data(imr, Section.ANALYSIS)
    url = reverse("imr:section-edit", args=[ref, agency, Section.ANALYSIS])
    for prompt in template.ANALYSIS_PROMPTS:
        text = (analysis.get(prompt.key) or {}).get("text", "")
        if text:
            fields.append(checks.TextField(f"Section 4 ({prompt.ref})", text, url))
    lessons = section_data(imr, Section.LESSONS)
    url = reverse("imr:section-edit", args=[ref, agency, Section.LESSONS])
    for prompt in template.LESSON_PROMPTS:
        if lessons.get(prompt.key):
            fields.append(checks.TextField(f"Section 5 ({prompt.ref})", lessons[prompt.key], url))
    plan = section_data(imr, Section.ACTION_PLAN)
    for number, rec in enumerate(plan.get("recommendations", []), 1):
        url = reverse("imr:recommendation-edit", args=[ref, agency, rec["id"]])
        fields.append(checks.TextField(f"Section 6: recommendation {number}", rec["text"], url))
        for sub, action in enumerate(rec.get("actions", []), 1):
            for name in ("text", "evidence", "outcome"):
                if action.get(name):
                    fields.append(
                        checks.TextField(
                            f"Section 6: action {number}.{sub} ({name})", action[name], url
                        )
                    )
    return fields


def known_names(imr: Imr) -> list[tuple[str, str]]:
    """Names that must not appear in the text: workers from the glossary, the family."""
    names = [
        (g.worker_name, "a worker's name in your glossary")
        for g in imr.glossary.filter(kind=GlossaryEntry.Kind.WORKER).exclude(worker_name="")
    ]
    family = section_data(imr, Section.FAMILY) or family_default(imr)
    for person in [family.get("subject", {}), *family.get("people", [])]:
        if person.get("name"):
            names.append((person["name"], "a family member's name"))
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


def _blank(value) -> bool:
    return not str(value or "").strip()


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
    problems = []
    family = section_data(imr, Section.FAMILY)
    if _blank((family.get("subject") or {}).get("name")):
        problems.append(Problem(Section.FAMILY, "Section 2: confirm the family composition"))
    if not imr.entries.exists():
        problems.append(Problem(Section.CHRONOLOGY, "Section 3: add the chronology"))
    for gap in gaps:
        problems.append(
            Problem(
                Section.CHRONOLOGY,
                f"Section 3: no contact from {gap.start:%d/%m/%y} to {gap.end:%d/%m/%y}: add "
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
    intro = section_data(imr, Section.INTRODUCTION)
    if not intro.get("sources") and _blank(intro.get("other_sources")):
        problems.append(
            Problem(Section.INTRODUCTION, "Section 1: list the sources of information used")
        )
    analysis = section_data(imr, Section.ANALYSIS)
    for prompt in template.ANALYSIS_PROMPTS:
        if _blank((analysis.get(prompt.key) or {}).get("text")):
            problems.append(Problem(Section.ANALYSIS, f"Section 4: answer {prompt.ref}"))
    lessons = section_data(imr, Section.LESSONS)
    for prompt in template.LESSON_PROMPTS:
        if _blank(lessons.get(prompt.key)):
            problems.append(Problem(Section.LESSONS, f"Section 5: answer {prompt.ref}"))
    problems.extend(action_plan_problems(section_data(imr, Section.ACTION_PLAN)))
    return problems


def action_plan_problems(plan: dict, today=None) -> list[Problem]:
    """Section 6 and the template's guidance: a lead person, and SMART actions (a date
    in the future, an outcome and the evidence stated)."""
    today = today or calendar.today()
    problems = []
    lead = plan.get("lead") or {}
    if _blank(lead.get("name")) or _blank(lead.get("email")):
        problems.append(
            Problem(Section.ACTION_PLAN, "Section 6: give the lead person's name and email")
        )
    recommendations = plan.get("recommendations") or []
    if not recommendations:
        problems.append(Problem(Section.ACTION_PLAN, "Section 6: add at least one recommendation"))
    for number, rec in enumerate(recommendations, 1):
        actions = rec.get("actions") or []
        if not actions:
            problems.append(
                Problem(
                    Section.ACTION_PLAN, f"Section 6: recommendation {number} needs a key action"
                )
            )
        for sub, action in enumerate(actions, 1):
            label = f"Section 6: action {number}.{sub}"
            if _blank(action.get("outcome")):
                problems.append(Problem(Section.ACTION_PLAN, f"{label} needs its key outcome"))
            if _blank(action.get("evidence")):
                problems.append(Problem(Section.ACTION_PLAN, f"{label} needs its evidence"))
            due = action.get("date") or ""
            if not due:
                problems.append(Problem(Section.ACTION_PLAN, f"{label} needs a completion date"))
            elif due <= today.isoformat():
                problems.append(
                    Problem(
                        Section.ACTION_PLAN, f"{label}: the completion date must be in the future"
                    )
                )
    return problems


# A saved revision, for people to read (the version history).

_LABELS = {
    **{p.key: f"{p.ref}: {p.question}" for p in template.ANALYSIS_PROMPTS},
    **{p.key: f"{p.ref}: {p.question}" for p in template.LESSON_PROMPTS},
    **dict(template.CONTACT_FIELDS),
    "sources": "Sources of information",
    "other_sources": "Other sources",
    "notes": "Introduction",
    "subject": "The adult",
    "people": "Family and others",
    "other_addresses": "Other addresses on file",
    "dob": "Date of birth",
    "dod": "Date of death",
    "ethnicity": "Ethnicity",
    "relationship": "Relationship",
    "relationship_detail": "Relationship (detail)",
    "lead": "Lead person",
    "named": "Named person",
    "recommendations": "Recommendations",
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
