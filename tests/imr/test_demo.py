"""The IMR demo data: one Northshire case with a management review at each step."""

import json
import re

import pytest

from imr.models import (
    ChronologyEntry,
    DisciplinaryConcern,
    GlossaryEntry,
    Imr,
    ImrRevision,
    ImrSection,
    ImrSubmission,
)
from scr.accounts.models import Agency, User
from scr.cases.models import Case, CaseAssignment, CaseEvent
from scr.deadlines.models import Deadline
from scr.demo.seed import seed_demo

MODELS = (
    Agency,
    User,
    Case,
    CaseEvent,
    CaseAssignment,
    Deadline,
    Imr,
    ImrSubmission,
    ImrSection,
    ImrRevision,
    ChronologyEntry,
    GlossaryEntry,
    DisciplinaryConcern,
)

STEPS = {
    Imr.Status.NOMINATING,
    Imr.Status.CHRONOLOGY,
    Imr.Status.CHRONOLOGY_SIGN_OFF,
    Imr.Status.REPORT,
    Imr.Status.PANEL_REVIEW,
    Imr.Status.REVISION,
    Imr.Status.ACCEPTED,
}


@pytest.fixture
def demo_case(demo_seeded, db):
    return Case.objects.get(subject_name="Winifred Ollerenshaw")


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_case_has_a_review_at_each_step(demo_case):
    statuses = set(demo_case.imrs.values_list("status", flat=True))
    assert statuses >= STEPS
    assert demo_case.stage == "imrs_in_progress"
    assert demo_case.board.name == "Northshire Safeguarding Adults Board"


def test_demo_shows_a_return_by_the_panel_with_comments_and_a_revision_date(demo_case):
    returned = ImrSubmission.objects.filter(
        imr__case=demo_case, status=ImrSubmission.Status.RETURNED_BY_PANEL
    )
    assert returned.exists()
    assert all(submission.panel_comments for submission in returned)
    revising = demo_case.imrs.get(status=Imr.Status.REVISION)
    assert (
        Deadline.objects.live()
        .filter(case=demo_case, agency=revising.agency, kind=Deadline.Kind.IMR_REPORT)
        .exists()
    )
    accepted = demo_case.imrs.get(status=Imr.Status.ACCEPTED)
    assert accepted.submissions.order_by("-number").first().status == "accepted"


def test_demo_reviews_are_written_by_people_of_their_own_agency(demo_case):
    for imr in demo_case.imrs.exclude(status=Imr.Status.NOMINATING):
        assert imr.author.agency_id == imr.agency_id
        assert imr.director.agency_id == imr.agency_id
        assert imr.author.email.endswith("@example.org")
        assert imr.author_independent


def test_demo_reports_reached_the_panel_with_a_full_report(demo_case):
    from imr.selectors import imr_problems

    for status in (Imr.Status.PANEL_REVIEW, Imr.Status.REVISION, Imr.Status.ACCEPTED):
        imr = demo_case.imrs.get(status=status)
        report = imr.submissions.filter(part="report").order_by("-number").first()
        for key in ("introduction", "analysis", "lessons", "action_plan"):
            assert report.content[key], (imr, key)
        assert imr_problems(imr, "report") == []
    writing = demo_case.imrs.get(status=Imr.Status.CHRONOLOGY)
    assert writing.entries.count() >= 3
    assert writing.glossary.exists()


def test_no_glossary_worker_name_appears_in_any_submission(demo_case):
    names = list(
        GlossaryEntry.objects.filter(imr__case=demo_case)
        .exclude(worker_name="")
        .values_list("worker_name", flat=True)
    )
    assert names
    submissions = ImrSubmission.objects.filter(imr__case=demo_case)
    assert submissions.exists()
    for submission in submissions:
        text = json.dumps(submission.content, ensure_ascii=False)
        for name in names:
            for part in [name, *name.replace("-", " ").split()]:
                assert not re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE), (
                    submission,
                    part,
                )


def test_another_commissioned_case_is_left_without_reviews(demo_case):
    left = Case.objects.filter(board=demo_case.board, stage="review_commissioned")
    assert left.exists()
    assert not Imr.objects.filter(case__in=left).exists()


def test_seeding_twice_changes_nothing(demo_case):
    first = _counts()
    seed_demo()
    assert _counts() == first
