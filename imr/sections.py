"""The sections of an IMR (Appendix C), each defined once.

A definition says what a section is (its key and title, where the procedure asks for it),
what it stores (the keys of ImrSection.data it holds, with their labels), the form its page
validates, how the cleaned data of that form becomes what is stored, what the checks before
submission ask of it and which of its texts they read, and what the report (the pages and
the PDF) shows of it. The section's page (imr/draft_views.py), the services
(imr/draft_services.py), the checks (imr.selectors.imr_checks) and the report
(imr.selectors.content_sections, the PDF of imr/documents.py) all read from here.

Section 3, the chronology, is a table of ChronologyEntry rows saved one by one
(imr/draft_services.py chronology_entry_save); its definition names its columns and form.
Sections 2 and 6 hold a list each (the family's people, the recommendations) whose items
are saved one at a time from their own page (Items).
"""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django import forms

from imr import template
from imr.forms import (
    ACTION_ROWS,
    AnalysisForm,
    ContactsForm,
    EntryForm,
    FamilySubjectForm,
    IntroductionForm,
    LessonsForm,
    PersonForm,
    RecommendationForm,
)
from imr.models import ChronologyEntry, Imr, Part, Section
from scr.deadlines import calendar


def _text(value) -> str:
    return (value or "").strip()


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def uk_date(iso: str) -> str:
    """'2025-02-03' as 03/02/2025 for people to read; '' stays ''."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _blank(value) -> bool:
    return not str(value or "").strip()


@dataclass(frozen=True)
class Text:
    """A free text of a section that the checks read: where a reader finds it, and the
    item whose own page fixes it (a recommendation), or '' for the section's page."""

    location: str
    text: str
    item_id: str = ""


def contacts_initial(people: dict) -> dict:
    """Section 6's lead and named person (template.CONTACT_PEOPLE), {"lead": {...},
    "named": {...}}, as the initial data of a ContactsForm; an agency's action plan has
    the same two (actionplans/plan_views.py)."""
    return {
        f"{who}_{key}": (people.get(who) or {}).get(key, "")
        for who, _ in template.CONTACT_PEOPLE
        for key, _ in template.CONTACT_FIELDS
    }


def contacts_from_form(cleaned: dict) -> dict:
    """A ContactsForm's cleaned data as {"lead": {...}, "named": {...}}."""
    return {
        who: {key: _text(cleaned.get(f"{who}_{key}")) for key, _ in template.CONTACT_FIELDS}
        for who, _ in template.CONTACT_PEOPLE
    }


@dataclass(frozen=True)
class Items:
    """A list of a section edited one item at a time on a page of its own: each item a
    dict with an "id" the service gives it."""

    name: str  # its key in the section's data
    form: type[forms.Form]
    url_name: str  # the item's page: args (reference, agency id, item id)

    def initial(self, item: dict) -> dict:
        """A stored item as its form's initial data."""
        raise NotImplementedError

    def store(self, cleaned: dict) -> dict:
        """The form's cleaned data as the item is stored (without its id)."""
        raise NotImplementedError


PERSON_FIELDS = ("relationship", "relationship_detail", "name", "dob", "address", "ethnicity")


class People(Items):
    def initial(self, item: dict) -> dict:
        initial = {name: item.get(name, "") for name in PERSON_FIELDS}
        return {**initial, "dob": _date(item.get("dob", ""))}

    def store(self, cleaned: dict) -> dict:
        return {
            name: _iso(cleaned.get(name)) if name == "dob" else _text(cleaned.get(name))
            for name in PERSON_FIELDS
        }


ACTION_COLUMNS = ("text", "evidence", "outcome", "date")


class Recommendations(Items):
    def initial(self, item: dict) -> dict:
        initial = {"text": item.get("text", "")}
        for n, action in enumerate(item.get("actions", []), 1):
            for column in ACTION_COLUMNS:
                value = action.get(column, "")
                initial[f"action_{n}_{column}"] = _date(value) if column == "date" else value
        return initial

    def store(self, cleaned: dict) -> dict:
        """The key actions are the rows whose action is filled in (1.1, 1.2 ...)."""
        actions = []
        for n in range(1, ACTION_ROWS + 1):
            if not _text(cleaned.get(f"action_{n}_text")):
                continue
            actions.append(
                {
                    "text": _text(cleaned.get(f"action_{n}_text")),
                    "evidence": _text(cleaned.get(f"action_{n}_evidence")),
                    "outcome": _text(cleaned.get(f"action_{n}_outcome")),
                    "date": _iso(cleaned.get(f"action_{n}_date")),
                }
            )
        return {"text": _text(cleaned.get("text")), "actions": actions}


@dataclass(frozen=True, eq=False)
class SectionDefinition:
    """One section of Appendix C. The methods take the section's stored data (a dict,
    {} for a section never saved) and say what each reader needs of it."""

    key: Section
    paragraph: str  # where the procedure asks for it
    part: Part  # the first submission that carries it
    fields: dict[str, str]  # what it stores: key -> label (the version history's)
    form: type[forms.Form]
    hint: str = ""  # the guidance above its form ('the notes in blue')
    items: Items | None = None
    # Saved as rows of its own, one by one, rather than as ImrSection.data.
    rows: ClassVar[bool] = False

    @property
    def title(self) -> str:
        return self.key.label

    def default(self, imr: Imr) -> dict:
        """The data of the section before its first save."""
        return {}

    def form_kwargs(self, terms: list[dict]) -> dict:
        """What its form needs beyond the data: the case's terms of reference."""
        return {}

    def initial(self, data: dict) -> dict:
        """The stored data as its form's initial data."""
        return {}

    def store(self, data: dict, cleaned: dict) -> dict:
        """The stored data once the form's cleaned data is saved over it."""
        raise NotImplementedError

    def problems(self, data: dict) -> list[str]:
        """What stops the author submitting, as the checks page says it."""
        return []

    def texts(self, data: dict) -> list[Text]:
        """The free texts the name and abbreviation checks read, in report order."""
        return []

    def report(self, data: dict) -> dict:
        """What the report shows of it, for templates (imr/_report.html and the PDF)."""
        return {}

    def page(self, data: dict) -> dict:
        """What its own page shows beside the form."""
        return {"hint": self.hint} if self.hint else {}


class Introduction(SectionDefinition):
    def initial(self, data: dict) -> dict:
        return {
            "sources": data.get("sources", []),
            "other_sources": data.get("other_sources", ""),
            "notes": data.get("notes", ""),
        }

    def store(self, data: dict, cleaned: dict) -> dict:
        return {
            **data,
            "sources": list(cleaned.get("sources") or []),
            "other_sources": cleaned.get("other_sources") or "",
            "notes": cleaned.get("notes") or "",
        }

    def problems(self, data: dict) -> list[str]:
        if not data.get("sources") and _blank(data.get("other_sources")):
            return ["Section 1: list the sources of information used"]
        return []

    def texts(self, data: dict) -> list[Text]:
        return [
            Text(f"Section 1: {label}", data[name])
            for name, label in (("other_sources", "Other sources"), ("notes", "Introduction"))
            if data.get(name)
        ]

    def report(self, data: dict) -> dict:
        return {
            "sources": [template.SOURCE_LABELS.get(k, k) for k in data.get("sources", [])],
            "intro": data,
        }


SUBJECT_FIELDS = ("name", "dob", "dod", "address", "ethnicity")


def _with_dates(person: dict) -> dict:
    return {**person, "dob": uk_date(person.get("dob", "")), "dod": uk_date(person.get("dod", ""))}


class Family(SectionDefinition):
    def default(self, imr: Imr) -> dict:
        """Section 2 starts from what the case knows of the adult."""
        case = imr.case
        return {
            "subject": {
                "name": case.subject_name,
                "dob": _iso(case.subject_date_of_birth),
                "dod": _iso(case.subject_date_of_death),
                "address": "",
                "ethnicity": "",
            },
            "people": [],
            "other_addresses": "",
        }

    def initial(self, data: dict) -> dict:
        subject = data.get("subject", {})
        return {
            "name": subject.get("name", ""),
            "dob": _date(subject.get("dob", "")),
            "dod": _date(subject.get("dod", "")),
            "address": subject.get("address", ""),
            "ethnicity": subject.get("ethnicity", ""),
            "other_addresses": data.get("other_addresses", ""),
        }

    def store(self, data: dict, cleaned: dict) -> dict:
        subject = {
            name: _iso(cleaned.get(name)) if name in ("dob", "dod") else _text(cleaned.get(name))
            for name in SUBJECT_FIELDS
        }
        return {
            **data,
            "subject": subject,
            "other_addresses": _text(cleaned.get("other_addresses")),
        }

    def problems(self, data: dict) -> list[str]:
        if _blank((data.get("subject") or {}).get("name")):
            return ["Section 2: confirm the family composition"]
        return []

    def names(self, data: dict) -> list[str]:
        """The names of the adult and of each person: never in the report's text."""
        people = [data.get("subject", {}), *data.get("people", [])]
        return [person["name"] for person in people if person.get("name")]

    def report(self, data: dict) -> dict:
        people = [
            {
                **_with_dates(person),
                "relationship_label": template.RELATIONSHIP_LABELS.get(
                    person.get("relationship"), ""
                ),
            }
            for person in data.get("people", [])
        ]
        return {
            "family_subject": _with_dates(data.get("subject", {})),
            "family_people": people,
            "other_addresses": data.get("other_addresses", ""),
        }

    def page(self, data: dict) -> dict:
        return {
            "people": data.get("people", []),
            "relationships": template.RELATIONSHIP_LABELS,
            "hint": self.hint,
        }


class Chronology(SectionDefinition):
    """Its rows are saved one by one (chronology_entry_save), and its checks (an entry at
    all, gaps in contact) read the rows: imr.selectors.imr_checks."""

    rows = True

    def store(self, data: dict, cleaned: dict) -> dict:
        raise ValueError("Chronology entries are saved one by one")


class Analysis(SectionDefinition):
    def form_kwargs(self, terms: list[dict]) -> dict:
        return {"terms": terms}

    def initial(self, data: dict) -> dict:
        initial = {}
        for prompt in template.ANALYSIS_PROMPTS:
            if prompt.key in data:
                answer = data[prompt.key] or {}
                initial[prompt.key] = answer.get("text", "")
                initial[f"{prompt.key}_terms"] = [str(n) for n in answer.get("terms", [])]
        return initial

    def store(self, data: dict, cleaned: dict) -> dict:
        """The answers in place of the old, each with the numbers of the terms of reference
        it answers. (The form gives every answer; a prompt `cleaned` leaves out stays
        unanswered.)"""
        return {
            p.key: {
                "text": _text(cleaned.get(p.key)),
                "terms": [int(n) for n in cleaned.get(f"{p.key}_terms") or []],
            }
            for p in template.ANALYSIS_PROMPTS
            if p.key in cleaned
        }

    def problems(self, data: dict) -> list[str]:
        return [
            f"Section 4: answer {prompt.ref}"
            for prompt in template.ANALYSIS_PROMPTS
            if _blank((data.get(prompt.key) or {}).get("text"))
        ]

    def texts(self, data: dict) -> list[Text]:
        found = []
        for prompt in template.ANALYSIS_PROMPTS:
            text = (data.get(prompt.key) or {}).get("text", "")
            if text:
                found.append(Text(f"Section 4 ({prompt.ref})", text))
        return found

    def report(self, data: dict) -> dict:
        return {
            "analysis": [
                (
                    p,
                    (data.get(p.key) or {}).get("text", ""),
                    (data.get(p.key) or {}).get("terms", []),
                )
                for p in template.ANALYSIS_PROMPTS
            ]
        }


class Lessons(SectionDefinition):
    def initial(self, data: dict) -> dict:
        return {p.key: data[p.key] for p in template.LESSON_PROMPTS if p.key in data}

    def store(self, data: dict, cleaned: dict) -> dict:
        """The answers in place of the old (a prompt `cleaned` leaves out: unanswered)."""
        return {p.key: _text(cleaned[p.key]) for p in template.LESSON_PROMPTS if p.key in cleaned}

    def problems(self, data: dict) -> list[str]:
        return [
            f"Section 5: answer {prompt.ref}"
            for prompt in template.LESSON_PROMPTS
            if _blank(data.get(prompt.key))
        ]

    def texts(self, data: dict) -> list[Text]:
        return [
            Text(f"Section 5 ({prompt.ref})", data[prompt.key])
            for prompt in template.LESSON_PROMPTS
            if data.get(prompt.key)
        ]

    def report(self, data: dict) -> dict:
        return {"lessons": [(p, data.get(p.key, "")) for p in template.LESSON_PROMPTS]}


class ActionPlan(SectionDefinition):
    def initial(self, data: dict) -> dict:
        return contacts_initial(data)

    def store(self, data: dict, cleaned: dict) -> dict:
        """The lead and named person; the recommendations are saved one by one."""
        return {**data, **contacts_from_form(cleaned)}

    def problems(self, data: dict) -> list[str]:
        """Section 6 and the template's guidance: a lead person, and SMART actions (a
        date in the future, an outcome and the evidence stated)."""
        today = calendar.today()
        problems = []
        lead = data.get("lead") or {}
        if _blank(lead.get("name")) or _blank(lead.get("email")):
            problems.append("Section 6: give the lead person's name and email")
        recommendations = data.get("recommendations") or []
        if not recommendations:
            problems.append("Section 6: add at least one recommendation")
        for number, rec in enumerate(recommendations, 1):
            actions = rec.get("actions") or []
            if not actions:
                problems.append(f"Section 6: recommendation {number} needs a key action")
            for sub, action in enumerate(actions, 1):
                label = f"Section 6: action {number}.{sub}"
                if _blank(action.get("outcome")):
                    problems.append(f"{label} needs its key outcome")
                if _blank(action.get("evidence")):
                    problems.append(f"{label} needs its evidence")
                due = action.get("date") or ""
                if not due:
                    problems.append(f"{label} needs a completion date")
                elif due <= today.isoformat():
                    problems.append(f"{label}: the completion date must be in the future")
        return problems

    def texts(self, data: dict) -> list[Text]:
        found = []
        for number, rec in enumerate(data.get("recommendations", []), 1):
            found.append(Text(f"Section 6: recommendation {number}", rec["text"], rec["id"]))
            for sub, action in enumerate(rec.get("actions", []), 1):
                for name in ("text", "evidence", "outcome"):
                    if action.get(name):
                        found.append(
                            Text(
                                f"Section 6: action {number}.{sub} ({name})",
                                action[name],
                                rec["id"],
                            )
                        )
        return found

    def report(self, data: dict) -> dict:
        lead, named = data.get("lead") or {}, data.get("named") or {}
        return {
            "plan": data,
            "plan_lead": [(label, lead.get(k, "")) for k, label in template.CONTACT_FIELDS],
            "plan_named": [
                (label, named.get(k, "")) for k, label in template.CONTACT_FIELDS if named.get(k)
            ],
            "recommendations": [
                {
                    **rec,
                    "actions": [
                        {**a, "date": uk_date(a.get("date", ""))} for a in rec.get("actions", [])
                    ],
                }
                for rec in data.get("recommendations", [])
            ],
        }

    def page(self, data: dict) -> dict:
        # Dates as people read them (dd/mm/yyyy), as in the report.
        return {"recommendations": self.report(data)["recommendations"], "hint": self.hint}


def _prompts(prompts) -> dict[str, str]:
    return {p.key: f"{p.ref}: {p.question}" for p in prompts}


INTRODUCTION = Introduction(
    key=Section.INTRODUCTION,
    paragraph="Appendix C section 1",
    part=Part.REPORT,
    fields={
        "sources": "Sources of information",
        "other_sources": "Other sources",
        "notes": "Introduction",
    },
    form=IntroductionForm,
)
FAMILY = Family(
    key=Section.FAMILY,
    paragraph="Appendix C section 2",
    part=Part.CHRONOLOGY,
    fields={
        "subject": "The adult",
        "people": "Family and others",
        "other_addresses": "Other addresses on file",
    },
    form=FamilySubjectForm,
    hint=template.FAMILY_HINT,
    items=People(name="people", form=PersonForm, url_name="imr:person-edit"),
)
CHRONOLOGY = Chronology(
    key=Section.CHRONOLOGY,
    paragraph="11.1; Appendix C section 3",
    part=Part.CHRONOLOGY,
    # Appendix C section 3's columns: each a field of its form and of ChronologyEntry.
    fields={
        name: str(ChronologyEntry._meta.get_field(name).verbose_name)
        for name in EntryForm.base_fields
        if name != "revision"
    },
    form=EntryForm,
    hint=template.CHRONOLOGY_HINT,
)
ANALYSIS = Analysis(
    key=Section.ANALYSIS,
    paragraph="11.2 and 11.3; Appendix C section 4",
    part=Part.REPORT,
    fields=_prompts(template.ANALYSIS_PROMPTS),
    form=AnalysisForm,
    hint=template.ANALYSIS_HINT,
)
LESSONS = Lessons(
    key=Section.LESSONS,
    paragraph="11.4; Appendix C section 5",
    part=Part.REPORT,
    fields=_prompts(template.LESSON_PROMPTS),
    form=LessonsForm,
    hint=template.LESSONS_HINT,
)
ACTION_PLAN = ActionPlan(
    key=Section.ACTION_PLAN,
    paragraph="11.5; Appendix C section 6",
    part=Part.REPORT,
    fields={
        "lead": "Lead person",
        "named": "Named person",
        "recommendations": "Recommendations",
    },
    form=ContactsForm,
    hint=template.ACTION_PLAN_HINT,
    items=Recommendations(
        name="recommendations", form=RecommendationForm, url_name="imr:recommendation-edit"
    ),
)

# In Appendix C's order.
SECTIONS = (INTRODUCTION, FAMILY, CHRONOLOGY, ANALYSIS, LESSONS, ACTION_PLAN)
BY_KEY = {definition.key.value: definition for definition in SECTIONS}
# The sections kept as ImrSection rows, each with a form of its own.
WRITTEN = tuple(definition for definition in SECTIONS if not definition.rows)


def definition(key: str) -> SectionDefinition:
    """The definition of a section by its key; ValueError for none."""
    return BY_KEY[Section(key).value]


def carried_by(part: str) -> tuple[SectionDefinition, ...]:
    """The written sections a submission of `part` carries: the chronology's, section 2;
    the full report's, all of them."""
    return tuple(d for d in WRITTEN if part == Part.REPORT or d.part == part)
