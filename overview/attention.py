"""The overview and executive summary's entries in 'Needs your attention' (13, 14, 15)."""

from django.urls import reverse

from overview import access as overview_access
from overview.models import ExecutiveSummary, Overview
from overview.services import reviews_all_accepted
from scr import access
from scr.attention import AttentionItem, register
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline

STAGES = (
    Stage.IMRS_IN_PROGRESS,
    Stage.OVERVIEW_IN_PROGRESS,
    Stage.WITH_BOARD,
    Stage.EXECUTIVE_SUMMARY,
    Stage.ACTION_PLANS,
)


@register
def overview_work(user):
    """The report to begin (coordinator), write (author) or receive (coordinator); the
    summary to write (author), agree (panel chair) or approve (chair). Six queries
    however many cases."""
    if not user.is_authenticated or not user.board_id:
        return
    cases = list(access.cases_visible_to(user, full=True).filter(stage__in=STAGES))
    if not cases:
        return
    perms = access.permissions_for_cases(user, cases)
    overviews = {o.case_id: o for o in Overview.objects.filter(case__in=cases)}
    summaries = {s.case_id: s for s in ExecutiveSummary.objects.filter(case__in=cases)}
    clocks = {
        d.case_id: d.due
        for d in Deadline.objects.live().filter(case__in=cases, kind=Deadline.Kind.OVERVIEW_REPORT)
    }
    beginning = [
        c
        for c in cases
        if c.stage == Stage.IMRS_IN_PROGRESS and overview_access.may_start_overview(perms[c.pk])
    ]
    ready = reviews_all_accepted(beginning) if beginning else set()
    for case in cases:
        yield from _items(
            case, perms[case.pk], overviews.get(case.pk), summaries.get(case.pk), clocks, ready
        )


def _items(case, perms, overview, summary, clocks, ready):
    reference = case.reference
    author = overview_access.may_write_overview(perms)
    if overview is None:
        if case.pk in ready and case.stage == Stage.IMRS_IN_PROGRESS:
            yield AttentionItem(
                case_reference=reference,
                title="Begin the overview report",
                url=reverse("overview:start", args=[reference]),
                due=clocks.get(case.pk),
                hint="Every management review is accepted (13.1)",
            )
        return
    if author and overview.editable:
        yield AttentionItem(
            case_reference=reference,
            title="Write the overview report",
            url=reverse("overview:overview-detail", args=[reference]),
            due=clocks.get(case.pk),
            hint="Due within 4 months of the review's start (13.2)",
        )
    if overview_access.may_record_receipt(perms) and overview.status == Overview.Status.WITH_BOARD:
        yield AttentionItem(
            case_reference=reference,
            title="Record the board's receipt of the overview report",
            url=reverse("overview:receipt", args=[reference]),
            hint="14 a to e",
        )
    if summary is None:
        if author and overview.status != Overview.Status.DRAFTING:
            yield AttentionItem(
                case_reference=reference,
                title="Write the executive summary",
                url=reverse("overview:overview-detail", args=[reference]),
                hint="15.1",
            )
        return
    url = reverse("overview:summary", args=[reference])
    status = ExecutiveSummary.Status
    if author and summary.status == status.DRAFTING:
        returned = bool(summary.panel_comments)
        yield AttentionItem(
            case_reference=reference,
            title="Change the executive summary" if returned else "Write the executive summary",
            url=url,
            hint="Returned with comments" if returned else "15.1",
        )
    if summary.status == status.WITH_PANEL and overview_access.may_agree_summary(perms):
        yield AttentionItem(
            case_reference=reference,
            title="Agree the executive summary for the panel",
            url=url,
            hint="15.2",
        )
    if summary.status == status.AGREED and overview_access.may_approve_summary(perms):
        yield AttentionItem(
            case_reference=reference,
            title="Approve the executive summary and set its release date",
            url=url,
            hint="15.2, 15.3"
            if case.stage != Stage.WITH_BOARD
            else "Once the board has received the report (14)",
        )
