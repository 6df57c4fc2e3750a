"""A referral from draft to the chair, and who may see and do what on the way (5)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from scr.audit.models import AuditEvent
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.cases.status import status_events

pytestmark = pytest.mark.django_db

COMPLETE = {
    "subject_name": "Florence Quibble-Marsh",
    "subject_died": True,
    "what_happened": "Missed care visits and weight loss were not acted on.",
    "abuse_or_neglect": "suspected",
    "believes_3_1": True,
}


@pytest.fixture
def draft(referrer):
    return services.referral_start(by=referrer)


def _fill(referral, referrer, agencies, **extra):
    data = {**COMPLETE, "subject_date_of_death": date(2026, 10, 1), **extra}
    return services.referral_save(
        referral_id=referral.pk, by=referrer, data=data, agencies=agencies
    )


def test_submission_goes_to_the_agency_lead_alone(
    draft, referrer, agency_a, lead_b, lead_a, mailoutbox, django_capture_on_commit_callbacks
):
    _fill(draft, referrer, [agency_a])
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_submit(referral_id=draft.pk, by=referrer)
    assert referral.status == Referral.Status.SUBMITTED
    # No case yet: nobody beyond the referrer and their lead knows of it (5).
    assert referral.case is None and not Case.objects.exists()
    assert [m.to for m in mailoutbox] == [[lead_b.email]]  # agency B's lead, not agency A's
    assert f"Referral {referral.pk}" in mailoutbox[0].subject
    assert "Florence" not in mailoutbox[0].body and "Quibble" not in mailoutbox[0].body


def test_an_incomplete_referral_is_not_submitted_and_keeps_its_draft(draft, referrer):
    services.referral_save(
        referral_id=draft.pk,
        by=referrer,
        data={"subject_name": "Florence Quibble-Marsh", "subject_died": True},
        agencies=[],
    )
    with pytest.raises(ValidationError) as error:
        services.referral_submit(referral_id=draft.pk, by=referrer)
    assert set(error.value.message_dict) == {
        "subject_date_of_death",
        "what_happened",
        "abuse_or_neglect",
        "agencies",
        "believes",
    }
    draft.refresh_from_db()
    assert (draft.status, draft.subject_name) == (Referral.Status.DRAFT, "Florence Quibble-Marsh")


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"subject_date_of_birth": date(2052, 4, 3)}, "subject_date_of_birth", "in the past"),
        ({"subject_date_of_death": date(2099, 1, 1)}, "subject_date_of_death", "in the past"),
        (
            {"subject_date_of_birth": date(1950, 1, 1), "subject_date_of_death": date(1949, 1, 1)},
            "subject_date_of_death",
            "after the date of birth",
        ),
    ],
)
def test_impossible_dates_are_refused(draft, referrer, agency_a, dates, field, message):
    _fill(draft, referrer, [agency_a], **dates)
    with pytest.raises(ValidationError) as error:
        services.referral_submit(referral_id=draft.pk, by=referrer)
    assert message in error.value.message_dict[field][0]


def test_the_lead_endorses_and_the_case_opens_with_the_chair(
    draft, referrer, agency_a, lead_b, chair, mailoutbox, django_capture_on_commit_callbacks
):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_endorse(referral_id=draft.pk, by=lead_b)
    assert referral.status == Referral.Status.ENDORSED
    case = Case.objects.get(pk=referral.case_id)
    assert case.stage == Stage.WITH_CHAIR
    assert case.subject_name == "Florence Quibble-Marsh"
    assert set(case.agencies.values_list("name", flat=True)) == {
        "Testshire NHS Trust",
        "Testshire Police",
    }
    assert case.events.get().actor == lead_b
    assert case.assignments.get().user == referrer
    assert chair.email in {m.to[0] for m in mailoutbox}
    # Its history (issue 16 item 3): the submission, before the case existed, and the
    # endorsement that opened it, each with its audit row.
    assert [
        (e.transition, e.from_status, e.to_status, e.actor, e.case_id)
        for e in status_events(referral)
    ] == [
        ("submit", "draft", "submitted", referrer, None),
        ("endorse", "submitted", "endorsed", lead_b, case.pk),
    ]
    assert list(
        AuditEvent.objects.filter(object_type="referral", action="transition")
        .order_by("pk")
        .values_list("detail", flat=True)
    ) == [
        "draft -> submitted: referral submitted",
        "submitted -> endorsed: referral endorsed",
    ]


def test_a_returned_referral_is_its_referrers_alone_until_resubmitted(
    client, draft, referrer, agency_a, lead_b, coordinator
):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    with pytest.raises(ValidationError):
        services.referral_return(referral_id=draft.pk, by=lead_b, reason="  ")
    services.referral_return(referral_id=draft.pk, by=lead_b, reason="Add the date of birth.")
    url = reverse("referrals:referral-detail", args=[draft.pk])
    for person in (lead_b, coordinator):
        client.force_login(person)
        assert client.get(url).status_code == 404
    _fill(draft, referrer, [agency_a], subject_date_of_birth=date(1940, 2, 3))
    referral = services.referral_submit(referral_id=draft.pk, by=referrer)
    assert referral.status == Referral.Status.SUBMITTED
    client.force_login(lead_b)
    page = client.get(url)
    assert page.status_code == 200
    assert [(e.from_status, e.to_status, e.note) for e in status_events(referral)] == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "Add the date of birth."),
        ("returned", "submitted", ""),
    ]
    # The page lists them, in words.
    text = page.content.decode()
    assert "Draft to Waiting for the agency lead" in text
    assert "Waiting for the agency lead to Returned to the referrer" in text
    assert "Add the date of birth." in text
    assert "Returned to the referrer to Waiting for the agency lead" in text


def test_a_lead_who_refers_sends_it_straight_to_the_chair(board, agency_b, lead_b, agency_a):
    referral = services.referral_start(by=lead_b)
    _fill(referral, lead_b, [agency_a])
    referral = services.referral_submit(referral_id=referral.pk, by=lead_b)
    assert referral.status == Referral.Status.ENDORSED
    assert referral.case.stage == Stage.WITH_CHAIR


def test_people_without_an_agency_cannot_refer(overview_author):
    with pytest.raises(ValidationError):
        services.referral_start(by=overview_author)


def test_only_the_referrers_agency_lead_decides(
    draft, referrer, agency_a, lead_a, lead_b, coordinator, chair
):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    for person in (lead_a, coordinator, chair):
        with pytest.raises((PermissionDenied, Http404)):
            services.referral_endorse(referral_id=draft.pk, by=person)
    with pytest.raises(PermissionDenied):
        services.referral_endorse(referral_id=draft.pk, by=referrer)  # not their own
    assert Referral.objects.get(pk=draft.pk).status == Referral.Status.SUBMITTED


def test_a_draft_is_its_referrers_alone(
    client, draft, referrer, lead_b, coordinator, chair, outsider
):
    for person in (lead_b, coordinator, chair, outsider):
        with pytest.raises(Http404):
            services.referral_save(
                referral_id=draft.pk, by=person, data={"subject_name": "X"}, agencies=[]
            )
        client.force_login(person)
        assert client.get(reverse("referrals:referral-detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("referrals:referral-edit", args=[draft.pk])).status_code == 404


def test_who_sees_a_submitted_referral(
    client,
    draft,
    referrer,
    agency_a,
    lead_a,
    lead_b,
    coordinator,
    chair,
    outsider,
    other_coordinator,
    board_member,
):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    url = reverse("referrals:referral-detail", args=[draft.pk])
    expected = {
        referrer: 200,
        lead_b: 200,
        coordinator: 404,
        chair: 404,
        lead_a: 404,
        outsider: 404,
        other_coordinator: 404,
        board_member: 404,
    }
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person
    services.referral_endorse(referral_id=draft.pk, by=lead_b)
    # Endorsed: whoever may see the case in full sees its referral.
    expected.update({coordinator: 200, chair: 200, lead_a: 200})
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_agencies_of_another_board_are_ignored(draft, referrer, agency_a, other_board):
    from tests.factories import AgencyFactory

    elsewhere = AgencyFactory(board=other_board, name="Otherton Police")
    referral = _fill(draft, referrer, [agency_a, elsewhere])
    assert list(referral.agencies.all()) == [agency_a]


def test_editing_after_submission_is_refused_and_says_why(client, draft, referrer, agency_a):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    with pytest.raises(services.AlreadyMovedOn):
        services.referral_save(referral_id=draft.pk, by=referrer, data={"subject_name": "X"})
    client.force_login(referrer)
    response = client.get(reverse("referrals:referral-edit", args=[draft.pk]), follow=True)
    assert "This referral is now ‘waiting for the agency lead’" in response.content.decode()
    assert Referral.objects.get(pk=draft.pk).subject_name == "Florence Quibble-Marsh"


def test_saving_a_draft_keeps_the_good_fields_when_one_is_wrong(client, draft, referrer):
    client.force_login(referrer)
    url = reverse("referrals:referral-edit", args=[draft.pk])
    response = client.post(
        url,
        {
            "what_happened": "An hour of careful writing.",
            "subject_date_of_birth": "31/02/1940",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "Enter the date of birth as a real date" in response.content.decode()
    assert Referral.objects.get(pk=draft.pk).what_happened == "An hour of careful writing."


def test_the_referrer_sees_only_the_stage_of_the_case(client, draft, referrer, agency_a, lead_b):
    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    referral = services.referral_endorse(referral_id=draft.pk, by=lead_b)
    client.force_login(referrer)
    text = client.get(reverse("cases:case-detail", args=[referral.case.reference])).content
    assert b"With the chair" in text
    assert b"STRICTLY CONFIDENTIAL" not in text and b"Deadlines" not in text
    text = client.get(reverse("referrals:referral-list")).content.decode()
    assert "Sent to the board chair" in text and "Case stage: With the chair" in text


def test_the_referral_form_keeps_what_was_typed_and_shows_every_problem(client, referrer, draft):
    client.force_login(referrer)
    url = reverse("referrals:referral-edit", args=[draft.pk])
    response = client.post(
        url, {"subject_name": "Florence Quibble-Marsh", "subject_died": "on", "action": "submit"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    for message in (
        "Enter the date of death",
        "Describe what happened",
        "Select whether abuse or neglect is known or suspected",
        "Select the agencies that were involved",
        "Select the criteria you believe are met",
    ):
        assert message in text
    assert 'value="Florence Quibble-Marsh"' in text
    assert Referral.objects.get(pk=draft.pk).subject_name == "Florence Quibble-Marsh"
    response = client.post(url, {"subject_date_of_birth": "31/02/1940", "action": "save"})
    assert response.status_code == 400
    assert "Enter the date of birth as a real date" in response.content.decode()


def test_a_referral_from_the_form_to_endorsement_through_the_pages(
    client, referrer, lead_b, agency_a, mailoutbox
):
    client.force_login(referrer)
    response = client.post(reverse("referrals:referral-new"))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:referral-edit", args=[referral.pk])
    data = {
        **COMPLETE,
        "subject_died": "on",
        "believes_3_1": "on",
        "subject_date_of_death": "01/10/2026",
        "agencies": [agency_a.pk],
        "action": "submit",
    }
    response = client.post(reverse("referrals:referral-edit", args=[referral.pk]), data)
    assert response.status_code == 302
    client.force_login(lead_b)
    home = client.get(reverse("cases:home")).content.decode()
    assert "Endorse or return a referral" in home
    detail = client.get(reverse("referrals:referral-detail", args=[referral.pk])).content.decode()
    assert "The board should conduct a Serious Case Review (3.1)" in detail
    response = client.post(
        reverse("referrals:referral-detail", args=[referral.pk]), {"decision": "endorse"}
    )
    assert response.status_code == 302
    assert Case.objects.get().stage == Stage.WITH_CHAIR


def test_the_referrers_agency_is_told_the_chairs_decision(
    draft, referrer, agency_a, lead_b, chair, mailoutbox, django_capture_on_commit_callbacks
):
    from panel import services as panel

    _fill(draft, referrer, [agency_a])
    services.referral_submit(referral_id=draft.pk, by=referrer)
    referral = services.referral_endorse(referral_id=draft.pk, by=lead_b)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        panel.chair_decision_record(
            case_id=referral.case_id,
            by=chair,
            decision="decline",
            reasons="Criteria not met; no concerns about working together.",
        )
    told = [m for m in mailoutbox if "decided on your agency's referral" in m.subject]
    assert [m.to for m in told] == [[lead_b.email]]
    assert "Declined" in told[0].body
    assert "Criteria not met" not in told[0].body and "Florence" not in told[0].body
