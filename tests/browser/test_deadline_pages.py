"""Deadlines in a real browser: asking for more time, the chair's decision, the board's
clocks, the compliance report and the reminder settings, with axe-core on every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scr.deadlines.models import Deadline, Extension

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_asks_for_more_time_and_the_chair_approves(
    page, live_server, case, panel_chair, chair, sign_in, assert_accessible, screenshot
):
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    new_due = meeting.due + timedelta(days=10)
    sign_in(page, panel_chair)
    page.goto(live_server.url + reverse("deadlines:my-deadlines"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My deadlines")
    assert_accessible(page)
    page.goto(live_server.url + reverse("cases:case-detail", args=[case.reference]))
    page.get_by_role("link", name=re.compile(r"Ask for more time\s+for Panel meets")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for more time")
    assert_accessible(page)
    page.get_by_role("button", name="Send to the chair").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the new due date")
    assert_accessible(page)
    page.get_by_label("New due date").fill(new_due.strftime("%d/%m/%Y"))
    page.get_by_label("Why is more time needed?").fill("The police lead is on leave.")
    page.get_by_role("button", name="Send to the chair").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the chair")
    screenshot(page, "d1-extension-asked")

    page.context.clear_cookies()
    sign_in(page, chair)
    page.get_by_role(
        "link", name=f"{case.reference}: Decide an extension: Panel meets (6.1)"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide an extension")
    assert_accessible(page)
    page.get_by_label("Approve the new date").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Extension approved")
    meeting.refresh_from_db()
    assert (meeting.due, meeting.status) == (new_due, Deadline.Status.EXTENDED)
    assert Extension.objects.get().decided_by == chair

    page.goto(live_server.url + reverse("deadlines:board-deadlines"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The board's deadlines")
    assert_accessible(page)
    page.goto(live_server.url + reverse("deadlines:compliance"))
    page.get_by_label("From").fill("31/02/2026")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("the ‘from’ date")
    assert_accessible(page)
    screenshot(page, "d2-compliance-error")


def test_reminder_settings_and_calendar_address(
    page, live_server, case, panel_chair, sign_in, assert_accessible
):
    sign_in(page, panel_chair)
    page.goto(live_server.url + reverse("deadlines:settings"))
    assert_accessible(page)
    page.get_by_label("One daily digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    page.get_by_role("button", name="Make my calendar address").click()
    address = page.locator(".app-feed-url").inner_text()
    assert address.endswith(".ics")
    assert_accessible(page)
    response = page.request.get(address)
    assert response.status == 200 and case.reference in response.text()
    panel_chair.refresh_from_db()
    assert panel_chair.reminder_digest
