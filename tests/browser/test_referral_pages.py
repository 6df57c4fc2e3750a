"""A referral made in the browser reaches the chair, with axe-core on every page."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Referral
from scr.cases.models import Case
from scr.cases.stages import Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_from_draft_to_the_chairs_decision(
    page, live_server, referrer, lead_b, chair, agency_a, sign_in, assert_accessible, screenshot
):
    sign_in(page, referrer)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a case to the board chair")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Florence Quibble-Marsh")
    page.get_by_label("The adult has died").check()
    page.get_by_role("button", name="Submit to your agency lead").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of death")
    expect(page.get_by_label("Full name")).to_have_value("Florence Quibble-Marsh")
    assert_accessible(page)
    screenshot(page, "r1-referral-errors")
    page.get_by_label("Date of death").fill("01/10/2026")
    page.get_by_label("What happened").fill("Missed care visits were not acted on.")
    page.get_by_label("Suspected", exact=True).check()
    page.get_by_label("Testshire NHS Trust").check()
    page.get_by_label("3.1", exact=True).check()
    page.get_by_role("button", name="Submit to your agency lead").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to your agency lead")
    expect(page.get_by_text("The board should conduct a Serious Case Review (3.1)")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, lead_b)
    page.get_by_role("link", name="Endorse or return a referral").click()
    assert_accessible(page)
    page.get_by_label("Endorse it: send it to the board chair").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the board chair")
    case = Case.objects.get()
    assert case.stage == Stage.WITH_CHAIR
    assert Referral.objects.get().status == Referral.Status.ENDORSED

    page.context.clear_cookies()
    sign_in(page, chair)
    page.goto(live_server.url + reverse("cases:case-detail", args=[case.reference]))
    expect(page.get_by_role("heading", name="Referral", exact=True)).to_be_visible()
    expect(page.get_by_text("Florence Quibble-Marsh")).to_have_count(0)  # initials only
    assert_accessible(page)
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Ask the panel to discuss the case").check()
    page.get_by_label("Reasons").fill("Criteria 3.1 appear to be met.")
    page.get_by_label("Panel chair for this case").select_option(label=lead_b.full_name)
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-summary-list .govuk-tag").first).to_have_text("Panel convened")
    expect(page.get_by_role("heading", name="Securing records (section 9)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "r2-chair-convened")

    # The panel chair (here agency B's lead) records the meeting, drafts the terms of
    # reference and recommends a full review; the chair commissions it (6, 7).
    page.context.clear_cookies()
    sign_in(page, lead_b)
    case_url = live_server.url + reverse("cases:case-detail", args=[case.reference])
    page.goto(case_url)
    page.get_by_role("link", name="Record a panel meeting").click()
    assert_accessible(page)
    page.get_by_label("Date of the meeting").fill(date.today().strftime("%d/%m/%Y"))
    page.get_by_label("Notes and decisions").fill("Scope agreed; records secured.")
    page.get_by_role("button", name="Record the meeting").click()
    page.get_by_role("link", name="Draft the terms of reference").click()
    assert_accessible(page)
    page.get_by_label("Terms of reference").fill(
        "How agencies shared information.\nWhether the adult's wishes were heard."
    )
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("link", name="Record the panel's recommendation").click()
    assert_accessible(page)
    page.get_by_label("A full Serious Case Review").check()
    page.get_by_label("The panel's reasons").fill("Criteria 3.1 are met.")
    page.get_by_role("button", name="Send to the chair").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("gone to the chair")

    page.context.clear_cookies()
    sign_in(page, chair)
    page.get_by_role("link", name="Decide on the panel's recommendation").click()
    assert_accessible(page)
    page.get_by_label("Conduct a Serious Case Review").check()
    page.get_by_label("Reasons").fill("Accepting the panel's recommendation.")
    page.get_by_role("button", name="Record decision").click()
    stage = page.locator(".govuk-summary-list__row", has_text="Stage").first
    expect(stage.locator(".govuk-tag")).to_have_text("Review commissioned")
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW_COMMISSIONED
    kinds = set(case.deadlines.values_list("kind", "status"))
    assert ("panel_meeting", "met") in kinds and ("imrs_begin", "open") in kinds
    screenshot(page, "r3-review-commissioned")
