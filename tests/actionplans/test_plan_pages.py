"""An agency's action plan in the browser (16; Appendix C): who sees and does what, the
forms' validation, the SMART checks, submission and the coordinator's decision."""

from datetime import timedelta

import pytest
from django.urls import reverse

from actionplans import services
from actionplans.models import ActionPlan, PlanAction
from actionplans.services import ActionValues
from scr.audit.models import AuditEvent
from scr.deadlines import calendar
from scr.documents.models import RenderedDocument

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"
READERS = ("lead_c", "chair", "coordinator")
HIDDEN = ("lead_a", "board_member", "outsider", "other_coordinator")
SOON = calendar.today() + timedelta(days=90)


def _send(case, chair, agency_name: str | None = ASC) -> ActionPlan:
    services.letters_draft(case_id=case.pk, by=chair)
    letter = case.chair_letters.get(
        **({"agency__name": agency_name} if agency_name else {"agency__isnull": True})
    )
    return services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)


@pytest.fixture
def plan(planning, chair, lead_c) -> ActionPlan:
    return _send(planning, chair)


@pytest.fixture
def action(plan, lead_c) -> PlanAction:
    return services.plan_action_save(
        case_id=plan.case_id,
        by=lead_c,
        plan_id=plan.pk,
        recommendation_id=plan.letter.recommendations.get().pk,
        values=ActionValues(
            text="Deliver training on sharing visit outcomes to every team.",
            evidence="Training attendance records",
            outcome="Outcomes shared within a week in 9 of 10 audited visits.",
            target_date=SOON,
        ),
    )


@pytest.fixture
def complete(plan, action, lead_c) -> ActionPlan:
    services.plan_contacts_save(
        case_id=plan.case_id,
        by=lead_c,
        plan_id=plan.pk,
        lead={"name": "Leah Carewell", "email": "leah@example.org"},
        named={},
        revision=None,
    )
    return ActionPlan.objects.get(pk=plan.pk)


@pytest.fixture
def submitted_plan(complete, lead_c) -> ActionPlan:
    services.plan_submit(case_id=complete.case_id, by=lead_c, plan_id=complete.pk)
    return ActionPlan.objects.get(pk=complete.pk)


def _url(plan, name, *args) -> str:
    return reverse(f"actionplans:{name}", args=[plan.case.reference, plan.pk, *args])


def _new_action_url(plan) -> str:
    rec = plan.letter.recommendations.get()
    return f"{_url(plan, 'action-new')}?recommendation={rec.pk}"


def _action_data(**values) -> dict:
    return {
        "text": "Deliver training on sharing visit outcomes to every team.",
        "evidence": "Training attendance records",
        "outcome": "Outcomes shared within a week.",
        "target_date": SOON.strftime("%d/%m/%Y"),
        **values,
    }


def _state(plan) -> tuple:
    plan = ActionPlan.objects.get(pk=plan.pk)
    actions = list(PlanAction.objects.filter(plan=plan).values_list("text", "position"))
    return plan.status, plan.revision, plan.lead, plan.comments, actions


# Who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_readers_open_the_plan_in_the_templates_form(client, request, action, who):
    plan = action.plan
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url(plan, "plan-detail"))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["confidential"] is True
    assert "STRICTLY CONFIDENTIAL" in page
    assert f"{ASC} action plan" in page
    for heading in ("Lead person", "Named person", "Key actions", "Evidence", "Key outcome"):
        assert heading in page
    assert "Agencies share the outcome of joint visits within a week." in page
    assert "<strong>1.1</strong> Deliver training" in page
    assert SOON.strftime("%d/%m/%Y") in page
    assert "SMART" in page
    assert _url(plan, "plan-pdf") in page
    writes = ("Submit the plan to the board", _url(plan, "plan-contacts"), _new_action_url(plan))
    for marker in writes:
        assert (marker in page) == (who == "lead_c"), marker
    assert "Decide on the plan" not in page
    assert AuditEvent.objects.filter(object_type="actionplan", action="view").exists()


@pytest.mark.parametrize("who", HIDDEN)
def test_others_get_404_on_every_page(client, request, action, who):
    plan = action.plan
    client.force_login(request.getfixturevalue(who))
    for url in (
        _url(plan, "plan-detail"),
        _url(plan, "plan-contacts"),
        _new_action_url(plan),
        _url(plan, "action-edit", action.pk),
        _url(plan, "action-remove", action.pk),
        _url(plan, "plan-pdf"),
    ):
        assert client.get(url).status_code == 404, url
    before = _state(plan)
    for name, args in (("plan-submit", ()), ("plan-decide", ()), ("action-remove", (action.pk,))):
        assert client.post(_url(plan, name, *args), {"decision": "accept"}).status_code == 404
    assert _state(plan) == before


def test_a_plan_of_another_case_or_a_missing_one_is_404(client, plan, lead_c):
    client.force_login(lead_c)
    assert (
        client.get(reverse("actionplans:plan-detail", args=["SCR-1999-001", plan.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("actionplans:plan-detail", args=[plan.case.reference, 99999])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ("chair", "coordinator"))
def test_readers_cannot_write_the_plan(client, request, action, who):
    plan = ActionPlan.objects.get(pk=action.plan_id)
    client.force_login(request.getfixturevalue(who))
    for url in (
        _url(plan, "plan-contacts"),
        _new_action_url(plan),
        _url(plan, "action-edit", action.pk),
        _url(plan, "action-remove", action.pk),
    ):
        assert client.get(url).status_code == 403, url
    before = _state(plan)
    for url, data in (
        (_url(plan, "plan-contacts"), {"lead_name": "Mallory", "revision": plan.revision}),
        (_new_action_url(plan), _action_data(text="Something else.")),
        (_url(plan, "action-edit", action.pk), _action_data(text="Something else.")),
        (_url(plan, "action-remove", action.pk), {}),
        (_url(plan, "plan-submit"), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert _state(plan) == before


def test_only_the_coordinator_decides(client, submitted_plan, lead_c, chair):
    for person in (lead_c, chair):
        client.force_login(person)
        page = client.get(_url(submitted_plan, "plan-detail")).content.decode()
        assert "Decide on the plan" not in page
        response = client.post(_url(submitted_plan, "plan-decide"), {"decision": "accept"})
        assert response.status_code == 403
    assert ActionPlan.objects.get(pk=submitted_plan.pk).status == ActionPlan.Status.SUBMITTED


def test_the_boards_own_plan_is_the_coordinators_to_write(
    client, planning, chair, coordinator, lead_c
):
    board_plan = _send(planning, chair, agency_name=None)
    client.force_login(coordinator)
    page = client.get(_url(board_plan, "plan-detail")).content.decode()
    assert "The board's management action plan" in page
    assert "The board audits joint visits." in page
    assert "Submit the plan to the board" in page
    assert client.get(_url(board_plan, "plan-contacts")).status_code == 200
    client.force_login(lead_c)
    assert client.get(_url(board_plan, "plan-detail")).status_code == 404


# The lead and named person ------------------------------------------------------------


def test_the_lead_saves_the_lead_and_named_person(client, plan, lead_c):
    client.force_login(lead_c)
    page = client.get(_url(plan, "plan-contacts")).content.decode()
    assert "Only if different from the lead person." in page
    assert 'name="revision" value="0"' in page
    response = client.post(
        _url(plan, "plan-contacts"),
        {
            "revision": 0,
            "lead_name": "Leah Carewell",
            "lead_position": "Head of Service",
            "lead_phone": "01234 567890",
            "lead_email": "leah@example.org",
            "lead_address": "County Offices\nKendal",
            "named_name": "Nia Named",
            "named_email": "nia@example.org",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.lead["position"] == "Head of Service"
    assert plan.named == {"name": "Nia Named", "email": "nia@example.org"}
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "Nia Named" in page and "01234 567890" in page


def test_a_bad_email_is_refused_and_the_typed_values_kept(client, plan, lead_c):
    client.force_login(lead_c)
    response = client.post(
        _url(plan, "plan-contacts"),
        {"revision": 0, "lead_name": "Leah Carewell", "lead_email": "not an address"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'value="Leah Carewell"' in page
    assert ActionPlan.objects.get(pk=plan.pk).revision == 0


def test_a_stale_save_of_the_contacts_is_a_conflict_and_keeps_what_was_typed(client, plan, lead_c):
    client.force_login(lead_c)
    client.get(_url(plan, "plan-contacts"))  # opened at revision 0
    services.plan_contacts_save(
        case_id=plan.case_id,
        by=lead_c,
        plan_id=plan.pk,
        lead={"name": "Saved Elsewhere", "email": "else@example.org"},
        named={},
        revision=0,
    )
    typed = {"revision": 0, "lead_name": "Typed Here", "lead_email": "typed@example.org"}
    response = client.post(_url(plan, "plan-contacts"), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "after you opened it" in page
    assert 'value="Typed Here"' in page
    assert "Saved Elsewhere" in page  # what is saved now, beside the form
    assert 'name="revision" value="1"' in page
    assert ActionPlan.objects.get(pk=plan.pk).lead["name"] == "Saved Elsewhere"
    # Saving again, having seen theirs, replaces it.
    assert client.post(_url(plan, "plan-contacts"), {**typed, "revision": 1}).status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).lead["name"] == "Typed Here"


# Key actions ---------------------------------------------------------------------------


def test_the_lead_adds_changes_and_removes_key_actions(client, plan, lead_c):
    client.force_login(lead_c)
    page = client.get(_new_action_url(plan)).content.decode()
    # Appendix C's guidance notes as hints, and the SMART sentence.
    assert "Actions need to be clear, rigorous and fit for purpose." in page
    assert "minutes of meetings" in page
    assert "outcomes for people who use services or for service delivery" in page
    assert "The date by which the actions will be completed." in page
    assert "SMART" in page
    assert "Agencies share the outcome of joint visits within a week." in page
    assert "vague_confirmed" not in page
    for text in ("First action, delivered by March.", "Second action, agreed by June."):
        response = client.post(_new_action_url(plan), _action_data(text=text))
        assert response.status_code == 302
    first, second = PlanAction.objects.filter(plan=plan).order_by("position")
    assert (first.number, second.number) == ("1.1", "1.2")
    assert first.target_date == SOON
    response = client.post(
        _url(plan, "action-edit", second.pk), _action_data(text="Second action, changed.")
    )
    assert response.status_code == 302
    assert PlanAction.objects.get(pk=second.pk).text == "Second action, changed."
    page = client.get(_url(plan, "action-remove", first.pk)).content.decode()
    assert "Remove key action 1.1?" in page
    assert PlanAction.objects.filter(pk=first.pk).exists()  # asking removes nothing
    assert client.post(_url(plan, "action-remove", first.pk)).status_code == 302
    (left,) = PlanAction.objects.filter(plan=plan)
    assert (left.pk, left.number) == (second.pk, "1.1")
    assert client.get(_url(plan, "action-edit", first.pk)).status_code == 404


def test_a_recommendation_not_in_the_letter_is_404(client, plan, lead_c):
    client.force_login(lead_c)
    assert client.get(_url(plan, "action-new")).status_code == 404
    assert client.get(f"{_url(plan, 'action-new')}?recommendation=x").status_code == 404
    board_rec = plan.case.overview.recommendations.get(for_board=True)
    url = f"{_url(plan, 'action-new')}?recommendation={board_rec.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, _action_data()).status_code == 404
    assert not PlanAction.objects.exists()


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"text": "  "}, "text", "Enter the key action"),
        ({"target_date": "31/02/2027"}, "target_date", "Enter the date as a real date"),
        (
            {"target_date": (calendar.today() - timedelta(days=1)).strftime("%d/%m/%Y")},
            "target_date",
            "The date must be in the future",
        ),
    ],
    ids=["blank-action", "impossible-date", "past-date"],
)
def test_a_bad_action_is_refused_with_the_typed_values_kept(
    client, plan, lead_c, values, field, message
):
    client.force_login(lead_c)
    data = _action_data(evidence="Minutes of the team meeting", **values)
    response = client.post(_new_action_url(plan), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'<a href="#id_{field}">{message}' in page
    assert f'id="id_{field}-error"' in page  # on the field itself
    assert "Minutes of the team meeting" in page
    assert f'value="{data["target_date"]}"' in page
    assert not PlanAction.objects.exists()


def test_a_vague_action_is_flagged_and_may_be_confirmed(client, plan, lead_c):
    client.force_login(lead_c)
    response = client.post(_new_action_url(plan), _action_data(text="Review the policy."))
    assert response.status_code == 302
    action = PlanAction.objects.get(plan=plan)
    assert not action.vague_confirmed
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "‘Review’ alone may not say what will be done" in page
    assert f"{_url(plan, 'action-edit', action.pk)}#id_vague_confirmed" in page
    page = client.get(_url(plan, "action-edit", action.pk)).content.decode()
    assert "This action is specific enough as written" in page
    response = client.post(
        _url(plan, "action-edit", action.pk),
        _action_data(text="Review the policy.", vague_confirmed="on"),
    )
    assert response.status_code == 302
    assert PlanAction.objects.get(pk=action.pk).vague_confirmed
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "alone may not say what will be done" not in page
    # Made specific, the confirmation falls away with the checkbox.
    client.post(
        _url(plan, "action-edit", action.pk),
        _action_data(text="Rewrite the policy and publish it.", vague_confirmed="on"),
    )
    assert not PlanAction.objects.get(pk=action.pk).vague_confirmed


# Submission and the coordinator's decision --------------------------------------------


def test_submission_is_refused_with_the_problems_then_accepted(client, plan, lead_c):
    client.force_login(lead_c)
    response = client.post(_url(plan, "plan-submit"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The plan cannot be submitted yet" in page
    rec = plan.letter.recommendations.get()
    assert (
        f'<a href="{_url(plan, "plan-contacts")}">Give the lead person&#x27;s name and email'
        in page
    )
    assert (
        f'<a href="{_url(plan, "action-new")}?recommendation={rec.pk}">Add at least one key '
        "action for recommendation 1" in page
    )
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.DRAFTING

    client.post(_new_action_url(plan), _action_data())
    client.post(
        _url(plan, "plan-contacts"),
        {"revision": 0, "lead_name": "Leah Carewell", "lead_email": "leah@example.org"},
    )
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "The plan passes the checks" in page
    response = client.post(_url(plan, "plan-submit"))
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.SUBMITTED
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "Submit the plan to the board" not in page
    # Submitted, the plan is closed to changes.
    response = client.post(_new_action_url(plan), _action_data(text="One more."))
    assert response.status_code == 400
    assert "cannot change now" in response.content.decode()
    assert PlanAction.objects.filter(plan=plan).count() == 1


def test_the_coordinator_returns_with_comments_then_accepts(
    client, submitted_plan, coordinator, lead_c
):
    plan = submitted_plan
    client.force_login(coordinator)
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "Decide on the plan" in page and "Return it to the agency with comments" in page
    before = _state(plan)
    for data, message in (
        ({}, "Choose whether to accept the plan or return it"),
        ({"decision": "return", "comments": "  "}, "Say what the plan needs"),
    ):
        response = client.post(_url(plan, "plan-decide"), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "govuk-error-summary" in page and message in page
        assert _state(plan) == before
    response = client.post(
        _url(plan, "plan-decide"),
        {"decision": "return", "comments": "Add an audit to measure the outcome."},
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.RETURNED

    client.force_login(lead_c)
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "Returned by the coordinator" in page
    assert "Add an audit to measure the outcome." in page
    assert client.post(_url(plan, "plan-submit")).status_code == 302

    client.force_login(coordinator)
    response = client.post(_url(plan, "plan-decide"), {"decision": "accept"})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert plan.status == ActionPlan.Status.ACCEPTED and plan.decided_by == coordinator
    page = client.get(_url(plan, "plan-detail")).content.decode()
    assert "Decide on the plan" not in page and "Accepted" in page
    # The history lists the return and the resubmission (issue 16 item 3), in words.
    history = page[page.index('<h2 class="govuk-heading-m">History</h2>') :]
    steps = [
        "Being written to Submitted to the board",
        "Submitted to the board to Returned by the coordinator",
        "Add an audit to measure the outcome.",
        "Returned by the coordinator to Submitted to the board",
        "Submitted to the board to Accepted",
    ]
    places = [history.index(step) for step in steps]
    assert places == sorted(places)
    # Deciding again says why and changes nothing.
    response = client.post(_url(plan, "plan-decide"), {"decision": "accept"}, follow=True)
    assert "not waiting for a decision" in response.content.decode()


# The PDF -------------------------------------------------------------------------------


def test_the_plan_pdf_is_laid_out_by_the_worker(
    client, complete, lead_c, django_capture_on_commit_callbacks
):
    client.force_login(lead_c)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url(complete, "plan-pdf"))
    assert response.status_code == 200
    document = RenderedDocument.objects.get(case=complete.case, kind="action-plan")
    assert document.kind == "action-plan" and document.options == {"plan_id": complete.pk}
    assert document.key.startswith(f"plan:{complete.pk}:drafting:1:")
    response = client.get(_url(complete, "plan-pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")
    # A change to an action is a new PDF.
    action = complete.actions.get()
    client.post(_url(complete, "action-edit", action.pk), _action_data(text="Changed."))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(_url(complete, "plan-pdf")).status_code == 200
    assert RenderedDocument.objects.filter(case=complete.case, kind="action-plan").count() == 2


def test_the_plan_page_reads_a_fixed_number_of_queries(
    client, action, lead_c, django_assert_max_num_queries
):
    plan = action.plan
    for n in range(10):
        services.plan_action_save(
            case_id=plan.case_id,
            by=lead_c,
            plan_id=plan.pk,
            recommendation_id=action.recommendation_id,
            values=ActionValues(
                text=f"Consider item {n}.", evidence="", outcome="", target_date=None
            ),
        )
    client.force_login(lead_c)
    with django_assert_max_num_queries(20):
        assert client.get(_url(plan, "plan-detail")).status_code == 200
