"""An agency's management review written, countersigned and reviewed in the browser
(Appendix C), with axe-core on every page visited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from imr import template
from imr.demo import write_section
from imr.models import Imr, ImrSubmission, Part, Section
from scr.deadlines import calendar
from scr.deadlines.models import Deadline

# The IMR fixtures live beside the IMR tests; pytest finds fixtures imported here.
from tests.imr.conftest import asked, commissioned, dates, imr_a  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANNER = ".govuk-notification-banner--success"


def _from_home(page: Page, title: str, check) -> None:
    """Follow the item of 'Needs your attention' whose title matches."""
    check(page)
    page.get_by_role("link", name=re.compile(re.escape(title))).click()


def _write_analysis_and_lessons(imr: Imr, author) -> None:
    """Sections 4 and 5 are seventeen long answers: typing them all would only slow the
    test, so they go in through the same service the pages call (as write_report does)."""
    key = {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": author}
    write_section(
        **key,
        section=Section.ANALYSIS,
        content={
            p.key: {"text": "The assessment was timely.", "terms": [1]}
            for p in template.ANALYSIS_PROMPTS
        },
    )
    write_section(
        **key,
        section=Section.LESSONS,
        content={p.key: "Supervision should test closures." for p in template.LESSON_PROMPTS},
    )


def test_agency_writes_its_imr_the_director_countersigns_and_the_panel_returns_then_accepts(
    page,
    live_server,
    imr_a,  # noqa: F811 (the fixture imported above)
    author_a,
    director_a,
    panel_chair,
    sign_in,
    assert_accessible,
    screenshot,
):
    imr = imr_a
    heading = page.get_by_role("heading", level=1)
    today = calendar.today()

    # 1. The author records the rapid appraisal (10).
    sign_in(page, author_a)
    _from_home(page, "Write the chronology and family composition", assert_accessible)
    expect(heading).to_have_text("Testshire NHS Trust: Individual Management Review")
    where = page.get_by_text("Where it is: Writing the chronology and family composition")
    expect(where).to_be_visible()
    assert_accessible(page)
    screenshot(page, "imr-1-review-to-write")
    page.get_by_role("link", name="Rapid appraisal").click()
    assert_accessible(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record the appraisal").click()
    expect(page.locator(BANNER)).to_contain_text("Rapid appraisal recorded.")

    # 2. Section 2: the adult as the case knows her, and her daughter.
    page.get_by_role("link", name="Section 2: Family composition").click()
    expect(page.get_by_label("The adult's name")).to_have_value("Hypatia Quenby-Marsh")
    assert_accessible(page)
    page.get_by_label("Ethnicity").fill("White British")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("Section 2: Family composition is saved.")
    page.get_by_role("link", name="Section 2: Family composition").click()
    page.get_by_role("link", name="Add a person").click()
    assert_accessible(page)
    page.get_by_label("Relationship to the adult").select_option(label="Child")
    page.get_by_label("Describe the relationship (optional)").fill("Daughter")
    page.get_by_label("Name", exact=True).fill("Juniper Quenby-Marsh")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("Juniper Quenby-Marsh is saved")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Child (Daughter)")
    assert_accessible(page)

    # 3. Section 3: dates and times typed as people type them, read day first.
    page.get_by_role("link", name="Back to the management review").click()
    page.get_by_role("link", name="Section 3: Comprehensive chronology").click()
    assert_accessible(page)
    for day, hour, event, shown in (
        ("3 Feb 2025", "", "SW1 visited at home; HQM said she felt safe.", "03/02/2025"),
        ("14/03/25", "1430", "GP1 reviewed medication; no concerns recorded.", "14/03/2025"),
        ("02/04/2025", "2.30pm", "SW1 closed the case after a review.", "02/04/2025"),
    ):
        page.get_by_label("Date", exact=True).fill(day)
        page.get_by_label("Time (optional)").fill(hour)
        page.get_by_label("Source of information").fill("Case notes")
        page.get_by_label("Subject of recording").fill("HQM")
        page.get_by_label("Event description, action and outcome").fill(event)
        page.get_by_label("1. How agencies shared information.").check()
        page.get_by_role("button", name="Add the entry").click()
        expect(page.locator(BANNER)).to_contain_text(f"Entry for {shown} added.")
    rows = page.get_by_role("region", name="Chronology entries (scrolls sideways)").locator(
        "tbody tr"
    )
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("03/02/2025")
    expect(rows.nth(1)).to_contain_text("14/03/2025")
    expect(rows.nth(1)).to_contain_text("14:30")
    expect(rows.nth(2)).to_contain_text("02/04/2025")
    expect(rows.nth(2)).to_contain_text("14:30")
    assert_accessible(page)
    screenshot(page, "imr-2-chronology")

    # The checks find the codes unexplained; the author explains them in the glossary.
    page.get_by_role("link", name="Back to the management review").click()
    page.get_by_role("link", name="Check and submit the chronology and family composition").click()
    expect(page.get_by_text("Explain every abbreviation in the glossary: GP1, SW1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="explain SW1").click()
    expect(page.get_by_label("Code or abbreviation")).to_have_value("SW1")
    # The draft's words stay out of addresses (access logs, history): a place in the list.
    assert "SW1" not in page.url and "explain=" in page.url
    # A code like SW1 is taken for a worker's code.
    expect(page.get_by_label("A worker's code")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Role, or what it stands for").fill("Social worker")
    page.get_by_label("Worker's name (private)").fill("Bertram Oakes")
    page.get_by_role("button", name="Add to the glossary").click()
    # Back on the checks, which now ask about GP1 only.
    expect(page.locator(BANNER)).to_contain_text("SW1 is in the glossary.")
    expect(page.get_by_text("Explain every abbreviation in the glossary: GP1")).to_be_visible()
    page.get_by_role("link", name="explain GP1").click()
    page.get_by_label("Role, or what it stands for").fill("General practitioner")
    page.get_by_role("button", name="Add to the glossary").click()
    expect(page.locator(BANNER)).to_contain_text("GP1 is in the glossary.")
    expect(page.get_by_text("Nothing to fix")).to_be_visible()
    expect(page.get_by_text("Every abbreviation is explained.")).to_be_visible()
    expect(page.get_by_text("No names found.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "imr-3-checks-ready")
    page.get_by_role("button", name="Submit the chronology and family composition").click()
    expect(page.locator(BANNER)).to_contain_text(
        "Version 1 (chronology and family composition) is submitted to Dora Director"
    )
    assert_accessible(page)

    # 4. The director countersigns the chronology.
    page.context.clear_cookies()
    sign_in(page, director_a)
    _from_home(page, "Countersign the management review", assert_accessible)
    expect(heading).to_have_text("Countersign the management review")
    expect(page.get_by_text("Juniper Quenby-Marsh")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "imr-4-countersign-chronology")
    page.get_by_label("I have read version 1", exact=False).check()
    page.get_by_role("button", name="Countersign version 1").click()
    expect(page.locator(BANNER)).to_contain_text("You have countersigned version 1.")
    assert_accessible(page)

    # 5. The full report: sections 1 and 6 typed, 4 and 5 through the service.
    page.context.clear_cookies()
    sign_in(page, author_a)
    _from_home(page, "Write the management review", assert_accessible)
    expect(page.get_by_text("Where it is: Writing the full report")).to_be_visible()
    page.get_by_role("link", name="Section 1: Introduction").click()
    assert_accessible(page)
    page.get_by_label("General Practitioner notes").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("Section 1: Introduction is saved.")
    _write_analysis_and_lessons(imr, author_a)

    page.get_by_role("link", name="Section 6: Recommendations for action").click()
    assert_accessible(page)
    page.get_by_label("Lead person: name").fill("Dora Director")
    page.get_by_label("Lead person: position").fill("Director of Nursing")
    page.get_by_label("Lead person: email").fill("dora.director@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("Section 6: Recommendations for action is saved.")
    page.get_by_role("link", name="Section 6: Recommendations for action").click()
    page.get_by_role("link", name="Add a recommendation").click()
    assert_accessible(page)
    page.get_by_label("Recommendation", exact=True).fill("Closures are reviewed in supervision.")
    action = page.get_by_role("group", name="Key action 1", exact=True)
    action.get_by_label("Key action", exact=True).fill("Audit closures quarterly.")
    action.get_by_label("Evidence").fill("Audit reports to the board")
    action.get_by_label("Key outcome").fill("No unsafe closures.")
    due = today + timedelta(days=120)
    action.get_by_label("Date").fill(due.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("The recommendation is saved.")
    plan = page.get_by_role("table", name="Agency action plan")
    expect(plan).to_contain_text("1.1 Audit closures quarterly.")
    # Checked at the end, so that this display fault does not hide the rest of the flow.
    draft_plan = plan.inner_text()
    assert_accessible(page)
    screenshot(page, "imr-5-action-plan")

    page.get_by_role("link", name="Back to the management review").click()
    page.get_by_role("link", name="Check and submit the full report").click()
    expect(page.get_by_text("Nothing to fix")).to_be_visible()
    page.get_by_role("button", name="Submit the full report").click()
    expect(page.locator(BANNER)).to_contain_text("Version 2 (full report) is submitted")

    # 6. The director countersigns the report; it goes to the panel.
    page.context.clear_cookies()
    sign_in(page, director_a)
    _from_home(page, "Countersign the management review", assert_accessible)
    expect(
        page.get_by_role("heading", name="Section 6: Recommendations for action")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Agency action plan")).to_contain_text(
        due.strftime("%d/%m/%Y")
    )
    assert_accessible(page)
    page.get_by_label("I have read version 2", exact=False).check()
    page.get_by_role("button", name="Countersign version 2").click()
    expect(page.locator(BANNER)).to_contain_text("You have countersigned version 2.")

    # 7. The panel returns it: first without saying why, then with comments and a date.
    page.context.clear_cookies()
    sign_in(page, panel_chair)
    _from_home(page, "Review the Testshire NHS Trust management review", assert_accessible)
    expect(heading).to_have_text("The panel's review of the report")
    assert_accessible(page)
    page.get_by_label("Return it to the agency for revision").check()
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Say why the report is returned and what it needs")
    expect(summary).to_contain_text("Enter the date the revised report is due")
    expect(page.get_by_label("Return it to the agency for revision")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "imr-6-panel-return-errors")
    comments = "Section 5 should say what supervision will test, and how often."
    page.get_by_label("Comments").fill(comments)
    revision_due = today + timedelta(days=21)
    page.get_by_label("Revised report due (if returned)").fill(revision_due.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(BANNER)).to_contain_text("returned to the agency for revision")
    assert_accessible(page)

    # 8. The author reads the panel's comments, revises section 5 and submits again.
    page.context.clear_cookies()
    sign_in(page, author_a)
    _from_home(page, "Revise the management review", assert_accessible)
    expect(page.get_by_text("Returned by the panel for revision").first).to_be_visible()
    returned = page.get_by_role("region", name="Returned by the panel")
    expect(returned).to_contain_text(comments)
    assert_accessible(page)
    screenshot(page, "imr-7-returned-by-panel")
    page.get_by_role("link", name="Section 5: What do we learn from this case?").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^11\.4 a:")).fill(
        "Supervision should test every closure, each month, against the plan."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(BANNER)).to_contain_text("Section 5: What do we learn from this case?")
    page.get_by_role("link", name="Check and submit the full report").click()
    page.get_by_role("button", name="Submit the full report").click()
    expect(page.locator(BANNER)).to_contain_text("Version 3 (full report) is submitted")

    page.context.clear_cookies()
    sign_in(page, director_a)
    _from_home(page, "Countersign the management review", assert_accessible)
    expect(page.get_by_text("against the plan")).to_be_visible()
    page.get_by_label("I have read version 3", exact=False).check()
    page.get_by_role("button", name="Countersign version 3").click()
    expect(page.locator(BANNER)).to_contain_text("You have countersigned version 3.")

    # 9. The panel accepts the revised report.
    page.context.clear_cookies()
    sign_in(page, panel_chair)
    _from_home(page, "Review the Testshire NHS Trust management review", assert_accessible)
    expect(page.get_by_role("link", name="version 3")).to_be_visible()
    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(BANNER)).to_contain_text("The report is accepted.")
    expect(page.get_by_text("Where it is: Accepted by the panel")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "imr-8-accepted")

    imr = Imr.objects.get(pk=imr.pk)
    assert imr.status == Imr.Status.ACCEPTED
    assert list(imr.submissions.order_by("number").values_list("number", "part", "status")) == [
        (1, Part.CHRONOLOGY, ImrSubmission.Status.COUNTERSIGNED),
        (2, Part.REPORT, ImrSubmission.Status.RETURNED_BY_PANEL),
        (3, Part.REPORT, ImrSubmission.Status.ACCEPTED),
    ]
    assert imr.submissions.get(number=2).panel_comments == comments
    entries = imr.entries.order_by("date")
    assert [(f"{e.date:%d/%m/%Y}", e.time and f"{e.time:%H:%M}") for e in entries] == [
        ("03/02/2025", None),
        ("14/03/2025", "14:30"),
        ("02/04/2025", "14:30"),
    ]
    # The chronology's clock, the report's, and the report's again after the panel's
    # return (opened on the revision date): every one met.
    clocks = Deadline.objects.filter(case=imr.case, agency=imr.agency).order_by("pk")
    assert [(c.kind, c.status) for c in clocks] == [
        (Deadline.Kind.IMR_CHRONOLOGY, Deadline.Status.MET),
        (Deadline.Kind.IMR_REPORT, Deadline.Status.MET),
        (Deadline.Kind.IMR_REPORT, Deadline.Status.MET),
    ]
    assert clocks[2].due == revision_due

    # The live server runs in this process, so the locmem backend's outbox is shared.
    def sent(to, subject: str) -> int:
        return sum(1 for m in mail.outbox if m.to == [to.email] and m.subject.startswith(subject))

    assert sent(director_a, "For your countersignature") == 3
    assert sent(author_a, "Countersigned:") == 3
    assert sent(author_a, "Returned for revision by the panel") == 1
    assert sent(author_a, "Accepted by the panel") == 1
    assert sent(director_a, "Accepted by the panel") == 1
    returned = next(m for m in mail.outbox if m.subject.startswith("Returned for revision"))
    assert revision_due.strftime("%d/%m/%Y") in returned.body
    assert not any("Quenby" in m.body or "Juniper" in m.body for m in mail.outbox)

    # The author's own section 6 page shows the action's date as every other page does
    # (the countersign page above, the report, the PDF): dd/mm/yyyy, not ISO.
    assert due.strftime("%d/%m/%Y") in draft_plan, draft_plan


def test_a_section_saves_itself_while_the_author_types(
    page,
    live_server,
    imr_a,  # noqa: F811 (the fixture imported above)
    author_a,
    sign_in,
):
    sign_in(page, author_a)
    page.goto(
        live_server.url
        + reverse("imr:section-edit", args=[imr_a.case.reference, imr_a.agency_id, "lessons"])
    )
    page.get_by_label(re.compile(r"^11\.4 a:")).fill("Typed, never saved by hand.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at", timeout=10_000)
    page.reload()
    expect(page.get_by_label(re.compile(r"^11\.4 a:"))).to_have_value("Typed, never saved by hand.")
    section = imr_a.sections.get(key=Section.LESSONS)
    assert section.data["learning"] == "Typed, never saved by hand."
    assert section.revision == 1
