"""The demo's history (issue 19): seed_demo walks the services on days in the past, so a
newcomer meets cases referred months ago, panels weeks later and reports received last
month, not a year of events all dated today. Nothing lies in the future but what is
still to come: open clocks, actions' target dates and a summary's release date."""

from datetime import time, timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from actionplans.models import ChairLetter, PlanAction
from imr.models import Imr
from overview.models import ExecutiveSummary
from referrals.models import Referral
from scr.accounts.models import Board
from scr.cases.models import Case, CaseEvent, StatusEvent
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.demo.clock import moment

# Dates that may lie ahead, as long as what they belong to is still to come.
STILL_TO_COME = {
    ("Deadline", "due"),
    ("Deadline", "original_due"),
    ("Deadline", "next_reminder_on"),
    ("PlanAction", "target_date"),
    ("ExecutiveSummary", "release_date"),
}


@pytest.fixture
def board(demo_seeded, db):
    return Board.objects.get(name="Northshire Safeguarding Adults Board")


def _dated_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):  # DateTimeField is one too
                yield model, field


def test_no_moment_recorded_by_the_seed_lies_in_the_future(board):
    now, today = timezone.now(), calendar.today()
    ahead = set()
    for model, field in _dated_fields():
        later = now if isinstance(field, models.DateTimeField) else today
        if model.objects.filter(**{f"{field.name}__gt": later}).exists():
            ahead.add((model.__name__, field.name))
    assert ahead <= STILL_TO_COME


def test_what_lies_ahead_is_still_to_come(board):
    today = calendar.today()
    ahead = Deadline.objects.filter(due__gt=today)
    assert ahead.exists()
    # Still running, or met early.
    assert set(ahead.values_list("status", flat=True)) <= {*Deadline.LIVE, Deadline.Status.MET}
    assert not ahead.filter(met_on__gt=today).exists()
    assert not PlanAction.objects.filter(
        target_date__gt=today, progress=PlanAction.Progress.COMPLETE
    ).exists()
    for summary in ExecutiveSummary.objects.filter(release_date__gt=today):
        assert summary.status == "approved" and summary.released_at is None


def test_the_history_of_the_cases_lies_in_the_past_and_not_today(board):
    start_of_today = moment(calendar.today(), time(0))
    for model in (CaseEvent, StatusEvent):
        assert model.objects.exists()
        assert not model.objects.filter(at__gte=start_of_today).exists(), model
    assert not Case.objects.filter(created_at__gte=start_of_today).exists()


def test_the_demo_spans_more_than_a_year_and_its_steps_fall_on_working_days(board):
    today = calendar.today()
    opened = [calendar.local_date(c.created_at) for c in Case.objects.filter(board=board)]
    assert min(opened) < today - timedelta(days=365)
    assert max(opened) > today - timedelta(days=7)  # a referral just received
    for event in CaseEvent.objects.filter(case__board=board):
        assert calendar.is_working_day(calendar.local_date(event.at)), event


def test_each_case_moves_on_in_a_believable_order(board):
    for case in Case.objects.filter(board=board):
        moments = [event.at for event in case.events.order_by("pk")]
        # Each stage after the one before, and after the case was opened.
        assert moments == sorted(moments), case
        assert all(at >= case.created_at for at in moments), case
        if len(moments) > 1:
            assert moments[-1] - moments[0] >= timedelta(days=3), case
        referral = Referral.objects.get(case=case)
        died = referral.subject_date_of_death
        assert died < calendar.local_date(referral.submitted_at), case
        assert referral.submitted_at <= case.created_at, case
        born = case.subject_date_of_birth
        assert 18 <= (died - born).days // 365 < 100, case


def test_every_object_changes_status_in_the_order_written(board):
    moments = StatusEvent.objects.order_by("subject_type", "subject_id", "pk").values_list(
        "subject_type", "subject_id", "at"
    )
    last = {}
    for kind, object_id, at in moments:
        assert at >= last.get((kind, object_id), at), (kind, object_id)
        last[(kind, object_id)] = at


def test_the_reviews_and_the_reports_follow_the_referral_and_the_panel(board):
    for imr in Imr.objects.filter(case__board=board).select_related("case"):
        commissioned = imr.case.events.get(to_stage="imrs_in_progress").at
        # Asked for in the same step that starts the stage.
        assert imr.invited_at >= commissioned - timedelta(minutes=1)
        if imr.nominated_at:
            # A working day or more later; each step's clock runs on from the step's start
            # while the service works, so the invitation's own milliseconds are allowed for.
            assert imr.nominated_at >= imr.invited_at + timedelta(days=1, minutes=-1)
    for summary in ExecutiveSummary.objects.filter(case__board=board).exclude(approved_at=None):
        case = summary.case
        recommended = case.events.get(to_stage="panel_recommended").at
        assert recommended < summary.approved_at
        if summary.released_at:
            assert calendar.local_date(summary.released_at) >= summary.release_date
            released, approved = summary.released_at, summary.approved_at
            assert (released.date() - approved.date()).days >= 28
        for letter in ChairLetter.objects.filter(case=case).exclude(sent_at=None):
            assert letter.sent_at > (summary.released_at or summary.approved_at)
    closed = Case.objects.get(board=board, stage="closed")
    monitoring, closing = list(closed.events.order_by("pk"))[-2:]
    assert (monitoring.to_stage, closing.to_stage) == ("monitoring", "closed")
    assert closing.at - monitoring.at >= timedelta(days=14)
