"""The overview report (13): its start from the accepted reviews, the author's writing,
findings and recommendations, and its submission to the board. The board's receipt
(14) is in overview/receipt_services.py, the executive summary (15) in
overview/summary_services.py."""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from imr import template as imr_template
from imr.models import Imr, ImrSubmission, Part
from imr.selectors import frozen_entry_date
from overview import access as overview_access
from overview.models import (
    FamilyMember,
    FamilyReport,
    Finding,
    Overview,
    OverviewEntry,
    OverviewSection,
    Recommendation,
)
from overview.report_sections import NOT_TEXT, lettered, report_sections, text_sections
from scr import access
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record, change_record, field_values
from scr.cases import services as case_services
from scr.cases import status
from scr.cases.models import CasePerm
from scr.cases.stages import Stage
from scr.drafting import Conflict

Key = OverviewSection.Key
# Sections the author must write before submitting (13.4); b, c, d and f are compiled
# by the service (and c and d may be edited), i and j are structured.
# Text sections a report may go to the board without: drafted by the service from the
# reviews (c, d), or optional commentary before the merged chronology (f). Every other
# text section of the case's report is required (13.4 a, e, g, h in the 2009 procedure).
OPTIONAL_TEXT = (Key.CONTRIBUTORS, Key.SOURCES, Key.CHRONOLOGY)


def overview_audit(overview: Overview, by, detail: str, action: str = Action.CHANGE) -> None:
    """One audit row per change of the report (ids and section keys, never content). The
    PDF's key is the last of these (overview.views.overview_pdf_key)."""
    audit_record(action=action, actor=by, obj=overview, board=overview.case.board, detail=detail)


def overview_changed(overview: Overview, by, obj, what: str, before: dict, after: dict) -> None:
    """The change history (scr.audit ChangeRecord): the fields that changed, before and
    after. The report's readers include the coordinator, who sees it in the admin."""
    change_record(
        obj=obj,
        by=by,
        board=overview.case.board,
        case_id=overview.case_id,
        before=before,
        after=after,
        label=f"{overview.case.reference} overview: {what}",
    )


def writable_overview(by, case_id: int | str, part: str = "it") -> Overview:
    """The case's overview, locked, for its author while it is being written: 404 for
    those who may not read it, 403 for readers, and a ValidationError once submitted
    (`part` names what cannot change: "its chronology")."""
    _, overview, perms = overview_access.overview_for_user(by, case_id, lock=True)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    if not overview.editable:
        raise ValidationError(
            f"The overview report is ‘{overview.status_label}’: {part} cannot change now."
        )
    return overview


# Starting: the accepted reviews, copied -------------------------------------------------


def accepted_versions(case) -> list[ImrSubmission]:
    """The accepted full report of each management review of the case, by agency."""
    versions = (
        ImrSubmission.objects.filter(
            imr__case=case, part=Part.REPORT, status=ImrSubmission.Status.ACCEPTED
        )
        .select_related("imr__agency")
        .order_by("imr__agency__name", "-number")
    )
    latest: dict[int, ImrSubmission] = {}
    for version in versions:
        latest.setdefault(version.imr_id, version)
    return list(latest.values())


def _date_parts(entry: dict) -> tuple[date, str, bool]:
    """A frozen chronology row's date: the first day it can mean, its precision and
    whether it is approximate (from 'sort_date' and the date as Appendix C shows it)."""
    # One reader of the frozen rows, old and new (imr.selectors.frozen_entry_date): a
    # month shown as mm/yyyy since issue 19, as mm/yy before.
    frozen = frozen_entry_date(entry)
    return frozen.value, frozen.precision, frozen.uncertain


def _time(text: str) -> time | None:
    return time.fromisoformat(text) if text else None


def _copy_chronology(overview: Overview, versions: list[ImrSubmission]) -> int:
    rows = []
    for version in versions:
        for index, entry in enumerate(version.content.get("chronology", [])):
            value, precision, uncertain = _date_parts(entry)
            rows.append(
                OverviewEntry(
                    overview=overview,
                    agency=version.imr.agency,
                    submission=version,
                    source_index=index,
                    date=value,
                    date_precision=precision,
                    date_uncertain=uncertain,
                    time=_time(entry.get("time", "")),
                    source=entry.get("source", ""),
                    subject=entry.get("subject", ""),
                    event=entry.get("event", ""),
                    expected_practice=entry.get("expected_practice", ""),
                    term_numbers=list(entry.get("terms", [])),
                    explains_gap=bool(entry.get("explains_gap")),
                )
            )
    OverviewEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _copy_family(overview: Overview, versions: list[ImrSubmission]) -> None:
    """Every agency's account of the family, one member per account; the adult is one
    person whoever reports them. The author merges the rest (overview/family_services.py)."""
    case = overview.case
    subject = FamilyMember.objects.create(
        overview=overview,
        is_subject=True,
        name=case.subject_name,
        date_of_birth=case.subject_date_of_birth,
        date_of_death=case.subject_date_of_death,
    )
    for version in versions:
        family = version.content.get("family") or {}
        reported = family.get("subject") or {}
        if reported:
            FamilyReport.objects.create(
                member=subject, agency=version.imr.agency, submission=version, data=reported
            )
            if not subject.address and reported.get("address"):
                subject.address = reported["address"]
            if not subject.ethnicity and reported.get("ethnicity"):
                subject.ethnicity = reported["ethnicity"]
            # The case may not hold the dates the agencies' records give.
            if subject.date_of_birth is None:
                subject.date_of_birth = _iso(reported.get("dob", ""))
            if subject.date_of_death is None:
                subject.date_of_death = _iso(reported.get("dod", ""))
        for person in family.get("people", []):
            member = FamilyMember.objects.create(
                overview=overview,
                name=(person.get("name") or "").strip() or "Unnamed",
                relationship=person.get("relationship", ""),
                relationship_detail=person.get("relationship_detail", ""),
                date_of_birth=_iso(person.get("dob", "")),
                date_of_death=_iso(person.get("dod", "")),
                address=person.get("address", ""),
                ethnicity=person.get("ethnicity", ""),
            )
            FamilyReport.objects.create(
                member=member, agency=version.imr.agency, submission=version, data=person
            )
    subject.save(update_fields=["address", "ethnicity", "date_of_birth", "date_of_death"])


def reviews_all_accepted(cases) -> set[int]:
    """13.1: the cases (of `cases`) with management reviews, every one accepted. One
    query."""
    counts = (
        Imr.objects.filter(case__in=cases)
        .values("case_id")
        .annotate(all=Count("pk"), accepted=Count("pk", filter=Q(status=Imr.Status.ACCEPTED)))
    )
    return {row["case_id"] for row in counts if row["all"] == row["accepted"]}


def contributors_text(versions: list[ImrSubmission]) -> str:
    """13.4 c compiled from the reviews: each agency, its author and countersigning
    director, one per line."""
    lines = []
    for version in versions:
        author = version.content.get("author") or {}
        director = version.content.get("director") or {}
        line = f"{version.imr.agency.name}: Individual Management Review"
        if author.get("designation"):
            line += f" by the {author['designation']}"
        if director.get("designation"):
            line += f", countersigned by the {director['designation']}"
        lines.append(line + ".")
    return "\n".join(lines)


def sources_text(versions: list[ImrSubmission]) -> str:
    """13.4 d compiled from each review's section 1: the sources each agency used."""
    lines = []
    for version in versions:
        intro = version.content.get("introduction") or {}
        sources = [imr_template.SOURCE_LABELS.get(k, k) for k in intro.get("sources", [])]
        if intro.get("other_sources"):
            sources.append(intro["other_sources"])
        if sources:
            lines.append(f"{version.imr.agency.name}: {'; '.join(sources)}.")
    return "\n".join(lines)


@transaction.atomic
def overview_start(*, case_id: int | str, by) -> Overview:
    """Begin the overview report (13.1) once every agency's review is accepted. Needs
    the coordinator. Copies the accepted chronologies and family compositions, drafts
    sections c and d from the reviews, and moves the case to 'Overview in progress'
    (the 4-month clock of 13.2 has run since the review was commissioned)."""
    case = access.case_for_user(by, case_id, CasePerm.MANAGE, lock=True)
    # A case moved on to 'Overview in progress' before this stage had its own screen has
    # no report yet: it begins here too, without moving the case again.
    already_there = case.stage == Stage.OVERVIEW_IN_PROGRESS
    if already_there and Overview.objects.filter(case=case).exists():
        raise ValidationError("The overview report has already begun.")
    if case.stage != Stage.IMRS_IN_PROGRESS and not already_there:
        raise ValidationError(
            f"The case is at ‘{case.stage_label}’: the overview report begins once the "
            "management reviews are in."
        )
    imrs = list(Imr.objects.filter(case=case).select_related("agency"))
    waiting = [imr.agency.name for imr in imrs if imr.status != Imr.Status.ACCEPTED]
    if not imrs:
        raise ValidationError("No management reviews were commissioned on this case.")
    if waiting:
        raise ValidationError(
            "13.1: the overview begins once each agency's review is accepted. Waiting for: "
            + ", ".join(waiting)
            + "."
        )
    overview = Overview.objects.create(case=case, started_by=by)
    versions = accepted_versions(case)
    count = _copy_chronology(overview, versions)
    _copy_family(overview, versions)
    now = timezone.now()
    for key, text in (
        (Key.CONTRIBUTORS, contributors_text(versions)),
        (Key.SOURCES, sources_text(versions)),
    ):
        OverviewSection.objects.create(
            overview=overview, key=key, text=text, revision=1, updated_by=by, updated_at=now
        )
    if not already_there:
        case_services.case_transition(
            case,
            "start_overview",
            by=by,
            note=f"{len(versions)} accepted reviews; {count} chronology entries merged.",
        )
    overview_audit(overview, by, "overview report begun", Action.CREATE)
    return overview


# Writing ------------------------------------------------------------------------------


@transaction.atomic
def overview_section_save(
    *, case_id: int | str, by, key: str, text: str, revision: int | None
) -> OverviewSection:
    """Save one section of 13.4. Needs the author while the report is being written.
    A save made from an older revision than the one stored raises Conflict."""
    overview = writable_overview(by, case_id)
    if key not in text_sections(overview.case):
        raise ValidationError("That section is not written as text in this report.")
    section, _ = OverviewSection.objects.select_for_update().get_or_create(
        overview=overview, key=key
    )
    if revision is not None and revision != section.revision:
        raise Conflict(by=section.updated_by, at=section.updated_at)
    before = section.text
    section.text = text.strip()
    section.revision += 1
    section.updated_by = by
    section.updated_at = timezone.now()
    section.save(update_fields=["text", "revision", "updated_by", "updated_at"])
    overview_changed(
        overview, by, section, f"section {key}", {"text": before}, {"text": section.text}
    )
    overview_audit(overview, by, f"section {key} saved")
    return section


def _terms(overview: Overview, numbers: list[int]) -> list[int]:
    from panel.models import Term

    known = set(
        Term.objects.filter(terms__case_id=overview.case_id).values_list("number", flat=True)
    )
    numbers = sorted({int(n) for n in numbers})
    if any(n not in known for n in numbers):
        raise ValidationError({"term_numbers": "Choose terms of reference of this review"})
    return numbers


FINDING_FIELDS = ["text", "term_numbers"]
RECOMMENDATION_FIELDS = ["text", "for_board", "term_numbers"]


def _finding_values(finding: Finding) -> dict:
    return {
        **field_values(finding, FINDING_FIELDS),
        "entries": sorted(finding.entries.values_list("pk", flat=True)),
    }


def _recommendation_values(rec: Recommendation) -> dict:
    return {
        **field_values(rec, RECOMMENDATION_FIELDS),
        "agencies": sorted(rec.agencies.values_list("pk", flat=True)),
    }


def _next_number(rows) -> int:
    return (rows.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def finding_save(
    *,
    case_id: int | str,
    by,
    text: str,
    term_numbers: list[int] = (),
    entry_ids: list[int] = (),
    finding_id: int | None = None,
) -> Finding:
    """Add or change a finding (13.4 i), citing the merged chronology's rows that support
    it. Needs the author while the report is being written."""
    overview = writable_overview(by, case_id)
    if not text.strip():
        raise ValidationError({"text": "Enter the finding"})
    terms = _terms(overview, list(term_numbers))
    entries = list(OverviewEntry.objects.filter(overview=overview, pk__in=list(entry_ids)))
    unknown = sorted(set(entry_ids) - {e.pk for e in entries})
    if unknown:
        refs = ", ".join(f"E{pk}" for pk in unknown)
        raise ValidationError({"entry_ids": f"No entry {refs} in this overview's chronology"})
    if finding_id is None:
        finding = Finding(overview=overview, number=_next_number(overview.findings))
    else:
        finding = Finding.objects.filter(overview=overview, pk=finding_id).first()
        if finding is None:
            raise ValidationError("That finding has been removed.")
    before = _finding_values(finding) if finding.pk else {}
    finding.text = text.strip()
    finding.term_numbers = terms
    finding.updated_by = by
    finding.updated_at = timezone.now()
    if finding.pk is None:
        finding.save()
    else:
        finding.save(update_fields=["text", "term_numbers", "updated_by", "updated_at"])
    finding.entries.set(entries)
    what = f"finding {finding.number}"
    overview_changed(overview, by, finding, what, before, _finding_values(finding))
    overview_audit(overview, by, f"finding {finding.number} saved")
    return finding


@transaction.atomic
def finding_remove(*, case_id: int | str, by, finding_id: int) -> None:
    """Remove a finding; the ones after it keep their numbers until renumbered here."""
    overview = writable_overview(by, case_id)
    finding = Finding.objects.filter(overview=overview, pk=finding_id).first()
    if finding is not None:
        what = f"finding {finding.number}"
        overview_changed(overview, by, finding, what, _finding_values(finding), {})
    deleted, _ = Finding.objects.filter(overview=overview, pk=finding_id).delete()
    if deleted:
        _renumber(overview.findings.order_by("number"))
        overview_audit(overview, by, "finding removed")


def _renumber(rows) -> None:
    # Two passes so the unique (overview, number) holds at every step.
    rows = list(rows)
    for index, row in enumerate(rows, start=1):
        row.number = 1000 + index
        row.save(update_fields=["number"])
    for index, row in enumerate(rows, start=1):
        row.number = index
        row.save(update_fields=["number"])


@transaction.atomic
def recommendation_save(
    *,
    case_id: int | str,
    by,
    text: str,
    for_board: bool = False,
    agency_ids: list[int] = (),
    term_numbers: list[int] = (),
    recommendation_id: int | None = None,
) -> Recommendation:
    """Add or change a recommendation (13.4 j): for named agencies of the board (one
    the review found should act, even if it wrote no review), for the board, or both.
    The action plan stage (16) starts from these."""
    overview = writable_overview(by, case_id)
    errors = {}
    if not text.strip():
        errors["text"] = "Enter the recommendation"
    agencies = list(Agency.objects.filter(board_id=overview.case.board_id, pk__in=agency_ids))
    if len(agencies) != len(set(agency_ids)):
        errors["agency_ids"] = "Choose agencies of this board"
    elif not agencies and not for_board:
        errors["agency_ids"] = "Choose the agencies the recommendation is for, or the board"
    if errors:
        raise ValidationError(errors)
    terms = _terms(overview, list(term_numbers))
    if recommendation_id is None:
        rec = Recommendation(overview=overview, number=_next_number(overview.recommendations))
    else:
        rec = Recommendation.objects.filter(overview=overview, pk=recommendation_id).first()
        if rec is None:
            raise ValidationError("That recommendation has been removed.")
    before = _recommendation_values(rec) if rec.pk else {}
    rec.text = text.strip()
    rec.for_board = for_board
    rec.term_numbers = terms
    rec.updated_by = by
    rec.updated_at = timezone.now()
    if rec.pk is None:
        rec.save()
    else:
        rec.save(update_fields=["text", "for_board", "term_numbers", "updated_by", "updated_at"])
    rec.agencies.set(agencies)
    what = f"recommendation {rec.number}"
    overview_changed(overview, by, rec, what, before, _recommendation_values(rec))
    overview_audit(overview, by, f"recommendation {rec.number} saved")
    return rec


@transaction.atomic
def recommendation_remove(*, case_id: int | str, by, recommendation_id: int) -> None:
    overview = writable_overview(by, case_id)
    rec = Recommendation.objects.filter(overview=overview, pk=recommendation_id).first()
    if rec is not None:
        what = f"recommendation {rec.number}"
        overview_changed(overview, by, rec, what, _recommendation_values(rec), {})
    deleted, _ = Recommendation.objects.filter(overview=overview, pk=recommendation_id).delete()
    if deleted:
        _renumber(overview.recommendations.order_by("number"))
        overview_audit(overview, by, "recommendation removed")


def overview_problems(overview: Overview) -> list[tuple[str, str]]:
    """What stops the report going to the board: (section key, message)."""
    texts = dict(overview.sections.values_list("key", "text"))
    sections = report_sections(overview.case)
    problems = [
        (key, f"Write section {label}")
        for key, label in sections
        if key not in (*NOT_TEXT, *OPTIONAL_TEXT) and not (texts.get(key) or "").strip()
    ]
    letters = lettered(overview.case)
    if not overview.findings.exists():
        problems.append(
            (Key.FINDINGS, "Record at least one finding" + (" (13.4 i)" if letters else ""))
        )
    if not overview.recommendations.exists():
        problems.append(
            (
                Key.RECOMMENDATIONS,
                "Make at least one recommendation" + (" (13.4 j)" if letters else ""),
            )
        )
    return problems


@transaction.atomic
def overview_submit(*, case_id: int | str, by) -> Overview:
    """Submit the report to the board (13.2, 14). Needs the author and a complete report.
    Meets the 4-month clock; the case moves to 'With the board'."""
    # The case first, then the report: the order every stage change takes its locks in.
    case = access.case_for_user(by, case_id, CasePerm.VIEW_STATUS, lock=True)
    overview = writable_overview(by, case.pk)
    problems = overview_problems(overview)
    if problems:
        raise ValidationError([message for _, message in problems])
    overview.submitted_by = by
    status.status_change(
        overview,
        "submit",
        by=by,
        fields=("submitted_at", "submitted_by"),
        detail="overview report submitted to the board",
        refused="The report has already been submitted.",
        case=case,
    )
    case_services.case_transition(case, "submit_overview", by=by)
    return overview
