"""A case's clocks run on its review type's durations (issue 17): the 2009 procedure's
on the board's settings, as always; a board's own kind of review on its own."""

from datetime import date

import pytest

from scr.cases.services import case_create
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_due, deadline_open
from scr.reviewtypes.services import review_type_change, review_type_copy

pytestmark = pytest.mark.django_db
START = date(2026, 10, 30)  # a Friday


def test_a_boards_own_type_takes_the_boards_durations_of_the_day_it_was_made(board, coordinator):
    board.panel_meeting_days = 9
    board.working_days = True
    board.save()
    own = review_type_copy(board=board, by=coordinator, source="scr-2009", code="dardr")
    clock = own.parsed.clock("panel_meeting")
    assert (clock.amount, clock.working_days, clock.board_setting) == (9, True, "")
    # Later changes to the board's settings do not move the board's own type.
    board.panel_meeting_days = 3
    board.save()
    assert deadline_due(board, "panel_meeting", START, own) == date(2026, 11, 12)
    # The board's copy of the 2009 type still follows the board's settings.
    copy_2009 = review_type_copy(board=board, by=coordinator, source="scr-2009")
    assert copy_2009.parsed.clock("panel_meeting").board_setting == "panel_meeting_days"
    assert deadline_due(board, "panel_meeting", START, copy_2009) == date(2026, 11, 4)


def test_a_case_of_the_boards_own_type_opens_its_clocks_on_the_types_durations(
    board, coordinator, referrer
):
    board.default_review_type = "dardr"
    board.save()
    own = review_type_copy(board=board, by=coordinator, source="scr-2009", code="dardr")
    data = own.definition
    for clock in data["clocks"]:
        if clock["key"] == "overview_report":
            clock.update(amount=6, unit="months")
    review_type_change(review_type_id=own.pk, by=coordinator, data=data)
    case = case_create(board=board, by=referrer, subject_name="Isadora Pell")
    assert case.review_type.code == "dardr"
    clock = deadline_open(case=case, kind=Deadline.Kind.OVERVIEW_REPORT, start=START)
    assert clock.due == date(2027, 4, 30)
    # A 2009 case on the same board: 4 months, the board's setting.
    other = case_create(
        board=board, by=referrer, subject_name="Silas Brook", review_type="scr-2009"
    )
    clock = deadline_open(case=other, kind=Deadline.Kind.OVERVIEW_REPORT, start=START)
    assert clock.due == date(2027, 2, 28)


def test_a_running_case_keeps_its_versions_durations(board, coordinator, referrer):
    own = review_type_copy(board=board, by=coordinator, source="scr-2009", code="dardr")
    case = case_create(board=board, by=referrer, subject_name="Isadora Pell", review_type="dardr")
    data = own.definition
    for clock in data["clocks"]:
        if clock["key"] == "panel_meeting":
            clock["amount"] = 30
    newer = review_type_change(review_type_id=own.pk, by=coordinator, data=data)
    assert newer.version == 2
    case.refresh_from_db()
    clock = deadline_open(case=case, kind=Deadline.Kind.PANEL_MEETING, start=START)
    assert clock.due == date(2026, 11, 6)  # 7 days: version 1's
