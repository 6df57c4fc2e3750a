"""The chair's letters in the browser (16): the letters and plans page, drafting, the
letter page (changes, conflicts), its PDF, sending, the case page's section and the
entries in 'Needs your attention', each for who may and who may not."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from actionplans import services
from actionplans.models import ActionPlan, ChairLetter
from actionplans.services import ActionValues
from scr.audit.models import AuditEvent
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db

ASC = "Testshire Adult Social Care"
# Who sees the case but none of its letters or plans.
HIDDEN = ("lead_a", "board_member", "referrer", "author_a", "outsider", "other_coordinator")


def _url(case, name, *args):
    return reverse(f"actionplans:{name}", args=[case.reference, *args])


def _draft(case, chair) -> dict:
    services.letters_draft(case_id=case.pk, by=chair)
    return {
        (letter.agency.name if letter.agency_id else None): letter
        for letter in ChairLetter.objects.filter(case=case).select_related("agency")
    }


def _send(case, chair, letter) -> ActionPlan:
    return services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)


# The letters and plans page -------------------------------------------------------------


def test_the_chair_drafts_the_letters_from_the_page(client, planning, chair):
    client.force_login(chair)
    page = client.get(_url(planning, "overview"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Draft the letters" in text
    assert "4 weeks from the letter" in text
    assert "STRICTLY CONFIDENTIAL" in text
    response = client.post(_url(planning, "letters-draft"), follow=True)
    text = response.content.decode()
    assert "2 letters drafted" in text
    assert ASC in text and "the board (management action plan)" in text.lower()
    assert "Agencies share the outcome of joint visits within a week." in text
    assert ChairLetter.objects.filter(case=planning).count() == 2
    # Every letter drafted: no button any more; drafting again adds nothing.
    assert "Draft the letters" not in text
    client.post(_url(planning, "letters-draft"))
    assert ChairLetter.objects.filter(case=planning).count() == 2


def test_drafting_before_the_plans_shows_why(client, received, chair):
    case = received.case
    client.force_login(chair)
    page = client.get(_url(case, "overview")).content.decode()
    assert "The letters are written once the chair has approved the executive summary" in page
    response = client.post(_url(case, "letters-draft"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The case is at ‘Executive summary’" in text
    assert not ChairLetter.objects.filter(case=case).exists()


def test_only_the_chair_drafts(client, planning, coordinator, lead_c, outsider):
    client.force_login(coordinator)
    assert "Draft the letters" not in client.get(_url(planning, "overview")).content.decode()
    assert client.post(_url(planning, "letters-draft")).status_code == 403
    for person in (lead_c, outsider):
        client.force_login(person)
        assert client.post(_url(planning, "letters-draft")).status_code == 404
    assert not ChairLetter.objects.filter(case=planning).exists()


def test_the_coordinator_sees_the_letters_and_plans(client, planning, chair, coordinator):
    letters = _draft(planning, chair)
    plan = _send(planning, chair, letters[ASC])
    client.force_login(coordinator)
    text = client.get(_url(planning, "overview")).content.decode()
    assert "leah.carewell@" in text  # sent to
    assert calendar.today().strftime("%d/%m/%Y") in text
    assert _url(planning, "plan-detail", plan.pk) in text
    assert _url(planning, "letter-pdf", letters[ASC].pk) in text
    assert _url(planning, "letter-send", letters[None].pk) not in text  # the chair's to send


def test_the_agency_lead_sees_only_their_plan(client, planning, chair, lead_c):
    client.force_login(lead_c)
    # No plan before the letter is sent.
    assert client.get(_url(planning, "overview")).status_code == 404
    letters = _draft(planning, chair)
    plan = _send(planning, chair, letters[ASC])
    _send(planning, chair, letters[None])
    response = client.get(_url(planning, "overview"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your agency's action plan" in text
    assert _url(planning, "plan-detail", plan.pk) in text
    board_plan = ActionPlan.objects.get(case=planning, agency=None)
    assert _url(planning, "plan-detail", board_plan.pk) not in text
    assert "The chair's letters" not in text  # no letters list for the agencies
    assert f'href="{_url(planning, "letter-edit", letters[ASC].pk)}"' not in text


@pytest.mark.parametrize("who", HIDDEN)
def test_others_get_404_for_every_page(client, request, planning, chair, who):
    letters = _draft(planning, chair)
    _send(planning, chair, letters[ASC])
    client.force_login(request.getfixturevalue(who))
    sent, draft = letters[ASC], letters[None]
    for name, args in (
        ("overview", ()),
        ("letter-edit", (sent.pk,)),
        ("letter-edit", (draft.pk,)),
        ("letter-pdf", (sent.pk,)),
        ("letter-send", (draft.pk,)),
    ):
        assert client.get(_url(planning, name, *args)).status_code == 404, name
    assert client.post(_url(planning, "letter-send", draft.pk)).status_code == 404
    assert client.post(_url(planning, "letters-draft")).status_code == 404
    assert ChairLetter.objects.get(pk=draft.pk).status == ChairLetter.Status.DRAFT


# The letter page ------------------------------------------------------------------------


def test_the_chair_changes_the_draft(client, planning, chair):
    letter = _draft(planning, chair)[ASC]
    client.force_login(chair)
    page = client.get(_url(planning, "letter-edit", letter.pk))
    assert page.status_code == 200
    assert "Dear Leah Carewell," in page.content.decode()
    assert "Preview the letter (PDF)" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="chairletter", action="view").exists()
    response = client.post(
        _url(planning, "letter-edit", letter.pk),
        {"body": "Dear Ms Carewell,\n\nPlease send your plan.", "revision": letter.revision},
        follow=True,
    )
    assert "The letter is saved." in response.content.decode()
    letter.refresh_from_db()
    assert letter.body.startswith("Dear Ms Carewell,") and letter.revision == 2


def test_an_empty_letter_is_refused(client, planning, chair):
    letter = _draft(planning, chair)[ASC]
    client.force_login(chair)
    response = client.post(
        _url(planning, "letter-edit", letter.pk), {"body": "  ", "revision": letter.revision}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "Enter the letter" in text
    assert ChairLetter.objects.get(pk=letter.pk).body == letter.body


def test_a_save_from_an_older_revision_keeps_the_typed_text(client, planning, chair):
    letter = _draft(planning, chair)[ASC]
    services.letter_save(
        case_id=planning.pk, by=chair, letter_id=letter.pk, body="Theirs.", revision=1
    )
    client.force_login(chair)
    url = _url(planning, "letter-edit", letter.pk)
    response = client.post(url, {"body": "Mine, typed late.", "revision": 1})
    assert response.status_code == 400
    text = response.content.decode()
    assert "after you opened it" in text
    assert "Mine, typed late." in text and "Theirs." in text
    assert ChairLetter.objects.get(pk=letter.pk).body == "Theirs."
    # The form now carries the saved revision: saving again goes through.
    assert 'name="revision" value="2"' in text
    client.post(url, {"body": "Mine, typed late.", "revision": 2})
    assert ChairLetter.objects.get(pk=letter.pk).body == "Mine, typed late."


def test_the_coordinator_reads_the_letter_but_does_not_change_it(
    client, planning, chair, coordinator
):
    letter = _draft(planning, chair)[ASC]
    client.force_login(coordinator)
    page = client.get(_url(planning, "letter-edit", letter.pk)).content.decode()
    assert "Dear Leah Carewell," in page and "Save the letter" not in page
    response = client.post(
        _url(planning, "letter-edit", letter.pk), {"body": "Changed.", "revision": 1}
    )
    assert response.status_code == 403
    assert ChairLetter.objects.get(pk=letter.pk).body == letter.body


def test_a_sent_letter_is_read_only(client, planning, chair):
    letter = _draft(planning, chair)[ASC]
    _send(planning, chair, letter)
    client.force_login(chair)
    page = client.get(_url(planning, "letter-edit", letter.pk)).content.decode()
    assert "Save the letter" not in page and "cannot change" in page
    response = client.post(
        _url(planning, "letter-edit", letter.pk), {"body": "Changed.", "revision": 1}
    )
    assert response.status_code == 400
    assert ChairLetter.objects.get(pk=letter.pk).body == letter.body


# The letter as a PDF --------------------------------------------------------------------


def test_the_chair_and_coordinator_preview_the_pdf(client, planning, chair, coordinator):
    letter = _draft(planning, chair)[ASC]
    for person in (chair, coordinator):
        client.force_login(person)
        response = client.get(_url(planning, "letter-pdf", letter.pk))
        assert response.status_code == 200
        text = response.content.decode()
        assert "The letter to Testshire Adult Social Care as a PDF" in text
        assert "STRICTLY CONFIDENTIAL" in text


def test_the_addressed_lead_reads_the_pdf_only_once_sent(client, planning, chair, lead_c, lead_a):
    letters = _draft(planning, chair)
    url = _url(planning, "letter-pdf", letters[ASC].pk)
    client.force_login(lead_c)
    assert client.get(url).status_code == 404
    _send(planning, chair, letters[ASC])
    assert client.get(url).status_code == 200
    # Not the board's letter, nor the letter page itself.
    assert client.get(_url(planning, "letter-pdf", letters[None].pk)).status_code == 404
    assert client.get(_url(planning, "letter-edit", letters[ASC].pk)).status_code == 404
    client.force_login(lead_a)
    assert client.get(url).status_code == 404


def test_the_pdf_is_rendered_with_the_letter(
    client, planning, chair, django_capture_on_commit_callbacks
):
    letter = _draft(planning, chair)[ASC]
    client.force_login(chair)
    url = _url(planning, "letter-pdf", letter.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")


# Sending --------------------------------------------------------------------------------


def test_the_chair_confirms_and_sends(
    client, planning, chair, lead_c, django_capture_on_commit_callbacks
):
    letter = _draft(planning, chair)[ASC]
    client.force_login(chair)
    url = _url(planning, "letter-send", letter.pk)
    page = client.get(url).content.decode()
    assert "You are sending this letter to" in page
    assert "Leah Carewell (leah.carewell@example.org)" in page
    assert "then has 4 weeks to return its action plan" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == _url(planning, "overview")
    letter.refresh_from_db()
    assert letter.status == ChairLetter.Status.SENT
    assert letter.sent_to == [lead_c.email]
    (sent,) = [m for m in mail.outbox if m.to == [lead_c.email]]
    assert sent.attachments[0][0].endswith(".pdf")
    due = Deadline.objects.get(case=planning, kind=Deadline.Kind.ACTION_PLAN).due
    text = client.get(response["Location"]).content.decode()
    assert f"Its action plan is due by {due:%d/%m/%Y}" in text
    assert "Sent" in text
    # Sent: the confirmation page goes back to the letter.
    assert client.get(url)["Location"] == _url(planning, "letter-edit", letter.pk)


def test_sending_with_no_agency_lead_changes_nothing(
    client, planning, chair, lead_c, django_capture_on_commit_callbacks
):
    letter = _draft(planning, chair)[ASC]
    lead_c.groups.clear()  # the agency's representative has left the role
    client.force_login(chair)
    url = _url(planning, "letter-send", letter.pk)
    assert "has no agency lead in the service" in client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert ChairLetter.objects.get(pk=letter.pk).status == ChairLetter.Status.DRAFT
    assert not ActionPlan.objects.exists() and mail.outbox == []


def test_the_boards_own_letter_sends_no_email(
    client, planning, chair, django_capture_on_commit_callbacks
):
    letter = _draft(planning, chair)[None]
    client.force_login(chair)
    url = _url(planning, "letter-send", letter.pk)
    assert "No email is sent" in client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert ActionPlan.objects.get(case=planning).agency is None
    assert mail.outbox == []


def test_the_coordinator_cannot_send(client, planning, chair, coordinator):
    letter = _draft(planning, chair)[ASC]
    client.force_login(coordinator)
    url = _url(planning, "letter-send", letter.pk)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert ChairLetter.objects.get(pk=letter.pk).status == ChairLetter.Status.DRAFT


# The case page --------------------------------------------------------------------------


def _case_page(client, case) -> str:
    return client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()


def test_the_case_page_shows_letters_and_plans(
    client, planning, chair, coordinator, lead_c, lead_a
):
    letters = _draft(planning, chair)
    plan = _send(planning, chair, letters[ASC])
    for person in (chair, coordinator):
        client.force_login(person)
        text = _case_page(client, planning)
        assert "Action plans" in text
        assert _url(planning, "letter-edit", letters[None].pk) in text
        assert _url(planning, "plan-detail", plan.pk) in text
        assert _url(planning, "overview") in text
    client.force_login(lead_c)
    text = _case_page(client, planning)
    assert _url(planning, "plan-detail", plan.pk) in text
    assert f'href="{_url(planning, "letter-edit", letters[ASC].pk)}"' not in text
    client.force_login(lead_a)
    assert _url(planning, "overview") not in _case_page(client, planning)


def test_the_section_is_not_there_before_the_plans(client, received, chair):
    client.force_login(chair)
    text = _case_page(client, received.case)
    assert reverse("actionplans:overview", args=[received.case.reference]) not in text


# Needs your attention -------------------------------------------------------------------


def _home(client, person) -> str:
    client.force_login(person)
    return html.unescape(client.get(reverse("cases:home")).content.decode())


def test_the_chair_is_asked_to_write_until_every_letter_is_sent(client, planning, chair):
    title = f"{planning.reference}: Write to the agencies about the recommendations"
    assert title in _home(client, chair)
    letters = _draft(planning, chair)
    _send(planning, chair, letters[ASC])
    text = _home(client, chair)
    assert title in text and "no letter sent yet to the board" in text
    _send(planning, chair, letters[None])
    assert title not in _home(client, chair)


def test_the_lead_writes_and_revises_and_the_coordinator_decides(
    client, planning, chair, lead_c, lead_a, coordinator
):
    letters = _draft(planning, chair)
    plan = _send(planning, chair, letters[ASC])
    due = Deadline.objects.get(case=planning, kind=Deadline.Kind.ACTION_PLAN).due
    text = _home(client, lead_c)
    assert f"{planning.reference}: Write the action plan" in text
    assert f"Due {due:%d/%m/%Y}" in text
    assert _url(planning, "plan-detail", plan.pk) in text
    assert "Write the action plan" not in _home(client, lead_a)
    _submit(plan, lead_c)
    assert "Write the action plan" not in _home(client, lead_c)
    decide = f"{planning.reference}: Decide the action plan of {ASC}"
    assert decide in _home(client, coordinator)
    assert decide not in _home(client, chair)
    services.plan_decide(
        case_id=planning.pk, by=coordinator, plan_id=plan.pk, accept=False, comments="More."
    )
    assert f"{planning.reference}: Revise the action plan" in _home(client, lead_c)
    assert decide not in _home(client, coordinator)


def test_the_coordinator_writes_the_boards_plan(client, planning, chair, coordinator, lead_c):
    letters = _draft(planning, chair)
    _send(planning, chair, letters[None])
    title = f"{planning.reference}: Write the board's action plan"
    assert title in _home(client, coordinator)
    assert title not in _home(client, lead_c)
    assert title not in _home(client, chair)


def test_attention_queries_do_not_grow_with_cases(client, planning, board, chair, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans.attention import action_plan_work
    from scr.cases.services import case_create

    letters = _draft(planning, chair)
    _send(planning, chair, letters[None])

    def count(person) -> int:
        person = type(person).objects.get(pk=person.pk)
        assert person.board_roles  # loaded once per request, before the providers
        with CaptureQueriesContext(connection) as queries:
            assert list(action_plan_work(person))
        return len(queries.captured_queries)

    before = {p.pk: count(p) for p in (chair, coordinator)}
    assert max(before.values()) <= 7
    # More cases at the plans (moved there directly: only the count matters here).
    extra = [case_create(board=board, by=coordinator, subject_name=f"P {n}") for n in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in extra]).update(stage=Stage.ACTION_PLANS)
    assert {p.pk: count(p) for p in (chair, coordinator)} == before


def test_nothing_for_people_without_a_role_here(client, planning, board_member, outsider):
    for person in (board_member, outsider):
        assert "Write to the agencies" not in _home(client, person)


def _submit(plan, lead) -> None:
    from datetime import timedelta

    key = {"case_id": plan.case_id, "by": lead, "plan_id": plan.pk}
    services.plan_contacts_save(
        **key, lead={"name": "Leah Carewell", "email": "l@example.org"}, named={}, revision=None
    )
    services.plan_action_save(
        **key,
        recommendation_id=plan.letter.recommendations.get().pk,
        values=ActionValues(
            text="Deliver training on sharing visit outcomes to every team.",
            evidence="Training attendance records",
            outcome="Outcomes shared within a week in 9 of 10 audited visits.",
            target_date=calendar.today() + timedelta(days=90),
        ),
    )
    services.plan_submit(**key)


def test_a_letter_save_without_its_revision_is_refused(client, planning, chair):
    """Leaving the hidden field out must not skip the clash check (#20, item 2)."""
    letter = _draft(planning, chair)[ASC]
    client.force_login(chair)
    response = client.post(_url(planning, "letter-edit", letter.pk), {"body": "Overwritten."})
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    assert ChairLetter.objects.get(pk=letter.pk).body == letter.body
