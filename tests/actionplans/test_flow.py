"""The chair's letters (16) and the agencies' action plans (Appendix C), through the
services: drafting, sending, SMART checks, submission, return and acceptance."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from actionplans import services
from actionplans.models import ActionPlan, ChairLetter
from actionplans.services import ActionValues
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"


def _letters(case, chair):
    return {
        (letter.agency.name if letter.agency else None): letter
        for letter in services.letters_draft(case_id=case.pk, by=chair)
    }


def test_the_chair_has_a_letter_drafted_per_agency_and_for_the_board(planning, chair):
    letters = _letters(planning, chair)
    assert set(letters) == {ASC, None}
    body = letters[ASC].body
    assert "Dear Leah Carewell," in body
    assert "Agencies share the outcome of joint visits within a week." in body
    assert "within 4 weeks" in body
    assert "The board audits joint visits." in letters[None].body
    # Drafting again adds nothing.
    assert services.letters_draft(case_id=planning.pk, by=chair) == []


def test_only_the_chair_drafts_and_sends(planning, coordinator, lead_c, chair):
    for person in (coordinator, lead_c):
        with pytest.raises(PermissionDenied):
            services.letters_draft(case_id=planning.pk, by=person)
    letter = _letters(planning, chair)[ASC]
    with pytest.raises(PermissionDenied):
        services.letter_send(case_id=planning.pk, by=coordinator, letter_id=letter.pk)
    assert ChairLetter.objects.get(pk=letter.pk).status == ChairLetter.Status.DRAFT


def test_sending_opens_the_plan_and_its_clock_and_emails_the_pdf(
    planning, chair, lead_c, django_capture_on_commit_callbacks
):
    letter = _letters(planning, chair)[ASC]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
    assert plan.agency.name == ASC and plan.status == ActionPlan.Status.DRAFTING
    clock = Deadline.objects.get(case=planning, kind=Deadline.Kind.ACTION_PLAN, agency=plan.agency)
    assert clock.owner == lead_c
    assert clock.due == calendar.today() + timedelta(weeks=4)
    (sent,) = [m for m in mail.outbox if m.to == [lead_c.email]]
    assert sent.attachments[0][0].endswith(".pdf")
    assert "Hypatia" not in sent.body
    with pytest.raises(ValidationError, match="already been sent"):
        services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)


def _sent_plan(case, chair) -> ActionPlan:
    letter = _letters(case, chair)[ASC]
    return services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)


def _write(plan, lead, **values) -> None:
    key = {"case_id": plan.case_id, "by": lead, "plan_id": plan.pk}
    services.plan_contacts_save(
        **key,
        lead={"name": "Leah Carewell", "position": "Head of Service", "email": "l@example.org"},
        named={},
        revision=None,
    )
    rec = plan.letter.recommendations.get()
    services.plan_action_save(
        **key,
        recommendation_id=rec.pk,
        values=ActionValues(
            **{
                "text": "Deliver training on sharing visit outcomes to every team.",
                "evidence": "Training attendance records",
                "outcome": "Outcomes shared within a week in 9 of 10 audited visits.",
                "target_date": calendar.today() + timedelta(days=90),
                **values,
            }
        ),
    )
    plan.refresh_from_db()


def test_smart_checks_before_submission(planning, chair, lead_c):
    plan = _sent_plan(planning, chair)
    problems = [p.message for p in services.plan_problems(plan)]
    assert "Give the lead person's name and email address" in problems
    assert any("Add at least one key action for recommendation 1" in p for p in problems)
    _write(plan, lead_c, text="Review the policy.", outcome="", evidence="")
    problems = services.plan_problems(plan)
    messages = [p.message for p in problems]
    assert "Action 1.1: say what outcome it will bring about" in messages
    assert "Action 1.1: say what evidence you will provide to the board" in messages
    assert any(p.vague for p in problems)
    with pytest.raises(ValidationError):
        services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=plan.pk)


def test_a_past_date_is_refused_on_save(planning, chair, lead_c):
    plan = _sent_plan(planning, chair)
    with pytest.raises(ValidationError) as refused:
        _write(plan, lead_c, target_date=calendar.today() - timedelta(days=1))
    assert "must be in the future" in str(refused.value)
    assert not plan.actions.exists()


def test_a_vague_action_may_be_confirmed(planning, chair, lead_c):
    plan = _sent_plan(planning, chair)
    _write(plan, lead_c, text="Review supervision of closures.", vague_confirmed=True)
    assert services.plan_problems(plan) == []
    assert services.is_vague("Consider training.") and not services.is_vague(
        "Review the policy and publish a revised one by March."
    )


RETURNED = "Add an audit to measure the outcome."


def test_submit_return_resubmit_and_accept_meets_the_clock(planning, chair, lead_c, coordinator):
    plan = _sent_plan(planning, chair)
    _write(plan, lead_c)
    services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=plan.pk)
    with pytest.raises(ValidationError, match="cannot change now"):
        _write(plan, lead_c)
    with pytest.raises(ValidationError):
        services.plan_decide(case_id=planning.pk, by=coordinator, plan_id=plan.pk, accept=False)
    services.plan_decide(
        case_id=planning.pk,
        by=coordinator,
        plan_id=plan.pk,
        accept=False,
        comments=RETURNED,
    )
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.RETURNED
    services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=plan.pk)
    services.plan_decide(case_id=planning.pk, by=coordinator, plan_id=plan.pk, accept=True)
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.ACCEPTED
    clock = Deadline.objects.get(case=planning, kind=Deadline.Kind.ACTION_PLAN, agency=plan.agency)
    assert clock.status == Deadline.Status.MET
    # Issue 16 item 3: every step is an event row, the return's comments kept with it
    # (the plan's columns keep only the last decision), and one audit row each.
    assert [
        (e.transition, e.from_status, e.to_status, e.actor, e.note, e.case_id)
        for e in status.status_events(plan)
    ] == [
        ("submit", "drafting", "submitted", lead_c, "", planning.pk),
        ("return_to_agency", "submitted", "returned", coordinator, RETURNED, planning.pk),
        ("submit", "returned", "submitted", lead_c, "", planning.pk),
        ("accept", "submitted", "accepted", coordinator, "", planning.pk),
    ]
    audit = AuditEvent.objects.filter(object_type="actionplan", action="transition")
    assert list(audit.order_by("pk").values_list("detail", flat=True)) == [
        "drafting -> submitted: action plan submitted",
        "submitted -> returned: action plan returned",
        "returned -> submitted: action plan submitted",
        "submitted -> accepted: action plan accepted",
    ]
    assert {a.board_id for a in audit} == {planning.board_id}
    [sent] = status.status_events(plan.letter)
    assert (sent.transition, sent.actor, sent.case_id) == ("send_letter", chair, planning.pk)


def test_another_agency_cannot_see_the_plan_and_readers_cannot_write(
    planning, chair, lead_a, lead_c, coordinator
):
    plan = _sent_plan(planning, chair)
    with pytest.raises(Http404):
        services.plan_submit(case_id=planning.pk, by=lead_a, plan_id=plan.pk)
    for reader in (chair, coordinator):
        with pytest.raises(PermissionDenied):
            _write(plan, reader)
    with pytest.raises(PermissionDenied):
        services.plan_decide(case_id=planning.pk, by=lead_c, plan_id=plan.pk, accept=True)


def test_the_board_plan_is_the_coordinators_to_write(planning, chair, coordinator, lead_c):
    letter = _letters(planning, chair)[None]
    plan = services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
    assert plan.agency is None
    services.plan_contacts_save(
        case_id=planning.pk,
        by=coordinator,
        plan_id=plan.pk,
        lead={"name": "Cora Ordinator", "email": "c@example.org"},
        named={},
        revision=None,
    )
    with pytest.raises(Http404):
        services.plan_submit(case_id=planning.pk, by=lead_c, plan_id=plan.pk)


def test_a_retried_letter_email_sends_each_address_once(
    planning, chair, lead_c, django_capture_on_commit_callbacks
):
    letter = _letters(planning, chair)[ASC]
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
    before = len([m for m in mail.outbox if m.to == [lead_c.email]])
    # A second delivery of the same task (acks_late, a worker restart) sends nothing.
    assert services.letter_email(letter_id=letter.pk) == 0
    assert len([m for m in mail.outbox if m.to == [lead_c.email]]) == before == 1


def test_an_agency_written_to_becomes_involved_in_the_case(planning, chair, lead_c):
    from scr.cases.models import CaseAgency

    letter = _letters(planning, chair)[ASC]
    CaseAgency.objects.filter(case=planning, agency=letter.agency).delete()
    plan = services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
    # The lead can open the plan the letter asks for.
    from actionplans import access as actionplans_access

    assert actionplans_access.plan_for_user(lead_c, planning.pk, plan.pk)[1] == plan
