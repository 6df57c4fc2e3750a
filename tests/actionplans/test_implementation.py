"""Carrying out an accepted plan (16): a clock per action, progress updates, evidence
files checked by their content, the coordinator's acceptance that completes an action,
and who sees and does what on the action's page."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from actionplans import implementation_services as implementation
from actionplans import services
from actionplans.implementation_services import EMPTY, WRONG_TYPE, action_state
from actionplans.models import ActionPlan, ActionUpdate, Evidence, PlanAction
from actionplans.services import ActionValues
from scr import uploads
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.deadlines import calendar
from scr.deadlines.models import Deadline, Reminder
from scr.deadlines.reminders import deadline_sweep
from tests import scenarios
from tests.files import DOCX, JPEG, PDF, PNG, XLSX

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"
TARGET = calendar.today() + timedelta(days=90)
HIDDEN = ("lead_a", "board_member", "outsider", "other_coordinator")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


def _send(case, chair, agency_name: str | None = ASC) -> ActionPlan:
    services.letters_draft(case_id=case.pk, by=chair)
    letter = case.chair_letters.get(
        **({"agency__name": agency_name} if agency_name else {"agency__isnull": True})
    )
    return services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)


def _written(case, chair, writer, agency_name: str | None = ASC) -> ActionPlan:
    """A plan sent, written and submitted (test_flow's route)."""
    plan = _send(case, chair, agency_name)
    key = {"case_id": case.pk, "by": writer, "plan_id": plan.pk}
    services.plan_contacts_save(
        **key, lead={"name": writer.full_name, "email": writer.email}, named={}, revision=None
    )
    services.plan_action_save(
        **key,
        recommendation_id=plan.letter.recommendations.get().pk,
        values=ActionValues(
            text="Deliver training on sharing visit outcomes to every team.",
            evidence="Training attendance records",
            outcome="Outcomes shared within a week in 9 of 10 audited visits.",
            target_date=TARGET,
        ),
    )
    services.plan_submit(**key)
    return ActionPlan.objects.get(pk=plan.pk)


def _accept(plan, coordinator) -> ActionPlan:
    services.plan_decide(case_id=plan.case_id, by=coordinator, plan_id=plan.pk, accept=True)
    return ActionPlan.objects.get(pk=plan.pk)


@pytest.fixture
def plan_submitted(planning, chair, lead_c) -> ActionPlan:
    return _written(planning, chair, lead_c)


@pytest.fixture
def plan_accepted(plan_submitted, coordinator) -> ActionPlan:
    return _accept(plan_submitted, coordinator)


@pytest.fixture
def action(plan_accepted) -> PlanAction:
    return plan_accepted.actions.select_related("plan__case", "recommendation").get()


def _clock(action) -> Deadline:
    return Deadline.objects.get(kind=Deadline.Kind.ACTION_TARGET, subject=f"action:{action.pk}")


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _upload(action, by, name="attendance.pdf", data=PDF, description="Attendance records."):
    return implementation.evidence_upload(
        case_id=action.plan.case_id,
        by=by,
        plan_id=action.plan_id,
        action_id=action.pk,
        description=description,
        upload=_file(name, data),
    )


def _decide(evidence, by, accept=True, comments=""):
    return implementation.evidence_decide(
        case_id=evidence.action.plan.case_id,
        by=by,
        evidence_id=evidence.pk,
        accept=accept,
        comments=comments,
    )


def _update(action, by, progress=PlanAction.Progress.IN_PROGRESS, text="Two teams trained."):
    return implementation.action_update_add(
        case_id=action.plan.case_id,
        by=by,
        plan_id=action.plan_id,
        action_id=action.pk,
        text=text,
        progress=progress,
    )


def _state(action) -> tuple:
    action = PlanAction.objects.get(pk=action.pk)
    evidence = list(Evidence.objects.filter(action=action).values_list("status", "comments"))
    return action.progress, action.completed_at, ActionUpdate.objects.count(), evidence


# The clocks ------------------------------------------------------------------------------


def test_accepting_the_plan_opens_a_clock_per_action_owned_by_the_lead(
    plan_submitted, coordinator, lead_c
):
    assert not Deadline.objects.filter(kind=Deadline.Kind.ACTION_TARGET).exists()
    plan = _accept(plan_submitted, coordinator)
    action = plan.actions.get()
    clock = _clock(action)
    assert clock.case_id == plan.case_id and clock.agency == plan.agency
    assert clock.owner == lead_c
    assert (clock.start, clock.due) == (calendar.today(), TARGET)
    assert clock.status == Deadline.Status.OPEN


def test_returning_the_plan_opens_no_clocks(plan_submitted, coordinator):
    services.plan_decide(
        case_id=plan_submitted.case_id,
        by=coordinator,
        plan_id=plan_submitted.pk,
        accept=False,
        comments="Add an audit.",
    )
    assert not Deadline.objects.filter(kind=Deadline.Kind.ACTION_TARGET).exists()


def test_the_boards_own_actions_have_no_owner_so_the_coordinators_are_reminded(
    planning, chair, coordinator
):
    plan = _accept(_written(planning, chair, coordinator, agency_name=None), coordinator)
    clock = _clock(plan.actions.get())
    assert clock.owner is None and clock.agency is None


def test_an_overdue_action_reminds_its_owner_through_the_sweep(action, lead_c, coordinator):
    day = TARGET + timedelta(days=1)
    assert action_state(action, day) == "Overdue"
    mail.outbox.clear()
    deadline_sweep(at=datetime.combine(day, time(9), tzinfo=calendar.LONDON), inline=True)
    clock = _clock(action)
    sent = {
        (r.recipient_id, r.reason)
        for r in Reminder.objects.filter(deadline=clock, step__startswith="overdue-0")
    }
    assert (lead_c.pk, Reminder.Reason.OWNER) in sent
    assert (coordinator.pk, Reminder.Reason.COORDINATOR) in sent
    assert lead_c.email in {m.to[0] for m in mail.outbox}


def test_action_state_is_read_from_the_date_and_progress():
    action = PlanAction(target_date=TARGET)
    assert action_state(action, TARGET) == "Not started"
    action.progress = PlanAction.Progress.IN_PROGRESS
    assert action_state(action, TARGET) == "In progress"
    assert action_state(action, TARGET + timedelta(days=1)) == "Overdue"
    action.progress = PlanAction.Progress.COMPLETE
    assert action_state(action, TARGET + timedelta(days=1)) == "Complete"


# Progress updates ------------------------------------------------------------------------


def test_the_lead_records_progress(action, lead_c):
    update = _update(action, lead_c)
    assert update.text == "Two teams trained." and update.by == lead_c
    assert PlanAction.objects.get(pk=action.pk).progress == PlanAction.Progress.IN_PROGRESS
    assert AuditEvent.objects.filter(object_type="planaction", detail__contains="progress").exists()
    assert not AuditEvent.objects.filter(detail__contains="Two teams").exists()


@pytest.mark.parametrize(
    "progress, text, field",
    [(PlanAction.Progress.COMPLETE, "Done.", "progress"), ("in_progress", "  ", "text")],
)
def test_the_lead_cannot_mark_complete_or_send_an_empty_update(
    action, lead_c, progress, text, field
):
    before = _state(action)
    with pytest.raises(ValidationError) as refused:
        _update(action, lead_c, progress=progress, text=text)
    assert field in refused.value.message_dict
    assert _state(action) == before


def test_no_progress_or_evidence_before_the_plan_is_accepted(plan_submitted, lead_c):
    action = plan_submitted.actions.select_related("plan").get()
    with pytest.raises(ValidationError, match="once the board accepts"):
        _update(action, lead_c)
    with pytest.raises(ValidationError, match="once the board accepts"):
        _upload(action, lead_c)
    assert not ActionUpdate.objects.exists() and not Evidence.objects.exists()


# Evidence files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("attendance.pdf", PDF, "application/pdf"),
        ("policy.docx", DOCX, uploads.KINDS["docx"][0]),
        ("audit.xlsx", XLSX, uploads.KINDS["xlsx"][0]),
        ("poster.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
    ],
)
def test_the_lead_uploads_evidence_kept_outside_the_web_root(
    action, lead_c, private_root, name, data, content_type
):
    evidence = _upload(action, lead_c, name, data)
    assert evidence.status == Evidence.Status.WAITING
    assert evidence.original_name == name and evidence.content_type == content_type
    assert evidence.size == len(data)
    assert (private_root / evidence.stored_name).read_bytes() == data
    assert Path(name).stem not in evidence.stored_name
    assert PlanAction.objects.get(pk=action.pk).progress == PlanAction.Progress.IN_PROGRESS


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run", WRONG_TYPE),
        ("notes.docx", b"PK\x03\x04 not really a zip", WRONG_TYPE),
        ("plain.pdf", b"", EMPTY),
        ("big.pdf", PDF + b"0" * 200, "smaller than"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    action, lead_c, private_root, monkeypatch, name, data, message
):
    # scr.uploads has no setting for its limit: a small one for this test.
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    before = _state(action)
    with pytest.raises(ValidationError) as refused:
        _upload(action, lead_c, name, data)
    assert message in refused.value.message_dict["upload"][0]
    assert _state(action) == before
    assert not private_root.exists() or not any(private_root.iterdir())


@pytest.mark.parametrize(
    "name, shown", [("..\\..\\evil.pdf", "evil.pdf"), ("/etc/passwd", "passwd.pdf")]
)
def test_a_path_in_the_name_is_shown_as_its_base_name_and_never_used_to_store(
    action, lead_c, private_root, name, shown
):
    evidence = _upload(action, lead_c, name, PDF)
    assert evidence.original_name == shown
    stored = private_root / evidence.stored_name
    assert stored.parent == private_root and stored.read_bytes() == PDF
    assert Path(shown).stem not in evidence.stored_name and ".." not in evidence.stored_name
    assert not (private_root.parent / "evil.pdf").exists()


def test_evidence_needs_a_description(action, lead_c):
    with pytest.raises(ValidationError) as refused:
        _upload(action, lead_c, description=" ")
    assert "description" in refused.value.message_dict
    assert not Evidence.objects.exists()


# The coordinator's decision -------------------------------------------------------------


def test_only_the_coordinators_acceptance_completes_the_action_and_meets_its_clock(
    action, lead_c, chair, coordinator
):
    evidence = _upload(action, lead_c)
    for person in (lead_c, chair):
        with pytest.raises(PermissionDenied):
            _decide(evidence, person)
    assert PlanAction.objects.get(pk=action.pk).progress == PlanAction.Progress.IN_PROGRESS
    assert _clock(action).status == Deadline.Status.OPEN
    _decide(evidence, coordinator)
    done = PlanAction.objects.get(pk=action.pk)
    assert done.progress == PlanAction.Progress.COMPLETE and done.completed_at is not None
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.ACCEPTED
    clock = _clock(action)
    assert clock.status == Deadline.Status.MET and clock.met_on == calendar.today()
    # Complete: no more updates, no more files, no second decision.
    with pytest.raises(ValidationError, match="complete"):
        _update(action, lead_c)
    with pytest.raises(ValidationError, match="complete"):
        _upload(action, lead_c)
    with pytest.raises(ValidationError, match="already been decided"):
        _decide(evidence, coordinator, accept=False, comments="No.")


def test_rejection_needs_comments_and_leaves_the_action_running(action, lead_c, coordinator):
    evidence = _upload(action, lead_c)
    with pytest.raises(ValidationError) as refused:
        _decide(evidence, coordinator, accept=False, comments="  ")
    assert "comments" in refused.value.message_dict
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.WAITING
    _decide(evidence, coordinator, accept=False, comments="Give the attendance of every team.")
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.REJECTED
    assert evidence.comments == "Give the attendance of every team."
    assert PlanAction.objects.get(pk=action.pk).progress == PlanAction.Progress.IN_PROGRESS
    assert _clock(action).status == Deadline.Status.OPEN
    # Issue 16 item 3: the decision is an event row of the evidence, on the case, and one
    # audit row.
    [event] = status.status_events(evidence)
    assert (event.from_status, event.to_status, event.actor, event.case_id) == (
        "waiting",
        "rejected",
        coordinator,
        action.plan.case_id,
    )
    assert event.note == "Give the attendance of every team."
    audit = AuditEvent.objects.get(object_type="evidence", object_id=str(evidence.pk))
    assert audit.detail == "waiting -> rejected: evidence for action 1.1"


@pytest.mark.parametrize("who", HIDDEN)
def test_others_cannot_reach_the_services(request, action, lead_c, who):
    evidence = _upload(action, lead_c)
    person = request.getfixturevalue(who)
    before = _state(action)
    for attempt in (
        lambda: _update(action, person),
        lambda: _upload(action, person),
        lambda: _decide(evidence, person),
    ):
        with pytest.raises(Http404):
            attempt()
    assert _state(action) == before


# The action's page -----------------------------------------------------------------------


def _url(action, name="action-detail") -> str:
    return reverse(
        f"actionplans:{name}", args=[action.plan.case.reference, action.plan_id, action.pk]
    )


def _evidence_url(evidence, name="evidence-download") -> str:
    plan = evidence.action.plan
    return reverse(f"actionplans:{name}", args=[plan.case.reference, plan.pk, evidence.pk])


def _plan_url(plan) -> str:
    return reverse("actionplans:plan-detail", args=[plan.case.reference, plan.pk])


def _post_file(client, action, name, data, description="Attendance records."):
    return client.post(
        _url(action, "evidence-upload"), {"description": description, "upload": _file(name, data)}
    )


def test_the_plan_page_links_each_action_once_accepted(client, plan_submitted, coordinator, lead_c):
    action = plan_submitted.actions.select_related("plan__case").get()
    client.force_login(lead_c)
    assert _url(action) not in client.get(_plan_url(plan_submitted)).content.decode()
    assert client.get(_url(action)).status_code == 404
    plan = _accept(plan_submitted, coordinator)
    page = client.get(_plan_url(plan)).content.decode()
    assert _url(action) in page
    assert "Not started" in page
    with time_machine.travel(
        datetime.combine(TARGET + timedelta(days=1), time(9), tzinfo=calendar.LONDON)
    ):
        client.force_login(lead_c)  # the session of 90 days ago has expired
        assert "Overdue" in client.get(_plan_url(plan)).content.decode()


def test_the_lead_sees_the_action_and_its_forms(client, action, lead_c):
    client.force_login(lead_c)
    response = client.get(_url(action))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["confidential"] is True
    for text in (
        "Action 1.1",
        "Deliver training on sharing visit outcomes",
        "Training attendance records",
        "Outcomes shared within a week",
        TARGET.strftime("%d/%m/%Y"),
        "Not started",
        'enctype="multipart/form-data"',
        "govuk-file-upload",
        "Give an update",
    ):
        assert text in page, text
    assert AuditEvent.objects.filter(object_type="planaction", action="view").exists()


def test_the_lead_gives_an_update_through_the_page(client, action, lead_c):
    client.force_login(lead_c)
    response = client.post(
        _url(action, "action-update"), {"progress": "in_progress", "text": "Two teams trained."}
    )
    assert response.status_code == 302 and response["Location"] == _url(action)
    page = client.get(_url(action)).content.decode()
    assert "Two teams trained." in page and "In progress" in page
    response = client.post(_url(action, "action-update"), {"progress": "complete", "text": "x"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert ActionUpdate.objects.count() == 1


def test_an_upload_through_the_page_is_shown_by_its_base_name(client, action, lead_c, private_root):
    client.force_login(lead_c)
    response = _post_file(client, action, "..\\..\\evil.pdf", PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "evil.pdf"
    assert (private_root / evidence.stored_name).read_bytes() == PDF
    page = client.get(_url(action)).content.decode()
    assert "evil.pdf" in page and "..\\" not in page
    assert _evidence_url(evidence) in page


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("report.pdf", b"MZ\x90\x00 a renamed program", WRONG_TYPE),
        ("big.pdf", PDF + b"0" * 200, "smaller than"),
        ("empty.pdf", b"", EMPTY),
    ],
)
def test_a_refused_file_is_named_in_the_error_summary(
    client, action, lead_c, monkeypatch, name, data, message
):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    client.force_login(lead_c)
    response = _post_file(client, action, name, data, description="Kept as typed.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page and "Kept as typed." in page
    assert 'href="#id_upload"' in page
    assert not Evidence.objects.exists()


def test_downloads_are_attachments_and_audited(client, action, lead_c, chair, coordinator):
    evidence = _upload(action, lead_c, "policy.docx", DOCX)
    for person in (lead_c, chair, coordinator):
        client.force_login(person)
        response = client.get(_evidence_url(evidence))
        assert response.status_code == 200 and response.getvalue() == DOCX
        assert response["Content-Type"] == uploads.KINDS["docx"][0]
        assert response["Content-Disposition"] == 'attachment; filename="policy.docx"'
        assert response["Cache-Control"] == "no-store"
        assert AuditEvent.objects.filter(
            action="download", actor=person, object_type="evidence", object_id=str(evidence.pk)
        ).exists()


def test_a_file_missing_from_disk_is_a_404(client, action, lead_c, private_root):
    evidence = _upload(action, lead_c)
    (private_root / evidence.stored_name).unlink()
    client.force_login(lead_c)
    assert client.get(_evidence_url(evidence)).status_code == 404


def test_the_coordinator_accepts_evidence_through_the_page(client, action, lead_c, coordinator):
    evidence = _upload(action, lead_c)
    client.force_login(coordinator)
    page = client.get(_url(action)).content.decode()
    assert _evidence_url(evidence, "evidence-decide") in page
    assert "Give an update" not in page  # the coordinator reads the agency's action
    prefix = f"evidence-{evidence.pk}"
    response = client.post(
        _evidence_url(evidence, "evidence-decide"), {f"{prefix}-decision": "reject"}
    )
    assert response.status_code == 400
    assert "Say why the evidence is not enough" in response.content.decode()
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.WAITING
    response = client.post(
        _evidence_url(evidence, "evidence-decide"), {f"{prefix}-decision": "accept"}
    )
    assert response.status_code == 302
    page = client.get(_url(action)).content.decode()
    assert "Complete" in page and _evidence_url(evidence, "evidence-decide") not in page
    assert _clock(action).status == Deadline.Status.MET


@pytest.mark.parametrize("who", ("chair", "coordinator"))
def test_readers_cannot_write_and_nothing_changes(client, request, action, lead_c, who):
    evidence = _upload(action, lead_c)
    client.force_login(request.getfixturevalue(who))
    page = client.get(_url(action)).content.decode()
    assert "govuk-file-upload" not in page and "Give an update" not in page
    before = _state(action)
    assert _post_file(client, action, "more.pdf", PDF).status_code == 403
    response = client.post(_url(action, "action-update"), {"progress": "in_progress", "text": "x"})
    assert response.status_code == 403
    if who == "chair":
        decide = {f"evidence-{evidence.pk}-decision": "accept"}
        assert client.post(_evidence_url(evidence, "evidence-decide"), decide).status_code == 403
    assert _state(action) == before
    assert Evidence.objects.count() == 1


def test_the_lead_cannot_decide_through_the_page(client, action, lead_c):
    evidence = _upload(action, lead_c)
    client.force_login(lead_c)
    assert (
        _evidence_url(evidence, "evidence-decide") not in client.get(_url(action)).content.decode()
    )
    decide = {f"evidence-{evidence.pk}-decision": "accept"}
    assert client.post(_evidence_url(evidence, "evidence-decide"), decide).status_code == 403
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.WAITING


@pytest.mark.parametrize("who", HIDDEN)
def test_others_get_404_on_every_page(client, request, action, lead_c, who):
    evidence = _upload(action, lead_c)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(action)).status_code == 404
    assert client.get(_evidence_url(evidence)).status_code == 404
    before = _state(action)
    for url, data in (
        (_url(action, "action-update"), {"progress": "in_progress", "text": "x"}),
        (_url(action, "evidence-upload"), {"description": "x", "upload": _file("a.pdf", PDF)}),
        (
            _evidence_url(evidence, "evidence-decide"),
            {f"evidence-{evidence.pk}-decision": "accept"},
        ),
    ):
        assert client.post(url, data).status_code == 404, url
    assert _state(action) == before
    assert not AuditEvent.objects.filter(action="download").exists()


def test_evidence_of_another_plan_is_404_under_this_one(
    client, action, lead_c, planning, chair, coordinator
):
    evidence = _upload(action, lead_c)
    board_plan = _accept(_written(planning, chair, coordinator, agency_name=None), coordinator)
    client.force_login(coordinator)
    url = reverse(
        "actionplans:evidence-download", args=[planning.reference, board_plan.pk, evidence.pk]
    )
    assert client.get(url).status_code == 404


def test_the_action_page_reads_its_files_in_a_fixed_number_of_queries(
    client, action, lead_c, coordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    _upload(action, lead_c)
    _update(action, lead_c)
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(action)).status_code == 200
    for n in range(3):
        _upload(action, lead_c, f"more-{n}.pdf")
        _update(action, lead_c, text=f"Update {n}.")
    with CaptureQueriesContext(connection) as four:
        assert client.get(_url(action)).status_code == 200
    assert len(four) == len(one)


def test_attention_lists_evidence_to_decide_and_cases_to_close(
    client, action, lead_c, coordinator, chair
):
    """16: the coordinator is told of evidence waiting; the chair of a case in
    monitoring whose every action is complete."""
    evidence = _upload(action, lead_c)
    client.force_login(coordinator)
    home = client.get(reverse("cases:home")).content.decode()
    assert f"Decide the evidence for action {action.number}" in home
    _decide(evidence, coordinator)
    assert "Decide the evidence" not in client.get(reverse("cases:home")).content.decode()
    # The board's own plan accepted and its action complete too, then the monitoring
    # started as the coordinator starts it: every plan in (16).
    case = action.plan.case
    board_plan = _accept(_written(case, chair, coordinator, None), coordinator)
    _decide(_upload(board_plan.actions.get(), coordinator), coordinator)
    scenarios.monitoring_started(case, coordinator=coordinator)
    client.force_login(chair)
    assert "Close the case" in client.get(reverse("cases:home")).content.decode()
