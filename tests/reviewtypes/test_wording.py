"""A case speaks its review type's words (issue 17, slice 4, begun): the stage
descriptions on the case page, the name of another review, the IMR section's prompt. A
SAR's case page and stage pages carry neither 'Serious Case Review' nor 'vulnerable
adult' in their main content; a 2009 case's are as they were."""

import copy
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from panel import services as panel_services
from scr.reviewtypes.services import review_type_change, review_type_copy
from tests import scenarios

pytestmark = pytest.mark.django_db
SAR_FACTS = {
    "care_and_support_needs": "yes",
    "concern_working_together": True,
    "subject_died": True,
    "subject_date_of_death": date(2026, 10, 1),
}


@pytest.fixture
def sar(board, referrer_a, lead_a, agency_a):
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    return scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Theodora Vance",
        agencies=[agency_a],
        **SAR_FACTS,
    )


def _main(client, url) -> str:
    page = client.get(url).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_sars_pages_speak_the_sars_words(client, sar, chair, coordinator):
    client.force_login(coordinator)
    case_page = reverse("cases:case-detail", args=[sar.reference])
    main = _main(client, case_page)
    assert "section 44" in main  # its stage's description is the SAR's
    panel_services.chair_decision_record(
        case_id=sar.pk, by=chair, decision="review", reasons="Mandatory.", basis="mandatory"
    )
    main = _main(client, case_page)
    assert "ask each agency for its report and chronology" in main.lower()
    for words in ("Serious Case Review", "vulnerable adult", "management review: it should"):
        assert words not in main, words


def test_a_sar_routed_elsewhere_is_not_a_sar_in_words(client, sar, chair, coordinator):
    panel_services.chair_decision_record(
        case_id=sar.pk,
        by=chair,
        decision="other_review",
        reasons="Better learnt through the trust's own review.",
        learning_route="The trust's patient safety review reports to the board.",
    )
    sar.refresh_from_db()
    assert sar.stage_label == "Not a Safeguarding Adults Review: other review"
    client.force_login(coordinator)
    main = _main(client, reverse("cases:case-detail", args=[sar.reference]))
    assert "Not a Safeguarding Adults Review" in main
    assert "Serious Case Review" not in main


def test_a_2009_case_keeps_its_words(client, case_with_chair, coordinator):
    client.force_login(coordinator)
    main = _main(client, reverse("cases:case-detail", args=[case_with_chair.reference]))
    assert "The board chair decides whether the panel should discuss the case (5)." in main


def test_a_type_describing_a_stage_it_does_not_have_is_refused(board, coordinator):
    own = review_type_copy(board=board, by=coordinator, source="sar", code="learning")
    data = copy.deepcopy(own.definition)
    data["descriptions"]["panel_convened"] = "The panel meets."
    with pytest.raises(ValidationError, match="'panel_convened' is not one of the type's"):
        review_type_change(review_type_id=own.pk, by=coordinator, data=data)


def test_the_boards_letter_of_a_sar_says_a_sar_on_its_footing(sar, chair):
    from pypdf import PdfReader

    from scr.documents.registry import build
    from scr.documents.render import render_pdf

    panel_services.chair_decision_record(
        case_id=sar.pk, by=chair, decision="review", reasons="Mandatory.", basis="mandatory"
    )
    document = build("letter-board", sar)
    assert document.title == f"Decision to conduct a Safeguarding Adults Review {sar.reference}"
    import io

    reader = PdfReader(io.BytesIO(render_pdf(document)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Decision to conduct a Safeguarding Adults Review" in text
    assert "mandatory: section 44(1) to (3) of the Care Act 2014" in text
    assert "Serious Case Review" not in text and "section 10" not in text


def test_my_cases_names_a_sar_routed_elsewhere_in_the_sars_words(client, sar, chair, coordinator):
    panel_services.chair_decision_record(
        case_id=sar.pk,
        by=chair,
        decision="other_review",
        reasons="Better learnt through the trust's own review.",
        learning_route="The trust's patient safety review reports to the board.",
    )
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-list")).content.decode()
    assert "Not a Safeguarding Adults Review: other review" in page
    assert "Not a Serious Case Review" not in page
