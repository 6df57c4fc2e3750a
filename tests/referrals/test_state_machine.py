"""The state machine of a referral (5), held to the table below state by state
(tests/fsm_tables.py)."""

import pytest

from referrals.models import Referral
from tests import fsm_tables

S = Referral.Status
# One row per transition of Referral.status: name, the states it may be taken from, the target.
TRANSITIONS = [
    # 5: the referrer sends it to their agency's lead; a returned referral is sent again.
    ("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED),
    # 5: the lead endorses it to the chair (the case opens)...
    ("endorse", {S.SUBMITTED}, S.ENDORSED),
    # ...or returns it to the referrer with reasons.
    ("return_to_referrer", {S.SUBMITTED}, S.RETURNED),
]


@pytest.mark.parametrize("row", TRANSITIONS, ids=[row[0] for row in TRANSITIONS])
def test_the_model_allows_each_transition_from_exactly_its_states(row):
    fsm_tables.check_row(Referral, "status", row)


def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions():
    fsm_tables.check_table_is_complete(Referral, "status", TRANSITIONS)
    fsm_tables.check_no_conditions(Referral, "status")


def test_an_endorsed_referral_is_final():
    assert fsm_tables.transitions_from(Referral, "status", S.ENDORSED) == set()
