"""python manage.py apply_retention: a closed case whose board's retention period has
passed is listed and, with --execute, deleted with everything of it and its files; the
audit trail keeps a record of the deletion. Recent, open and reopened cases are left
alone; a dry run changes nothing; the subject's name is never printed.

The first test takes one case through the whole procedure (the fixtures of
tests/actionplans), opened from a referral and with a file at three stages, so every
stage holds rows of it. The others take cases to 'closed' by their transitions alone,
which is enough to say which cases are due."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from actionplans import closure_services
from actionplans import implementation_services as implementation
from actionplans.models import ActionPlan, Evidence, PlanAction
from imr.models import Imr, ImrSubmission
from overview.models import ExecutiveSummary, Overview, Recommendation
from panel import services as panel_services
from panel.models import PanelMeetingAttachment
from referrals import services as referral_services
from referrals.models import Referral
from scr import uploads
from scr.accounts.models import Board
from scr.accounts.roles import Role
from scr.audit.models import AuditEvent, ChangeRecord
from scr.cases import services as case_services
from scr.cases.models import Case, CaseEvent, CaseUserObjectPermission, StatusEvent
from scr.cases.retention import retention_apply, retention_due
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.documents.models import RenderedDocument
from scr.documents.services import document_render, document_request
from tests import scenarios

# Fixtures, taken by name: the whole procedure up to the action plans.
from tests.actionplans.conftest import (  # noqa: F401
    commissioned,
    lead_c,
    planning,
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)
from tests.actionplans.test_closure import accepted_plans
from tests.files import PDF

pytestmark = pytest.mark.django_db

SUBJECT = "Hypatia Quenby-Marsh"


def _run(*args) -> str:
    names = {SUBJECT, *Case.objects.values_list("subject_name", flat=True)}
    out, err = StringIO(), StringIO()
    call_command("apply_retention", *args, stdout=out, stderr=err)
    text = out.getvalue() + err.getvalue()
    # Never the subject's name: the list goes to operators' terminals and logs.
    for name in names:
        assert name not in text
        assert name.split()[-1] not in text
    return text


def _at(day) -> datetime:
    """Midday in London on `day`, so the London date is `day` whatever the season."""
    return datetime.combine(day, time(12), tzinfo=calendar.LONDON)


def _years_ago(years: int, days: int = 0):
    return calendar.add_months(calendar.today(), -12 * years) - timedelta(days=days)


def _retention_rows(reference: str):
    return AuditEvent.objects.filter(object_label=reference, detail__startswith="retention:")


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


# A whole case -------------------------------------------------------------------------------


@pytest.fixture
def case(  # the root conftest's case, opened from a referral, with a paper at the panel
    referrer,
    lead_b,
    agency_a,
    agency_c,
    coordinator,
    chair,
    panel_chair,
    panel_member,
    author_a,
    director_a,
    overview_author,
    private_root,
) -> Case:
    referral = referral_services.referral_start(by=referrer)
    referral_services.referral_save(
        referral_id=referral.pk,
        by=referrer,
        data={
            "subject_name": SUBJECT,
            "what_happened": "Missed care visits and weight loss were not acted on.",
            "abuse_or_neglect": "suspected",
            "believes_3_1": True,
        },
        agencies=[agency_a, agency_c],
    )
    referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    case_id = referral_services.referral_endorse(referral_id=referral.pk, by=lead_b).case_id
    for user, role, by in [
        (panel_member, Role.PANEL_MEMBER, coordinator),
        (author_a, Role.IMR_AUTHOR, coordinator),
        (director_a, Role.COUNTERSIGNING_DIRECTOR, coordinator),
        (overview_author, Role.OVERVIEW_AUTHOR, coordinator),
    ]:
        case_services.case_assign(case_id=case_id, user=user, role=role, by=by)
    scenarios.panel_convened(Case.objects.get(pk=case_id), chair=chair, panel_chair=panel_chair)
    panel_services.panel_meeting_record(
        case_id=case_id,
        by=panel_chair,
        held_on=calendar.today(),
        papers=[uploads.CheckedFile("pdf", "application/pdf", "agenda.pdf", PDF)],
    )
    return Case.objects.get(pk=case_id)


@pytest.fixture
def closed_case(planning, chair, coordinator, lead_c, private_root) -> Case:
    """The whole procedure to its end: every action's evidence uploaded and accepted, the
    case closed by the chair, and its summary rendered as a PDF."""
    plans = accepted_plans(planning, chair, coordinator, lead_c)
    closure_services.monitoring_start(case_id=planning.pk, by=coordinator)
    for plan in plans.values():
        writer = lead_c if plan.agency_id else coordinator
        for action in plan.actions.all():
            evidence = implementation.evidence_upload(
                case_id=planning.pk,
                by=writer,
                plan_id=plan.pk,
                action_id=action.pk,
                description="Attendance records.",
                upload=SimpleUploadedFile("attendance.pdf", PDF),
            )
            implementation.evidence_decide(
                case_id=planning.pk, by=coordinator, evidence_id=evidence.pk, accept=True
            )
    closure_services.case_close(case_id=planning.pk, by=chair, note="Every action done.")
    document = document_request(
        case=planning, kind="case-summary", key="summary", options={}, by=coordinator
    )
    assert document_render(document_id=document.pk) == RenderedDocument.Status.DONE
    return Case.objects.get(pk=planning.pk)


def test_a_case_closed_six_years_and_a_day_ago_goes_with_its_files_and_is_audited(
    closed_case, private_root, django_capture_on_commit_callbacks
):
    case = closed_case
    closed_on = calendar.today()
    files = sorted(private_root.iterdir())
    assert len(files) == 4  # the panel's paper, two pieces of evidence, the summary's PDF
    audit_before = AuditEvent.objects.count()
    # The change history holds the reviews' and plans' text: it is content, and goes.
    assert ChangeRecord.objects.filter(case_id=case.pk).exists()
    line = (
        f"{case.reference} TSAB closed {closed_on:%d/%m/%Y} "
        f"due {calendar.add_months(closed_on, 72):%d/%m/%Y}"
    )

    with time_machine.travel(_at(closed_on + timedelta(days=1)), tick=False):
        assert line not in _run()
    later = _at(calendar.add_months(closed_on, 72) + timedelta(days=1))
    with time_machine.travel(later, tick=False):
        listed = _run()
        assert listed.splitlines()[0] == line
        assert "1 case(s) due. Dry run: nothing deleted" in listed
        assert Case.objects.filter(pk=case.pk).exists()
        assert sorted(private_root.iterdir()) == files

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            done = _run("--execute")
        # The files outlive the rows until the deletion commits.
        assert sorted(private_root.iterdir()) == files
        for callback in callbacks:
            callback()

    assert done.splitlines()[0] == line
    assert f"deleted {case.reference}: " in done
    assert ", 4 file(s)" in done
    assert list(private_root.iterdir()) == []
    assert not Case.objects.filter(pk=case.pk).exists()
    # The only case there was: whatever of a case is left would be this one's.
    for model in [
        Referral,
        StatusEvent,
        PanelMeetingAttachment,
        Imr,
        ImrSubmission,
        Overview,
        Recommendation,
        ExecutiveSummary,
        ActionPlan,
        PlanAction,
        Evidence,
        RenderedDocument,
        Deadline,
        CaseEvent,
        CaseUserObjectPermission,
        ChangeRecord,
    ]:
        assert not model.objects.exists(), model.__name__
    # Every audit row is kept, and one more names the deletion: metadata, no content.
    assert AuditEvent.objects.count() == audit_before + 1
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).count() > 1
    record = _retention_rows(case.reference).get()
    assert (record.object_type, record.object_id, record.board_id) == (
        "case",
        str(case.pk),
        case.board_id,
    )
    assert (record.actor, record.actor_label) == (None, "apply_retention")
    assert record.detail.startswith(f"retention: deleted; closed {closed_on:%d/%m/%Y}, 6 years; ")
    assert record.detail.endswith(" rows, 4 files")
    assert SUBJECT not in str(record.__dict__)


# Which cases are due ------------------------------------------------------------------------


@pytest.fixture
def people(coordinator, chair, lead_a, panel_chair, overview_author) -> dict:
    return {
        "coordinator": coordinator,
        "chair": chair,
        "lead_a": lead_a,
        "panel_chair": panel_chair,
        "overview_author": overview_author,
    }


# Each transition of the main route and who takes it.
ROUTE = [
    ("send_to_chair", "lead_a"),
    ("convene_panel", "chair"),
    ("record_recommendation", "panel_chair"),
    ("commission_review", "chair"),
    ("start_imrs", "coordinator"),
    ("start_overview", "coordinator"),
    ("submit_overview", "overview_author"),
    ("receive_overview", "coordinator"),
    ("approve_summary", "chair"),
    ("start_monitoring", "coordinator"),
    ("close", "chair"),
]


def _take(case_id: int, by, name: str, note: str = "") -> None:
    """Transition `name` alone, as its stage's service takes it (the case locked first):
    a jump, kept here because only the dates of the case's stages matter to retention,
    and walking a dozen cases through every stage's services would cost minutes."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        case_services.case_transition(case, name, by=by, note=note)


def _case(board, people, agency, subject: str, *, on, until: str = "close") -> Case:
    """A case opened on `on` and taken along the main route to `until` the same day, by
    its transitions alone (the stages' own records are the first test's business)."""
    with time_machine.travel(_at(on), tick=False):
        case = case_services.case_create(
            board=board, by=people["coordinator"], subject_name=subject, agencies=[agency]
        )
        for user, role in [
            ("panel_chair", Role.PANEL_CHAIR),
            ("overview_author", Role.OVERVIEW_AUTHOR),
        ]:
            case_services.case_assign(
                case_id=case.pk, user=people[user], role=role, by=people["coordinator"]
            )
        for transition, who in ROUTE:
            _take(case.pk, people[who], transition)
            if transition == until:
                break
    return Case.objects.get(pk=case.pk)


def _reopen(case, chair, *, on) -> None:
    with time_machine.travel(_at(on), tick=False):
        closure_services.case_reopen(case_id=case.pk, by=chair, reason="New information (16).")


def test_only_closed_cases_past_their_period_go(board, people, agency_a, chair):
    due = _case(board, people, agency_a, "Agatha Due-Sixyears", on=_years_ago(6, days=1))
    recent = _case(board, people, agency_a, "Bertram Recent-Fiveyears", on=_years_ago(5))
    still_open = _case(
        board, people, agency_a, "Cecily Open-Sevenyears", on=_years_ago(7), until="start_imrs"
    )
    reopened = _case(board, people, agency_a, "Dorian Reopened-Sevenyears", on=_years_ago(7))
    _reopen(reopened, chair, on=_years_ago(7) + timedelta(days=30))
    assert reopened.events.filter(to_stage=Stage.CLOSED).exists()

    out = _run("--execute")

    listed, deleted, total = out.splitlines()
    assert listed == (
        f"{due.reference} TSAB closed {_years_ago(6, days=1):%d/%m/%Y} "
        f"due {calendar.add_months(_years_ago(6, days=1), 72):%d/%m/%Y}"
    )
    assert deleted.startswith(f"deleted {due.reference}: ")
    assert deleted.endswith(" row(s), 0 file(s)")
    assert total == "Deleted 1 of 1 case(s) due."
    assert not Case.objects.filter(pk=due.pk).exists()
    assert _retention_rows(due.reference).count() == 1
    for kept, stage in [
        (recent, Stage.CLOSED),
        (still_open, Stage.IMRS_IN_PROGRESS),
        (reopened, Stage.MONITORING),
    ]:
        assert Case.objects.get(pk=kept.pk).stage == stage
        assert not _retention_rows(kept.reference).exists()


def test_a_case_reclosed_counts_from_its_last_closure(board, people, agency_a, chair):
    case = _case(board, people, agency_a, "Edwina Reclosed-Twice", on=_years_ago(8))
    _reopen(case, chair, on=_years_ago(5))
    with time_machine.travel(_at(_years_ago(5) + timedelta(days=7)), tick=False):
        _take(case.pk, chair, "close")

    assert retention_due() == []
    assert "0 case(s) due." in _run()


def test_the_boards_retention_years_set_the_due_date(board, people, agency_a):
    closed_on = _years_ago(3)
    case = _case(board, people, agency_a, "Florian Shortboard-Threeyears", on=closed_on)
    assert retention_due() == []

    # The board's settings, as its administrator saves them in the admin.
    Board.objects.filter(pk=board.pk).update(retention_years=2)

    [due] = retention_due()
    assert (due.case_id, due.closed_on, due.due_on) == (
        case.pk,
        closed_on,
        calendar.add_months(closed_on, 24),
    )
    assert f"closed {closed_on:%d/%m/%Y} due {due.due_on:%d/%m/%Y}" in _run()


def test_a_dry_run_deletes_nothing(board, people, agency_a, private_root):
    case = _case(board, people, agency_a, "Gideon Dryrun-Tenyears", on=_years_ago(10))
    audit_before = AuditEvent.objects.count()

    out = _run()

    assert out.splitlines() == [
        f"{case.reference} TSAB closed {_years_ago(10):%d/%m/%Y} "
        f"due {calendar.add_months(_years_ago(10), 72):%d/%m/%Y}",
        "1 case(s) due. Dry run: nothing deleted (run again with --execute to delete them).",
    ]
    assert Case.objects.filter(pk=case.pk, stage=Stage.CLOSED).exists()
    assert case.events.count() == len(ROUTE)
    assert AuditEvent.objects.count() == audit_before


def test_a_case_reopened_after_it_was_listed_is_refused(board, people, agency_a, chair):
    case = _case(board, people, agency_a, "Hester Lastminute-Sevenyears", on=_years_ago(7))
    [due] = retention_due()
    _reopen(case, chair, on=calendar.today())

    with pytest.raises(ValidationError, match="not closed"):
        retention_apply(case_id=due.case_id)
    assert Case.objects.filter(pk=case.pk).exists()
    assert not _retention_rows(case.reference).exists()


def test_a_case_not_yet_due_is_refused_by_the_service(board, people, agency_a):
    case = _case(board, people, agency_a, "Ivo Early-Fiveyears", on=_years_ago(5))

    with pytest.raises(ValidationError, match="has not passed"):
        retention_apply(case_id=case.pk)
    assert Case.objects.filter(pk=case.pk).exists()
