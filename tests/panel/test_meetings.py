"""Panel meetings: the first meets the 7-day clock (6.1) on its date."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from panel import services
from panel.models import PanelMeeting
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db


def test_the_first_meeting_meets_the_seven_day_clock_on_its_date(case, panel_chair, panel_member):
    today = calendar.today()
    services.panel_meeting_record(
        case_id=case.pk,
        by=panel_chair,
        held_on=today,
        attendees=[panel_chair, panel_member],
        notes="Scope agreed.",
    )
    clock = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    assert (clock.status, clock.met_on, clock.met_late) == (Deadline.Status.MET, today, False)
    meeting = PanelMeeting.objects.get()
    assert set(meeting.attendees.all()) == {panel_chair, panel_member}


def test_meeting_dates_must_be_possible(case, panel_chair):
    for held_on in (calendar.today() + timedelta(days=1), calendar.today() - timedelta(days=30)):
        with pytest.raises(ValidationError):
            services.panel_meeting_record(case_id=case.pk, by=panel_chair, held_on=held_on)
    assert not PanelMeeting.objects.exists()


def test_who_records_a_meeting(case, coordinator, panel_member, chair, outsider):
    services.panel_meeting_record(case_id=case.pk, by=coordinator, held_on=calendar.today())
    for person in (panel_member, chair):
        with pytest.raises(PermissionDenied):
            services.panel_meeting_record(case_id=case.pk, by=person, held_on=calendar.today())
    assert PanelMeeting.objects.count() == 1


def test_the_meeting_page(client, case, panel_chair, panel_member):
    url = reverse("panel:meeting-new", args=[case.reference])
    client.force_login(panel_member)
    assert client.get(url).status_code == 403
    client.force_login(panel_chair)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "Record a panel meeting" in page
    response = client.post(url, {"held_on": "31/02/2026", "notes": "Kept notes"})
    assert response.status_code == 400
    assert "Enter the date of the meeting as a real date" in response.content.decode()
    assert "Kept notes" in response.content.decode()
    response = client.post(
        url,
        {
            "held_on": calendar.today().strftime("%d/%m/%Y"),
            "attendees": [panel_chair.pk],
            "notes": "Scope agreed.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "Scope agreed." in page
