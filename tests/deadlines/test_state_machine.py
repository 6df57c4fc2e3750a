"""The state machine of a request for more time on a clock (13.3), held to the table
below state by state (tests/fsm_tables.py)."""

import pytest

from scr.deadlines.models import Extension
from tests import fsm_tables

S = Extension.Status
# One row per transition of Extension.status: name, the states it may be taken from, the target.
TRANSITIONS = [
    # 13.3: the chair agrees more time, or does not.
    ("approve", {S.REQUESTED}, S.APPROVED),
    ("refuse", {S.REQUESTED}, S.REFUSED),
    # The clock stopped while the request waited: it needs no decision.
    ("lapse", {S.REQUESTED}, S.LAPSED),
]


@pytest.mark.parametrize("row", TRANSITIONS, ids=[row[0] for row in TRANSITIONS])
def test_the_model_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(Extension, "status", row)


def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions():
    fsm_tables.check_table_is_complete(Extension, "status", TRANSITIONS)
    fsm_tables.check_no_conditions(Extension, "status")


@pytest.mark.parametrize("decided", [S.APPROVED, S.REFUSED, S.LAPSED])
def test_a_decided_request_is_final(decided):
    assert fsm_tables.transitions_from(Extension, "status", decided) == set()
