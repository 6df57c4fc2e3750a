"""A referral asks the questions of its review type (issue 17): a Safeguarding Adults
Review's asks whether the adult has needs for care and support and advises under section
44 of the Care Act 2014; the 2009 procedure's asks for its criteria 3.1, 3.2 and 4.2 as
it always has. The case opens as the type the referral was started under."""

import copy
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals import services
from referrals.criteria import assess
from referrals.models import Referral
from scr.cases.models import Case
from scr.reviewtypes.services import review_type_change, review_type_copy

pytestmark = pytest.mark.django_db

SAR_FORM = {
    "subject_name": "Mabel Thistlewood",
    "subject_died": "on",
    "subject_date_of_death": "01/10/2026",
    "care_and_support_needs": "yes",
    "what_happened": "Pressure sores were not treated; visits were missed.",
    "abuse_or_neglect": "suspected",
    "concern_working_together": "on",
}


@pytest.fixture
def sar_board(board):
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    return board


def test_a_sar_referral_asks_the_acts_questions_and_not_the_2009_criteria(
    client, sar_board, referrer
):
    client.force_login(referrer)
    client.post(reverse("referrals:referral-new"))
    referral = Referral.objects.get()
    assert referral.review_type == "sar"
    page = client.get(reverse("referrals:referral-edit", args=[referral.pk])).content.decode()
    assert "Does the adult have needs for care and support?" in page
    assert "The adult is alive and has experienced serious abuse or neglect" in page
    assert "The criteria you believe are met" not in page
    assert 'name="believes_3_1"' not in page
    assert 'name="lessons_for_interagency_working"' not in page


def test_a_sar_referral_needs_its_answer_on_care_and_support_and_keeps_the_rest(
    client, sar_board, referrer, agency_a
):
    client.force_login(referrer)
    client.post(reverse("referrals:referral-new"))
    referral = Referral.objects.get()
    url = reverse("referrals:referral-edit", args=[referral.pk])
    data = {**SAR_FORM, "agencies": [agency_a.pk], "action": "submit"}
    del data["care_and_support_needs"]
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Select whether the adult has needs for care and support" in text
    assert "Select the criteria you believe are met" not in text  # not a SAR's question
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT
    assert referral.what_happened == SAR_FORM["what_happened"]  # nothing typed is lost
    response = client.post(url, {**data, "care_and_support_needs": "yes"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.care_and_support_needs == "yes"


def test_the_lead_sees_the_s44_advice_and_the_case_opens_as_a_sar(
    client, sar_board, referrer, lead_b, agency_a
):
    referral = services.referral_start(by=referrer)
    # The board changes its default after the referral began: the referral keeps its type.
    sar_board.default_review_type = "scr-2009"
    sar_board.save(update_fields=["default_review_type"])
    data = {
        "subject_name": "Mabel Thistlewood",
        "subject_died": True,
        "subject_date_of_death": Referral._meta.get_field("subject_date_of_death").to_python(
            "2026-10-01"
        ),
        "care_and_support_needs": "yes",
        "what_happened": "Pressure sores were not treated.",
        "abuse_or_neglect": "suspected",
        "concern_working_together": True,
    }
    services.referral_save(referral_id=referral.pk, by=referrer, data=data, agencies=[agency_a])
    services.referral_submit(referral_id=referral.pk, by=referrer)
    client.force_login(lead_b)
    detail = client.get(reverse("referrals:referral-detail", args=[referral.pk])).content.decode()
    assert "The board must arrange a Safeguarding Adults Review" in detail
    assert "Needs for care and support" in detail
    assert "3.1" not in detail
    client.post(reverse("referrals:referral-detail", args=[referral.pk]), {"decision": "endorse"})
    case = Case.objects.get()
    assert (case.review_type.code, case.stage) == ("sar", "with_chair")


def test_a_2009_referral_asks_what_it_always_asked(client, board, referrer):
    client.force_login(referrer)
    client.post(reverse("referrals:referral-new"))
    referral = Referral.objects.get()
    assert referral.review_type == "scr-2009"
    page = client.get(reverse("referrals:referral-edit", args=[referral.pk])).content.decode()
    assert "The criteria you believe are met" in page
    assert "care and support" not in page


def _facts(**given):
    base = {
        "subject_died": False,
        "abuse_or_neglect": "",
        "serious_harm": False,
        "concern_working_together": False,
        "care_and_support_needs": "yes",
    }
    return SimpleNamespace(**{**base, **given})


@pytest.mark.parametrize(
    ("given", "code"),
    [
        # s44(1) and (2): needs, concern, died, abuse or neglect known or suspected.
        (
            {"subject_died": True, "abuse_or_neglect": "known", "concern_working_together": True},
            "mandatory",
        ),
        # s44(1) and (3): alive and experienced serious abuse or neglect.
        (
            {
                "serious_harm": True,
                "abuse_or_neglect": "suspected",
                "concern_working_together": True,
            },
            "mandatory",
        ),
        # No concern about working together: the board's choice (s44(4)).
        ({"subject_died": True, "abuse_or_neglect": "known"}, "discretionary"),
        # Died, but abuse or neglect not known or suspected.
        (
            {
                "subject_died": True,
                "abuse_or_neglect": "not_known",
                "concern_working_together": True,
            },
            "discretionary",
        ),
        # Serious harm recorded but the adult died without abuse: not s44(3).
        (
            {"serious_harm": True, "subject_died": True, "concern_working_together": True},
            "discretionary",
        ),
        (
            {"care_and_support_needs": "no", "subject_died": True, "abuse_or_neglect": "known"},
            "not_a_sar",
        ),
        ({"care_and_support_needs": "not_known"}, "not_a_sar"),
    ],
)
def test_the_s44_advice_from_the_facts(given, code):
    (finding,) = assess(_facts(**given), "care-act-s44")
    assert finding.code == code


def test_a_type_naming_a_question_the_form_does_not_ask_is_refused(board, coordinator):
    own = review_type_copy(board=board, by=coordinator, source="sar", code="learning")
    data = copy.deepcopy(own.definition)
    data["referral"]["questions"].append("favourite_colour")
    with pytest.raises(ValidationError, match="'favourite_colour' is not a question"):
        review_type_change(review_type_id=own.pk, by=coordinator, data=data)
