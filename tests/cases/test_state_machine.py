"""The case's state machine: the model held to the procedure's table state by state, every
allowed transition taken through the core's helper (case_transition), and refused ones
changing nothing. The case page's 'Record a decision' (case_transition_request) takes
none of them: each is taken on its stage's own page (test_*_stage_page_* below).

These tests are about the transitions themselves, so they take them directly, the one
place in the suite that does: every other test reaches a stage through tests/scenarios.py,
as the users would."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_fsm import can_proceed

from scr import access
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.cases.models import Case, CaseEvent, CasePerm
from scr.cases.services import case_transition, case_transition_request
from scr.cases.stages import FINAL_STAGES, MAIN_ROUTE, SIDE_ROUTES, Stage
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_open
from tests import fsm_tables

pytestmark = pytest.mark.django_db

S = Stage
# The case's state machine, from the procedure: one row per transition of Case.stage
# (name, the stages it may be taken from, the stage it leads to). test_the_model_*
# below hold the model to it, state by state.
TRANSITIONS = [
    # 5: the agency's board representative sends the request to the chair.
    ("send_to_chair", (S.REFERRAL_RECEIVED,), S.WITH_CHAIR),
    # 5, 6: the chair asks the panel to meet; never before the endorsement.
    ("convene_panel", (S.WITH_CHAIR,), S.PANEL_CONVENED),
    # 6.2 a: the panel recommends to the chair.
    ("record_recommendation", (S.PANEL_CONVENED,), S.PANEL_RECOMMENDED),
    # 7: the chair decides to conduct a review (from the chair straight where the case's
    # type has no panel: a Safeguarding Adults Review; the 2009 procedure's type refuses it).
    ("commission_review", (S.PANEL_RECOMMENDED, S.WITH_CHAIR), S.REVIEW_COMMISSIONED),
    # 3 (last paragraph), 7: not a Serious Case Review; another review instead.
    ("route_other_review", (S.WITH_CHAIR, S.PANEL_RECOMMENDED), S.OTHER_REVIEW),
    # 5, 7: the chair decides that no further action is needed.
    ("decline", (S.WITH_CHAIR, S.PANEL_RECOMMENDED), S.DECLINED),
    # 10: the management reviews begin.
    ("start_imrs", (S.REVIEW_COMMISSIONED,), S.IMRS_IN_PROGRESS),
    # 13.1: once each agency has completed its review.
    ("start_overview", (S.IMRS_IN_PROGRESS,), S.OVERVIEW_IN_PROGRESS),
    # 13.2, 14: the overview report goes to the board.
    ("submit_overview", (S.OVERVIEW_IN_PROGRESS,), S.WITH_BOARD),
    # 14: the board has received it.
    ("receive_overview", (S.WITH_BOARD,), S.EXECUTIVE_SUMMARY),
    # 15.2, 16: the chair approves the summary; the chair's letters ask for plans.
    ("approve_summary", (S.EXECUTIVE_SUMMARY,), S.ACTION_PLANS),
    # 16: the plans are accepted; agencies give evidence that they are carried out.
    ("start_monitoring", (S.ACTION_PLANS,), S.MONITORING),
    # 16: only from monitoring, once every action is complete; never from the plans.
    ("close", (S.MONITORING,), S.CLOSED),
    # Only a closed case reopens: a declined case or another review is not reopened.
    ("reopen", (S.CLOSED,), S.MONITORING),
]

# Who takes each transition (a persona fixture name).
WHO = {
    "send_to_chair": "lead_a",
    "convene_panel": "chair",
    "record_recommendation": "panel_chair",
    "commission_review": "chair",
    "route_other_review": "chair",
    "decline": "chair",
    "start_imrs": "coordinator",
    "start_overview": "coordinator",
    "submit_overview": "overview_author",
    "receive_overview": "coordinator",
    "approve_summary": "chair",
    "start_monitoring": "coordinator",
    "close": "chair",
    "reopen": "chair",
}


def _take(case_id, by, name, note=""):
    """Transition `name` through the core's helper, as a stage's service takes it."""
    from django.db import transaction

    with transaction.atomic():
        case = access.case_for_user(by, case_id, CasePerm.VIEW_STATUS, lock=True)
        return case_transition(case, name, by=by, note=note)


# transition, from, to, who takes it: each step a case of the 2009 procedure may take,
# through the helper (the state machine also holds other review types' moves, which the
# 2009 type refuses: test_the_2009_type_refuses_the_moves_of_other_types).
SAR_ONLY = {("commission_review", S.WITH_CHAIR)}
ALLOWED = [
    (name, source, target, WHO[name])
    for name, sources, target in TRANSITIONS
    for source in sources
    if (name, source) not in SAR_ONLY
]


@pytest.mark.parametrize("row", TRANSITIONS, ids=[row[0] for row in TRANSITIONS])
def test_the_model_allows_each_transition_from_exactly_its_stages(row):
    name, sources, target = row
    fsm_tables.check_row(Case, "stage", (name, set(sources), target))


def test_the_model_has_exactly_the_transitions_of_the_table_and_no_conditions():
    fsm_tables.check_table_is_complete(Case, "stage", [(n, set(s), t) for n, s, t in TRANSITIONS])
    fsm_tables.check_no_conditions(Case, "stage")


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("close", Stage.ACTION_PLANS),
        ("reopen", Stage.DECLINED),
        ("reopen", Stage.OTHER_REVIEW),
        ("convene_panel", Stage.REFERRAL_RECEIVED),
    ],
)
def test_the_model_refuses_the_shortcuts_a_user_must_not_take(name, stage):
    """Other code repeats these checks today; the model must hold them on its own."""
    assert not can_proceed(getattr(Case(stage=stage), name))


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
    """Take the case along the main route to `stage` by its transitions alone."""
    if stage in (Stage.REFERRAL_RECEIVED, Stage.WITH_CHAIR):
        case = Case.objects.get(pk=request.getfixturevalue("new_case").pk)
        if stage == Stage.WITH_CHAIR:
            _take(case.pk, request.getfixturevalue("lead_a"), "send_to_chair")
        return Case.objects.get(pk=case.pk)
    case = request.getfixturevalue("case")
    for name, who in PATH_FROM_PANEL:
        if case.stage == stage:
            break
        _take(case.pk, request.getfixturevalue(who), name, note="Reasons.")
        case = Case.objects.get(pk=case.pk)
    assert case.stage == stage
    return case


@pytest.mark.parametrize(("name", "source", "target", "who"), ALLOWED)
def test_allowed_transition_moves_the_stage_and_writes_history(request, name, source, target, who):
    case = _bring(None, source, request)
    actor = request.getfixturevalue(who)
    events_before = CaseEvent.objects.filter(case=case).count()
    event = _take(case.pk, actor, name, note="Agreed.")
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


@pytest.mark.parametrize(("name", "source"), sorted(SAR_ONLY))
def test_the_2009_type_refuses_the_moves_of_other_types(request, chair, name, source):
    """A Safeguarding Adults Review is decided on the referral; a 2009 case with the chair
    goes to the panel first, and the helper refuses the SAR's move, changing nothing."""
    case = _bring(None, source, request)
    assert case.review_type.code == "scr-2009"
    assert not status.may_move(case, name)
    with pytest.raises(ValidationError, match="cannot commission review"):
        _take(case.pk, chair, name, note="Straight to a review.")
    case.refresh_from_db()
    assert case.stage == source
    assert not CaseEvent.objects.filter(case=case, transition=name).exists()


def test_every_stage_is_reached_from_a_referral_through_the_model():
    declared = fsm_tables.transitions_in_model(Case, "stage")
    reached, frontier = {Stage.REFERRAL_RECEIVED}, [Stage.REFERRAL_RECEIVED]
    while frontier:
        stage = frontier.pop()
        for sources, target in declared.values():
            if stage in sources and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Stage)
    assert set(MAIN_ROUTE) | set(SIDE_ROUTES) == set(Stage)


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.stage == case.stage and fresh.events.count() == case.events.count()


def test_transition_from_the_wrong_stage_is_refused_and_changes_nothing(case, chair):
    with pytest.raises(ValidationError):
        _take(case.pk, chair, "commission_review")
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
        _take(case.pk, chair, "decline", note="   ")
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
    _take(
        case.pk,
        chair,
        "route_other_review",
        note="An internal review by Adult Social Care will feed back learning.",
    )
    assert Case.objects.get(pk=case.pk).stage in FINAL_STAGES
    assert not Deadline.objects.filter(case=case, status__in=Deadline.LIVE).exists()


def test_stage_change_emails_the_people_on_the_case_without_case_details(
    case, panel_chair, coordinator, panel_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _take(case.pk, panel_chair, "record_recommendation")
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
                _take(case.pk, panel_chair, "record_recommendation")
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

    first = _take(case.pk, panel_chair, "record_recommendation")
    _take(case.pk, chair, "commission_review")
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
        _take(new_case.pk, lead_a, "send_to_chair")
    assert {m.to[0] for m in mailoutbox} >= {chair.email, coordinator.email}


# The case page's 'Record a decision' takes generic transitions only ---------------------

# Who holds each permission on the `case` fixture's case, to take a transition needing it.
HOLDER = {
    CasePerm.ENDORSE_REFERRAL: "lead_a",
    CasePerm.DECIDE: "chair",
    CasePerm.RECOMMEND: "panel_chair",
    CasePerm.MANAGE: "coordinator",
    CasePerm.SUBMIT_OVERVIEW: "overview_author",
}
# Every transition a stage's own page takes, read from the model's metadata: a new one is
# covered without a change here.
STAGE_PAGE = sorted(
    name
    for name in fsm_tables.transitions_in_model(Case, "stage")
    if not status.transition_custom(Case, name)["generic"]
)


def test_each_transition_is_generic_or_names_its_stage_page():
    for name in fsm_tables.transitions_in_model(Case, "stage"):
        custom = status.transition_custom(Case, name)
        assert custom["generic"] == (not custom["page"]), name
    assert STAGE_PAGE  # today every one of them


@pytest.mark.parametrize("name", STAGE_PAGE)
def test_the_case_page_refuses_a_stage_page_transition_naming_the_page(request, name):
    """Refused where it would otherwise be taken: at a stage it leaves, by a person with
    its permission; the refusal names the page that takes it and changes nothing."""
    custom = status.transition_custom(Case, name)
    sources = next(sources for n, sources, _ in TRANSITIONS if n == name)
    case = _bring(None, sources[0], request)
    actor = request.getfixturevalue(HOLDER[custom["permission"]])
    assert status.may_move(case, name) and access.may(actor, custom["permission"], case)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        case_transition_request(case_id=case.pk, by=actor, transition=name, note="Reasons.")
    assert custom["page"] in refused.value.messages[0]
    assert custom["label"] in refused.value.messages[0]
    assert _unchanged(case)
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize("name", STAGE_PAGE)
def test_who_may_not_take_a_stage_page_transition_still_gets_403_or_404(
    request, name, referrer, outsider
):
    """The refusal does not tell someone without the permission which page takes it."""
    custom = status.transition_custom(Case, name)
    case = request.getfixturevalue("case")
    lacking = next(
        request.getfixturevalue(who)
        for perm, who in HOLDER.items()
        if perm != custom["permission"]
        and not access.may(request.getfixturevalue(who), custom["permission"], case)
    )
    for person in (lacking, referrer):
        with pytest.raises(PermissionDenied):
            case_transition_request(case_id=case.pk, by=person, transition=name)
    with pytest.raises(Http404):
        case_transition_request(case_id=case.pk, by=outsider, transition=name)
    assert _unchanged(case)


def test_a_generic_transition_is_still_taken_by_whoever_may(
    request, decline_generic, chair, lead_a
):
    case = _bring(None, Stage.WITH_CHAIR, request)
    with pytest.raises(PermissionDenied):  # the lead may not decide
        case_transition_request(case_id=case.pk, by=lead_a, transition="decline", note="No.")
    assert _unchanged(case)
    event = case_transition_request(
        case_id=case.pk, by=chair, transition="decline", note="Criteria not met."
    )
    assert (event.transition, event.to_stage, event.actor) == ("decline", Stage.DECLINED, chair)
