"""Who may read and act on the overview report (13), its receipt (14) and the executive
summary (15), on the primitives of scr.access and the panel's rules."""

from django.http import Http404

from overview.models import ExecutiveSummary, Overview
from panel import access as panel_access
from scr import access
from scr.cases.models import Case, CasePerm

# The confidential report is read by its author, the panel, the coordinator and the
# board chair; the agencies read their own reviews, not the overview. (Who else may be
# given it is the board's decision, 14 c, recorded on the receipt and done outside.)
OVERVIEW_READER_PERMS = frozenset(
    {CasePerm.MANAGE, CasePerm.DECIDE, CasePerm.SUBMIT_OVERVIEW, CasePerm.RECOMMEND}
)


def may_read_overview(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    if perms is None:
        perms = access.case_permissions(user, case)
    if not access.sees_case_in_full(perms):
        return False
    return bool(perms & OVERVIEW_READER_PERMS) or access.is_panel_member(user, case)


def may_write_overview(perms: frozenset[str]) -> bool:
    """The overview author writes the report (13) and the executive summary (15.1)."""
    return access.writes_overview(perms)


def overview_for_user(user, case_key: int | str, lock: bool = False):
    """(case, overview, perms) if the user may read the case's overview report; 404 if
    they may not, or if the report has not begun."""
    case = access.case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(user, case)
    if not may_read_overview(user, case, perms):
        raise Http404("No such overview report")
    overviews = Overview.objects.select_related("case__board")
    if lock:
        overviews = overviews.select_for_update(of=("self",))
    overview = overviews.filter(case=case).first()
    if overview is None:
        raise Http404("No overview report yet")
    return case, overview, perms


def may_start_overview(perms: frozenset[str]) -> bool:
    """The coordinator begins the report once every review is accepted (13.1)."""
    return access.manages_case(perms)


def may_record_receipt(perms: frozenset[str]) -> bool:
    """The coordinator records the board's receipt of the report (14)."""
    return access.manages_case(perms)


def sees_overview_section(perms: frozenset[str]) -> bool:
    """The report's section of the case page: whoever sees the case's stage."""
    return access.sees_case_status(perms)


def summary_released(summary) -> bool:
    return summary.status == ExecutiveSummary.Status.RELEASED


def may_read_summary(user, case: Case, summary, perms: frozenset[str] | None = None) -> bool:
    """15: before its release only the panel, the chair, the author (and the coordinator,
    who runs the panel's business) read the summary; once released it is public, so
    everyone who sees the case does."""
    if perms is None:
        perms = access.case_permissions(user, case)
    if summary is not None and summary_released(summary):
        return access.sees_case(perms)
    return may_read_overview(user, case, perms)


def may_follow_summary(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    """The summary's whole course with its reasons (the panel's returns, the chair's
    withdrawals) stays with those who read it before its release (15); once it is public,
    everyone else sees only when it was agreed, approved and released."""
    return may_read_overview(user, case, perms)


def may_agree_summary(perms: frozenset[str]) -> bool:
    """The panel agrees the summary or returns it (15.2): its chair, or the coordinator."""
    return panel_access.runs_panel(perms)


def may_approve_summary(perms: frozenset[str]) -> bool:
    """The board chair approves the summary and sets its release date (15.2, 15.3), or
    withdraws the agreement or the approval before the release."""
    return access.decides_case(perms)


def may_send_summary_copies(perms: frozenset[str]) -> bool:
    """15.3: the coordinator and the chair list the family members who receive copies."""
    return access.board_side(perms)


def summary_for_user(user, case_key: int | str, lock: bool = False):
    """(case, summary, perms) if the user may read the case's executive summary; 404
    otherwise, also before it is begun."""
    case = access.case_for_user(user, case_key, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(user, case)
    summaries = ExecutiveSummary.objects.select_related("case__board")
    if lock:
        summaries = summaries.select_for_update(of=("self",))
    summary = summaries.filter(case=case).first()
    if summary is None or not may_read_summary(user, case, summary, perms):
        raise Http404("No executive summary")
    return case, summary, perms
