"""From the overview report's draft to the executive summary's release, in the browser
(13, 14, 15), with axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from overview.models import ExecutiveSummary, Overview
from overview.summary_services import summary_release_due
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar

# The overview fixtures live beside the overview tests; pytest finds them imported here.
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import reviews_accepted, started  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANNER = ".govuk-notification-banner--success"


def _save_section(page: Page, link: str, text: str, check) -> None:
    page.get_by_role("link", name=link).click()
    check(page)
    page.get_by_role("textbox").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("is saved")


def test_overview_from_draft_to_the_public_summary(
    page,
    live_server,
    started,  # noqa: F811
    overview_author,
    coordinator,
    panel_chair,
    chair,
    board_member,
    sign_in,
    assert_accessible,
    screenshot,
):
    case = started.case
    heading = page.get_by_role("heading", level=1)
    overview_url = f"{live_server.url}/cases/{case.reference}/overview/"

    # 1. The author writes the report: the sections, a finding citing its evidence,
    #    a recommendation; looks at the chronology, the duplicates, the tree, the timeline.
    sign_in(page, overview_author)
    page.goto(overview_url)
    expect(heading).to_have_text("Overview report")
    assert_accessible(page)
    screenshot(page, "overview-1-contents")
    for link, text in (
        ("a) Introduction", "An older woman died after a fall at home."),
        ("e) The facts, including the family tree", "She lived alone."),
        ("g) Overview of information known to the agencies", "Each knew part."),
        ("h) Analysis", "Information was not shared."),
    ):
        _save_section(page, link, text, assert_accessible)

    page.get_by_role("link", name="Inter-agency chronology", exact=True).click()
    expect(heading).to_have_text("f) Inter-agency chronology of events")
    assert_accessible(page)
    screenshot(page, "overview-2-chronology")
    expect(page.get_by_text("No agency contact for").first).to_be_visible()

    page.goto(overview_url)
    page.get_by_role("link", name="Possible duplicates").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Same event")).first.click()
    expect(page.locator(BANNER)).to_be_visible()
    assert_accessible(page)

    page.goto(overview_url)
    page.get_by_role("link", name="Family tree", exact=True).click()
    expect(heading).to_have_text("e) The family tree")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Same person")).first.click()
    expect(page.locator(BANNER)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "overview-3-family-tree")

    page.goto(overview_url)
    page.get_by_role("link", name="Timeline", exact=True).click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)

    linked = started.entries.filter(same_event=None).order_by("date", "pk").first()
    page.goto(overview_url)
    page.get_by_role("link", name="i) Findings and conclusions").click()
    page.get_by_role("link", name="Add a finding").click()
    assert_accessible(page)
    page.get_by_label("Finding or conclusion").fill("Nobody followed up the joint visit.")
    page.get_by_label("Chronology entries that support it").fill(f"E{linked.pk}, E99999")
    page.get_by_role("button", name="Save the finding").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No entry E99999")
    expect(page.get_by_label("Finding or conclusion")).to_have_value(
        "Nobody followed up the joint visit."
    )
    assert_accessible(page)
    page.get_by_label("Chronology entries that support it").fill(f"E{linked.pk}")
    page.get_by_role("button", name="Save the finding").click()
    expect(page.locator(BANNER)).to_contain_text("Finding 1 is saved.")
    expect(page.get_by_role("link", name=f"E{linked.pk}")).to_be_visible()
    assert_accessible(page)

    page.goto(overview_url)
    page.get_by_role("link", name="j) Recommendations").click()
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill("Share joint visit outcomes.")
    page.get_by_label("Testshire NHS Trust").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.locator(BANNER)).to_contain_text("Recommendation 1 is saved.")

    page.goto(overview_url)
    page.get_by_role("button", name="Check and submit the report").click()
    expect(heading).to_have_text("Check and submit the overview report")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the overview report to the board").click()
    expect(page.locator(BANNER)).to_contain_text("submitted to the board")
    assert Overview.objects.get(pk=started.pk).status == Overview.Status.WITH_BOARD

    # 2. The coordinator records the board's receipt (14).
    page.context.clear_cookies()
    sign_in(page, coordinator)
    page.goto(overview_url)
    page.get_by_role("link", name="Record the board's receipt of the report").click()
    assert_accessible(page)
    for agency in ("Testshire Adult Social Care", "Testshire NHS Trust", "Testshire Police"):
        page.get_by_role("link", name=f"Record the response of {agency}").click()
        assert_accessible(page)
        page.get_by_label("Agrees the contents", exact=True).check()
        page.get_by_role("button", name="Record the response").click()
        expect(page.locator(BANNER)).to_contain_text(f"The response of {agency} is recorded.")
    for step in ("a)", "b)", "c)", "d)", "e)"):
        page.get_by_role("link", name=re.compile(rf"^Record {re.escape(step)}")).click()
        page.get_by_label("What was done").fill(f"Done at the board meeting ({step}).")
        page.get_by_role("button", name="Record it").click()
        expect(page.locator(BANNER)).to_contain_text("Recorded:")
    assert_accessible(page)
    screenshot(page, "overview-4-receipt")
    assert Case.objects.get(pk=case.pk).stage == Stage.EXECUTIVE_SUMMARY

    # 3. The author drafts the summary; the check catches a name, the author removes it.
    page.context.clear_cookies()
    sign_in(page, overview_author)
    page.goto(overview_url)
    page.get_by_role("button", name="Begin the executive summary").click()
    expect(page.locator(BANNER)).to_contain_text("drafted from the report")
    assert_accessible(page)
    page.get_by_label("a) Information about the review process").fill(
        "The board commissioned this review of the death of Hypatia, aged 84."
    )
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_role("cell", name="Hypatia", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "overview-5-identification-check")
    page.get_by_role("link", name="Change the text").click()
    page.get_by_label("a) Information about the review process").fill(
        "The board commissioned this review of the death of a woman aged 84."
    )
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_text("No matches")).to_be_visible()
    page.get_by_role("button", name="Send it to the panel to agree").click()
    expect(page.locator(BANNER)).to_contain_text("with the panel")

    # 4. The panel agrees it; the chair approves it with today's release date.
    page.context.clear_cookies()
    sign_in(page, panel_chair)
    page.goto(f"{live_server.url}/cases/{case.reference}/executive-summary/")
    page.get_by_label("Agree the summary").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record the panel's decision").click()
    expect(page.locator(BANNER)).to_contain_text("The panel agreed the summary.")

    page.context.clear_cookies()
    sign_in(page, chair)
    page.goto(f"{live_server.url}/cases/{case.reference}/executive-summary/")
    page.get_by_role("button", name="Approve the summary").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("criminal proceedings")
    assert_accessible(page)
    page.get_by_label("Related criminal proceedings considered (15.2)").fill(
        "No related criminal proceedings."
    )
    page.get_by_label("Release date (15.3)").fill(calendar.today().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Approve the summary").click()
    expect(page.locator(BANNER)).to_contain_text("approved for release")
    assert Case.objects.get(pk=case.pk).stage == Stage.ACTION_PLANS

    # 5. Released on its date (today: at once, by the task the approval queued); a
    #    board member now reads it.
    assert summary_release_due() == 0
    assert ExecutiveSummary.objects.get(case=case).status == ExecutiveSummary.Status.RELEASED
    page.context.clear_cookies()
    sign_in(page, board_member)
    page.goto(f"{live_server.url}/cases/{case.reference}/executive-summary/")
    expect(heading).to_have_text("Executive summary")
    expect(page.get_by_text("It is public.")).to_be_visible()
    expect(page.get_by_text("a woman aged 84")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "overview-6-released-summary")
    # The confidential report stays closed to the board member.
    response = page.goto(overview_url)
    assert response.status == 404
