"""The overview report (STRICTLY CONFIDENTIAL) and the executive summary (PUBLIC) as PDFs:
render_document REF overview, render_document REF executive-summary."""

from django.http import Http404

from overview.models import ExecutiveSummary, Overview, OverviewSection
from overview.report_sections import lettered, report_sections
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.documents.registry import Classification, Document, register
from scr.names import initials


class NothingToPrint(Http404, LookupError):
    """A 404 on the web; a LookupError, which render_document reports as a clear error."""


def _overview(case) -> Overview:
    overview = Overview.objects.filter(case=case).select_related("case__board").first()
    if overview is None:
        raise NothingToPrint(f"Case {case.reference} has no overview report yet")
    return overview


def overview_context(overview: Overview) -> dict:
    """Everything the report prints, in the order of 13.4."""
    from imr.selectors import terms_of_reference
    from overview import chronology, family, timeline
    from overview.views import returned_versions

    case = overview.case
    texts = dict(overview.sections.values_list("key", "text"))
    rows = chronology.merged_rows(
        chronology.merged_entries(overview), previous=None, birth=chronology.subject_birth(overview)
    )
    items = chronology.place_gaps(
        rows, chronology.merged_gaps(overview), previous=None, last_page=True
    )
    Key = OverviewSection.Key
    members = family.family_members(overview)
    sections = report_sections(case)
    named = {key for key, _ in sections}
    appendices = [
        (key, f"Appendix {letter}: {label}")
        for letter, (key, label) in zip(
            "ABC",
            [
                (key, label)
                for key, label, needed in (
                    ("chronology", "Merged inter-agency chronology", Key.CHRONOLOGY),
                    ("timeline", "Timeline of agency contact", Key.CHRONOLOGY),
                    ("family", "Family tree", Key.FACTS),
                )
                if needed not in named
            ],
            strict=False,
        )
    ]
    return {
        "overview": overview,
        "texts": {key: texts.get(key, "") for key in Key.values},
        "labels": dict(sections),
        "sections": sections,
        "appendices": appendices,
        "wording": case.review_type.wording,
        "terms": terms_of_reference(case)[0],
        "items": items,
        "entry_count": len(rows),
        "timeline": timeline.build_timeline(overview),
        "tree": family.family_tree(overview, names=True, members=members),
        "people": family.family_people(members),
        "findings": overview.findings.prefetch_related("entries__agency"),
        "recommendations": overview.recommendations.prefetch_related("agencies"),
        "returned": returned_versions(case),
    }


# The case page lists the documents of its case: a query only where the stage allows one.
AFTER_OVERVIEW_BEGINS = MAIN_ROUTE[MAIN_ROUTE.index(Stage.OVERVIEW_IN_PROGRESS) :]


def _available_overview(case) -> bool:
    return case.stage in AFTER_OVERVIEW_BEGINS and Overview.objects.filter(case=case).exists()


def _capital(words: str) -> str:
    """'SAR report', 'Overview report': the first letter up, the rest as the type has it."""
    return words[:1].upper() + words[1:]


@register("overview", title="Overview report (13)", available=_available_overview, own_page=True)
def overview_report(case, **options) -> Document:
    overview = _overview(case)
    status = "" if overview.status != Overview.Status.DRAFTING else ", DRAFT"
    return Document(
        template="overview/documents/overview_by_type.html"
        if not lettered(case)
        else "overview/documents/overview.html",
        title=f"{_capital(case.review_type.wording['final_report'])}, {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        version=f"{overview.get_status_display().lower()}{status}",
        filename=f"{case.reference}-overview-report.pdf",
        context={
            "case": case,
            "board": case.board,
            "subject": initials(case.subject_name),
            "draft": overview.status == Overview.Status.DRAFTING,
            **overview_context(overview),
        },
    )


def _available_summary(case) -> bool:
    return (
        case.stage in AFTER_OVERVIEW_BEGINS and ExecutiveSummary.objects.filter(case=case).exists()
    )


# Its own page applies the summary's reading rules (the panel, the chair, the coordinator
# and the author before its release), which the case page's documents do not.
@register(
    "executive-summary",
    title="Executive summary (15, public)",
    available=_available_summary,
    own_page=True,
)
def executive_summary(case, **options) -> Document:
    """PUBLIC: nothing but the summary's own text, the board and the dates; the case's
    reference is the board's, not a person's."""
    summary = ExecutiveSummary.objects.filter(case=case).select_related("case__board").first()
    if summary is None:
        raise NothingToPrint(f"Case {case.reference} has no executive summary yet")
    released = summary.status == ExecutiveSummary.Status.RELEASED
    return Document(
        template="overview/documents/executive_summary.html",
        title=f"Serious Case Review {case.reference}: executive summary",
        classification=Classification.PUBLIC if released else "PUBLIC WHEN RELEASED",
        case_reference=case.reference,
        version="released" if released else f"draft {summary.revision}",
        filename=f"{case.reference}-executive-summary.pdf",
        context={
            "case": case,
            "board": case.board,
            "summary": summary,
            "released": released,
            "paragraphs": {
                "process": _paragraphs(summary.process),
                "key_issues": _paragraphs(summary.key_issues),
                "recommendations": _paragraphs(summary.recommendations),
            },
        },
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
