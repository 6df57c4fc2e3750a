"""A case moves as its review type says (issue 17, slice 3): a Safeguarding Adults Review
is decided on the referral itself (no panel); the 2009 procedure goes to the panel first.
The chair's decision page, its link on the case page, 'Needs your attention' and the flow
picture all follow the case's type; a move the type does not make changes nothing."""

import copy
from datetime import date

import pytest
from django.urls import reverse

from panel.models import DecisionLetter, ReviewBasis
from scr.cases import status
from scr.cases.models import Case, CaseEvent
from scr.deadlines.models import Deadline
from scr.reviewtypes.services import review_type_change, review_type_copy
from tests import scenarios

pytestmark = pytest.mark.django_db
# What a SAR's referral asks beyond the 2009 one's (referrals.questions).
SAR_FACTS = {
    "care_and_support_needs": "yes",
    "concern_working_together": True,
    "subject_died": True,
    "subject_date_of_death": date(2026, 10, 1),
}


@pytest.fixture
def sar_board(board):
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    return board


@pytest.fixture
def sar(sar_board, referrer_a, lead_a, agency_a):
    """A SAR referred by agency A and endorsed by its lead: with the chair."""
    case = scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Theodora Vance",
        agencies=[agency_a],
        **SAR_FACTS,
    )
    assert (case.review_type.code, case.stage) == ("sar", "with_chair")
    return case


def _decision_page(client, case):
    return client.get(reverse("panel:chair-decision", args=[case.reference]))


def test_a_sar_is_decided_on_the_referral_in_the_sars_words(client, sar, chair):
    client.force_login(chair)
    page = _decision_page(client, sar).content.decode()
    assert 'value="review"' in page
    assert "Conduct a Safeguarding Adults Review" in page
    assert "Not a Safeguarding Adults Review: learning through another review" in page
    assert 'value="panel"' not in page  # a SAR has no panel
    main = page[page.index("<main") : page.index("</main>")]
    assert "Serious Case Review" not in main
    assert "regulator" not in main  # the SAR's type tells the board only
    assert "SAR report received by the board within 6 months" in page
    # The footing, revealed under the review: the facts advise; the chair decides.
    assert 'name="basis"' in page
    assert "The referral&#x27;s facts advise a mandatory review: section 44(1) to (3)" in page
    url = reverse("panel:chair-decision", args=[sar.reference])
    reasons = "s44(1)-(3) met: she died and neglect is suspected."
    response = client.post(url, {"decision": "review", "reasons": reasons})
    assert response.status_code == 400
    assert "Select whether the review is mandatory or discretionary" in response.content.decode()
    assert Case.objects.get(pk=sar.pk).stage == "with_chair"
    assert not ReviewBasis.objects.exists()
    response = client.post(url, {"decision": "review", "reasons": reasons, "basis": "mandatory"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.stage == "review_commissioned"
    event = CaseEvent.objects.get(case=sar, transition="commission_review")
    assert (event.from_stage, event.actor) == ("with_chair", chair)
    clock = Deadline.objects.get(case=sar)
    assert clock.kind == "sar_completion"
    kinds = set(DecisionLetter.objects.filter(case=sar).values_list("kind", flat=True))
    assert kinds == {DecisionLetter.Kind.BOARD}
    basis = ReviewBasis.objects.get(case=sar)
    assert (basis.basis, basis.advised, basis.recorded_by) == ("mandatory", "mandatory", chair)
    assert "Basis: Mandatory: section 44(1) to (3)." in event.note
    detail = client.get(reverse("cases:case-detail", args=[sar.reference])).content.decode()
    assert "Mandatory: section 44(1) to (3)" in detail


def test_a_sar_routed_elsewhere_is_recorded_as_not_a_sar(client, sar, chair):
    client.force_login(chair)
    response = client.post(
        reverse("panel:chair-decision", args=[sar.reference]),
        {
            "decision": "other_review",
            "reasons": "Learning is better taken through the hospital's own review.",
            "learning_route": "The trust's patient safety review reports to the board.",
        },
    )
    assert response.status_code == 302
    assert ReviewBasis.objects.get(case=sar).basis == "not_a_sar"
    assert Case.objects.get(pk=sar.pk).stage == "other_review"


def test_a_sar_refuses_the_panel_and_changes_nothing(client, sar, chair, panel_chair):
    client.force_login(chair)
    response = client.post(
        reverse("panel:chair-decision", args=[sar.reference]),
        {"decision": "panel", "reasons": "Discuss it.", "panel_chair": panel_chair.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    sar.refresh_from_db()
    assert sar.stage == "with_chair"
    assert not Deadline.objects.filter(case=sar).exists()
    assert not status.may_move(sar, "convene_panel")


def test_a_2009_case_with_the_chair_goes_to_the_panel_first(client, case_with_chair, chair):
    client.force_login(chair)
    page = _decision_page(client, case_with_chair).content.decode()
    assert 'value="panel"' in page
    assert 'value="review"' not in page
    assert 'name="basis"' not in page  # the 2009 procedure records no s44 footing
    response = client.post(
        reverse("panel:chair-decision", args=[case_with_chair.reference]),
        {"decision": "review", "reasons": "Straight to a review."},
    )
    assert response.status_code == 400
    case = Case.objects.get(pk=case_with_chair.pk)
    assert case.stage == "with_chair"
    assert not DecisionLetter.objects.filter(case=case).exists()


def test_the_sar_waits_for_its_chair_in_needs_your_attention(client, sar, chair):
    client.force_login(chair)
    home = client.get(reverse("cases:home")).content.decode()
    assert f"{sar.reference}: Decide what happens to the case" in home
    case_page = client.get(reverse("cases:case-detail", args=[sar.reference])).content.decode()
    assert reverse("panel:chair-decision", args=[sar.reference]) in case_page


def test_the_flow_picture_draws_the_cases_own_stages(client, case_with_chair, sar, coordinator):
    client.force_login(coordinator)
    pictures = {}
    for case in (sar, case_with_chair):
        page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
        pictures[case.review_type.code] = page[page.index('<svg class="app-flow"') :]
    assert "Panel convened" in pictures["scr-2009"]
    assert "Panel convened" not in pictures["sar"]
    assert "Panel recommended" not in pictures["sar"]
    for stage in ("With the chair", "Review commissioned", "Closed", "Declined"):
        assert stage in pictures["sar"]


def test_a_boards_own_type_without_a_move_does_not_offer_it(
    client, sar_board, coordinator, chair, referrer_a, lead_a, agency_a
):
    """A board whose own kind of review is never declined outright: the chair is not
    offered 'No further action', and the picture has no 'Declined'."""
    own = review_type_copy(board=sar_board, by=coordinator, source="sar", code="learning")
    data = copy.deepcopy(own.definition)
    data["stages"].remove("declined")
    data["moves"].remove(["with_chair", "declined"])
    data["descriptions"].pop("declined")
    review_type_change(review_type_id=own.pk, by=coordinator, data=data)
    sar_board.default_review_type = "learning"
    sar_board.save(update_fields=["default_review_type"])
    case = scenarios.referred(
        referrer=referrer_a,
        lead=lead_a,
        subject_name="Ambrose Quill",
        agencies=[agency_a],
        **SAR_FACTS,
    )
    assert case.review_type.code == "learning"
    client.force_login(chair)
    page = _decision_page(client, case).content.decode()
    assert 'value="review"' in page and 'value="other_review"' in page
    assert 'value="decline"' not in page
    assert not status.may_move(case, "decline")
    detail = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "Declined" not in detail[detail.index('<svg class="app-flow"') :]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("sar", None),
        ("scr-2009", None),
        ("cspr", "cannot be started yet: no screens yet for the stage notified"),
        ("no-such-type", "No review type has this code"),
    ],
)
def test_a_board_chooses_a_default_type_it_can_run(board, code, problem):
    from scr.accounts.admin import BoardForm

    form = BoardForm(instance=board, data={"default_review_type": code})
    assert form.is_valid() == (problem is None)
    if problem:
        assert problem in form.errors["default_review_type"][0]
