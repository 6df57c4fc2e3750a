"""What people do on the case pages, in a real browser, with axe-core on every page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scr.cases.models import Case, CaseEvent
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case_with_clocks(case, panel_chair):
    """The 'panel convened' case with the panel's two clocks running (6.1, 6.2)."""
    for kind in (Deadline.Kind.PANEL_MEETING, Deadline.Kind.PANEL_RECOMMENDATION):
        deadline_open(case=case, kind=kind, owner=panel_chair)
    return case


def _case_url(live_server, case) -> str:
    return live_server.url + reverse("cases:case-detail", args=[case.reference])


def test_coordinator_signs_in_and_opens_a_case_from_my_cases(
    page, live_server, coordinator, case_with_clocks, sign_in, assert_accessible, screenshot
):
    case = case_with_clocks
    page.goto(f"{live_server.url}/account/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("textbox", name="Email address")).to_be_visible()
    screenshot(page, "a1-sign-in")
    assert_accessible(page)

    sign_in(page, coordinator)
    expect(page.get_by_text("Signed in as Cora Ordinator")).to_be_visible()
    screenshot(page, "a2-home")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("link", name="My cases", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )
    case_link = page.get_by_role("link", name=case.reference, exact=True)
    expect(case_link).to_be_visible()
    screenshot(page, "a3-my-cases")
    assert_accessible(page)

    case_link.click()
    expect(page).to_have_url(_case_url(live_server, case))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.get_by_text("STRICTLY CONFIDENTIAL")).to_be_visible()
    expect(page.get_by_role("img", name="Where the case stands in the procedure")).to_be_visible()
    expect(page.get_by_role("heading", name="Deadlines", exact=True)).to_be_visible()
    deadlines = page.get_by_role("table", name="Deadlines of the procedure on this case")
    expect(deadlines.get_by_role("rowheader")).to_have_text(
        ["Panel meets (6.1)", "Panel recommendation and terms of reference (6.2)"]
    )
    expect(deadlines.get_by_role("row", name=re.compile(r"Panel meets"))).to_contain_text(
        "Pam Chairwoman"
    )
    screenshot(page, "a4-case")
    assert_accessible(page)


def test_chair_records_a_decision_that_needs_reasons(
    page, live_server, chair, case_with_chair, sign_in, assert_accessible, screenshot
):
    case = case_with_chair
    sign_in(page, chair)
    page.goto(_case_url(live_server, case))
    page.get_by_role("link", name="Decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide what happens to the case")
    assert_accessible(page)
    record = page.get_by_role("button", name="Record decision")

    record.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Select your decision")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    screenshot(page, "b1-no-decision")
    assert_accessible(page)

    page.get_by_role("radio", name="No further action").check()
    record.click()
    expect(summary.get_by_role("link", name="Enter the reasons for your decision")).to_be_visible()
    expect(page.get_by_role("radio", name="No further action")).to_be_checked()
    screenshot(page, "b2-no-reasons")
    assert_accessible(page)

    page.get_by_role("textbox", name="Reasons").fill("Did not meet the criteria of section 3.")
    record.click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Decision recorded: the case is now at ‘Declined’.")
    stage = page.locator(".govuk-summary-list__row", has_text="Stage").first
    expect(stage.locator(".govuk-tag")).to_have_text("Declined")
    expect(page.get_by_role("link", name="Decide")).to_have_count(0)
    screenshot(page, "b3-declined")
    assert_accessible(page)

    assert Case.objects.get(pk=case.pk).stage == Stage.DECLINED
    event = CaseEvent.objects.filter(case=case).latest("at", "pk")
    assert (event.transition, event.actor, event.note) == (
        "decline",
        chair,
        "Did not meet the criteria of section 3.",
    )


def test_referrer_sees_only_the_stage_of_the_case(
    page, live_server, referrer, case, sign_in, assert_accessible, screenshot
):
    sign_in(page, referrer)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    page.get_by_role("link", name=case.reference, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text("Panel convened")
    expect(
        page.get_by_text("Its details are shared only with the people working on it")
    ).to_be_visible()
    expect(page.get_by_text("STRICTLY CONFIDENTIAL")).to_have_count(0)
    expect(page.get_by_role("heading", name="Deadlines")).to_have_count(0)
    expect(page.get_by_text(case.subject_initials, exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Record a decision")).to_have_count(0)
    screenshot(page, "c1-referrer-case")
    assert_accessible(page)


def test_outsider_of_the_same_board_gets_page_not_found(
    page, live_server, outsider, case, sign_in, assert_accessible, screenshot
):
    sign_in(page, outsider)
    response = page.goto(_case_url(live_server, case))

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(case.reference)).to_have_count(0)
    screenshot(page, "c2-outsider-404")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    expect(page.get_by_text("You are not on any case yet.")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_have_count(0)


def test_coordinator_finds_a_case_by_the_adult_s_name_and_reads_what_happens_next(
    page, live_server, coordinator, case_with_clocks, sign_in, assert_accessible, screenshot
):
    """#19: the name typed without its accents or hyphen finds the case; the row names
    the adult; the case page says what happens next, who and by when."""
    case = case_with_clocks
    sign_in(page, coordinator)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases").click()
    page.get_by_role("searchbox", name="Search by case reference or name").fill("quenby marsh")
    page.get_by_role("button", name="Search").click()
    table = page.get_by_role("table", name=re.compile("Cases matching ‘quenby marsh’ \\(1\\)"))
    expect(table).to_be_visible()
    expect(table.get_by_role("cell", name=case.subject_name)).to_be_visible()
    screenshot(page, "a6-my-cases-by-name")
    assert_accessible(page)

    table.get_by_role("link", name=case.reference, exact=True).click()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_text("Next deadline: Panel meets (6.1)")).to_be_visible()
    expect(page.get_by_text("Pam Chairwoman owns it")).to_be_visible()
    assert_accessible(page)
