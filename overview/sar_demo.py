"""The second demo board's Safeguarding Adults Reviews (issue 17; fictional people only).

The Southvale board runs the Care Act 2014 procedure (its default review type is `sar`):
a referral asks the SAR's questions, the board chair decides on the referral itself with
no panel, and the review goes on through the same stages as the 2009 one. Its agencies,
its people (a chair, the SAR subgroup's chair, a referrer, an independent reviewer, and a
lead, an author and a countersigning director for adult social care and the NHS trust)
and its cases are in demo/sar.toml, each case taken to one step:

1. Hester Fairbrother: a mandatory SAR (s44(2)) whose two agency reports the SAR
   subgroup's chair has accepted; the reviewer writing the SAR report (its own
   sections and a finding, nothing submitted).
2. Tobias Wainwright: a mandatory SAR, its terms of reference final, agency reports
   asked of three agencies, the NHS trust's author and director nominated.
3. Declan Moorcroft: not a SAR (no needs for care and support); the learning goes to a
   multi-agency learning review.
4. Aurelia Brackenbury: referred and endorsed, waiting for the chair's decision.

Everything goes through the services, each step by the person whose step it is, on days
in the past after the adult died (DAYS). It lives with the overview stage because it is
the latest stage the board's reviews reach, as overview/demo.py walks its cases from the
referral. Running it twice changes nothing: a case that exists is left alone.
"""

from datetime import date, timedelta

from django.db import transaction

from imr import services as imr_services
from overview import demo as overview_demo
from overview import services as overview_services
from overview.chronology import age_on
from overview.models import OverviewSection
from panel import services as panel_services
from referrals import services as referral_services
from scr.accounts.models import Agency, User
from scr.accounts.roles import Role
from scr.accounts.services import role_grant
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.demo.seed import DemoWorld, authenticator_give, register
from scr.names import initials

DATA = demo_data(__file__, "sar")

# Days after the adult died (or the harm came to light) on which each step is taken.
DAYS = {
    "referral": 14,
    "endorse": 17,
    "decide": 31,
    "appoint": 33,
    "terms": 38,
    "terms_final": 45,
    "commission": 52,
    "nominate": 59,
    "appraise": 62,
}
Key = OverviewSection.Key
# The agency whose lead endorses the referrals: the referrer's.
REFERRERS_AGENCY = next(p["agency"] for p in DATA["people"] if p["key"] == "referrer")


@register
def demo_sars(world: DemoWorld) -> None:
    """The board's agencies and people, then each case once (see the module's docstring)."""
    board = world.other_board
    agencies = {
        key: Agency.objects.get_or_create(
            board=board, name=agency["name"], defaults={"kind": Agency.Kind(agency["kind"])}
        )[0]
        for key, agency in DATA["agencies"].items()
    }
    password = world.people[Role.COORDINATOR].password
    people = {p["key"]: _person(board, agencies, p, password) for p in DATA["people"]}
    people["coordinator"] = world.other_coordinator
    for story in DATA["cases"]:
        if Case.objects.filter(board=board, subject_name=story["subject"]).exists():
            continue
        with transaction.atomic():
            _walk(story, agencies, people)


def _person(board, agencies: dict[str, Agency], data: dict, password: str) -> User:
    """The person, made if not there yet, with the demo's password (the coordinator's,
    whichever seed_demo was given) and an authenticator."""
    user = User.objects.filter(email=data["email"]).first()
    if user is None:
        user = User.objects.create_user(
            data["email"],
            None,
            full_name=data["name"],
            job_title=data["title"],
            board=board,
            agency=agencies.get(data.get("agency", "")),
        )
        user.password = password
        user.save(update_fields=["password"])
    authenticator_give(user)
    if data["role"]:
        role_grant(user=user, role=Role(data["role"]))
    return user


def _walk(story: dict, agencies: dict[str, Agency], people: dict[str, User]) -> Case:
    """Referred by adult social care's social worker and endorsed by its lead; then, as
    far as the story's step, the chair's decision, the terms of reference and the agency
    reports asked for."""
    life = Timeline(calendar.today() - timedelta(weeks=story["weeks_since_death"]))

    def on(step: str):
        return life.on(DAYS[step])

    case = _refer(story, agencies, people, on, died=life.start)
    if story["step"] == "with_chair":
        return case
    ids = {"case_id": case.pk}
    Decision = panel_services.Decision
    with on("decide"):
        panel_services.chair_decision_record(
            **ids,
            by=people["chair"],
            decision=story["decision"],
            reasons=story["reasons"],
            learning_route=story.get("learning_route", ""),
            basis=story.get("basis", ""),
        )
    if story["decision"] != Decision.REVIEW:
        return case
    coordinator = people["coordinator"]
    with on("appoint"):
        # The SAR subgroup's chair oversees the agency reports; the reviewer writes the
        # SAR report.
        for key, role in (("subgroup_chair", Role.PANEL_CHAIR), ("reviewer", Role.OVERVIEW_AUTHOR)):
            case_services.case_assign(**ids, user=people[key], role=role, by=coordinator)
    died = life.start
    period = {"period_from": calendar.add_months(died, -story["period_months"]), "period_to": died}
    for step, final in (("terms", False), ("terms_final", True)):
        with on(step):
            panel_services.terms_of_reference_save(
                **ids, by=people["subgroup_chair"], terms=story["terms"], final=final, **period
            )
    with on("commission") as day:
        imr_services.imr_commission(
            **ids,
            by=coordinator,
            agency_ids=[agencies[key].pk for key in story["agencies"]],
            chronology_due=day + timedelta(weeks=story["report_weeks"] // 2),
            report_due=day + timedelta(weeks=story["report_weeks"]),
        )
    if story["step"] == "writing":
        commissioned = Timeline(life.day(DAYS["commission"]))
        commissioned.after(life.last)
        _write(case, story, agencies, people, died, commissioned)
        return case
    for key in story["nominated"]:
        _nominate(case, agencies[key], people, key, story, on)
    return case


def _refer(
    story: dict, agencies: dict[str, Agency], people: dict[str, User], on, *, died: date
) -> Case:
    """The referral in the SAR's words (referrals.questions), submitted by the referrer;
    its agency's lead endorses it three days later, which opens the case with the chair."""
    referrer = people["referrer"]
    facts = {
        "subject_name": story["subject"],
        "subject_date_of_birth": story["born"],
        "subject_died": story["died"],
        "subject_address": story["address"],
        "subject_ethnicity": "White British",
        "care_and_support_needs": story["care_and_support_needs"],
        "what_happened": story["what_happened"],
        "abuse_or_neglect": story["abuse_or_neglect"],
        "serious_harm": story["serious_harm"],
        "concern_working_together": story["concern_working_together"],
    }
    if story["died"]:
        facts["subject_date_of_death"] = died
    with on("referral"):
        referral = referral_services.referral_start(by=referrer)
        referral_services.referral_save(
            referral_id=referral.pk,
            by=referrer,
            data=facts,
            agencies=[agencies[key] for key in story["agencies"]],
        )
        referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    lead = people[f"{REFERRERS_AGENCY}_lead"]
    with on("endorse"):
        return referral_services.referral_endorse(referral_id=referral.pk, by=lead).case


def _nominate(case: Case, agency: Agency, people: dict[str, User], key: str, story, on) -> None:
    """The agency's lead nominates its author and countersigning director (10); the
    author records the rapid appraisal: no immediate change to practice needed."""
    ids = {"case_id": case.pk, "agency_id": agency.pk}
    author, director = people[f"{key}_author"], people[f"{key}_director"]
    with on("nominate"):
        imr_services.imr_nominate(
            **ids,
            by=people[f"{key}_lead"],
            author=author,
            author_designation=author.job_title,
            author_suitability=story["author_suitability"],
            author_independent=True,
            director=director,
            director_designation=director.job_title,
        )
    with on("appraise"):
        imr_services.imr_appraisal_record(**ids, by=author, needed=False)


def _write(case: Case, story: dict, agencies, people, died: date, timeline: Timeline) -> None:
    """Each agency's report accepted by the SAR subgroup's chair, at its own pace from the
    commissioning (`timeline`), as overview/demo.py writes its reviews; then the SAR
    report begun by the coordinator and its own sections and a finding written by the
    reviewer (overview_demo.DAYS after the commissioning), nothing submitted."""
    fields = {name: story[name] for name in ("subject", "born", "address", "child")}
    tale = overview_demo.Story(
        **fields,
        step=overview_demo.WRITING,
        facts=story["what_happened"],
        chronology=story["chronology"],
        findings=tuple(story["findings"]),
    )
    done = timeline.last
    for key in story["agencies"]:
        team = {part: people[f"{key}_{part}"] for part in ("lead", "author", "director")}
        review = Timeline(timeline.start)
        review.after(timeline.last)
        overview_demo._review(
            case,
            agencies[key],
            key,
            tale,
            team,
            died,
            review,
            panel_chair=people["subgroup_chair"],
        )
        done = max(done, review.last)
    timeline.after(done)
    ids = {"case_id": case.pk, "by": people["reviewer"]}
    with timeline.on(overview_demo.DAYS["overview"]):
        overview = overview_services.overview_start(case_id=case.pk, by=people["coordinator"])
    age = age_on(story["born"], died)
    sections = {
        Key.INTRODUCTION: story["introduction"].format(
            who=initials(story["subject"]), age=age, died=died
        ),
        Key.THE_PERSON: story["the_person"],
        Key.SCOPE_AND_METHOD: story["scope_and_method"],
    }
    with timeline.on(overview_demo.DAYS["sections"]):
        for key, text in sections.items():
            overview_services.overview_section_save(**ids, key=key, text=text, revision=None)
    rows = overview.entries.filter(explains_gap=False)
    with timeline.on(overview_demo.DAYS["findings"]):
        for finding in story["findings"]:
            terms, cited, text = (part.strip() for part in finding.split("|"))
            entry_ids = []
            for agency_days in cited.split(","):
                key, before = agency_days.split()
                day = died - timedelta(days=int(before))
                entry_ids += rows.filter(agency=agencies[key], date=day).values_list(
                    "pk", flat=True
                )
            overview_services.finding_save(
                **ids,
                text=text,
                term_numbers=[int(n) for n in terms.split(",")],
                entry_ids=entry_ids,
            )
