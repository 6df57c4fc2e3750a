"""The chair's decision to review (7): follows or overrides the panel, the regulator and
the board are notified with PDF letters, and media statements are the chair's alone."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from panel import services
from panel.models import DecisionLetter, MediaStatement
from scr.cases.models import Case
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommended(case, panel_chair):
    services.terms_of_reference_save(
        case_id=case.pk, by=panel_chair, terms=["How agencies shared information."]
    )
    services.panel_recommendation_record(
        case_id=case.pk,
        by=panel_chair,
        choice="full_review",
        reasons="The adult died and neglect is suspected.",
    )
    return Case.objects.get(pk=case.pk)


def test_a_review_notifies_the_regulator_and_the_board_with_pdf_letters(
    recommended,
    chair,
    board,
    board_member,
    coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    board.regulator_email = "notifications@regulator.example.org"
    board.save(update_fields=["regulator_email"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.chair_decision_record(
            case_id=recommended.pk, by=chair, decision="review", reasons="Agreed."
        )
    case = Case.objects.get(pk=recommended.pk)
    assert "Follows the panel's recommendation" in case.events.last().note
    assert case.deadlines.get(kind=Deadline.Kind.IMRS_BEGIN).status == "open"  # 10
    letters = {letter.kind: letter for letter in DecisionLetter.objects.all()}
    assert all(letter.sent_at for letter in letters.values())
    sent = {
        m.subject: m for m in mailoutbox if "Notification" in m.subject or "Notice" in m.subject
    }
    regulator = sent[f"{case.reference}: Notification to the regulator (7 a)"]
    assert regulator.to == ["notifications@regulator.example.org"]
    notice = sent[f"{case.reference}: Notice to the board (7 b)"]
    assert set(notice.to) == {chair.email, board_member.email, coordinator.email}
    name, pdf, kind = regulator.attachments[0]
    assert kind == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Commission for Social Care Inspection" in text  # the procedure's words, 7 a
    assert "How agencies shared information." in text
    assert "Hypatia" not in text and "Quenby" not in text
    _, pdf, _ = notice.attachments[0]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Decision to conduct a Serious Case Review" in text
    assert "The adult died and neglect is suspected." in text  # brief circumstances, 7 b
    assert "HQM" in text and "Hypatia" not in text


def test_overriding_the_panel_is_recorded_as_such(recommended, chair):
    services.chair_decision_record(
        case_id=recommended.pk,
        by=chair,
        decision="other_review",
        reasons="Not needed.",
        learning_route="Internal review by Adult Social Care.",
    )
    note = Case.objects.get(pk=recommended.pk).events.last().note
    assert "Overrides the panel's recommendation: A full Serious Case Review." in note
    assert not DecisionLetter.objects.exists()


def test_without_a_regulator_address_the_letter_waits_and_says_so(
    client, recommended, chair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.chair_decision_record(
            case_id=recommended.pk, by=chair, decision="review", reasons="Agreed."
        )
    regulator = DecisionLetter.objects.get(kind="regulator")
    assert regulator.sent_at is None
    client.force_login(chair)
    page = client.get(reverse("cases:case-detail", args=[recommended.reference])).content.decode()
    assert "set the regulator's email in the board's settings" in page
    assert "letter-board.pdf" in page and "letter-regulator.pdf" in page


def test_only_the_chair_records_media_statements(client, case, chair, coordinator, panel_chair):
    for person in (coordinator, panel_chair):
        with pytest.raises(PermissionDenied):
            services.media_statement_record(
                case_id=case.pk, by=person, text="x", agreed_on=calendar.today()
            )
    with pytest.raises(ValidationError):
        services.media_statement_record(
            case_id=case.pk, by=chair, text="  ", agreed_on=calendar.today()
        )
    client.force_login(chair)
    url = reverse("panel:media-new", args=[case.reference])
    response = client.post(
        url,
        {
            "text": "The board is reviewing the case.",
            "agreed_on": calendar.today().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert MediaStatement.objects.get().recorded_by == chair
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "The board is reviewing the case." in page
