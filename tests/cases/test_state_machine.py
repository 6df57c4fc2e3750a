"""Every allowed transition, and refused ones changing nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from scr.audit.models import AuditEvent
from scr.cases.models import Case, CaseEvent
from scr.cases.services import case_transition_request
from scr.cases.stages import FINAL_STAGES, MAIN_ROUTE, SIDE_ROUTES, Stage
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_open

pytestmark = pytest.mark.django_db

# transition, from, to, who takes it (a persona fixture name)
ALLOWED = [
    ("send_to_chair", Stage.REFERRAL_RECEIVED, Stage.WITH_CHAIR, "lead_a"),
    ("convene_panel", Stage.WITH_CHAIR, Stage.PANEL_CONVENED, "chair"),
    ("route_other_review", Stage.WITH_CHAIR, Stage.OTHER_REVIEW, "chair"),
    ("decline", Stage.WITH_CHAIR, Stage.DECLINED, "chair"),
    ("record_recommendation", Stage.PANEL_CONVENED, Stage.PANEL_RECOMMENDED, "panel_chair"),
    ("commission_review", Stage.PANEL_RECOMMENDED, Stage.REVIEW_COMMISSIONED, "chair"),
    ("route_other_review", Stage.PANEL_RECOMMENDED, Stage.OTHER_REVIEW, "chair"),
    ("decline", Stage.PANEL_RECOMMENDED, Stage.DECLINED, "chair"),
    ("start_imrs", Stage.REVIEW_COMMISSIONED, Stage.IMRS_IN_PROGRESS, "coordinator"),
    ("start_overview", Stage.IMRS_IN_PROGRESS, Stage.OVERVIEW_IN_PROGRESS, "coordinator"),
    ("submit_overview", Stage.OVERVIEW_IN_PROGRESS, Stage.WITH_BOARD, "overview_author"),
    ("receive_overview", Stage.WITH_BOARD, Stage.EXECUTIVE_SUMMARY, "coordinator"),
    ("approve_summary", Stage.EXECUTIVE_SUMMARY, Stage.ACTION_PLANS, "chair"),
    ("start_monitoring", Stage.ACTION_PLANS, Stage.MONITORING, "coordinator"),
    ("close", Stage.MONITORING, Stage.CLOSED, "chair"),
    ("reopen", Stage.CLOSED, Stage.MONITORING, "chair"),
]

# How to reach each stage from 'panel convened' (the `case` fixture), main route first.
PATH_FROM_PANEL = [
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


def _bring(case, stage, request):
    """Take the case along the main route to `stage` through the service."""
    if stage in (Stage.REFERRAL_RECEIVED, Stage.WITH_CHAIR):
        case = Case.objects.get(pk=request.getfixturevalue("new_case").pk)
        if stage == Stage.WITH_CHAIR:
            case_transition_request(
                case_id=case.pk, by=request.getfixturevalue("lead_a"), transition="send_to_chair"
            )
        return Case.objects.get(pk=case.pk)
    case = request.getfixturevalue("case")
    for name, who in PATH_FROM_PANEL:
        if case.stage == stage:
            break
        case_transition_request(
            case_id=case.pk, by=request.getfixturevalue(who), transition=name, note="Reasons."
        )
        case = Case.objects.get(pk=case.pk)
    assert case.stage == stage
    return case


@pytest.mark.parametrize(("name", "source", "target", "who"), ALLOWED)
def test_allowed_transition_moves_the_stage_and_writes_history(request, name, source, target, who):
    case = _bring(None, source, request)
    actor = request.getfixturevalue(who)
    events_before = CaseEvent.objects.filter(case=case).count()
    event = case_transition_request(case_id=case.pk, by=actor, transition=name, note="Agreed.")
    case = Case.objects.get(pk=case.pk)
    assert case.stage == target
    assert (event.from_stage, event.to_stage, event.actor, event.note) == (
        source,
        target,
        actor,
        "Agreed.",
    )
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    assert AuditEvent.objects.filter(
        action="transition", object_id=str(case.pk), detail=f"{source} -> {target}"
    ).exists()


def test_every_stage_is_reached_by_some_transition():
    reached = {target for _, _, target, _ in ALLOWED} | {Stage.REFERRAL_RECEIVED}
    assert reached == set(Stage)
    assert set(MAIN_ROUTE) | set(SIDE_ROUTES) == set(Stage)


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.stage == case.stage and fresh.events.count() == case.events.count()


def test_transition_from_the_wrong_stage_is_refused_and_changes_nothing(case, chair):
    with pytest.raises(ValidationError):
        case_transition_request(case_id=case.pk, by=chair, transition="commission_review")
    assert _unchanged(case)


def test_transition_by_the_wrong_person_is_refused_and_changes_nothing(case, coordinator, chair):
    # The panel chair records the recommendation, not the coordinator or the board chair.
    for person in (coordinator, chair):
        with pytest.raises(PermissionDenied):
            case_transition_request(case_id=case.pk, by=person, transition="record_recommendation")
    assert _unchanged(case)


def test_people_who_cannot_see_the_case_get_404(case, outsider, other_coordinator, lead_b):
    for person in (outsider, other_coordinator, lead_b):
        with pytest.raises(Http404):
            case_transition_request(case_id=case.pk, by=person, transition="record_recommendation")
    assert _unchanged(case)


def test_status_only_viewers_cannot_take_transitions(case, referrer, board_member):
    for person in (referrer, board_member):
        with pytest.raises(PermissionDenied):
            case_transition_request(case_id=case.pk, by=person, transition="record_recommendation")
    assert _unchanged(case)


def test_decisions_that_need_reasons_refuse_a_blank_note(request, chair):
    case = _bring(None, Stage.WITH_CHAIR, request)
    with pytest.raises(ValidationError):
        case_transition_request(case_id=case.pk, by=chair, transition="decline", note="   ")
    assert Case.objects.get(pk=case.pk).stage == Stage.WITH_CHAIR


def test_unknown_transition_is_refused(case, chair):
    with pytest.raises(ValueError):
        case_transition_request(case_id=case.pk, by=chair, transition="delete")
    with pytest.raises(ValueError):
        case_transition_request(case_id=case.pk, by=chair, transition="save")


def test_stage_cannot_be_set_directly(case):
    with pytest.raises(AttributeError):
        case.stage = Stage.CLOSED


def test_leaving_the_route_cancels_running_clocks(request, chair):
    case = _bring(None, Stage.WITH_CHAIR, request)
    deadline_open(case=case, kind=Deadline.Kind.PANEL_MEETING)
    case_transition_request(
        case_id=case.pk,
        by=chair,
        transition="route_other_review",
        note="An internal review by Adult Social Care will feed back learning.",
    )
    assert Case.objects.get(pk=case.pk).stage in FINAL_STAGES
    assert not Deadline.objects.filter(case=case, status__in=Deadline.LIVE).exists()


def test_stage_change_emails_the_people_on_the_case_without_case_details(
    case, panel_chair, coordinator, panel_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_transition_request(case_id=case.pk, by=panel_chair, transition="record_recommendation")
    recipients = {m.to[0] for m in mailoutbox}
    assert coordinator.email in recipients
    assert panel_member.email in recipients
    assert panel_chair.email not in recipients  # not the person who acted
    for message in mailoutbox:
        assert case.reference in message.subject
        assert "Panel recommended" in message.body
        html = message.alternatives[0][0]
        for text in (message.subject, message.body, html):
            assert "Hypatia" not in text and "Quenby" not in text


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    case, panel_chair, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                case_transition_request(
                    case_id=case.pk, by=panel_chair, transition="record_recommendation"
                )
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert Case.objects.get(pk=case.pk).stage == Stage.PANEL_CONVENED


def test_a_late_email_names_the_stage_of_its_own_event(
    case, panel_chair, chair, mailoutbox, django_capture_on_commit_callbacks
):
    from scr.cases.services import case_event_notify

    first = case_transition_request(
        case_id=case.pk, by=panel_chair, transition="record_recommendation"
    )
    case_transition_request(case_id=case.pk, by=chair, transition="commission_review")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_event_notify(event_id=first.pk)
    assert mailoutbox
    assert all("Panel recommended" in m.subject for m in mailoutbox)


def test_records_of_the_past_can_be_kept_without_emails(
    case, panel_chair, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from scr.cases.services import case_transition

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_transition(locked, "record_recommendation", by=panel_chair, notify=False)
    assert mailoutbox == []


def test_the_chair_is_told_when_a_case_waits_on_their_decision(
    new_case, lead_a, chair, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_transition_request(case_id=new_case.pk, by=lead_a, transition="send_to_chair")
    assert {m.to[0] for m in mailoutbox} >= {chair.email, coordinator.email}
