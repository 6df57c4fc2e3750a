"""The state machine of an agency's action plan (16), held to the table below state by
state (tests/fsm_tables.py)."""

import pytest

from actionplans.models import ActionPlan
from tests import fsm_tables

S = ActionPlan.Status
# One row per transition of ActionPlan.status: name, the states it may be taken from, the target.
TRANSITIONS = [
    # 16: the agency responds with its plan within four weeks; a returned plan is sent again.
    ("submit", {S.DRAFTING, S.RETURNED}, S.SUBMITTED),
    # The coordinator returns a plan that does not do what the chair's letter asks...
    ("return_to_agency", {S.SUBMITTED}, S.RETURNED),
    # ...or accepts it.
    ("accept", {S.SUBMITTED}, S.ACCEPTED),
]


@pytest.mark.parametrize("row", TRANSITIONS, ids=[row[0] for row in TRANSITIONS])
def test_the_model_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(ActionPlan, "status", row)


def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions():
    fsm_tables.check_table_is_complete(ActionPlan, "status", TRANSITIONS)
    fsm_tables.check_no_conditions(ActionPlan, "status")


def test_an_accepted_plan_is_final():
    assert fsm_tables.transitions_from(ActionPlan, "status", S.ACCEPTED) == set()
