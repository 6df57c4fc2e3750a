"""Requests for information under section 45 of the Care Act 2014 on a SAR (issue 17):
the register, its clock, who may read and answer a request, and the pages."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from imr import s45_services
from imr.models import S45_LEGAL_BASIS, InformationRequest
from panel import services as panel_services
from scr.attention import items_for
from scr.cases.models import CaseAgency
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_due
from tests import scenarios
from tests.files import PDF  # a real PDF: uploads are parsed (scr/upload_content.py)

pytestmark = pytest.mark.django_db

MARKER = "MARKERS45REPLYA"


@pytest.fixture
def sar(board, referrer_a, lead_a, chair, agency_a, agency_c):
    """A SAR referred by agency A and decided on (mandatory, s44(2))."""
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    case = scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Hypatia Quenby-Marsh",
        agencies=[agency_a, agency_c],
        care_and_support_needs="yes",
        concern_working_together=True,
    )
    panel_services.chair_decision_record(
        case_id=case.pk,
        by=chair,
        decision=panel_services.Decision.REVIEW,
        reasons="Mandatory: she died and neglect is suspected.",
        basis="mandatory",
    )
    return case


@pytest.fixture
def scr_case(new_case):
    """A case of the board's 2009 procedure: it keeps no s45 register."""
    return new_case


def ask(case, by, agency, **extra):
    return s45_services.s45_request_send(
        case_id=case.pk,
        by=by,
        agency_id=agency.pk if agency else None,
        asked=extra.pop("asked", "Her care records from March to June."),
        **extra,
    )


def clock(request):
    return Deadline.objects.get(case=request.case, subject=request.clock_subject)


# The services ------------------------------------------------------------------------


def test_a_request_to_an_agency_opens_its_clock_and_emails_its_lead(
    sar, coordinator, agency_b, lead_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(sar, coordinator, agency_b)
    today = calendar.today()
    assert request.legal_basis == S45_LEGAL_BASIS
    assert request.asked_on == today
    assert request.due_on == deadline_due(sar.board, "s45_reply", today, sar.review_type)
    # 20 working days: four weeks at least.
    assert request.due_on >= today + timedelta(days=28)
    deadline = clock(request)
    assert (deadline.kind, deadline.agency, deadline.due) == ("s45_reply", agency_b, request.due_on)
    assert deadline.is_live and deadline.owner == lead_b
    # The agency is now involved in the case, so its lead sees it.
    assert CaseAgency.objects.filter(case=sar, agency=agency_b).exists()
    [email] = [m for m in mail.outbox if lead_b.email in m.to]
    assert "section 45 of the Care Act 2014" in email.body
    assert "Her care records" not in email.body + email.subject
    assert "Hypatia" not in email.body + email.subject


def test_two_requests_to_one_agency_run_two_clocks(sar, coordinator, agency_a):
    first = ask(sar, coordinator, agency_a)
    second = ask(sar, coordinator, agency_a, asked="Her GP's notes.")
    assert clock(first).pk != clock(second).pk


def later(days: int):
    """Travel `days` ahead, to 10:00 in London."""
    day = calendar.today() + timedelta(days=days)
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=calendar.LONDON))


def test_the_reply_meets_the_clock_and_is_timed(sar, coordinator, lead_a, agency_a):
    request = ask(sar, coordinator, agency_a)
    with later(40):
        today = calendar.today()
        s45_services.s45_reply_record(
            case_id=sar.pk, request_id=request.pk, by=lead_a, reply="The records are attached."
        )
        request.refresh_from_db()
        assert request.status == InformationRequest.Status.REPLIED
        assert request.received_on == today and request.received_by == lead_a
        assert request.days_taken == 40 and request.is_late(today)
    deadline = clock(request)
    assert deadline.status == Deadline.Status.MET and deadline.met_on == today


def test_a_person_outside_the_board_is_asked_without_email(
    sar, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(
            sar,
            coordinator,
            None,
            recipient_name="Dr Nia Pennant",
            recipient_organisation="Quayside Surgery",
            recipient_email="nia.pennant@example.org",
        )
    assert request.to_whom == "Dr Nia Pennant, Quayside Surgery"
    assert clock(request).agency is None
    assert not [m for m in mail.outbox if "nia.pennant@example.org" in m.to]
    # The coordinator records the reply that came by post.
    s45_services.s45_reply_record(
        case_id=sar.pk, request_id=request.pk, by=coordinator, reply="Notes supplied."
    )
    assert clock(request).status == Deadline.Status.MET


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"asked": "  "}, "asked"),
        ({"asked_on": "tomorrow"}, "asked_on"),
        ({"recipient_name": "Dr Nia Pennant"}, "agency"),  # both an agency and a person
    ],
)
def test_a_bad_request_changes_nothing(sar, coordinator, agency_a, extra, field):
    if extra.get("asked_on") == "tomorrow":
        extra["asked_on"] = calendar.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        ask(sar, coordinator, agency_a, **extra)
    assert field in refused.value.message_dict
    assert not InformationRequest.objects.exists()
    assert not Deadline.objects.filter(kind="s45_reply").exists()


def test_an_agency_of_another_board_is_refused(sar, coordinator, other_board):
    from tests.factories import AgencyFactory

    stranger = AgencyFactory(board=other_board, name="Otherton Police")
    with pytest.raises(ValidationError):
        ask(sar, coordinator, stranger)
    assert not InformationRequest.objects.exists()


def test_only_the_board_side_makes_requests(sar, lead_a, author_a, outsider, agency_a):
    for person in (lead_a, author_a, outsider):
        with pytest.raises(Http404):
            ask(sar, person, agency_a)
    assert not InformationRequest.objects.exists()


def test_the_chair_may_make_a_request(sar, chair, agency_a):
    assert ask(sar, chair, agency_a).requested_by == chair


def test_a_case_of_the_2009_procedure_has_no_register(scr_case, coordinator, agency_a):
    with pytest.raises(Http404):
        ask(scr_case, coordinator, agency_a)


def test_another_agency_cannot_answer_or_read(sar, coordinator, agency_a, agency_c, lead_a):
    from tests.conftest import _person

    lead_c = _person(sar.board, "Leah Carewell", ["agency_lead"], agency_c)
    request = ask(sar, coordinator, agency_a)
    with pytest.raises(Http404):
        s45_services.s45_reply_record(
            case_id=sar.pk, request_id=request.pk, by=lead_c, reply="Not ours."
        )
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ASKED and not request.reply


def test_a_reply_needs_words_or_a_file_and_a_sound_date(sar, coordinator, lead_a, agency_a):
    request = ask(sar, coordinator, agency_a)
    for kwargs, field in (
        ({"reply": " "}, "reply"),
        ({"reply": "x", "received_on": calendar.today() + timedelta(days=1)}, "received_on"),
        ({"reply": "x", "received_on": calendar.today() - timedelta(days=1)}, "received_on"),
        ({"upload": SimpleUploadedFile("notes.exe", b"MZ\x90\x00binary")}, "upload"),
    ):
        with pytest.raises(ValidationError) as refused:
            s45_services.s45_reply_record(
                case_id=sar.pk, request_id=request.pk, by=lead_a, **kwargs
            )
        assert field in refused.value.message_dict
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ASKED
    assert not request.files.exists()
    assert clock(request).is_live


def test_a_reply_with_a_file(sar, coordinator, lead_a, agency_a):
    request = ask(sar, coordinator, agency_a)
    s45_services.s45_reply_record(
        case_id=sar.pk,
        request_id=request.pk,
        by=lead_a,
        upload=SimpleUploadedFile("records.pdf", PDF),
    )
    assert [f.original_name for f in request.files.all()] == ["records.pdf"]


def test_a_reply_is_recorded_once(sar, coordinator, lead_a, agency_a):
    request = ask(sar, coordinator, agency_a)
    reply = s45_services.s45_reply_record
    reply(case_id=sar.pk, request_id=request.pk, by=lead_a, reply="First.")
    with pytest.raises(ValidationError):
        reply(case_id=sar.pk, request_id=request.pk, by=lead_a, reply="Second.")
    request.refresh_from_db()
    assert request.reply == "First."


def test_escalation_reaches_the_chair(
    sar, coordinator, chair, lead_a, agency_a, django_capture_on_commit_callbacks
):
    request = ask(sar, coordinator, agency_a)
    with later(40):
        with pytest.raises(ValidationError):
            s45_services.s45_escalate(
                case_id=sar.pk, request_id=request.pk, by=coordinator, reason=""
            )
        with pytest.raises(PermissionDenied):
            s45_services.s45_escalate(
                case_id=sar.pk, request_id=request.pk, by=lead_a, reason="We refuse."
            )
        assert not [i for i in items_for(chair) if "escalated" in i.title]
        assert [i for i in items_for(coordinator) if "late reply" in i.title]
        with django_capture_on_commit_callbacks(execute=True):
            s45_services.s45_escalate(
                case_id=sar.pk,
                request_id=request.pk,
                by=coordinator,
                reason="No reply after two reminders.",
            )
        request.refresh_from_db()
        assert request.status == InformationRequest.Status.ESCALATED
        assert request.escalation_reason == "No reply after two reminders."
        [item] = [i for i in items_for(chair) if "escalated" in i.title]
        assert item.url == reverse("imr:s45-detail", args=[sar.reference, request.pk])
        assert [m for m in mail.outbox if chair.email in m.to]
        # The reply may still come; it meets the clock.
        s45_services.s45_reply_record(
            case_id=sar.pk, request_id=request.pk, by=lead_a, reply="Late."
        )
        assert clock(request).status == Deadline.Status.MET
        assert not [i for i in items_for(chair) if "escalated" in i.title]


def test_the_lead_is_asked_to_reply_under_needs_your_attention(sar, coordinator, lead_a, agency_a):
    request = ask(sar, coordinator, agency_a)
    [item] = [i for i in items_for(lead_a) if "s45" in i.title]
    assert item.due == request.due_on


# The pages ---------------------------------------------------------------------------


def test_the_register_shows_requests_and_response_times(
    client, sar, coordinator, lead_a, agency_a, agency_c
):
    request = ask(sar, coordinator, agency_a)
    ask(sar, coordinator, agency_c)
    with later(3):
        s45_services.s45_reply_record(
            case_id=sar.pk, request_id=request.pk, by=lead_a, reply="Done."
        )
        client.force_login(coordinator)
        page = client.get(reverse("imr:s45-register", args=[sar.reference]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Response times" in text and agency_a.name in text and agency_c.name in text
        times = {row["to_whom"]: row for row in page.context["times"]}
        assert times[agency_a.name]["average"] == 3 and times[agency_a.name]["late"] == 0
        assert times[agency_c.name]["waiting"] == 1
        # The case page links to it.
        case_page = client.get(reverse("cases:case-detail", args=[sar.reference])).content.decode()
        assert reverse("imr:s45-register", args=[sar.reference]) in case_page


def test_a_bad_request_page_keeps_what_was_typed(client, sar, coordinator, agency_a):
    client.force_login(coordinator)
    page = client.post(
        reverse("imr:s45-new", args=[sar.reference]),
        {
            "recipient": str(agency_a.pk),
            "recipient_name": "Dr Nia Pennant",
            "asked": "Her GP notes from 2025.",
            "legal_basis": S45_LEGAL_BASIS,
            "asked_on": "01/01/2020",
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text
    assert "not both" in text
    assert "Her GP notes from 2025." in text
    assert not InformationRequest.objects.exists()


def test_the_request_page_makes_a_request(client, sar, coordinator, agency_a):
    client.force_login(coordinator)
    page = client.post(
        reverse("imr:s45-new", args=[sar.reference]),
        {
            "recipient": str(agency_a.pk),
            "asked": "Her GP notes.",
            "legal_basis": S45_LEGAL_BASIS,
            "asked_on": calendar.today().strftime("%d/%m/%Y"),
        },
    )
    assert page.status_code == 302
    assert InformationRequest.objects.get().agency == agency_a


def test_the_lead_replies_on_the_page_and_a_refused_file_keeps_the_words(
    client, sar, coordinator, lead_a, agency_a
):
    request = ask(sar, coordinator, agency_a)
    client.force_login(lead_a)
    url = reverse("imr:s45-reply", args=[sar.reference, request.pk])
    today = calendar.today().strftime("%d/%m/%Y")
    page = client.post(
        url,
        {
            "received_on": today,
            "reply": f"Seen twice ({MARKER}).",
            "upload": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary"),
        },
    )
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    assert MARKER in page.content.decode()
    page = client.post(url, {"received_on": today, "reply": f"Seen twice ({MARKER})."})
    assert page.status_code == 302
    detail = client.get(reverse("imr:s45-detail", args=[sar.reference, request.pk]))
    assert MARKER in detail.content.decode()


def test_nobody_of_another_agency_sees_the_reply(
    client, sar, coordinator, lead_a, lead_b, author_a, agency_a, agency_b
):
    """lead_b's agency is asked too, so lead_b sees the case, but never A's request."""
    request = ask(sar, coordinator, agency_a)
    ask(sar, coordinator, agency_b, asked="Police logs.")
    s45_services.s45_reply_record(
        case_id=sar.pk, request_id=request.pk, by=lead_a, reply=f"Notes {MARKER}."
    )
    pages = [
        reverse("imr:s45-register", args=[sar.reference]),
        reverse("imr:s45-detail", args=[sar.reference, request.pk]),
        reverse("imr:s45-reply", args=[sar.reference, request.pk]),
        reverse("imr:s45-escalate", args=[sar.reference, request.pk]),
    ]
    for person in (lead_b, author_a):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == 404, (person, url)
        case_page = client.get(reverse("cases:case-detail", args=[sar.reference]))
        assert MARKER not in case_page.content.decode()
        assert "Her care records" not in case_page.content.decode()
    client.force_login(lead_b)
    case_page = client.get(reverse("cases:case-detail", args=[sar.reference])).content.decode()
    assert "Police logs" not in case_page  # the list names whom, never what
    assert agency_b.name in case_page and agency_a.name + "</a>" not in case_page
    client.force_login(lead_a)
    assert MARKER in client.get(pages[1]).content.decode()


def test_the_clock_reminds_the_lead_and_then_the_coordinator(
    sar, coordinator, lead_a, agency_a, django_capture_on_commit_callbacks
):
    """The s45 clock is reminded like the others (scr.deadlines.reminders): its owner, the
    agency's lead, and once overdue the coordinator too; never with what was asked."""
    from scr.deadlines.reminders import deadline_sweep

    request = ask(sar, coordinator, agency_a, asked=f"Her ward notes ({MARKER}).")
    mail.outbox = []
    overdue = request.due_on + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        deadline_sweep(at=datetime.combine(overdue, time(9), tzinfo=calendar.LONDON), inline=True)
    about = [m for m in mail.outbox if "request for information" in m.subject.lower()]
    assert {address for m in about for address in m.to} >= {lead_a.email, coordinator.email}
    assert not [m for m in mail.outbox if MARKER in m.subject + m.body]


# Another agency does not learn of a request through its clock (a reviewer's finding) ---


def test_another_agency_never_sees_an_s45_clock(
    client, sar, coordinator, chair, lead_a, agency_a, lead_b, agency_b, author_a
):
    from scr import access
    from scr.cases.selectors import case_page_data
    from scr.deadlines.services import extension_request

    request = ask(sar, coordinator, agency_a)
    theirs = clock(ask(sar, coordinator, agency_b, asked="Her custody records."))
    deadline = clock(request)
    extension_request(
        deadline_id=deadline.pk,
        by=lead_a,
        requested_due=deadline.due + timedelta(days=10),
        reason="MARKERS45EXTENSION: the records are archived",
    )
    extension = deadline.extensions.get()
    case_page = reverse("cases:case-detail", args=[sar.reference])
    extension_page = reverse("deadlines:extension-decide", args=[extension.pk])
    today = calendar.today()

    def shown(person) -> set[int]:
        return {d.pk for d in case_page_data(sar, on=today, user=person)["deadlines"]}

    # Agency B's lead and agency A's author: no row, no page, no reason.
    for person in (lead_b, author_a):
        client.force_login(person)
        assert deadline.pk not in shown(person)
        assert "MARKERS45EXTENSION" not in client.get(case_page).content.decode()
        assert client.get(extension_page).status_code == 404
        assert not access.deadlines_visible_to(person).filter(pk=deadline.pk).exists()
        mine = client.get(reverse("deadlines:my-deadlines")).content.decode()
        assert "MARKERS45EXTENSION" not in mine
    assert theirs.pk in shown(lead_b)  # its own agency's request
    # A document any reader of the case opens shows no private clock.
    assert deadline.pk not in {d.pk for d in case_page_data(sar, on=today)["deadlines"]}
    # The coordinator, the chair and agency A's lead see it.
    for person in (coordinator, chair, lead_a):
        assert deadline.pk in shown(person), person
        assert access.deadlines_visible_to(person).filter(pk=deadline.pk).exists()
    client.force_login(chair)
    assert "MARKERS45EXTENSION" in client.get(extension_page).content.decode()
