"""Terms of reference (6.2 b) and the panel's recommendation (6.2 a)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from panel import services
from panel.models import PanelRecommendation, TermsOfReference
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db

TERMS = [
    "How agencies shared information about the risk of neglect.",
    "",
    "  Whether the adult's wishes were heard.  ",
]


def test_terms_are_numbered_in_order_and_blank_lines_dropped(case, panel_chair):
    tor = services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=TERMS)
    assert [(t.number, t.text) for t in tor.terms.all()] == [
        (1, "How agencies shared information about the risk of neglect."),
        (2, "Whether the adult's wishes were heard."),
    ]
    tor = services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=TERMS[2:])
    assert [t.number for t in tor.terms.all()] == [1]


def test_final_terms_cannot_change_and_need_a_term(case, panel_chair, coordinator, panel_member):
    with pytest.raises(ValidationError):
        services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=["", " "])
    with pytest.raises(PermissionDenied):
        services.terms_of_reference_save(case_id=case.pk, by=panel_member, terms=TERMS)
    services.terms_of_reference_save(case_id=case.pk, by=coordinator, terms=TERMS, final=True)
    with pytest.raises(ValidationError):
        services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=["Other."])
    assert TermsOfReference.objects.get().terms.count() == 2


def test_a_full_review_needs_terms_of_reference_first(
    case, panel_chair, chair, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as error:
        services.panel_recommendation_record(
            case_id=case.pk, by=panel_chair, choice="full_review", reasons="3.1 met."
        )
    assert "choice" in error.value.message_dict
    services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=TERMS)
    with django_capture_on_commit_callbacks(execute=True):
        services.panel_recommendation_record(
            case_id=case.pk, by=panel_chair, choice="full_review", reasons="3.1 met."
        )
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.stage == Stage.PANEL_RECOMMENDED
    assert PanelRecommendation.objects.get().choice == "full_review"
    assert fresh.deadlines.get(kind=Deadline.Kind.PANEL_RECOMMENDATION).status == "met"
    assert chair.email in {m.to[0] for m in mailoutbox}  # the case now waits on the chair


def test_only_the_panel_chair_recommends(case, coordinator, panel_member, chair):
    for person in (coordinator, panel_member, chair):
        with pytest.raises(PermissionDenied):
            services.panel_recommendation_record(
                case_id=case.pk, by=person, choice="no_action", reasons="None."
            )
    assert not PanelRecommendation.objects.exists()


def test_the_recommendation_page_and_the_chairs_page_after_it(client, case, panel_chair, chair):
    client.force_login(panel_chair)
    url = reverse("panel:recommendation", args=[case.reference])
    response = client.post(url, {"reasons": "Typed"})
    assert response.status_code == 400
    assert "Select the panel&#x27;s recommendation" in response.content.decode()
    assert (
        client.post(url, {"choice": "smaller", "reasons": "An audit will do."}).status_code == 302
    )
    client.force_login(chair)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "An individual management review or smaller audit" in page
    assert reverse("panel:chair-decision", args=[case.reference]) in page


def test_terms_of_reference_document(case, panel_chair, tmp_path, client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "terms-of-reference.pdf" not in page  # nothing drafted yet
    services.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=TERMS)
    out = tmp_path / "tor.pdf"
    call_command(
        "render_document",
        case.reference,
        "terms-of-reference",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    text = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "STRICTLY CONFIDENTIAL" in text and case.reference in text
    assert "DRAFT terms of reference" in text
    assert "Whether the adult's wishes were heard." in text.replace("’", "'")
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "terms-of-reference.pdf" in page
