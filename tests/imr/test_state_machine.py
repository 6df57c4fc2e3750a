"""The state machine of an Individual Management Review (10, 11, Appendix C), held to
the table below state by state (tests/fsm_tables.py)."""

import pytest

from imr.models import Imr
from tests import fsm_tables

S = Imr.Status
# One row per transition of Imr.status: name, the states it may be taken from, the target.
TRANSITIONS = [
    # 10: the agency agrees who brings its review; the author starts the chronology.
    ("nominate", {S.NOMINATING}, S.CHRONOLOGY),
    # Appendix C: the family composition and chronology are submitted first, countersigned
    # by the agency's director.
    ("submit_chronology", {S.CHRONOLOGY}, S.CHRONOLOGY_SIGN_OFF),
    ("return_chronology", {S.CHRONOLOGY_SIGN_OFF}, S.CHRONOLOGY),
    ("countersign_chronology", {S.CHRONOLOGY_SIGN_OFF}, S.REPORT),
    # Appendix C: then the rest of the report; a revision is submitted the same way.
    ("submit_report", {S.REPORT, S.REVISION}, S.REPORT_SIGN_OFF),
    ("return_report", {S.REPORT_SIGN_OFF}, S.REPORT),
    # The director returns a report the panel had returned: it stays a revision.
    ("return_revision", {S.REPORT_SIGN_OFF}, S.REVISION),
    ("countersign_report", {S.REPORT_SIGN_OFF}, S.PANEL_REVIEW),
    # Appendix C: a report not of sufficient quality is returned for revision.
    ("panel_return", {S.PANEL_REVIEW}, S.REVISION),
    ("panel_accept", {S.PANEL_REVIEW}, S.ACCEPTED),
]


@pytest.mark.parametrize("row", TRANSITIONS, ids=[row[0] for row in TRANSITIONS])
def test_the_model_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(Imr, "status", row)


def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions():
    fsm_tables.check_table_is_complete(Imr, "status", TRANSITIONS)
    fsm_tables.check_no_conditions(Imr, "status")


def test_an_accepted_review_is_final():
    assert fsm_tables.transitions_from(Imr, "status", S.ACCEPTED) == set()
