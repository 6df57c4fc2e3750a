"""The action plans' demo data (16): Ernest Pennyworth's letters sent and plans at three
steps, Mabel Oddington's letters drafted, Albert Fennimore's case being monitored and
Doris Wakefield's closed; and, with the other stages' demo data, a case at every stage."""

import pytest

from actionplans.models import ActionPlan, ActionUpdate, ChairLetter, Evidence, PlanAction
from scr.cases.models import Case, CaseEvent
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline
from scr.demo.seed import seed_demo

MODELS = (Case, ChairLetter, ActionPlan, PlanAction, ActionUpdate, Evidence, Deadline, CaseEvent)
Status = ActionPlan.Status


@pytest.fixture
def seeded(demo_seeded, db):
    return None


def _state():
    letters = ChairLetter.objects.values_list(
        "case__subject_name", "agency__name", "status", "revision"
    )
    plans = ActionPlan.objects.values_list(
        "case__subject_name", "agency__name", "status", "revision"
    )
    counts = {model.__name__: model.objects.count() for model in MODELS}
    return sorted(letters, key=str), sorted(plans, key=str), counts


def test_seeding_twice_changes_nothing(seeded):
    before = _state()
    seed_demo()
    assert _state() == before


def test_the_demo_board_has_a_case_at_every_stage(seeded):
    board = Case.objects.get(subject_name="Ernest Pennyworth").board
    stages = set(Case.objects.filter(board=board).values_list("stage", flat=True))
    assert stages == set(Stage.values)


def _events(case):
    return list(case.events.order_by("pk").values_list("to_stage", "actor__email"))[-2:]


def test_albert_is_monitored_with_one_action_done_and_one_under_way(seeded):
    case = Case.objects.get(subject_name="Albert Fennimore")
    assert case.stage == "monitoring"
    assert {letter.status for letter in case.chair_letters.all()} == {ChairLetter.Status.SENT}
    plans = case.action_plans.all()
    assert {(p.agency.name if p.agency else None) for p in plans} == {
        "Northshire Adult Social Care",
        "Northshire Health NHS Foundation Trust",
        None,
    }
    assert {p.status for p in plans} == {Status.ACCEPTED}
    assert {p.decided_by.email for p in plans} == {"coordinator@example.org"}
    progress = {
        (a.plan.agency.name if a.plan.agency else None): a.progress
        for a in PlanAction.objects.filter(plan__case=case).select_related("plan__agency")
    }
    assert progress == {
        "Northshire Adult Social Care": PlanAction.Progress.COMPLETE,
        "Northshire Health NHS Foundation Trust": PlanAction.Progress.IN_PROGRESS,
        None: PlanAction.Progress.NOT_STARTED,
    }
    evidence = Evidence.objects.get(action__plan__case=case)
    assert evidence.status == Evidence.Status.ACCEPTED
    assert evidence.action.plan.agency.name == "Northshire Adult Social Care"
    assert evidence.content_type == "application/pdf"
    update = ActionUpdate.objects.get(action__plan__case=case)
    assert update.by.email == "nhs.lead@example.org"
    assert _events(case)[-1] == ("monitoring", "coordinator@example.org")


def test_doris_is_closed_with_every_action_evidenced(seeded):
    case = Case.objects.get(subject_name="Doris Wakefield")
    assert case.stage == "closed"
    assert {p.status for p in case.action_plans.all()} == {Status.ACCEPTED}
    assert case.action_plans.count() == 2
    actions = PlanAction.objects.filter(plan__case=case)
    assert {a.progress for a in actions} == {PlanAction.Progress.COMPLETE}
    for action in actions:
        assert action.evidence_files.filter(status=Evidence.Status.ACCEPTED).exists()
    assert _events(case) == [
        ("monitoring", "coordinator@example.org"),
        ("closed", "chair@example.org"),
    ]


def test_ernest_has_his_letters_sent_and_a_plan_at_each_step(seeded):
    case = Case.objects.get(subject_name="Ernest Pennyworth")
    assert case.stage == "action_plans"
    letters = ChairLetter.objects.filter(case=case)
    assert {letter.status for letter in letters} == {ChairLetter.Status.SENT}
    assert {(p.agency.name if p.agency else None): p.status for p in case.action_plans.all()} == {
        "Northshire Adult Social Care": Status.ACCEPTED,
        "Northshire Health NHS Foundation Trust": Status.SUBMITTED,
        None: Status.DRAFTING,
    }
    accepted = case.action_plans.get(status=Status.ACCEPTED)
    assert accepted.decided_by.email == "coordinator@example.org"
    assert accepted.submitted_by.email == "agency.lead@example.org"
    submitted = case.action_plans.get(status=Status.SUBMITTED)
    assert submitted.submitted_by.email == "nhs.lead@example.org"
    assert letters.get(agency=submitted.agency).sent_to == ["nhs.lead@example.org"]
    # Every plan answers every recommendation of its letter.
    for plan in case.action_plans.all():
        answered = set(plan.actions.values_list("recommendation_id", flat=True))
        assert answered == set(plan.letter.recommendations.values_list("pk", flat=True))
    # Only the accepted plan has met its clock.
    clocks = Deadline.objects.filter(case=case, kind=Deadline.Kind.ACTION_PLAN)
    assert sorted(clocks.values_list("status", flat=True)) == sorted(
        [Deadline.Status.MET, Deadline.Status.OPEN, Deadline.Status.OPEN]
    )


def test_mabel_has_her_letters_drafted_and_not_sent(seeded):
    case = Case.objects.get(subject_name="Mabel Oddington")
    assert case.stage == "action_plans"
    letters = ChairLetter.objects.filter(case=case)
    assert {letter.agency.name for letter in letters} == {
        "Northshire Constabulary",
        "Northshire Adult Social Care",
    }
    assert {letter.status for letter in letters} == {ChairLetter.Status.DRAFT}
    assert not case.action_plans.exists()
