"""Who may do the panel's work on a case (5, 6, 7, 9), on the primitives of scr.access."""

from scr import access
from scr.cases.models import Case


def may_run_panel(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    """The panel's work on a case (members, meetings, considerations, terms of reference):
    its panel chair, or the coordinator. `perms`: the user's permissions, if known."""
    if perms is None:
        perms = access.case_permissions(user, case)
    return runs_panel(perms)


def runs_panel(perms: frozenset[str]) -> bool:
    """may_run_panel, from the user's permissions on the case."""
    return access.chairs_panel(perms) or access.manages_case(perms)


def may_decide_on_case(perms: frozenset[str]) -> bool:
    """The board chair decides what happens to a referred case and on the panel's
    recommendation (5, 7), and records media statements."""
    return access.decides_case(perms)


def may_chase_records(perms: frozenset[str]) -> bool:
    """The coordinator chases the agencies for their secured records (9)."""
    return access.manages_case(perms)


def may_record_recommendation(perms: frozenset[str]) -> bool:
    """The panel chair records the panel's recommendation (6.2)."""
    return access.chairs_panel(perms)


def may_see_panel_only_papers(user, case: Case, perms: frozenset[str] | None = None) -> bool:
    """Meeting papers marked for the panel only: the panel of the case (its members and
    its panel chair) and the coordinator, who runs its meetings (5). Not the other people
    who see the case in full (agencies' leads, authors, directors), nor the board chair
    unless they sit on the panel. `perms`: the user's permissions, if known."""
    if perms is None:
        perms = access.case_permissions(user, case)
    if not access.sees_case_in_full(perms):
        return False
    return runs_panel(perms) or access.is_panel_member(user, case)


def may_see_paper(user, paper, perms: frozenset[str] | None = None) -> bool:
    """One meeting paper: whoever sees its case in full, and for a paper marked for the
    panel only, the panel (may_see_panel_only_papers)."""
    case = paper.meeting.case
    if perms is None:
        perms = access.case_permissions(user, case)
    if not paper.panel_only:
        return access.sees_case_in_full(perms)
    return may_see_panel_only_papers(user, case, perms)


def sees_panel_section(perms: frozenset[str]) -> bool:
    """The panel's work shows on the case page to those who see the case in full."""
    return access.sees_case_in_full(perms)
