"""Review types as data (issue 17, slice 1 of docs/review-types.md): the built-in files,
what the validator refuses, the type a case keeps, and `manage.py review_types`."""

import copy
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from scr.cases.models import Case
from scr.cases.services import case_create
from scr.reviewtypes.definition import (
    STAGES_TO_COME,
    DefinitionError,
    builtin,
    builtin_files,
    parse,
)
from scr.reviewtypes.models import ReviewType
from scr.reviewtypes.services import not_runnable, review_type_for, review_types_available

BUILT_IN = ["cspr", "sar", "scr-2009"]


def test_the_three_built_in_types_are_shipped_and_valid():
    assert sorted(builtin_files()) == BUILT_IN
    for code in BUILT_IN:
        definition = parse(builtin(code))
        assert definition.code == code
        assert definition.version >= 1
        assert definition.stages[0] == "referral_received"


def test_the_2009_type_is_todays_procedure_exactly():
    """Its stages and moves are the case's state machine; its clocks today's durations."""
    definition = parse(builtin("scr-2009"))
    transitions = Case._meta.get_field("stage").get_all_transitions(Case)
    catalogue = {(t.source, t.target) for t in transitions}
    # Every move of the state machine but the SAR's decision on the referral itself.
    assert set(definition.moves) == catalogue - {("with_chair", "review_commissioned")}
    periods = {c.key: c.period for c in definition.clocks}
    assert periods == {
        "panel_meeting": "7 days",
        "panel_recommendation": "4 weeks",
        "imrs_begin": "6 weeks",
        "overview_report": "4 months",
        "imr_chronology": "set per case",
        "imr_report": "set per case",
        "action_plan": "4 weeks",
        "action_target": "set per case",
    }
    assert definition.wording["review"] == "Serious Case Review"
    assert definition.wording["subject"] == "vulnerable adult"


def test_the_statutory_periods_of_the_newer_types():
    sar = parse(builtin("sar"))
    assert sar.clock("sar_completion").period == "6 months"
    assert sar.decision["test"] == "care-act-s44"
    assert set(sar.decision["outcomes"]) == {"mandatory", "discretionary", "not_a_sar"}
    assert "care_and_support_needs" in sar.referral_questions
    cspr = parse(builtin("cspr"))
    assert cspr.clock("national_panel_notification").period == "5 working days"
    assert cspr.clock("rapid_review").period == "15 working days"
    assert cspr.clock("local_review").period == "6 months"
    assert cspr.clock("national_panel_report").period == "7 working days before"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(code="SAR 2"), "code:"),
        (lambda d: d.update(version=0), "version:"),
        (lambda d: d["wording"].pop("subject"), "wording.subject"),
        (lambda d: d["stages"].append("tea_break"), "'tea_break' is not a stage"),
        (lambda d: d["stages"].remove("referral_received"), "begins at referral_received"),
        (lambda d: d["moves"].append(["with_chair", "notified"]), "leaves the type's stages"),
        (lambda d: d["moves"].remove(["panel_convened", "panel_recommended"]), "nothing moves"),
        (lambda d: d["clocks"][0].update(unit="fortnights"), "unit: one of"),
        (lambda d: d["clocks"][0].update(amount=-3), "amount:"),
        (lambda d: d["clocks"][0].update(amount="7"), "amount:"),
        (lambda d: d["clocks"][4].update(working_days=True), "working_days: needs an amount"),
        (lambda d: d["clocks"][0].update(owner="the_milkman"), "owner: a case role"),
        (lambda d: d["clocks"][0].update(opens="Commission Review!"), "opens:"),
        (lambda d: d["clocks"][0].update(opens=[]), "opens: name the event, or list"),
        (lambda d: d["clocks"][0].update(opens="tea_break"), "opens: 'tea_break' is neither"),
        (
            lambda d: d["clocks"][0].update(meets=["record_recommendation", "kettle_boiled"]),
            "meets: 'kettle_boiled' is neither a move of the case nor an event",
        ),
        (lambda d: d["clocks"][1].update(decisions=["tea_break"]), "'tea_break' is not a move"),
        (
            lambda d: d["clocks"][1].update(decisions=["panel_meeting_recorded"]),
            "decisions: 'panel_meeting_recorded' is not a move of the case",
        ),
        (lambda d: d["clocks"][1].update(decisions="start_imrs"), "decisions: list the moves"),
        (lambda d: d["clocks"][0].update(colour="red"), "unknown settings"),
        (lambda d: d["clocks"].append(dict(d["clocks"][0])), "same key"),
        (lambda d: d["agencies"].update(asked_for="a_song"), "agencies.asked_for"),
        (lambda d: d["notify"].append({"on": "decision", "recipient": "the_press"}), "notify"),
    ],
)
def test_what_the_service_cannot_run_is_refused_with_its_reason(change, problem):
    data = copy.deepcopy(builtin("scr-2009"))
    change(data)
    with pytest.raises(DefinitionError) as refused:
        parse(data)
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_every_problem_is_reported_at_once():
    data = copy.deepcopy(builtin("sar"))
    data["version"] = "two"
    data["clocks"][0]["unit"] = "moons"
    with pytest.raises(DefinitionError) as refused:
        parse(data)
    assert len(refused.value.problems) == 2


@pytest.mark.django_db
def test_a_case_takes_the_boards_default_type_and_keeps_its_version(board, referrer):
    case = case_create(board=board, by=referrer, subject_name="Ottilie Ferncastle")
    assert (case.review_type.code, case.review_type.version) == ("scr-2009", 1)
    assert case.review_type.based_on == "scr-2009@1"
    # The board's later version does not move the running case.
    data = copy.deepcopy(case.review_type.definition)
    data["version"] = 2
    data["clocks"][0]["amount"] = 10
    ReviewType.objects.create(board=board, code="scr-2009", version=2, name="x", definition=data)
    case.refresh_from_db()
    assert case.review_type.version == 1
    assert review_type_for(board).version == 2
    later = case_create(board=board, by=referrer, subject_name="Barnaby Quill")
    assert later.review_type.version == 2


@pytest.mark.django_db
def test_no_case_of_a_type_starts_before_the_service_can_run_it(board, referrer):
    """A type ahead of its screens (docs/review-types.md) is refused, saying what is
    missing, and nothing is written: the child review until slice 6. A SAR starts."""
    with pytest.raises(ValidationError, match="no screens yet for the stage notified"):
        case_create(board=board, by=referrer, subject_name="Perpetua Lowe", review_type="cspr")
    assert not Case.objects.exists()
    assert not ReviewType.objects.exists()
    case_create(board=board, by=referrer, subject_name="Perpetua Lowe", review_type="sar")
    assert Case.objects.get().review_type.code == "sar"
    with pytest.raises(KeyError):
        case_create(board=board, by=referrer, subject_name="Perpetua Lowe", review_type="nope")
    assert not_runnable(parse(builtin("scr-2009"))) == []


def test_only_the_child_review_names_stages_to_come():
    assert set(STAGES_TO_COME) == {"notified", "rapid_review"}
    named = {code: set(parse(builtin(code)).stages) & set(STAGES_TO_COME) for code in BUILT_IN}
    assert named == {"cspr": set(STAGES_TO_COME), "sar": set(), "scr-2009": set()}


@pytest.mark.django_db
def test_the_review_types_command_lists_every_type_for_every_board(board, other_board):
    out = StringIO()
    call_command("review_types", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 6
    fields = [line.split(" | ") for line in lines]
    assert {(f[0], f[1], f[2]) for f in fields} == {
        (b.short_name, code, "1") for b in (board, other_board) for code in BUILT_IN
    }
    sar = next(f for f in fields if f[1] == "sar")
    assert sar[3] == "Safeguarding Adults Review (Care Act 2014, s44)"
    assert sar[4].startswith("referral_received > with_chair > review_commissioned")
    assert "sar_completion 6 months" in sar[5]
    # Listing writes nothing.
    assert not ReviewType.objects.exists()
    assert [t.code for t in review_types_available(board)] == BUILT_IN


def test_the_2009_clocks_the_board_sets_default_to_the_boards_own_defaults():
    """Until the board's settings move into its copy of the type (docs/review-types.md,
    slice 2), the durations stand in two places: the file's and the Board field's default.
    They must say the same."""
    from scr.accounts.models import Board

    set_on_board = [c for c in parse(builtin("scr-2009")).clocks if c.board_setting]
    assert len(set_on_board) == 5
    for clock in set_on_board:
        assert clock.amount == Board._meta.get_field(clock.board_setting).default, clock.key
    assert not Board._meta.get_field("working_days").default
    assert not any(c.working_days for c in set_on_board)


def test_the_2009_clocks_open_and_meet_as_the_procedure_always_did():
    """The tables the deadlines module kept (which transition opens and meets which clock,
    which decision each clock dates, who owns it) are the 2009 type's data now."""
    definition = parse(builtin("scr-2009"))
    table = {c.key: (c.opens, c.meets, c.owner, c.decisions) for c in definition.clocks if c.amount}
    assert table == {
        "panel_meeting": (
            ("convene_panel",),
            ("panel_meeting_recorded", "record_recommendation"),
            "panel_chair",
            (),
        ),
        "panel_recommendation": (
            ("convene_panel",),
            ("record_recommendation",),
            "panel_chair",
            ("record_recommendation",),
        ),
        "imrs_begin": (("commission_review",), ("imrs_all_begun",), "", ("start_imrs",)),
        "overview_report": (
            ("commission_review",),
            ("submit_overview",),
            "overview_author",
            ("submit_overview",),
        ),
        "action_plan": (("chair_letter_sent",), ("action_plan_accepted",), "", ()),
    }
    per_case = {c.key: (c.opens, c.meets, c.owner) for c in definition.clocks if not c.amount}
    assert per_case == {
        "imr_chronology": (("imr_commissioned",), ("imr_chronology_countersigned",), "imr_author"),
        "imr_report": (
            ("imr_commissioned", "imr_report_returned"),
            ("imr_report_countersigned",),
            "imr_author",
        ),
        "action_target": (("action_agreed",), ("action_completed",), ""),
    }


def test_every_event_a_stage_records_is_named_by_the_2009_type():
    """The stages register the events they record (scr.registry.CLOCK_EVENTS); the 2009
    type uses each but the SAR's s45 events, and only the newer types name events whose
    screens are to come."""
    from scr.registry import CLOCK_EVENTS
    from scr.reviewtypes.definition import EVENTS_TO_COME, transitions

    named = {
        code: {e for c in parse(builtin(code)).clocks for e in (*c.opens, *c.meets)}
        for code in BUILT_IN
    }
    # The SAR's requests for information (s45) are recorded by the IMR stage too.
    s45 = {"s45_request_sent", "s45_reply_received"}
    assert s45 <= named["sar"]
    assert set(CLOCK_EVENTS.keys()) == (named["scr-2009"] | s45) - transitions()
    assert not named["scr-2009"] & set(EVENTS_TO_COME)
    assert not named["sar"] & set(EVENTS_TO_COME)
    assert named["cspr"] - transitions() - set(CLOCK_EVENTS.keys()) <= set(EVENTS_TO_COME)
