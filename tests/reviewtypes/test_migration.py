"""cases 0003/0004: every case that existed before review types runs the 2009 procedure."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0002_status_event"), ("reviewtypes", "0001_initial")]
AFTER = [("cases", "0005_review_type_required")]


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
