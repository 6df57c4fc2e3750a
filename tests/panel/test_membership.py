"""The panel's membership (5) and its considerations (8.1 to 8.3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from panel import services
from panel.models import PanelConsiderations, PanelMembership

pytestmark = pytest.mark.django_db


def test_required_representatives_are_tracked(
    case, panel_chair, lead_a, lead_b, outsider, agency_c, board
):
    from tests.factories import UserFactory

    assert services.missing_representatives(case) == ["Police", "NHS", "Adult Social Care"]
    services.panel_member_add(case_id=case.pk, by=panel_chair, user=lead_a, kind="representative")
    services.panel_member_add(case_id=case.pk, by=panel_chair, user=lead_b, kind="representative")
    assert services.missing_representatives(case) == ["Adult Social Care"]
    social_worker = UserFactory(board=board, agency=agency_c, full_name="Sam Social")
    services.panel_member_add(
        case_id=case.pk, by=panel_chair, user=social_worker, kind="representative"
    )
    services.panel_member_add(case_id=case.pk, by=panel_chair, user=outsider, kind="co_opted")
    assert services.missing_representatives(case) == []
    assert case.assignments.filter(user=outsider, role="panel_member").exists()


def test_a_representative_belongs_to_an_agency(case, panel_chair, overview_author):
    with pytest.raises(ValidationError):
        services.panel_member_add(
            case_id=case.pk, by=panel_chair, user=overview_author, kind="representative"
        )
    assert not PanelMembership.objects.exists()


def test_who_manages_the_panel(case, panel_member, chair, outsider, lead_a):
    for person in (panel_member, chair):
        with pytest.raises(PermissionDenied):
            services.panel_member_add(case_id=case.pk, by=person, user=lead_a, kind="co_opted")
        with pytest.raises(PermissionDenied):
            services.panel_considerations_save(case_id=case.pk, by=person, data={"scope": "x"})


def test_considerations_are_kept_and_shown(client, case, panel_chair, coordinator):
    client.force_login(panel_chair)
    url = reverse("panel:considerations", args=[case.reference])
    response = client.post(
        url,
        {
            "scope": "Death after missed care visits.",
            "coroner_and_criminal": "Inquest opened; no delay needed.",
        },
    )
    assert response.status_code == 302
    record = PanelConsiderations.objects.get()
    assert record.scope == "Death after missed care visits."
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "Inquest opened; no delay needed." in page


def test_the_recommendation_page_warns_of_missing_representatives(client, case, panel_chair):
    client.force_login(panel_chair)
    page = client.get(reverse("panel:recommendation", args=[case.reference])).content.decode()
    assert "no representative of Police, NHS, Adult Social Care" in page
    response = client.post(
        reverse("panel:member-new", args=[case.reference]), {"kind": "representative"}
    )
    assert response.status_code == 400
    assert "Choose who joins the panel" in response.content.decode()
