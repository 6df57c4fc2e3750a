"""The state machines of the action plans' stage (16): an agency's action plan, the
chair's letter that asks for it and each piece of evidence that it is carried out, each
held to its table below state by state (tests/fsm_tables.py)."""

import pytest

from actionplans.models import ActionPlan, ChairLetter, Evidence
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


L = ChairLetter.Status
# One row per transition of ChairLetter.status.
LETTER_TRANSITIONS = [
    # 16: the chair approves the drafted letter and sends it; a sent letter never changes.
    ("send_letter", {L.DRAFT}, L.SENT),
]


@pytest.mark.parametrize("row", LETTER_TRANSITIONS, ids=[row[0] for row in LETTER_TRANSITIONS])
def test_the_model_of_the_letter_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(ChairLetter, "status", row)


def test_the_model_of_the_letter_has_exactly_the_transitions_of_the_table():
    fsm_tables.check_table_is_complete(ChairLetter, "status", LETTER_TRANSITIONS)
    fsm_tables.check_no_conditions(ChairLetter, "status")


def test_a_sent_letter_is_final():
    assert fsm_tables.transitions_from(ChairLetter, "status", L.SENT) == set()


E = Evidence.Status
# One row per transition of Evidence.status.
EVIDENCE_TRANSITIONS = [
    # 16: the coordinator accepts the evidence (the action is complete)...
    ("accept", {E.WAITING}, E.ACCEPTED),
    # ...or finds it not enough; the agency gives more as a new piece of evidence.
    ("reject", {E.WAITING}, E.REJECTED),
]


@pytest.mark.parametrize("row", EVIDENCE_TRANSITIONS, ids=[row[0] for row in EVIDENCE_TRANSITIONS])
def test_the_model_of_evidence_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(Evidence, "status", row)


def test_the_model_of_evidence_has_exactly_the_transitions_of_the_table():
    fsm_tables.check_table_is_complete(Evidence, "status", EVIDENCE_TRANSITIONS)
    fsm_tables.check_no_conditions(Evidence, "status")


@pytest.mark.parametrize("decided", [E.ACCEPTED, E.REJECTED])
def test_decided_evidence_is_final(decided):
    assert fsm_tables.transitions_from(Evidence, "status", decided) == set()
