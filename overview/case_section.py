"""The overview report and the executive summary on the case page (13, 14, 15)."""

from django.urls import reverse

from overview import access as overview_access
from overview.models import ExecutiveSummary, Overview
from overview.services import reviews_all_accepted
from scr.cases import sections
from scr.cases.stages import MAIN_ROUTE, Stage

# The report can begin once the reviews are under way; after that it stays on the page.
OVERVIEW_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.IMRS_IN_PROGRESS) :]


@sections.register
def overview_section(case, user, perms):
    if not overview_access.sees_overview_section(perms) or case.stage not in OVERVIEW_STAGES:
        return None
    overview = Overview.objects.filter(case=case).first()
    summary = ExecutiveSummary.objects.filter(case=case).first()
    readable = overview_access.may_read_overview(user, case, perms)
    may_start = (
        overview is None
        and overview_access.may_start_overview(perms)
        and case.stage == Stage.IMRS_IN_PROGRESS
        and case.pk in reviews_all_accepted([case])
    )
    summary_readable = summary is not None and overview_access.may_read_summary(
        user, case, summary, perms
    )
    if not (may_start or (overview and readable) or summary_readable):
        return None
    return "overview/_case_section.html", {
        "case": case,
        "overview": overview if readable else None,
        "may_start": may_start,
        "start_url": reverse("overview:start", args=[case.reference]),
        "summary": summary if summary_readable else None,
        "may_receive": overview is not None
        and overview_access.may_record_receipt(perms)
        and overview.status == Overview.Status.WITH_BOARD,
    }
