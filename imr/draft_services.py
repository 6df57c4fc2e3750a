"""Every write to an IMR's draft: its sections (as imr/sections.py defines them), the
items of their lists, chronology entries, glossary and the name check's confirmations.
Only the author writes, and only while the draft is open (Imr.EDITABLE). Every change
leaves an ImrRevision; a save made from an older revision than the one stored is refused
with a Conflict, so two authors never silently overwrite each other."""

import copy
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from imr import access as imr_access
from imr import sections
from imr.entry_parsing import FuzzyDate
from imr.models import ChronologyEntry, GlossaryEntry, Imr, ImrRevision, ImrSection, Section
from imr.sections import Items, SectionDefinition
from imr.selectors import entry_dict, terms_of_reference
from imr.services import case_still_open, imr_changed, imr_started
from scr.audit.services import field_values
from scr.drafting import Conflict

MAX_ENTRIES = 5000


def _draft(by, case_id: int, agency_id: int) -> Imr:
    """The IMR, locked, if `by` is its author and the draft is open."""
    _, imr, roles = imr_access.imr_for_user(by, case_id, agency_id, lock=True)
    if not imr_access.is_imr_author(roles):
        raise PermissionDenied
    case_still_open(imr)
    if not imr.editable:
        raise ValidationError(
            f"This review is ‘{imr.status_label}’: the draft cannot be changed now."
        )
    return imr


def _entry_values(entry: ChronologyEntry) -> dict:
    values = entry_dict(entry)
    del values["sort_date"]  # the same date again
    return values


def _history(imr, by, section, action, revision, data, entry_id=None) -> None:
    ImrRevision.objects.create(
        imr=imr,
        section=section,
        entry_id=entry_id,
        action=action,
        revision=revision,
        data=data,
        by=by,
    )


def _section_for_update(imr: Imr, definition: SectionDefinition) -> ImrSection:
    """The section's row, locked; made with the data a section starts from if none."""
    section, _ = ImrSection.objects.select_for_update().get_or_create(
        imr=imr, key=definition.key, defaults={"data": definition.default(imr)}
    )
    return section


def _check_data(form: type, data: dict, kwargs: dict) -> None:
    """`data` is the cleaned data of `form`, or some of it (the definition says what a
    missing field means). A key the form does not have is the caller's mistake."""
    unknown = set(data) - set(form(**kwargs).fields)
    if unknown:
        raise ValueError(f"{form.__name__} has no field {', '.join(sorted(unknown))}")


def _section_save(imr: Imr, by, section: ImrSection, data: dict) -> ImrSection:
    """Store the section's new data, its revision and the history of the change."""
    before = section.data
    section.data = data
    section.revision += 1
    section.updated_by = by
    section.updated_at = timezone.now()
    section.save(update_fields=["data", "revision", "updated_by", "updated_at"])
    _history(imr, by, section.key, ImrRevision.Action.SAVED, section.revision, section.data)
    imr_changed(imr, by, section, f"section {section.key}", before, section.data)
    imr_started(imr, by=by)
    return section


def _written(key: str) -> SectionDefinition:
    definition = sections.definition(key)
    if definition.rows:
        raise ValueError("Chronology entries are saved one by one")
    return definition


@transaction.atomic
def imr_section_update(
    *, case_id: int, agency_id: int, by, section: str, data: dict, revision: int | None
) -> ImrSection:
    """Save the form of a written section of the draft (imr/sections.py): `data` is the
    cleaned data of the section's form, stored as its definition says (its `store`).
    `revision` is the one the form was opened at (a save from an older one is refused
    with a Conflict); None saves over the latest. Needs the author, and an open draft."""
    definition = _written(section)
    imr = _draft(by, case_id, agency_id)
    _check_data(definition.form, data, definition.form_kwargs([]))
    row = _section_for_update(imr, definition)
    if revision is not None and revision != row.revision:
        raise Conflict(by=row.updated_by, at=row.updated_at)
    # A copy: the definition builds new data, but the change history needs the old intact.
    return _section_save(imr, by, row, definition.store(copy.deepcopy(row.data), data))


def _items(key: str) -> tuple[SectionDefinition, Items]:
    definition = _written(key)
    if definition.items is None:
        raise ValueError(f"{definition.title} has no list of items")
    return definition, definition.items


@transaction.atomic
def imr_section_item_save(
    *,
    case_id: int,
    agency_id: int,
    by,
    section: str,
    data: dict,
    item_id: str | None = None,
    revision: int | None = None,
) -> dict:
    """Save one item of a section's list (a person of section 2, a recommendation of
    section 6): `data` is the cleaned data of the item's form. A new item (no `item_id`)
    goes last with an id of its own, and cannot overwrite anyone, so `revision` is not
    checked; a change replaces the item with `item_id` (or adds it, if gone meanwhile),
    refused with a Conflict if the section changed since `revision`. Returns the item."""
    definition, items = _items(section)
    imr = _draft(by, case_id, agency_id)
    _check_data(items.form, data, {})
    row = _section_for_update(imr, definition)
    if item_id is not None and revision is not None and revision != row.revision:
        raise Conflict(by=row.updated_by, at=row.updated_at)
    item = {"id": item_id or uuid.uuid4().hex[:12], **items.store(data)}
    old = copy.deepcopy(row.data)
    current = old.get(items.name, [])
    if any(i.get("id") == item["id"] for i in current):
        new = [item if i.get("id") == item["id"] else i for i in current]
    else:
        new = [*current, item]
    _section_save(imr, by, row, {**old, items.name: new})
    return item


@transaction.atomic
def imr_section_item_remove(
    *, case_id: int, agency_id: int, by, section: str, item_id: str, revision: int | None
) -> ImrSection:
    """Take one item out of a section's list; refused with a Conflict if the section
    changed since `revision` (None: the latest)."""
    definition, items = _items(section)
    imr = _draft(by, case_id, agency_id)
    row = _section_for_update(imr, definition)
    if revision is not None and revision != row.revision:
        raise Conflict(by=row.updated_by, at=row.updated_at)
    old = copy.deepcopy(row.data)
    kept = [i for i in old.get(items.name, []) if i.get("id") != item_id]
    return _section_save(imr, by, row, {**old, items.name: kept})


@dataclass
class EntryValues:
    date: FuzzyDate
    time: time | None
    source: str
    subject: str
    event: str
    expected_practice: str = ""
    term_numbers: list[int] | None = None
    relevance_note: str = ""
    explains_gap: bool = False


def _check_terms(imr: Imr, numbers: Iterable[int]) -> list[int]:
    known = {t["number"] for t in terms_of_reference(imr.case)[0]}
    numbers = sorted(set(numbers or []))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise ValidationError(
            {"term_numbers": f"There is no term {unknown[0]} in the terms of reference"}
        )
    return numbers


def _check_lengths(values: EntryValues) -> None:
    """The limits of ChronologyEntry, for every caller: the form says it first, an import
    per cell, and nothing longer is ever stored (an export could not hold it)."""
    errors = {
        field: f"Keep this to {ChronologyEntry.TEXT_MAX_CHARACTERS:,} characters: it has "
        f"{len(getattr(values, field).strip()):,}"
        for field in ChronologyEntry.LONG_TEXTS
        if len(getattr(values, field).strip()) > ChronologyEntry.TEXT_MAX_CHARACTERS
    }
    if len(values.subject.strip()) > ChronologyEntry.SUBJECT_MAX_CHARACTERS:
        errors["subject"] = (
            f"Keep the subject of recording to {ChronologyEntry.SUBJECT_MAX_CHARACTERS} "
            "characters: initials, such as HQM"
        )
    if errors:
        raise ValidationError(errors)


def _apply(entry: ChronologyEntry, values: EntryValues, numbers: list[int]) -> None:
    entry.date = values.date.value
    entry.date_precision = str(values.date.precision)
    entry.date_uncertain = values.date.uncertain
    entry.time = values.time
    entry.source = values.source.strip()
    entry.subject = values.subject.strip()
    entry.event = values.event.strip()
    entry.expected_practice = values.expected_practice.strip()
    entry.term_numbers = numbers
    entry.relevance_note = values.relevance_note.strip()
    entry.explains_gap = values.explains_gap


def _next_position(imr: Imr, day) -> int:
    last = imr.entries.filter(date=day).aggregate(p=Max("position"))["p"]
    return 0 if last is None else last + 1


@transaction.atomic
def chronology_entry_save(
    *,
    case_id: int,
    agency_id: int,
    by,
    values: EntryValues,
    entry_id: int | None = None,
    revision: int | None = None,
) -> ChronologyEntry:
    """Add an entry to the chronology (11.1), or change one the author opened at
    `revision`. A new entry goes last among the same day's entries."""
    imr = _draft(by, case_id, agency_id)
    numbers = _check_terms(imr, values.term_numbers)
    _check_lengths(values)
    if entry_id is None:
        if imr.entries.count() >= MAX_ENTRIES:
            raise ValidationError(f"A chronology holds at most {MAX_ENTRIES:,} entries.")
        entry = ChronologyEntry(imr=imr, updated_by=by, revision=0)
        action = ImrRevision.Action.ADDED
    else:
        entry = ChronologyEntry.objects.select_for_update().filter(pk=entry_id, imr=imr).first()
        if entry is None:
            raise ValidationError("That entry is no longer in the chronology.")
        if revision is not None and revision != entry.revision:
            raise Conflict(by=entry.updated_by, at=entry.updated_at)
        action = ImrRevision.Action.CHANGED
    before = _entry_values(entry) if entry_id is not None else {}
    old_date = entry.date if entry_id else None
    _apply(entry, values, numbers)
    if entry_id is None or old_date != entry.date:
        entry.position = _next_position(imr, entry.date)
    entry.revision += 1
    entry.updated_by = by
    entry.updated_at = timezone.now()
    entry.save()
    _history(imr, by, Section.CHRONOLOGY, action, entry.revision, entry_dict(entry), entry.pk)
    imr_changed(imr, by, entry, f"chronology entry {entry.pk}", before, _entry_values(entry))
    imr_started(imr, by=by)
    return entry


@transaction.atomic
def chronology_entry_remove(
    *, case_id: int, agency_id: int, by, entry_id: int, revision: int | None
) -> None:
    """Take an entry out of the draft. Its history stays, and any submitted version
    that holds it is untouched."""
    imr = _draft(by, case_id, agency_id)
    entry = ChronologyEntry.objects.select_for_update().filter(pk=entry_id, imr=imr).first()
    if entry is None:
        return
    if revision is not None and revision != entry.revision:
        raise Conflict(by=entry.updated_by, at=entry.updated_at)
    _history(
        imr,
        by,
        Section.CHRONOLOGY,
        ImrRevision.Action.REMOVED,
        entry.revision + 1,
        entry_dict(entry),
        entry.pk,
    )
    imr_changed(imr, by, entry, f"chronology entry {entry.pk}", _entry_values(entry), {})
    entry.delete()


@transaction.atomic
def chronology_entry_move(
    *, case_id: int, agency_id: int, by, entry_id: int, up: bool
) -> ChronologyEntry:
    """Move an entry before (up) or after the one beside it among the same day's
    entries without times: the author's order where the clock cannot give one."""
    imr = _draft(by, case_id, agency_id)
    entry = ChronologyEntry.objects.select_for_update().filter(pk=entry_id, imr=imr).first()
    if entry is None:
        raise ValidationError("That entry is no longer in the chronology.")
    if entry.time is not None:
        raise ValidationError("Entries with a time are ordered by it.")
    same_day = list(
        imr.entries.select_for_update()
        .filter(date=entry.date, date_precision=entry.date_precision, time=None)
        .order_by("position", "pk")
    )
    index = next(i for i, e in enumerate(same_day) if e.pk == entry.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(same_day):
        return entry
    same_day[index], same_day[other] = same_day[other], same_day[index]
    for position, row in enumerate(same_day):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    _history(
        imr,
        by,
        Section.CHRONOLOGY,
        ImrRevision.Action.CHANGED,
        entry.revision,
        {"moved": "up" if up else "down"},
        entry.pk,
    )
    return entry


@transaction.atomic
def chronology_import(*, case_id: int, agency_id: int, by, rows: list) -> int:
    """Add the rows of a spreadsheet (imr.spreadsheet.read_chronology, which has already
    refused the whole file if any row was wrong) to the chronology. All or nothing."""
    imr = _draft(by, case_id, agency_id)
    if imr.entries.count() + len(rows) > MAX_ENTRIES:
        raise ValidationError(f"A chronology holds at most {MAX_ENTRIES:,} entries.")
    known = {t["number"] for t in terms_of_reference(imr.case)[0]}
    # Where each day's new entries go: after the day's last, one query for every day (a
    # query per day was 5,000 queries for a year-per-row file).
    positions = {
        row["date"]: row["last"] + 1
        for row in imr.entries.values("date").annotate(last=Max("position")).order_by()
    }
    now = timezone.now()
    entries = []
    for row in rows:
        unknown = [n for n in row.term_numbers if n not in known]
        if unknown:
            raise ValidationError(
                f"Row {row.row_number}: there is no term {unknown[0]} in the terms of reference."
            )
        day = row.date.value
        positions.setdefault(day, 0)
        entry = ChronologyEntry(imr=imr, updated_by=by, updated_at=now, revision=1)
        _apply(entry, row, sorted(set(row.term_numbers)))
        entry.position = positions[day]
        positions[day] += 1
        entries.append(entry)
    ChronologyEntry.objects.bulk_create(entries, batch_size=500)
    _history(
        imr,
        by,
        Section.CHRONOLOGY,
        ImrRevision.Action.IMPORTED,
        len(entries),
        {"rows": len(entries)},
    )
    imr_started(imr, by=by)
    return len(entries)


@transaction.atomic
def glossary_entry_save(
    *,
    case_id: int,
    agency_id: int,
    by,
    kind: str,
    code: str,
    meaning: str,
    worker_name: str = "",
    entry_id: int | None = None,
) -> GlossaryEntry:
    """Add or change a code (SW1: social worker) or an abbreviation in the agency's
    private glossary. A worker's name stays here and never enters the report."""
    imr = _draft(by, case_id, agency_id)
    code = code.strip()
    errors = {}
    if not code:
        errors["code"] = "Enter the code or abbreviation"
    if not meaning.strip():
        errors["meaning"] = (
            "Enter the worker's role"
            if kind == GlossaryEntry.Kind.WORKER
            else f"Say what {code or 'the abbreviation'} stands for"
        )
    clash = imr.glossary.filter(code__iexact=code).exclude(pk=entry_id).exists()
    if code and clash:
        errors["code"] = f"{code} is already in the glossary"
    if errors:
        raise ValidationError(errors)
    glossary_fields = ["kind", "code", "meaning", "worker_name"]
    if entry_id is None:
        entry = GlossaryEntry(imr=imr)
        before = {}
    else:
        entry = imr.glossary.filter(pk=entry_id).first()
        if entry is None:
            raise ValidationError("That glossary entry is no longer there.")
        before = field_values(entry, glossary_fields)
    entry.kind = GlossaryEntry.Kind(kind)
    entry.code = code
    entry.meaning = meaning.strip()
    entry.worker_name = worker_name.strip() if kind == GlossaryEntry.Kind.WORKER else ""
    entry.save()
    _history(
        imr,
        by,
        "glossary",
        ImrRevision.Action.SAVED,
        1,
        {"code": code, "kind": str(kind), "meaning": entry.meaning},
    )
    imr_changed(imr, by, entry, f"glossary {code}", before, field_values(entry, glossary_fields))
    imr_started(imr, by=by)
    return entry


@transaction.atomic
def glossary_entry_remove(*, case_id: int, agency_id: int, by, entry_id: int) -> None:
    imr = _draft(by, case_id, agency_id)
    entry = imr.glossary.filter(pk=entry_id).first()
    if entry is not None:
        # Kept, out of sight: an older version may use the code (nothing is deleted).
        entry.removed_at = timezone.now()
        entry.save(update_fields=["removed_at"])
        _history(
            imr,
            by,
            "glossary",
            ImrRevision.Action.REMOVED,
            1,
            {"code": entry.code, "meaning": entry.meaning},
        )
        imr_changed(imr, by, entry, f"glossary {entry.code}", {"removed": False}, {"removed": True})


@transaction.atomic
def name_confirm(*, case_id: int, agency_id: int, by, word: str) -> None:
    """The author confirms a word the name check found is not a person's name."""
    imr = _draft(by, case_id, agency_id)
    word = " ".join(word.split())[:200]
    if word:
        imr.name_confirmations.get_or_create(word=word, defaults={"confirmed_by": by})
