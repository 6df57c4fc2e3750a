"""A case's clocks are its review type's (issue 17): their durations (the 2009
procedure's on the board's settings, as always; a board's own kind of review on its own),
the moves and events that open and meet them, who owns them and which decision each
dates; a type naming what the service does not know is refused when saved."""

import copy
import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from imr.services import imr_commission
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.cases.services import case_create
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import (
    deadline_due,
    deadline_event,
    deadline_open,
    decision_clock_keys,
)
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


# Which clock a move or a stage's event opens and meets, who owns it and which decision it
# dates: the case's review type says (issue 17, slice 2). ---------------------------------


@pytest.fixture
def people(coordinator, chair, lead_a, panel_chair, overview_author, referrer):
    return {
        "coordinator": coordinator,
        "chair": chair,
        "lead_a": lead_a,
        "panel_chair": panel_chair,
        "overview_author": overview_author,
        "referrer": referrer,
    }


def _case(board, people, agency, code=""):
    """A case of type `code` with its referrer, panel chair and overview author."""
    case = case_create(
        board=board,
        by=people["referrer"],
        subject_name="Wilhelmina Dorr",
        agencies=[agency],
        review_type=code,
    )
    assign = case_services.case_assign
    assign(case_id=case.pk, user=people["referrer"], role=Role.REFERRER, by=people["coordinator"])
    assign(case_id=case.pk, user=people["panel_chair"], role=Role.PANEL_CHAIR, by=people["chair"])
    assign(
        case_id=case.pk,
        user=people["overview_author"],
        role=Role.OVERVIEW_AUTHOR,
        by=people["coordinator"],
    )
    return case


def _move(case, people, *moves):
    by = {
        "send_to_chair": "lead_a",
        "convene_panel": "chair",
        "record_recommendation": "panel_chair",
        "commission_review": "chair",
    }
    # Through the core helper, as the state machine's own tests do (each of these moves
    # has its stage's page; tests/reviewtypes/test_moves.py takes them there).
    for move in moves:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            case_services.case_transition(locked, move, by=people[by[move]])


def _clocks(case) -> dict[str, Deadline]:
    return {d.kind: d for d in Deadline.objects.filter(case=case)}


def _changed(review_type, coordinator, key, **settings):
    data = copy.deepcopy(review_type.definition)
    for clock in data["clocks"]:
        if clock["key"] == key:
            clock.update(settings)
    return review_type_change(review_type_id=review_type.pk, by=coordinator, data=data)


def test_a_sar_case_opens_the_sars_clocks_with_the_sars_amounts(board, people, agency_a):
    case = _case(board, people, agency_a, "sar")
    _move(case, people, "send_to_chair")
    # A SAR has no panel: its chair (or subgroup) decides on the referral itself.
    with pytest.raises(ValidationError, match="cannot convene panel"):
        _move(case, people, "convene_panel")
    assert _clocks(case) == {}  # the 2009 panel's 7 days and 4 weeks are not the SAR's
    _move(case, people, "commission_review")
    today = calendar.today()
    clocks = _clocks(case)
    assert set(clocks) == {"sar_completion"}  # not the 2009 type's 6 weeks and 4 months
    completion = clocks["sar_completion"]
    assert completion.due == calendar.add_period(today, 6, "months")
    assert completion.owner == people["overview_author"]  # the role the SAR's type names
    assert completion.label == "SAR report received by the board (the board's completion target)"
    # The agencies are asked for the SAR's one agency report, due on the report's date.
    imr_commission(
        case_id=case.pk,
        by=people["coordinator"],
        agency_ids=[agency_a.pk],
        chronology_due=today + timedelta(days=20),
        report_due=today + timedelta(days=60),
    )
    clocks = _clocks(case)
    assert set(clocks) == {"sar_completion", "agency_report"}
    assert (clocks["agency_report"].agency, clocks["agency_report"].due) == (
        agency_a,
        today + timedelta(days=60),
    )


def test_a_boards_copy_of_the_sar_with_a_changed_amount_opens_that_amount(board, people, agency_a):
    sar = review_type_copy(board=board, by=people["coordinator"], source="sar")
    _changed(sar, people["coordinator"], "sar_completion", amount=9)
    case = _case(board, people, agency_a, "sar")
    _move(case, people, "send_to_chair", "commission_review")
    assert _clocks(case)["sar_completion"].due == calendar.add_period(calendar.today(), 9, "months")


def test_a_running_case_keeps_its_versions_clocks_when_it_moves(board, people, agency_a):
    own = review_type_copy(board=board, by=people["coordinator"], source="scr-2009", code="dardr")
    running = _case(board, people, agency_a, "dardr")
    newer = _changed(own, people["coordinator"], "panel_meeting", amount=30, owner="")
    assert newer.version == 2
    later = _case(board, people, agency_a, "dardr")
    for case in (running, later):
        _move(case, people, "send_to_chair", "convene_panel")
    today = calendar.today()
    kept = _clocks(running)["panel_meeting"]
    assert (kept.due, kept.owner) == (today + timedelta(days=7), people["panel_chair"])
    changed = _clocks(later)["panel_meeting"]
    assert (changed.due, changed.owner) == (today + timedelta(days=30), None)


def test_a_clock_met_by_several_events_stops_at_the_first(board, people, agency_a):
    """The 2009 panel's 7 days stop when its meeting is recorded, or when it recommends."""
    for event in ("panel_meeting_recorded", "record_recommendation"):
        case = _case(board, people, agency_a)
        _move(case, people, "send_to_chair", "convene_panel")
        if event == "record_recommendation":
            _move(case, people, "record_recommendation")
        else:
            deadline_event(case=case, event=event, on=calendar.today())
        clocks = _clocks(case)
        assert clocks["panel_meeting"].status == Deadline.Status.MET, event
        recommended = event == "record_recommendation"
        assert (clocks["panel_recommendation"].status == Deadline.Status.MET) == recommended


def test_a_boards_own_type_says_which_events_open_and_meet_its_clocks(board, people, agency_a):
    own = review_type_copy(board=board, by=people["coordinator"], source="scr-2009", code="dardr")
    data = copy.deepcopy(own.definition)
    # This board's panel clock runs from the referral's endorsement; nothing opens the
    # 4 weeks; and the chair's decision to convene meets the 7 days.
    for clock in data["clocks"]:
        if clock["key"] == "panel_meeting":
            clock.update(opens="send_to_chair", meets=["convene_panel"])
        if clock["key"] == "panel_recommendation":
            clock.update(opens="panel_meeting_recorded")
    review_type_change(review_type_id=own.pk, by=people["coordinator"], data=data)
    case = _case(board, people, agency_a, "dardr")
    _move(case, people, "send_to_chair")
    assert set(_clocks(case)) == {"panel_meeting"}
    _move(case, people, "convene_panel")
    clocks = _clocks(case)
    assert set(clocks) == {"panel_meeting"}
    assert clocks["panel_meeting"].status == Deadline.Status.MET


def test_the_clock_a_decision_is_due_by_is_the_types(board, people, agency_a):
    """'Needs your attention' dates a decision by the clocks the type names for it
    (scr.cases.attention): the panel's recommendation by the 4 weeks in the 2009
    procedure, by the 7 days in this board's own type."""
    own = review_type_copy(board=board, by=people["coordinator"], source="scr-2009", code="dardr")
    data = copy.deepcopy(own.definition)
    for clock in data["clocks"]:
        if clock["key"] == "panel_meeting":
            clock["decisions"] = ["record_recommendation"]
        if clock["key"] == "panel_recommendation":
            clock["decisions"] = []
    review_type_change(review_type_id=own.pk, by=people["coordinator"], data=data)
    scr_2009 = _case(board, people, agency_a)
    dardr = _case(board, people, agency_a, "dardr")
    assert decision_clock_keys(scr_2009, "record_recommendation") == {"panel_recommendation"}
    assert decision_clock_keys(scr_2009, "start_imrs") == {"imrs_begin"}
    assert decision_clock_keys(scr_2009, "submit_overview") == {"overview_report"}
    assert decision_clock_keys(scr_2009, "convene_panel") == set()
    assert decision_clock_keys(dardr, "record_recommendation") == {"panel_meeting"}


def test_a_clock_with_no_duration_needs_its_date_from_the_stage(board, people, agency_a):
    case = _case(board, people, agency_a)
    with pytest.raises(ValueError, match="imr_chronology clock has no duration"):
        deadline_event(case=case, event="imr_commissioned", agency=agency_a)
    assert not Deadline.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"opens": "tea_break"}, "opens: 'tea_break' is neither a move of the case nor an event"),
        ({"meets": ["submit_overview", "kettle_boiled"]}, "meets: 'kettle_boiled' is neither"),
        ({"decisions": ["tea_break"]}, "decisions: 'tea_break' is not a move of the case"),
        ({"owner": "the_milkman"}, "owner: a case role"),
    ],
)
def test_a_type_naming_what_the_service_does_not_know_is_refused_when_saved(
    board, coordinator, settings, problem
):
    own = review_type_copy(board=board, by=coordinator, source="scr-2009", code="dardr")
    before = copy.deepcopy(own.definition)
    data = copy.deepcopy(own.definition)
    data["clocks"][3].update(settings)  # the overview report's
    with pytest.raises(ValidationError) as refused:
        review_type_change(review_type_id=own.pk, by=coordinator, data=data)
    assert any(problem in message for message in refused.value.messages), refused.value.messages
    assert all(m.startswith("clock 4: ") for m in refused.value.messages)
    own.refresh_from_db()
    assert own.definition == before


def test_a_sar_clock_is_named_by_the_sar_on_the_pages_that_show_it(
    client, board, people, agency_a, outsider, other_coordinator
):
    case = _case(board, people, agency_a, "sar")
    _move(case, people, "send_to_chair", "commission_review")
    clock = Deadline.objects.get(case=case)
    name = "SAR report received by the board (the board&#x27;s completion target)"
    # Its owner's deadlines, the case page, the request for more time.
    client.force_login(people["overview_author"])
    assert name in client.get(reverse("deadlines:my-deadlines")).content.decode()
    assert name in client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    page = client.get(reverse("deadlines:extension-request", args=[clock.pk]))
    assert name in page.content.decode()
    # The board's compliance report, for the coordinator; not for the clock's owner.
    assert client.get(reverse("deadlines:compliance")).status_code == 403
    client.force_login(people["coordinator"])
    params = {
        "start": clock.start.strftime("%d/%m/%Y"),
        "end": clock.due.strftime("%d/%m/%Y"),
        "format": "csv",
    }
    export = client.get(reverse("deadlines:compliance"), params).content.decode("utf-8-sig")
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(export))}
    assert rows["SAR report received by the board (the board's completion target)"][:1] == ["1"]
    assert rows["Panel meets (6.1)"][:1] == ["0"]  # the board's default type's clocks stay
    # Someone of the board who is not on the case, and another board, see nothing of it.
    for person in (outsider, other_coordinator):
        client.force_login(person)
        assert name not in client.get(reverse("deadlines:my-deadlines")).content.decode()
        page = client.get(reverse("deadlines:extension-request", args=[clock.pk]))
        assert page.status_code == 404
