"""The overview report and the executive summary in the demo (fictional people only).

Seven cases of the demo board, each with the accepted management reviews of the police,
the health trust and adult social care, at one step each of 13 to 15:

1. Cyril Mablethorpe (the core seed's case, left at 'review commissioned'): the report
   being written, one duplicate linked and one still suggested, the family not merged,
   one finding and no recommendations.
2. Florence Ashby: submitted to the board, its receipt under way.
3. Herbert Quayle: received; the executive summary being written, with the adult's
   first name in it, which the identification check shows.
4. Mabel Oddington: summary agreed and approved, released in four weeks; a family copy
   waiting.
5. Ernest Pennyworth: summary released and the family's copy sent.
6. Albert Fennimore and 7. Doris Wakefield: released like Ernest's, for the action plans
   demo to take on to the monitoring and the close.

Everything goes through the services, each step by the person whose step it is; the new
cases start as referrals. Running it twice changes nothing: a case that exists (or, for
Cyril's, has reviews) is left alone.
"""

import textwrap
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from django.db import transaction

from imr import checks, draft_services
from imr import demo as imr_demo
from imr import services as imr_services
from imr.demo import Entry, Report
from imr.models import GlossaryEntry, Imr, Part, Section
from imr.selectors import terms_of_reference
from overview import receipt_services as receipt
from overview import services as overview_services
from overview import summary_services as summary
from overview.chronology import age_on, duplicate_suggestions
from overview.chronology_services import overview_entry_link
from overview.family import merge_suggestions
from overview.family_services import family_merge
from overview.models import ContributorResponse, OverviewSection
from panel import services as panel_services
from panel.demo import TERMS
from panel.models import PanelMembership, TermsOfReference
from referrals import services as referral_services
from referrals.models import Referral
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.demo.seed import DemoWorld, reached, register
from scr.names import initials

WRITING, WITH_BOARD, SUMMARY, APPROVED, RELEASED = range(1, 6)
AGENCIES = ("police", "nhs", "asc")
Key = OverviewSection.Key

# The invented prose is data: demo/reviews.toml (what the agencies' reviews say in
# common), demo/report.toml (the board's part) and one file per case (STORY_FILES).
REVIEWS = demo_data(__file__, "reviews")
REPORT = demo_data(__file__, "report")
STORY_FILES = ("cyril", "florence", "herbert", "mabel", "ernest", "albert", "doris")
STEPS = {"writing": WRITING, "with_board": WITH_BOARD, "summary": SUMMARY}
STEPS |= {"approved": APPROVED, "released": RELEASED}

# The police and trust teams of the IMR demo; adult social care's author and director
# are made here (its lead is the core demo's agency lead).
TEAMS = {
    "police": imr_demo.POLICE,
    "nhs": imr_demo.NHS,
    "asc": imr_demo.review_from_data(
        {"agency": "asc", "step": Imr.Status.ACCEPTED, **REVIEWS["asc_team"]}
    ),
}
GLOSSARY = {
    key: [(GlossaryEntry.Kind(kind), *rest) for kind, *rest in entries]
    for key, entries in REVIEWS["glossary"].items()
}

# Where an agency had no contact for longer than the board's limit its author explains
# the gap (Appendix C), dated on the gap's first day: the merged chronology counts every
# entry as contact, so a note inside the gap would hide the gap there.
GAP_NOTES = {key: (note["source"], note["text"]) for key, note in REVIEWS["gap_notes"].items()}

# Sections 1, 4, 5 and 6 of the reviews: what the agencies found in common, in each
# agency's voice. 11.2 is written per case (_review); each answer cites its terms.
WHO = REVIEWS["who"]
SOURCES = {key: (s["sources"], s["other_sources"]) for key, s in REVIEWS["sources"].items()}
ANSWERS = REVIEWS["answers"]
ANSWER_TERMS = {key: tuple(terms) for key, terms in REVIEWS["answer_terms"].items()}
LESSONS = REVIEWS["lessons"]
ACTIONS = REVIEWS["recommendations"]

INTRODUCTION = REPORT["introduction"]
RECEIPT = {receipt.Item(key): note for key, note in REPORT["receipt"].items()}
Answer = ContributorResponse.Answer
RESPONSES = {
    key: (Answer(response["answer"]), response["comments"])
    for key, response in REPORT["responses"].items()
}


# Days after the adult's death on which the referral and the panel's steps are taken,
# up to the commissioning of the review (_refer).
REFERRAL_DAYS = {
    "referral": 14,
    "endorse": 17,
    "panel": 24,
    "terms": 31,
    "recommendation": 45,
    "review": 52,
}
# Days after the commissioning of the review on which the overview's steps are taken, once
# the reviews are accepted (imr.demo.DAYS): the report, the board's receipt, the summary.
DAYS = {
    "overview": 100,
    "sections": 105,
    "links": 110,
    "findings": 115,
    "submit": 130,
    "responses": 137,
    "receipt": 146,
    "summary": 155,
    "summary_to_panel": 162,
    "summary_agreed": 169,
    "summary_approved": 176,
}


@dataclass(frozen=True)
class Story:
    """A case. `child`: 'name | born | relationship | address', reported by the police
    and adult social care. `chronology`: per agency, entries of 'days before the death |
    source | subject | terms [| time]' then the event and 'Expected:' practice.
    `findings`: 'terms | cited entries (agency days) | text'. `recommendations`: 'agencies
    (and 'board') | terms | text'."""

    subject: str
    born: date
    step: int
    address: str
    child: str
    facts: str  # 13.4 e, and what the referral said happened
    chronology: dict[str, str]
    findings: tuple[str, ...]
    known: str = ""  # 13.4 g
    analysis: str = ""  # 13.4 h
    recommendations: tuple[str, ...] = ()
    opening: str = ""  # the summary's first words (15.1 b)
    proceedings: str = "There are no related criminal proceedings."
    weeks_since_death: int = 0  # new cases; the seed's case has its referral's date
    seeded: bool = False  # the core seed made the case


def story_from_data(data: dict) -> Story:
    """A Story from its data file (demo/<first name>.toml)."""
    fields = {name: data[name] for name in Story.__dataclass_fields__ if name in data}
    fields |= {"step": STEPS[data["step"]], "findings": tuple(data["findings"])}
    fields["recommendations"] = tuple(data.get("recommendations", ()))
    return Story(**fields)


STORIES = [story_from_data(demo_data(__file__, name)) for name in STORY_FILES]


def _fields(text: str) -> list[str]:
    return [part.strip() for part in text.split("|")]


def _numbers(text: str) -> list[int]:
    return [int(n) for n in text.split(",")]


def _entries(text: str) -> list[Entry]:
    """A chronology as the stories write it (see Story)."""
    entries = []
    for line in textwrap.dedent(text).strip().splitlines():
        if "|" not in line:
            entries[-1] = replace(entries[-1], event=f"{entries[-1].event} {line}".strip())
            continue
        before, source, subject, terms, *at = _fields(line)
        at = time.fromisoformat(at[0]) if at else None
        entries.append(Entry(int(before), source, subject, "", terms=tuple(_numbers(terms)), at=at))
    return [
        replace(entry, event=event.strip(), expected=expected.strip())
        for entry in entries
        for event, _, expected in [entry.event.partition("Expected:")]
    ]


def _gap_notes(key: str, entries: list[Entry], who: str, died: date, period, months: int):
    """An entry explaining each of the agency's gaps in contact (Appendix C)."""
    days = [died - timedelta(days=entry.before) for entry in entries]
    source, text = GAP_NOTES[key]
    gaps = checks.gaps(days, [], threshold_months=months, period=period)
    return [
        Entry((died - gap.start).days, source, who, text.format(who=who), explains_gap=True)
        for gap in gaps
    ]


@register
def demo_overviews(world: DemoWorld) -> None:
    """The seven cases, once each (see the module's docstring)."""
    teams = {key: imr_demo._team(world, world.agencies[key], TEAMS[key]) for key in AGENCIES}
    for story in STORIES:
        case = Case.objects.filter(board=world.board, subject_name=story.subject).first()
        if story.seeded:
            # Only as the seed leaves it: commissioned, with the panel demo's terms.
            ready = case is not None and case.stage == Stage.REVIEW_COMMISSIONED
            if not ready or case.imrs.exists() or not TermsOfReference.objects.filter(case=case):
                continue
        elif case is not None:
            continue
        with transaction.atomic():
            if case is None:
                case, commissioned = _refer(world, story)
            else:
                commissioned = reached(case, Stage.REVIEW_COMMISSIONED)
            _take(world, case, story, teams, commissioned)
        world.cases[case.reference] = Case.objects.get(pk=case.pk)


def _refer(world: DemoWorld, story: Story) -> tuple[Case, Timeline]:
    """The referral, the chair's decisions and the panel's work, up to the commissioning
    of the review (5 to 8), by the referrer, the lead, the chair and the panel chair, on
    their days after the adult's death (REFERRAL_DAYS). Returns the case and its history
    from the commissioning on."""
    people = world.people
    referrer, lead, chair = (
        people[Role.REFERRER],
        people[Role.AGENCY_LEAD],
        people[Role.BOARD_CHAIR],
    )
    panel_chair = people[Role.PANEL_CHAIR]
    died = calendar.today() - timedelta(weeks=story.weeks_since_death)
    life = Timeline(died)

    def on(step: str):
        return life.on(REFERRAL_DAYS[step])

    facts = {
        "subject_name": story.subject,
        "subject_date_of_birth": story.born,
        "subject_died": True,
        "subject_date_of_death": died,
        "subject_address": story.address,
        "subject_ethnicity": "White British",
        "what_happened": story.facts,
        "abuse_or_neglect": Referral.AbuseOrNeglect.SUSPECTED,
        "concern_working_together": True,
        "believes_3_1": True,
    }
    with on("referral"):
        referral = referral_services.referral_start(by=referrer)
        agencies = [world.agencies[key] for key in AGENCIES]
        referral_services.referral_save(
            referral_id=referral.pk, by=referrer, data=facts, agencies=agencies
        )
        referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    with on("endorse"):
        case = referral_services.referral_endorse(referral_id=referral.pk, by=lead).case
    ids = {"case_id": case.pk}
    reasons = REPORT["panel_reasons"]
    Decision = panel_services.Decision
    with on("panel"):
        panel_services.chair_decision_record(
            **ids, by=chair, decision=Decision.PANEL, reasons=reasons, panel_chair=panel_chair
        )
    with on("terms"):
        for user in (panel_chair, people[Role.PANEL_MEMBER], lead):
            kind = PanelMembership.Kind.REPRESENTATIVE
            panel_services.panel_member_add(**ids, by=panel_chair, user=user, kind=kind)
        period = {"period_from": calendar.add_months(died, -18), "period_to": died}
        panel_services.terms_of_reference_save(
            **ids, by=panel_chair, terms=TERMS, final=True, **period
        )
    with on("recommendation"):
        panel_services.panel_recommendation_record(
            **ids, by=panel_chair, choice="full_review", reasons=reasons
        )
    with on("review"):
        panel_services.chair_decision_record(
            **ids, by=chair, decision=Decision.REVIEW, reasons=REPORT["chair_agrees"]
        )
    commissioned = Timeline(life.day(REFERRAL_DAYS["review"]))
    commissioned.after(life.last)
    return case, commissioned


def _take(world: DemoWorld, case: Case, story: Story, teams: dict, timeline: Timeline) -> None:
    """From the commissioned review to the story's step, each step by its own person on
    its day after the commissioning (`timeline`): the reviews on imr.demo.DAYS, then the
    overview's steps on DAYS."""
    coordinator = world.people[Role.COORDINATOR]
    author = world.people[Role.OVERVIEW_AUTHOR]
    with timeline.on(0) as day:
        case_services.case_assign(
            case_id=case.pk, user=author, role=Role.OVERVIEW_AUTHOR, by=coordinator
        )
        imr_services.imr_commission(
            case_id=case.pk,
            by=coordinator,
            agency_ids=[world.agencies[key].pk for key in AGENCIES],
            chronology_due=day + timedelta(weeks=3),
            report_due=day + timedelta(weeks=10),
        )
    died = imr_demo._date_of_death(case)
    reviews_done = timeline.last
    for key in AGENCIES:
        # Each review goes its own pace from the commissioning.
        review = Timeline(timeline.start)
        review.after(timeline.last)
        agency, panel_chair = world.agencies[key], world.people[Role.PANEL_CHAIR]
        _review(case, agency, key, story, teams[key], died, review, panel_chair=panel_chair)
        reviews_done = max(reviews_done, review.last)
    timeline.after(reviews_done)
    _write_overview(world, case, story, died, timeline)
    if story.step > WRITING:
        _receive(world, case, timeline, complete=story.step > WITH_BOARD)
    if story.step > WITH_BOARD:
        _summary(world, case, story, timeline)


def _family(story: Story, key: str, died: date) -> dict:
    """Section 2 as the agency knows the family: the police and adult social care know
    the adult's child, so the overview suggests merging their two accounts."""
    name, born, detail, address = _fields(story.child)
    child = {"id": "child", "relationship": "child", "relationship_detail": detail}
    child |= {"name": name, "dob": born, "address": address, "ethnicity": "White British"}
    subject = {"name": story.subject, "dob": story.born.isoformat(), "dod": died.isoformat()}
    subject |= {"address": story.address, "ethnicity": "White British"}
    people = [child] if key in ("police", "asc") else []
    return {"subject": subject, "people": people, "other_addresses": ""}


def _review(
    case: Case,
    agency,
    key: str,
    story: Story,
    team: dict,
    died,
    timeline: Timeline,
    *,
    panel_chair,
) -> None:
    """One agency's review (`key`: its part of the story and of REVIEWS): nominated,
    written, countersigned and accepted by `panel_chair`, each step on its day
    (imr.demo.DAYS after the commissioning: `timeline`). The SAR demo's reviews too."""

    def on(step: str):
        return timeline.on(imr_demo.DAYS[step])

    ids = {"case_id": case.pk, "agency_id": agency.pk}
    author, director = team["author"], team["director"]
    with on("nominate"):
        imr_services.imr_nominate(
            **ids,
            by=team["lead"],
            author=author,
            author_designation=author.job_title,
            author_suitability=TEAMS[key].author_suitability,
            author_independent=True,
            director=director,
            director_designation=director.job_title,
        )
    with on("appraise"):
        imr_services.imr_appraisal_record(**ids, by=author, needed=False)
    with on("chronology"):
        family = _family(story, key, died)
        imr_demo.write_section(**ids, by=author, section=Section.FAMILY, content=family)
        who, entries = initials(story.subject), _entries(story.chronology[key])
        period, months = terms_of_reference(case)[2], case.board.chronology_gap_months
        for entry in entries + _gap_notes(key, entries, who, died, period, months):
            values = imr_demo._values(entry, died)
            draft_services.chronology_entry_save(**ids, by=author, values=values)
        for kind, code, meaning, worker_name in GLOSSARY[key]:
            draft_services.glossary_entry_save(
                **ids, by=author, kind=kind, code=code, meaning=meaning, worker_name=worker_name
            )
    with on("submit_chronology"):
        imr_services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    with on("countersign_chronology"):
        imr_services.imr_countersign(**ids, by=director)
    overview = REVIEWS["summary"].format(agency=WHO[key], count=len(entries), who=who)
    answers = {"summary": overview} | {k: t.format(who=WHO[key]) for k, t in ANSWERS.items()}
    sources, other_sources = SOURCES[key]
    action = REVIEWS["action"]
    action = (action["action"], action["evidence"], action["outcome"], action["weeks"])
    report = Report(
        sources=sources,
        other_sources=other_sources,
        analysis={k: (text, ANSWER_TERMS.get(k, (1,))) for k, text in answers.items()},
        lessons=LESSONS,
        recommendations=[(ACTIONS[key], [action])],
    )
    with on("report"):
        accepted = timeline.day(imr_demo.DAYS["panel_accept"])
        imr_demo._write_report(ids, author, director, report, actions_from=accepted)
    with on("submit_report"):
        imr_services.imr_submit(**ids, by=author, part=Part.REPORT)
    with on("countersign_report"):
        imr_services.imr_countersign(**ids, by=director)
    comments = REVIEWS["panel_accept"]
    with on("panel_accept"):
        imr_services.imr_panel_review(**ids, by=panel_chair, accept=True, comments=comments)


def _write_overview(
    world: DemoWorld, case: Case, story: Story, died: date, timeline: Timeline
) -> None:
    """13: begun by the coordinator; the author links duplicates, merges the family and
    writes. At the first step only part of it, and nothing submitted."""
    ids = {"case_id": case.pk, "by": world.people[Role.OVERVIEW_AUTHOR]}
    done = story.step > WRITING
    with timeline.on(DAYS["overview"]):
        coordinator = world.people[Role.COORDINATOR]
        overview = overview_services.overview_start(case_id=case.pk, by=coordinator)
    age = age_on(story.born, died)
    sections = {
        Key.INTRODUCTION: INTRODUCTION.format(who=initials(story.subject), age=age, died=died),
        Key.FACTS: story.facts,
        Key.KNOWN: story.known,
        Key.ANALYSIS: story.analysis,
    }
    with timeline.on(DAYS["sections"]):
        for key, text in sections.items():
            if text:
                overview_services.overview_section_save(**ids, key=key, text=text, revision=None)
    with timeline.on(DAYS["links"]):
        _link(ids, overview, done)
    with timeline.on(DAYS["findings"]):
        _findings(world, ids, overview, story, died)
    if done:
        with timeline.on(DAYS["submit"]):
            overview_services.overview_submit(**ids)


def _link(ids: dict, overview, done: bool) -> None:
    # The same event from two agencies: one linked at the first step, the rest left
    # suggested; all linked later.
    linked = 0
    while (pairs := duplicate_suggestions(overview)) and (done or not linked):
        overview_entry_link(**ids, entry_id=pairs[0].second.pk, same_as_id=pairs[0].first.pk)
        linked += 1
    while done and (suggestions := merge_suggestions(overview)):
        family_merge(**ids, keep_id=suggestions[0].first.pk, merge_id=suggestions[0].second.pk)


def _findings(world: DemoWorld, ids: dict, overview, story: Story, died: date) -> None:
    agencies, rows = world.agencies, overview.entries.filter(explains_gap=False)
    for finding in story.findings:
        terms, cited, text = _fields(finding)
        entry_ids = []
        for agency_days in cited.split(","):
            key, before = agency_days.split()
            day = died - timedelta(days=int(before))
            entry_ids += rows.filter(agency=agencies[key], date=day).values_list("pk", flat=True)
        overview_services.finding_save(
            **ids, text=text, term_numbers=_numbers(terms), entry_ids=entry_ids
        )
    for recommendation in story.recommendations:
        keys, terms, text = _fields(recommendation)
        overview_services.recommendation_save(
            **ids,
            text=text,
            for_board="board" in keys.split(),
            agency_ids=[agencies[key].pk for key in keys.split() if key != "board"],
            term_numbers=_numbers(terms),
        )


def _receive(world: DemoWorld, case: Case, timeline: Timeline, *, complete: bool) -> None:
    """14: the coordinator records the contributors' responses and the receipt: part of
    it while the report is with the board, all of it once received."""
    ids = {"case_id": case.pk, "by": world.people[Role.COORDINATOR]}
    for number, key in enumerate(AGENCIES if complete else AGENCIES[:2]):
        answer, comments = RESPONSES[key]
        agency_id = world.agencies[key].pk
        with timeline.on(DAYS["responses"] + 3 * number):
            receipt.contributor_response_record(
                **ids, agency_id=agency_id, answer=answer, comments=comments
            )
    with timeline.on(DAYS["receipt"]):
        for item in list(RECEIPT)[: None if complete else 2]:
            receipt.receipt_item_record(**ids, key=item, note=RECEIPT[item])


def _summary(world: DemoWorld, case: Case, story: Story, timeline: Timeline) -> None:
    """15: drafted by the author from the report; then agreed by the panel, approved by
    the chair with its release date and a family copy, and released on the date."""
    people, ids = world.people, {"case_id": case.pk}
    author = people[Role.OVERVIEW_AUTHOR]
    with timeline.on(DAYS["summary"]):
        draft = summary.summary_start(**ids, by=author)
        summary.summary_save(
            **ids,
            by=author,
            process=draft.process,
            key_issues=f"{story.opening}\n\n{draft.key_issues}",
            recommendations=draft.recommendations,
            revision=draft.revision,
        )
    if story.step == SUMMARY:
        return
    with timeline.on(DAYS["summary_to_panel"]):
        summary.summary_send_to_panel(**ids, by=author)
    with timeline.on(DAYS["summary_agreed"]):
        summary.summary_panel_decide(**ids, by=people[Role.PANEL_CHAIR], agree=True)
    # Released four weeks after the approval; the one still waiting in six.
    weeks = 6 if story.step == APPROVED else 4
    with timeline.on(DAYS["summary_approved"]) as day:
        summary.summary_approve(
            **ids,
            by=people[Role.BOARD_CHAIR],
            criminal_proceedings=story.proceedings,
            release_date=day + timedelta(weeks=weeks),
            media_note=REPORT["media_note"],
        )
    name = _fields(story.child)[0]
    email = f"{name.lower().replace(' ', '.')}@example.org"
    with timeline.on(DAYS["summary_approved"] + 1):
        summary.summary_recipient_add(**ids, by=people[Role.COORDINATOR], name=name, email=email)
    if story.step == RELEASED:
        with timeline.on(DAYS["summary_approved"] + 7 * weeks) as day:
            summary.summary_release_due(today=day)
            summary.summary_copies_send(summary_id=draft.pk)
