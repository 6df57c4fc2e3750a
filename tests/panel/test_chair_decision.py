"""The chair's decisions (5, 7) and the records requests they start (9)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from panel import services
from panel.models import RecordsRequest
from scr.accounts.roles import Role
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline
from tests import scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_chair(case_with_chair):
    return case_with_chair


def test_sending_to_the_panel_appoints_its_chair_opens_clocks_and_asks_for_records(
    with_chair, chair, panel_chair, lead_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.chair_decision_record(
            case_id=with_chair.pk,
            by=chair,
            decision="panel",
            reasons="Criteria 3.1 appear to be met.",
            panel_chair=panel_chair,
        )
    case = Case.objects.get(pk=with_chair.pk)
    assert case.stage == Stage.PANEL_CONVENED
    assert case.assignments.filter(user=panel_chair, role=Role.PANEL_CHAIR).exists()
    clocks = {d.kind: d for d in case.deadlines.all()}
    assert clocks[Deadline.Kind.PANEL_MEETING].owner == panel_chair
    assert Deadline.Kind.PANEL_RECOMMENDATION in clocks
    asked = set(RecordsRequest.objects.filter(case=case).values_list("agency__name", flat=True))
    assert asked == set(case.agencies.values_list("name", flat=True))
    records_mail = [m for m in mailoutbox if "secure your agency" in m.subject]
    assert [m.to for m in records_mail] == [[lead_a.email]]  # agency C has no lead
    assert "Hypatia" not in records_mail[0].body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "panel", "reasons": "Yes."}, "panel_chair"),
        ({"decision": "decline", "reasons": "  "}, "reasons"),
        ({"decision": "other_review", "reasons": "Not met."}, "learning_route"),
    ],
)
def test_a_decision_needs_what_its_route_needs(with_chair, chair, data, field):
    with pytest.raises(ValidationError) as error:
        services.chair_decision_record(case_id=with_chair.pk, by=chair, **data)
    assert field in error.value.message_dict
    assert Case.objects.get(pk=with_chair.pk).stage == Stage.WITH_CHAIR


def test_another_review_records_the_route_for_learning(with_chair, chair):
    services.chair_decision_record(
        case_id=with_chair.pk,
        by=chair,
        decision="other_review",
        reasons="The criteria are not met.",
        learning_route="Adult Social Care's internal review, reporting to the board in March.",
    )
    case = Case.objects.get(pk=with_chair.pk)
    assert case.stage == Stage.OTHER_REVIEW
    assert "Route for learning: Adult Social Care's internal review" in case.events.last().note


def test_only_the_chair_decides(with_chair, coordinator, lead_a, panel_chair, outsider):
    for person, error in (
        (coordinator, PermissionDenied),
        (lead_a, PermissionDenied),
        (outsider, Http404),
    ):
        with pytest.raises(error):
            services.chair_decision_record(
                case_id=with_chair.pk, by=person, decision="decline", reasons="No."
            )
    assert Case.objects.get(pk=with_chair.pk).stage == Stage.WITH_CHAIR


def test_after_the_panel_the_chair_commissions_a_review(case, panel_chair, chair):
    scenarios.panel_recommended(case, panel_chair=panel_chair)
    with pytest.raises(ValidationError):  # the panel has met: no second panel
        services.chair_decision_record(
            case_id=case.pk, by=chair, decision="panel", reasons="Again.", panel_chair=panel_chair
        )
    services.chair_decision_record(
        case_id=case.pk,
        by=chair,
        decision="review",
        reasons="Accepting the panel's recommendation.",
    )
    assert Case.objects.get(pk=case.pk).stage == Stage.REVIEW_COMMISSIONED


def test_the_decision_page(client, with_chair, chair, panel_chair, coordinator):
    url = reverse("panel:chair-decision", args=[with_chair.reference])
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
    client.force_login(chair)
    home = client.get(reverse("cases:home")).content.decode()
    assert f"{with_chair.reference}: Decide what happens to the case" in home
    response = client.post(url, {"decision": "panel", "reasons": "Typed reasons"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose who chairs the panel for this case" in text and "Typed reasons" in text
    response = client.post(
        url, {"decision": "panel", "reasons": "Yes.", "panel_chair": panel_chair.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=with_chair.pk).stage == Stage.PANEL_CONVENED
    # No decision left at this stage: the page says so and sends the chair back.
    response = client.get(url)
    assert response.status_code == 302


def test_a_panel_chair_of_another_board_is_refused(with_chair, chair, other_coordinator):
    with pytest.raises(ValidationError):
        services.chair_decision_record(
            case_id=with_chair.pk,
            by=chair,
            decision="panel",
            reasons="Yes.",
            panel_chair=other_coordinator,
        )
    assert Case.objects.get(pk=with_chair.pk).stage == Stage.WITH_CHAIR
