"""The state machines of the overview report (13, 14) and of the public executive summary
(15), each held to its table state by state (tests/fsm_tables.py)."""

import pytest

from overview.models import ExecutiveSummary, Overview
from tests import fsm_tables

OS = Overview.Status
# One row per transition of Overview.status: name, the states it may be taken from, the target.
OVERVIEW = [
    # 13.2: the report is completed and goes to the board.
    ("submit", {OS.DRAFTING}, OS.WITH_BOARD),
    # 14: the board receives it.
    ("receive", {OS.WITH_BOARD}, OS.RECEIVED),
]

ES = ExecutiveSummary.Status
# One row per transition of ExecutiveSummary.status.
SUMMARY = [
    # 15.2: the author's summary goes to the panel to agree...
    ("send_to_panel", {ES.DRAFTING}, ES.WITH_PANEL),
    # ...which may send it back to the author,
    ("return_to_author", {ES.WITH_PANEL}, ES.DRAFTING),
    # or agree it;
    ("agree", {ES.WITH_PANEL}, ES.AGREED),
    # 15.2, 15.3: then the chair approves it with a release date;
    ("approve", {ES.AGREED}, ES.APPROVED),
    # 15.3: on that date it is released to the family and made public.
    ("release", {ES.APPROVED}, ES.RELEASED),
    # The chair takes back an agreement or approval before the release (the identification
    # check, or criminal proceedings, 15.2); a released summary is public for good.
    ("withdraw", {ES.AGREED, ES.APPROVED}, ES.DRAFTING),
]

MACHINES = [(Overview, OVERVIEW), (ExecutiveSummary, SUMMARY)]


@pytest.mark.parametrize(
    ("model", "row"),
    [(model, row) for model, table in MACHINES for row in table],
    ids=[f"{model.__name__}.{row[0]}" for model, table in MACHINES for row in table],
)
def test_the_model_allows_each_transition_from_exactly_its_states(model, row):
    fsm_tables.check_row(model, "status", row)


@pytest.mark.parametrize(("model", "table"), MACHINES, ids=["Overview", "ExecutiveSummary"])
def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions(model, table):
    fsm_tables.check_table_is_complete(model, "status", table)
    fsm_tables.check_no_conditions(model, "status")


def test_a_received_report_and_a_released_summary_are_final():
    assert fsm_tables.transitions_from(Overview, "status", OS.RECEIVED) == set()
    assert fsm_tables.transitions_from(ExecutiveSummary, "status", ES.RELEASED) == set()
