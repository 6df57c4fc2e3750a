"""One case from referral to closure, in the browser, signing in as
each person whose step it is, with axe-core on every page visited.

The named screenshots (journey-NN-....png under /tmp/browser-shots) illustrate the user
guide (docs/guide/); copies of them live in static/guide/. Each step is a small function
so the later steps of the procedure can follow the last one.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from actionplans.models import ActionPlan
from imr.models import Imr
from overview.models import Overview
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from tests.conftest import _person
from tests.imr.conftest import write_chronology, write_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANNER = ".govuk-notification-banner--success"
SUBJECT = "Hypatia Quenby-Marsh"


@dataclass
class Journey:
    """The browser, the people, and the case once it exists."""

    page: Page
    url: str
    sign_in: object
    check: object
    shoot: object
    people: dict
    case: Case | None = None
    shots: list[str] = field(default_factory=list)

    def see(self, shot: str = "") -> None:
        """Every page visited: axe-core on it, and a named screenshot where the guide
        shows it."""
        self.check(self.page)
        if shot:
            self.shoot(self.page, f"journey-{len(self.shots) + 1:02d}-{shot}")
            self.shots.append(shot)

    def as_(self, role: str) -> None:
        self.page.context.clear_cookies()
        self.sign_in(self.page, self.people[role])
        self.see()

    def follow(self, title: str) -> None:
        """The item of 'Needs your attention' whose title says so."""
        # Wait for the next page itself: checking straight after the click could meet
        # the old page being torn down (no document to add axe-core to).
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=re.compile(re.escape(title))).first.click()
        self.see()

    def open_case(self) -> None:
        self.page.goto(f"{self.url}/cases/{self.case.reference}/")
        self.see()

    def click(self, name: str, role: str = "button") -> None:
        self.page.get_by_role(role, name=name, exact=True).click()

    def banner(self, text: str) -> None:
        expect(self.page.locator(BANNER)).to_contain_text(text)

    def stage(self) -> str:
        return Case.objects.get(pk=self.case.pk).stage


# The user guide, from the footer of the sign-in page --------------------------------------


def read_the_guide(j: Journey) -> None:
    j.page.goto(f"{j.url}/account/sign-in/")
    j.see()
    j.page.get_by_role("link", name="User guide", exact=True).click()
    expect(j.page.get_by_role("heading", level=1)).to_have_text("User guide")
    j.see()
    j.page.get_by_role("link", name="Referrer", exact=True).click()
    expect(j.page.get_by_role("heading", level=1)).to_have_text("Referrer")
    expect(j.page.locator("img.app-guide-shot").first).to_be_visible()
    j.see()


# 5: the referral, its endorsement, and the chair's first decision ------------------------


def refer(j: Journey) -> None:
    j.as_("referrer")
    j.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    j.see()
    j.click("Start a referral")
    j.see()
    j.page.get_by_label("Full name").fill(SUBJECT)
    j.page.get_by_label("The adult has died").check()
    j.page.get_by_label("Date of death").fill("01/10/2025")
    j.page.get_by_label("What happened").fill("Missed care visits were not acted on.")
    j.page.get_by_label("Suspected", exact=True).check()
    j.page.get_by_label("Testshire NHS Trust").check()
    j.page.get_by_label("3.1", exact=True).check()
    j.see("referral")
    j.click("Submit to your agency lead")
    expect(j.page.locator(".govuk-notification-banner")).to_contain_text("sent to your agency lead")
    j.see()


def endorse(j: Journey) -> None:
    j.as_("lead_b")
    j.follow("Endorse or return a referral")
    j.page.get_by_label("Endorse it: send it to the board chair").check()
    j.see("endorse")
    j.click("Record decision")
    expect(j.page.locator(".govuk-notification-banner")).to_contain_text("sent to the board chair")
    j.see()
    j.case = Case.objects.get()
    assert j.stage() == Stage.WITH_CHAIR


def chair_asks_the_panel(j: Journey) -> None:
    j.as_("chair")
    j.open_case()
    j.page.get_by_role("link", name="Decide").click()
    j.see()
    j.page.get_by_label("Ask the panel to discuss the case").check()
    j.page.get_by_label("Reasons").fill("Criteria 3.1 appear to be met.")
    j.page.get_by_label("Panel chair for this case").select_option(
        label=j.people["panel_chair"].full_name
    )
    j.see("chair-decides")
    j.click("Record decision")
    expect(j.page.locator(".govuk-summary-list .govuk-tag").first).to_have_text("Panel convened")
    j.see()


# 6 to 8: the panel -----------------------------------------------------------------------


def panel_recommends(j: Journey) -> None:
    j.as_("panel_chair")
    j.open_case()
    j.page.get_by_role("link", name="Record a panel meeting").click()
    j.see()
    j.page.get_by_label("Date of the meeting").fill(calendar.today().strftime("%d/%m/%Y"))
    j.page.get_by_label("Notes and decisions").fill("Scope agreed; records secured.")
    j.click("Record the meeting")
    j.see()
    j.page.get_by_role("link", name="Draft the terms of reference").click()
    j.page.get_by_label("Terms of reference").fill(
        "How agencies shared information.\nWhether the adult's wishes were heard."
    )
    j.see("terms-of-reference")
    j.click("Save the draft")
    j.see()
    j.page.get_by_role("link", name="Record the panel's recommendation").click()
    j.page.get_by_label("A full Serious Case Review").check()
    j.page.get_by_label("The panel's reasons").fill("Criteria 3.1 are met.")
    j.see("panel-recommends")
    j.click("Send to the chair")
    expect(j.page.locator(".govuk-notification-banner")).to_contain_text("gone to the chair")
    j.see()


def chair_commissions(j: Journey) -> None:
    j.as_("chair")
    j.follow("Decide on the panel's recommendation")
    j.page.get_by_label("Conduct a Serious Case Review").check()
    j.page.get_by_label("Reasons").fill("Accepting the panel's recommendation.")
    j.click("Record decision")
    j.see("review-commissioned")
    assert j.stage() == Stage.REVIEW_COMMISSIONED


# 10 to 12: the management reviews --------------------------------------------------------


def coordinator_asks_for_reviews(j: Journey) -> None:
    j.as_("coordinator")
    j.see("coordinator-home")
    j.follow("Commission the management reviews")
    today = calendar.today()
    j.page.get_by_label("Testshire NHS Trust").check()
    j.page.get_by_label("Testshire Police").check()
    j.page.get_by_label("Chronology and family composition due").fill(
        (today + timedelta(weeks=4)).strftime("%d/%m/%Y")
    )
    j.page.get_by_label("Full report, with analysis and action plan, due").fill(
        (today + timedelta(weeks=10)).strftime("%d/%m/%Y")
    )
    j.see("commission-reviews")
    j.click("Ask the agencies")
    j.see()
    assert j.stage() == Stage.IMRS_IN_PROGRESS


def leads_nominate(j: Journey) -> None:
    for agency, lead, author, director in (
        ("Testshire NHS Trust", "lead_a", "author_a", "director_a"),
        ("Testshire Police", "lead_b", "author_b", "director_b"),
    ):
        j.as_(lead)
        j.follow(f"Nominate the author of the {agency} management review")
        page = j.page
        page.get_by_label("Author", exact=True).select_option(label=j.people[author].full_name)
        page.get_by_label("Author's job title").fill("Safeguarding Practice Lead")
        page.get_by_label("How the author's role equips them").fill(
            "Leads the agency's case reviews; had no part in the adult's care."
        )
        page.get_by_label("The author has had no operational involvement in the case").check()
        page.get_by_label("Countersigning director", exact=True).select_option(
            label=j.people[director].full_name
        )
        page.get_by_label("Director's job title").fill("Director of Safeguarding")
        j.see("nominate" if lead == "lead_a" else "")
        j.click("Nominate")
        j.see()


def _imr(j: Journey, author: str) -> Imr:
    return Imr.objects.get(case=j.case, agency=j.people[author].agency)


def _countersign(j: Journey, director: str, version: int, shot: str = "") -> None:
    j.as_(director)
    j.follow("Countersign the management review")
    j.page.get_by_label(f"I have read version {version}", exact=False).check()
    j.see(shot)
    j.click(f"Countersign version {version}")
    j.banner(f"You have countersigned version {version}.")
    j.see()


def authors_write_and_directors_countersign(j: Journey) -> None:
    """The chronology, then the full report. The long sections go in through the
    services the pages call (as in test_imr_pages.py); submitting and countersigning
    are done in the browser."""
    for author, director in (("author_a", "director_a"), ("author_b", "director_b")):
        first = author == "author_a"
        write_chronology(_imr(j, author), j.people[author])
        j.as_(author)
        j.follow("Write the chronology and family composition")
        j.see("imr-to-write" if first else "")
        j.page.get_by_role(
            "link", name="Check and submit the chronology and family composition"
        ).click()
        expect(j.page.get_by_text("Nothing to fix")).to_be_visible()
        j.see("imr-checks" if first else "")
        j.click("Submit the chronology and family composition")
        j.banner("Version 1 (chronology and family composition) is submitted")
        j.see()
        _countersign(j, director, 1, "countersign" if first else "")

        write_report(_imr(j, author), j.people[author])
        j.as_(author)
        j.follow("Write the management review")
        j.page.get_by_role("link", name="Check and submit the full report").click()
        expect(j.page.get_by_text("Nothing to fix")).to_be_visible()
        j.see()
        j.click("Submit the full report")
        j.banner("Version 2 (full report) is submitted")
        j.see()
        _countersign(j, director, 2)


def panel_accepts_the_reviews(j: Journey) -> None:
    j.as_("panel_chair")
    for agency in ("Testshire NHS Trust", "Testshire Police"):
        j.page.goto(f"{j.url}/")
        j.follow(f"Review the {agency} management review")
        j.page.get_by_label("Accept the report").check()
        j.see("panel-accepts" if agency == "Testshire Police" else "")
        j.click("Record the decision")
        j.banner("The report is accepted.")
        j.see()
    assert set(Imr.objects.filter(case=j.case).values_list("status", flat=True)) == {
        Imr.Status.ACCEPTED
    }


# 13 and 14: the overview report and the board's receipt ----------------------------------


def coordinator_begins_the_overview(j: Journey) -> None:
    # Who writes the overview is chosen with the board: no page assigns the role.
    case_services.case_assign(
        case_id=j.case.pk,
        user=j.people["overview_author"],
        role=Role.OVERVIEW_AUTHOR,
        by=j.people["coordinator"],
    )
    j.as_("coordinator")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/overview/start/")
    j.see("overview-begin")
    j.click("Begin the overview report")
    j.see()
    assert j.stage() == Stage.OVERVIEW_IN_PROGRESS


def author_writes_the_overview(j: Journey) -> None:
    j.as_("overview_author")
    overview_url = f"{j.url}/cases/{j.case.reference}/overview/"
    j.page.goto(overview_url)
    j.see("overview-contents")
    for link, text in (
        ("a) Introduction", "An older woman died after missed care visits."),
        ("e) The facts, including the family tree", "She lived alone."),
        ("g) Overview of information known to the agencies", "Each knew part."),
        ("h) Analysis", "Information was not shared."),
    ):
        j.page.get_by_role("link", name=link).click()
        j.see()
        j.page.get_by_role("textbox").fill(text)
        j.click("Save")
        j.banner("is saved")
        j.see()
    entry = Overview.objects.get(case=j.case).entries.order_by("date", "pk").first()
    j.page.get_by_role("link", name="i) Findings and conclusions").click()
    j.page.get_by_role("link", name="Add a finding").click()
    j.page.get_by_label("Finding or conclusion").fill("Nobody followed up the joint visit.")
    j.page.get_by_label("Chronology entries that support it").fill(f"E{entry.pk}")
    j.see()
    j.click("Save the finding")
    j.banner("Finding 1 is saved.")
    j.see()
    j.page.goto(overview_url)
    j.page.get_by_role("link", name="j) Recommendations").click()
    j.page.get_by_role("link", name="Add a recommendation").click()
    j.page.get_by_label("Recommendation", exact=True).fill("Share the outcomes of joint visits.")
    j.page.get_by_label("Testshire NHS Trust").check()
    j.see("overview-recommendation")
    j.click("Save the recommendation")
    j.banner("Recommendation 1 is saved.")
    j.see()
    j.page.goto(overview_url)
    j.click("Check and submit the report")
    j.see("overview-submit")
    j.click("Submit the overview report to the board")
    j.banner("submitted to the board")
    j.see()
    assert j.stage() == Stage.WITH_BOARD


def coordinator_records_the_receipt(j: Journey) -> None:
    j.as_("coordinator")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/overview/")
    j.see()
    j.page.get_by_role("link", name="Record the board's receipt of the report").click()
    j.see()
    for agency in ("Testshire NHS Trust", "Testshire Police"):
        j.page.get_by_role("link", name=f"Record the response of {agency}").click()
        j.page.get_by_label("Agrees the contents", exact=True).check()
        j.see()
        j.click("Record the response")
        j.banner(f"The response of {agency} is recorded.")
        j.see()
    for step in ("a)", "b)", "c)", "d)", "e)"):
        j.page.get_by_role("link", name=re.compile(rf"^Record {re.escape(step)}")).click()
        j.page.get_by_label("What was done").fill(f"Done at the board meeting ({step}).")
        j.see()
        j.click("Record it")
        j.banner("Recorded:")
        j.see("receipt" if step == "e)" else "")
    assert j.stage() == Stage.EXECUTIVE_SUMMARY


# 15: the executive summary ---------------------------------------------------------------


def author_drafts_the_summary(j: Journey) -> None:
    j.as_("overview_author")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/overview/")
    j.see()
    j.click("Begin the executive summary")
    j.banner("drafted from the report")
    j.see()
    j.page.get_by_label("a) Information about the review process").fill(
        "The board commissioned this review of the death of a woman aged 84."
    )
    j.click("Save and check")
    expect(j.page.get_by_text("No matches")).to_be_visible()
    j.see("summary-check")
    j.click("Send it to the panel to agree")
    j.banner("with the panel")
    j.see()


def panel_agrees_the_summary(j: Journey) -> None:
    j.as_("panel_chair")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/executive-summary/")
    j.page.get_by_label("Agree the summary").check()
    j.see()
    j.click("Record the panel's decision")
    j.banner("The panel agreed the summary.")
    j.see()


def chair_approves_the_summary(j: Journey) -> None:
    j.as_("chair")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/executive-summary/")
    j.page.get_by_label("Related criminal proceedings considered (15.2)").fill(
        "No related criminal proceedings."
    )
    j.page.get_by_label("Release date (15.3)").fill(calendar.today().strftime("%d/%m/%Y"))
    j.see("summary-approve")
    j.click("Approve the summary")
    j.banner("approved for release")
    j.see()
    assert j.stage() == Stage.ACTION_PLANS


# 16: the chair's letters and the action plans --------------------------------------------


def chair_writes_to_the_agencies(j: Journey) -> None:
    j.page.goto(f"{j.url}/")
    j.see()
    j.follow("Write to the agencies about the recommendations")
    j.click("Draft the letters")
    j.banner("drafted")
    j.see("letters")
    j.page.get_by_role("link", name="Change the letter to Testshire NHS Trust").click()
    j.see("letter")
    j.page.get_by_role("link", name="Send the letter").click()
    j.see("letter-send")
    j.click("Send the letter")
    j.see()
    assert ActionPlan.objects.filter(case=j.case).count() == 1


def lead_writes_the_plan(j: Journey) -> None:
    j.as_("lead_a")
    j.follow("Write the action plan")
    j.page.get_by_role("link", name="Change the lead and named person").click()
    j.see()
    j.page.get_by_label("Lead person: name").fill("Lee Lead-Alpha")
    j.page.get_by_label("Lead person: email").fill("lee.lead-alpha@example.org")
    j.click("Save")
    j.banner("The lead and named person are saved.")
    j.see()
    j.page.get_by_role("link", name="Add a key action to recommendation 1").click()
    j.page.get_by_label("Key action").fill("Record the outcome of every joint visit.")
    j.page.get_by_label("Evidence you will provide").fill("A quarterly audit of joint visits.")
    j.page.get_by_label("Key outcome").fill("Every agency knows what a joint visit found.")
    due = calendar.today() + timedelta(days=120)
    j.page.get_by_label("Date", exact=True).fill(due.strftime("%d/%m/%Y"))
    j.see("plan-action")
    j.click("Save the action")
    j.banner("Action 1.1 is saved.")
    j.see("plan")
    j.click("Submit the plan to the board")
    j.banner("The plan is submitted to the board.")
    j.see()


def coordinator_accepts_the_plan(j: Journey) -> None:
    j.as_("coordinator")
    j.follow("Decide the action plan of Testshire NHS Trust")
    j.page.get_by_label("Accept the plan").check()
    j.see()
    j.click("Save the decision")
    j.banner("The plan is accepted.")
    j.see("plan-accepted")
    plan = ActionPlan.objects.get(case=j.case)
    assert plan.status == ActionPlan.Status.ACCEPTED


def lead_gives_evidence(j: Journey) -> None:
    """16: the agency shows the board that the plan is being carried out."""
    plan = ActionPlan.objects.get(case=j.case)
    j.as_("lead_a")
    j.page.goto(f"{j.url}/cases/{j.case.reference}/action-plans/{plan.pk}/")
    j.see()
    j.page.get_by_role("link", name=re.compile("^Progress and evidence")).first.click()
    j.see()
    j.page.get_by_label("What the file shows").fill("The first quarterly audit of joint visits.")
    j.page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "audit.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    j.click("Upload the file")
    j.banner("uploaded")
    j.see("evidence")


def _pdf() -> bytes:
    from scr.documents.registry import Document
    from scr.documents.render import render_pdf

    return render_pdf(
        Document(
            template="documents/base.html",
            title="Audit of joint visits",
            classification="OFFICIAL",
            case_reference="-",
        )
    )


def coordinator_accepts_the_evidence(j: Journey) -> None:
    j.as_("coordinator")
    plan = ActionPlan.objects.get(case=j.case)
    action = plan.actions.get()
    j.page.goto(f"{j.url}/cases/{j.case.reference}/action-plans/{plan.pk}/")
    j.see()
    j.page.get_by_role("link", name=re.compile("^Progress and evidence")).first.click()
    j.see()
    j.page.get_by_label("Accept: the action is complete").check()
    j.page.get_by_role("button", name=re.compile("^Save the decision")).click()
    j.banner("complete")
    j.see("evidence-accepted")
    action.refresh_from_db()
    assert action.progress == action.Progress.COMPLETE


def coordinator_starts_monitoring(j: Journey) -> None:
    j.open_case()
    j.page.get_by_role("link", name="Start monitoring the action plans").click()
    j.see()
    j.click("Start monitoring")
    j.see("monitoring")
    assert j.stage() == Stage.MONITORING
    j.page.get_by_role("link", name="Monitoring", exact=True).first.click()
    j.see("monitoring-dashboard")


def chair_closes_the_case(j: Journey) -> None:
    j.as_("chair")
    j.open_case()
    j.page.get_by_role("link", name="Close the case").click()
    j.see()
    j.click("Close the case")
    j.see("closed")
    assert j.stage() == Stage.CLOSED


STEPS = [
    read_the_guide,
    refer,
    endorse,
    chair_asks_the_panel,
    panel_recommends,
    chair_commissions,
    coordinator_asks_for_reviews,
    leads_nominate,
    authors_write_and_directors_countersign,
    panel_accepts_the_reviews,
    coordinator_begins_the_overview,
    author_writes_the_overview,
    coordinator_records_the_receipt,
    author_drafts_the_summary,
    panel_agrees_the_summary,
    chair_approves_the_summary,
    chair_writes_to_the_agencies,
    lead_writes_the_plan,
    coordinator_accepts_the_plan,
    lead_gives_evidence,
    coordinator_accepts_the_evidence,
    coordinator_starts_monitoring,
    chair_closes_the_case,
]


def test_one_case_from_referral_to_closure(
    page,
    live_server,
    board,
    agency_a,
    agency_b,
    agency_c,
    referrer,
    lead_a,
    lead_b,
    chair,
    panel_chair,
    coordinator,
    author_a,
    author_b,
    director_a,
    overview_author,
    sign_in,
    assert_accessible,
    screenshot,
):
    people = {
        "referrer": referrer,
        "lead_a": lead_a,
        "lead_b": lead_b,
        "chair": chair,
        "panel_chair": panel_chair,
        "coordinator": coordinator,
        "author_a": author_a,
        "author_b": author_b,
        "director_a": director_a,
        "director_b": _person(board, "Dev Director-Beta", agency=agency_b),
        "overview_author": overview_author,
    }
    journey = Journey(
        page=page,
        url=live_server.url,
        sign_in=sign_in,
        check=assert_accessible,
        shoot=screenshot,
        people=people,
    )
    for step in STEPS:
        step(journey)
    assert journey.stage() == Stage.CLOSED
    assert len(journey.shots) >= 25
