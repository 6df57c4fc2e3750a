"""The end of the review (16): the coordinator starts the monitoring once every plan is
accepted; the chair closes the case once every action is complete, and reopens it with
a reason. Services first, then their pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from actionplans import closure_services, services
from actionplans.models import ActionPlan, PlanAction
from actionplans.services import ActionValues
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"


def write_plan(plan, writer, *, actions: int = 1, text: str = "Deliver training") -> None:
    """Write a plan that passes its SMART checks, with `actions` key actions."""
    key = {"case_id": plan.case_id, "by": writer, "plan_id": plan.pk}
    services.plan_contacts_save(
        **key,
        lead={"name": writer.full_name, "position": "Lead", "email": writer.email},
        named={},
        revision=None,
    )
    rec = plan.letter.recommendations.get()
    for n in range(actions):
        services.plan_action_save(
            **key,
            recommendation_id=rec.pk,
            values=ActionValues(
                text=f"{text} to team {n + 1} on sharing visit outcomes.",
                evidence="Attendance records",
                outcome="Outcomes shared within a week.",
                target_date=calendar.today() + timedelta(days=30 + n),
            ),
        )


def send_letters(case, chair) -> dict[str | None, ActionPlan]:
    """The chair drafts and sends every letter: one plan per agency, None the board's."""
    plans = {}
    for letter in services.letters_draft(case_id=case.pk, by=chair):
        plan = services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)
        plans[plan.agency.name if plan.agency_id else None] = plan
    return plans


def accepted_plans(
    case, chair, coordinator, lead_c, *, actions: int = 1, board_actions: int = 1
) -> dict[str | None, ActionPlan]:
    """Every letter sent, every plan written, submitted and accepted (16)."""
    plans = send_letters(case, chair)
    for name, plan in plans.items():
        writer = lead_c if name else coordinator
        write_plan(plan, writer, actions=actions if name else board_actions)
        services.plan_submit(case_id=case.pk, by=writer, plan_id=plan.pk)
        services.plan_decide(case_id=case.pk, by=coordinator, plan_id=plan.pk, accept=True)
    return plans


def complete(actions) -> None:
    # Test-only shortcut: in the service an action is complete when the coordinator
    # accepts its evidence (actionplans.implementation_services); here only the result matters.
    actions.update(progress=PlanAction.Progress.COMPLETE, completed_at=timezone.now())


@pytest.fixture
def monitored(planning, chair, coordinator, lead_c) -> Case:
    """Both plans accepted and the monitoring started."""
    accepted_plans(planning, chair, coordinator, lead_c)
    closure_services.monitoring_start(case_id=planning.pk, by=coordinator)
    return Case.objects.get(pk=planning.pk)


def _stage(case) -> str:
    return Case.objects.get(pk=case.pk).stage


# Starting the monitoring -------------------------------------------------------------------


def test_monitoring_waits_for_every_letter_and_plan(planning, chair, coordinator, lead_c):
    with pytest.raises(ValidationError) as refused:
        closure_services.monitoring_start(case_id=planning.pk, by=coordinator)
    assert "No letter has been written to Testshire Adult Social Care yet" in refused.value.messages
    plans = send_letters(planning, chair)
    write_plan(plans[ASC], lead_c)
    services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=plans[ASC].pk)
    with pytest.raises(ValidationError) as refused:
        closure_services.monitoring_start(case_id=planning.pk, by=coordinator)
    assert refused.value.messages == [
        f"The action plan of {ASC} is ‘Submitted to the board’, not accepted",
        "The action plan of The board is ‘Being written’, not accepted",
    ]
    assert _stage(planning) == Stage.ACTION_PLANS


def test_the_coordinator_starts_the_monitoring_once_every_plan_is_accepted(
    planning, chair, coordinator, lead_c
):
    accepted_plans(planning, chair, coordinator, lead_c)
    for person in (chair, lead_c):
        with pytest.raises(PermissionDenied):
            closure_services.monitoring_start(case_id=planning.pk, by=person)
    closure_services.monitoring_start(case_id=planning.pk, by=coordinator, note="All plans in.")
    case = Case.objects.get(pk=planning.pk)
    assert case.stage == Stage.MONITORING
    event = case.events.last()
    assert (event.transition, event.note, event.actor) == (
        "start_monitoring",
        "All plans in.",
        coordinator,
    )
    with pytest.raises(ValidationError, match="only from ‘Action plans’"):
        closure_services.monitoring_start(case_id=planning.pk, by=coordinator)


# Closing ---------------------------------------------------------------------------------


def test_closing_is_refused_while_any_action_is_open(monitored, chair):
    with pytest.raises(ValidationError) as refused:
        closure_services.case_close(case_id=monitored.pk, by=chair)
    messages = refused.value.messages
    assert len(messages) == 2
    assert messages[0].startswith(f"Action 1.1 of {ASC} is ‘Not started’, due ")
    assert messages[1].startswith("Action 2.1 of The board is ‘Not started’")
    complete(PlanAction.objects.filter(plan__case=monitored, plan__agency__isnull=False))
    with pytest.raises(ValidationError) as refused:
        closure_services.case_close(case_id=monitored.pk, by=chair)
    assert len(refused.value.messages) == 1
    assert _stage(monitored) == Stage.MONITORING


def test_the_chair_closes_once_every_action_is_complete(monitored, chair, coordinator, lead_c):
    complete(PlanAction.objects.filter(plan__case=monitored))
    for person in (coordinator, lead_c):
        with pytest.raises(PermissionDenied):
            closure_services.case_close(case_id=monitored.pk, by=person)
    closure_services.case_close(case_id=monitored.pk, by=chair, note="Every action done.")
    case = Case.objects.get(pk=monitored.pk)
    assert case.stage == Stage.CLOSED
    assert case.events.last().note == "Every action done."


def test_a_case_not_at_monitoring_is_not_closed(planning, chair, coordinator, lead_c):
    accepted_plans(planning, chair, coordinator, lead_c)
    complete(PlanAction.objects.filter(plan__case=planning))
    with pytest.raises(ValidationError, match="only from ‘Monitoring’"):
        closure_services.case_close(case_id=planning.pk, by=chair)
    assert _stage(planning) == Stage.ACTION_PLANS


def test_people_who_cannot_see_the_case_get_404(monitored, other_coordinator, outsider):
    for person in (other_coordinator, outsider):
        with pytest.raises(Http404):
            closure_services.case_close(case_id=monitored.pk, by=person)
        with pytest.raises(Http404):
            closure_services.case_reopen(case_id=monitored.pk, by=person, reason="x")


# Reopening -------------------------------------------------------------------------------


@pytest.fixture
def closed(monitored, chair) -> Case:
    complete(PlanAction.objects.filter(plan__case=monitored))
    closure_services.case_close(case_id=monitored.pk, by=chair)
    return Case.objects.get(pk=monitored.pk)


def test_reopening_needs_a_reason_and_the_chair(closed, chair, coordinator):
    with pytest.raises(ValidationError) as refused:
        closure_services.case_reopen(case_id=closed.pk, by=chair, reason="   ")
    assert refused.value.message_dict == {"reason": ["Enter the reason for reopening the case"]}
    with pytest.raises(PermissionDenied):
        closure_services.case_reopen(case_id=closed.pk, by=coordinator, reason="New evidence.")
    assert _stage(closed) == Stage.CLOSED
    closure_services.case_reopen(case_id=closed.pk, by=chair, reason="New evidence.")
    case = Case.objects.get(pk=closed.pk)
    assert case.stage == Stage.MONITORING
    assert (case.events.last().transition, case.events.last().note) == ("reopen", "New evidence.")


# The pages -------------------------------------------------------------------------------


def _url(name, case):
    return reverse(name, args=[case.reference])


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("actionplans:monitoring-start", "planning"),
        ("actionplans:case-close", "monitored"),
        ("actionplans:case-reopen", "closed"),
    ],
)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead_c", 403),
        ("board_member", 403),
        ("referrer", 403),
        ("lead_b", 403),  # the police are involved in this review: they see the case
        ("outsider", 404),
        ("other_coordinator", 404),
    ],
)
def test_the_stage_pages_by_persona(request, client, name, fixture, persona, status):
    case = request.getfixturevalue(fixture)
    stage = case.stage
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(name, case)).status_code == status
    assert client.post(_url(name, case), {"note": "x", "reason": "x"}).status_code == status
    assert _stage(case) == stage


def test_each_page_is_its_takers_alone(client, planning, monitored, coordinator, chair):
    # The chair does not start the monitoring; the coordinator neither closes nor reopens.
    client.force_login(chair)
    assert client.get(_url("actionplans:monitoring-start", monitored)).status_code == 403
    client.force_login(coordinator)
    assert client.get(_url("actionplans:case-close", monitored)).status_code == 403
    assert client.get(_url("actionplans:case-reopen", monitored)).status_code == 403


def test_the_start_page_lists_what_is_missing_then_starts(
    client, planning, chair, coordinator, lead_c
):
    client.force_login(coordinator)
    url = _url("actionplans:monitoring-start", planning)
    text = client.get(url).content.decode()
    assert "No letter has been written to Testshire Adult Social Care yet" in text
    assert "Start monitoring</button>" not in text
    accepted_plans(planning, chair, coordinator, lead_c)
    assert "Start monitoring</button>" in client.get(url).content.decode()
    response = client.post(url, {"note": "Plans are in."})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", args=[planning.reference])
    assert "Monitoring started" in client.get(response["Location"]).content.decode()
    assert _stage(planning) == Stage.MONITORING
    # Now the page says the case has moved on, and offers nothing.
    assert "The case is at ‘Monitoring’" in client.get(url).content.decode()


def test_the_close_page_shows_what_is_open_and_refuses_a_close(client, monitored, chair):
    client.force_login(chair)
    url = _url("actionplans:case-close", monitored)
    text = client.get(url).content.decode()
    assert f"Action 1.1 of {ASC} is ‘Not started’" in text
    assert "Close the case</button>" not in text
    # A POST from an older page is refused with the same list, as GOV.UK errors.
    response = client.post(url, {"note": "Typed note"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "<title>Error:" in text and "There is a problem" in text
    assert f"Action 1.1 of {ASC} is ‘Not started’" in text
    assert _stage(monitored) == Stage.MONITORING


def test_the_close_page_closes_when_every_action_is_complete(client, monitored, chair):
    complete(PlanAction.objects.filter(plan__case=monitored))
    client.force_login(chair)
    url = _url("actionplans:case-close", monitored)
    text = client.get(url).content.decode()
    assert "Close the case</button>" in text
    assert "The outcome of 2 complete actions has not been evaluated yet" in text
    response = client.post(url, {"note": "Done."})
    assert response.status_code == 302
    assert "Case closed" in client.get(response["Location"]).content.decode()
    assert _stage(monitored) == Stage.CLOSED


def test_the_reopen_page_needs_a_reason(client, closed, chair):
    client.force_login(chair)
    url = _url("actionplans:case-reopen", closed)
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    text = response.content.decode()
    assert "<title>Error:" in text and "There is a problem" in text
    assert 'href="#id_reason">Enter the reason for reopening the case' in text
    assert _stage(closed) == Stage.CLOSED
    response = client.post(url, {"reason": "The agency's evidence was withdrawn."})
    assert response.status_code == 302
    assert _stage(closed) == Stage.MONITORING
    assert Case.objects.get(pk=closed.pk).events.last().note == (
        "The agency's evidence was withdrawn."
    )


def test_the_case_page_links_to_each_step_for_its_taker(client, monitored, chair, coordinator):
    case_url = reverse("cases:case-detail", args=[monitored.reference])
    client.force_login(chair)
    assert _url("actionplans:case-close", monitored) in client.get(case_url).content.decode()
    client.force_login(coordinator)
    assert _url("actionplans:case-close", monitored) not in client.get(case_url).content.decode()
