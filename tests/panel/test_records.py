"""Section 9: key agencies confirm their records are secured; the coordinator chases."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from panel import services
from panel.models import RecordsRequest
from tests import scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def convened(case_with_chair, chair, panel_chair):
    return scenarios.panel_convened(
        case_with_chair, chair=chair, panel_chair=panel_chair, reasons="Yes."
    )


def test_the_agency_lead_confirms(client, convened, lead_a, agency_a, coordinator):
    client.force_login(lead_a)
    home = client.get(reverse("cases:home")).content.decode()
    assert "Confirm your agency&#x27;s records are secured" in home
    url = reverse("panel:records-confirm", args=[convened.reference, agency_a.pk])
    response = client.post(url, {"systems": " "})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Say which records and systems have been secured" in text
    response = client.post(url, {"systems": "Case system; paper file.", "chronology_started": "on"})
    assert response.status_code == 302
    records = RecordsRequest.objects.get(case=convened, agency=agency_a)
    assert (records.confirmed_by, records.chronology_started) == (lead_a, True)
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-detail", args=[convened.reference])).content.decode()
    assert "Securing records (section 9)" in page and "Secured" in page


def test_a_confirmation_needs_the_chronology_started(convened, lead_a, agency_a):
    with pytest.raises(ValidationError) as error:
        services.records_confirm(
            case_id=convened.pk,
            agency_id=agency_a.pk,
            by=lead_a,
            systems="Case system.",
            chronology_started=False,
        )
    assert "chronology_started" in error.value.message_dict


def test_only_that_agencys_lead_confirms(
    client, convened, agency_a, agency_c, lead_a, coordinator, panel_chair, lead_b
):
    for person in (coordinator, panel_chair):
        with pytest.raises(PermissionDenied):
            services.records_confirm(
                case_id=convened.pk,
                agency_id=agency_a.pk,
                by=person,
                systems="x",
                chronology_started=True,
            )
    with pytest.raises(PermissionDenied):
        services.records_confirm(
            case_id=convened.pk,
            agency_id=agency_c.pk,
            by=lead_a,
            systems="x",
            chronology_started=True,
        )
    client.force_login(lead_b)  # agency B is not on the case: it sees nothing
    url = reverse("panel:records-confirm", args=[convened.reference, agency_a.pk])
    assert client.get(url).status_code == 404
    assert not RecordsRequest.objects.filter(confirmed_at__isnull=False).exists()


def test_the_coordinator_chases_with_one_click(
    client, convened, coordinator, agency_a, lead_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("panel:records-chase", args=[convened.reference, agency_a.pk])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert [m.to for m in mailoutbox] == [[lead_a.email]]
    assert mailoutbox[0].subject.startswith(f"{convened.reference}: reminder")
    client.force_login(lead_a)
    assert client.post(url).status_code == 403
