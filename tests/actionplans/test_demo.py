"""The action plans' demo data (16): Ernest Pennyworth's letters sent and plans at three
steps, Mabel Oddington's letters drafted."""

import pytest

from actionplans.models import ActionPlan, ChairLetter, PlanAction
from scr.cases.models import Case, CaseEvent
from scr.deadlines.models import Deadline
from scr.demo.seed import seed_demo

MODELS = (ChairLetter, ActionPlan, PlanAction, Deadline, CaseEvent)
Status = ActionPlan.Status


@pytest.fixture
def seeded(db):
    seed_demo()


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
