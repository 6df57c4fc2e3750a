"""cases 0003/0004: every case that existed before review types runs the 2009 procedure."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Boards had no code then (accounts 0007): the old state's boards are made without one.
NO_BOARD_CODE = ("accounts", "0006_board_default_review_type")
BEFORE = [("cases", "0002_status_event"), ("reviewtypes", "0001_initial"), NO_BOARD_CODE]
AFTER = [("cases", "0005_review_type_required")]


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Each test leaves the database at the newest migrations, as the suite expects."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_cases_take_their_boards_copy_of_the_2009_type():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Board = old.get_model("accounts", "Board")
    Case = old.get_model("cases", "Case")
    boards = [
        Board.objects.create(name=f"Board {n}", short_name=f"B{n}", reference_prefix=f"B{n}X")
        for n in (1, 2)
    ]
    for number, board in enumerate([boards[0], boards[0], boards[1]], start=1):
        Case.objects.create(
            board=board,
            reference=f"{board.reference_prefix}-2009-{number:03d}",
            year=2009,
            number=number,
            subject_name="Ambrose Tillingham",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Case = new.get_model("cases", "Case")
    ReviewType = new.get_model("reviewtypes", "ReviewType")
    rows = Case.objects.values_list("board_id", "review_type__board_id", "review_type__code")
    assert sorted(rows) == sorted(
        [(boards[0].pk, boards[0].pk, "scr-2009")] * 2 + [(boards[1].pk, boards[1].pk, "scr-2009")]
    )
    assert ReviewType.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_stored_types_take_what_the_deadlines_tables_said_and_nothing_else():
    """reviewtypes 0002: a copy of the 2009 type stored before its clocks said which
    moves they follow gets what the deadlines module's tables said; what a board changed
    (an amount) stays; a clock already saying something is left as it is."""
    import copy

    from scr.reviewtypes.definition import builtin

    before = [("reviewtypes", "0001_initial"), NO_BOARD_CODE]
    after = [("reviewtypes", "0002_clock_events")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Board = old.get_model("accounts", "Board")
    ReviewType = old.get_model("reviewtypes", "ReviewType")
    board = Board.objects.create(name="Board 1", short_name="B1", reference_prefix="B1X")
    stored = copy.deepcopy(builtin("scr-2009"))  # as slice 1 stored it
    for clock in stored["clocks"]:
        clock.pop("decisions", None)
        if clock["key"] == "panel_meeting":
            clock.update(meets="panel_meeting_recorded", amount=9)
        if clock["key"] == "imr_report":
            clock["opens"] = "imr_commissioned"
    own = copy.deepcopy(stored)
    own["clocks"][0]["meets"] = "convene_panel"  # said otherwise: left alone
    for code, data in (("scr-2009", stored), ("dardr", own)):
        ReviewType.objects.create(board=board, code=code, version=1, name=code, definition=data)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    ReviewType = new.get_model("reviewtypes", "ReviewType")
    clocks = {c["key"]: c for c in ReviewType.objects.get(code="scr-2009").definition["clocks"]}
    assert clocks == {
        c["key"]: {**c, "amount": 9} if c["key"] == "panel_meeting" else c
        for c in builtin("scr-2009")["clocks"]
    }
    mine = ReviewType.objects.get(code="dardr").definition["clocks"]
    assert mine[0]["meets"] == "convene_panel"
    assert mine[3]["decisions"] == ["submit_overview"]
