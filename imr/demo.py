"""The IMR stage in the demo (fictional people and events only).

The seed brings the Winifred Ollerenshaw case to 'IMRs in progress' with no reviews. Here
the coordinator asks eight agencies for their management reviews, and each review is
taken, through the services and by the person whose step it is, to one step of its
course: waiting for nomination, the chronology being written, with the director, the
full report being written, with the director, with the panel, returned by the panel for
revision, and accepted. The case the seed leaves at 'review commissioned' (Desmond
Arkwright-Bell) keeps no reviews, so that a coordinator can try commissioning.

The agencies the core's demo lacks, and a lead, an author and a countersigning director
for every agency, are created here. Running it twice changes nothing: once the case has
reviews it is left alone.
"""

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from django.db import transaction

from imr import draft_services, sections, services
from imr.entry_parsing import FuzzyDate, Precision
from imr.models import ChronologyEntry, GlossaryEntry, Imr, Part, Section
from imr.selectors import section_data
from imr.template import ANALYSIS_PROMPTS, LESSON_PROMPTS
from panel.models import TermsOfReference
from referrals.models import Referral
from scr.accounts.models import Agency, User
from scr.accounts.roles import Role
from scr.accounts.services import role_grant
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.demo.seed import DemoWorld, authenticator_give, reached, register

# The agencies the core's demo board lacks, and the family, are in demo/case.toml; each
# agency's review in demo/<agency>.toml, in the order the coordinator asks for them.
REVIEW_ORDER = ("asc", "fire", "ambulance", "housing", "police", "icb", "nhs", "homecare")

# The terms of reference the panel's demo gives the case: 1 information sharing about
# care needs and the risk of neglect, 2 the adult's wishes and feelings, 3 escalation.


@dataclass(frozen=True)
class Entry:
    """A chronology entry, dated by days before the adult's death."""

    before: int
    source: str
    subject: str
    event: str
    expected: str = ""
    terms: tuple[int, ...] = (1,)
    relevance: str = ""
    at: time | None = None
    explains_gap: bool = False


@dataclass(frozen=True)
class Report:
    """Sections 1, 4, 5 and 6. An action is (action, evidence, outcome, weeks from today)."""

    sources: list[str]
    other_sources: str
    analysis: dict[str, tuple[str, tuple[int, ...]]]
    lessons: dict[str, str] = field(default_factory=dict)
    recommendations: list[tuple[str, list[tuple[str, str, str, int]]]] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    agency: str
    step: Imr.Status  # how far the review has come
    # A role of the core's demo people, or (email, name, job title) of a person made here.
    lead: Role | tuple[str, str, str]
    author: Role | tuple[str, str, str] | None = None
    director: Role | tuple[str, str, str] | None = None
    author_suitability: str = ""
    entries: list[Entry] = field(default_factory=list)
    glossary: list[tuple[str, str, str, str]] = field(default_factory=list)
    appraisal: str | None = None  # None: not yet recorded; "": no changes needed now
    report: Report | None = None
    # The director returned the chronology once: (comments, the entry's day, its new
    # expected practice).
    director_return: tuple[str, int, str] | None = None
    panel_return: str = ""
    # What the author added to section 4 after the panel's return, by prompt.
    revised: dict[str, str] = field(default_factory=dict)
    panel_accept: str = ""
    concern: str = ""


def _person(value: str | dict | None) -> Role | tuple[str, str, str] | None:
    """A role of the core's demo people (its value), or a person made here."""
    if value is None or isinstance(value, str):
        return None if value is None else Role(value)
    return (value["email"], value["name"], value["title"])


def _entry(data: dict) -> Entry:
    return Entry(
        before=data["before"],
        source=data["source"],
        subject=data["subject"],
        event=data["event"],
        expected=data.get("expected", ""),
        terms=tuple(data.get("terms", (1,))),
        relevance=data.get("relevance", ""),
        at=data.get("at"),
        explains_gap=data.get("explains_gap", False),
    )


def _report(data: dict) -> Report:
    return Report(
        sources=data["sources"],
        other_sources=data["other_sources"],
        analysis={k: (v["text"], tuple(v["terms"])) for k, v in data["analysis"].items()},
        lessons=data.get("lessons", {}),
        recommendations=[
            (
                rec["text"],
                [(a["action"], a["evidence"], a["outcome"], a["weeks"]) for a in rec["actions"]],
            )
            for rec in data.get("recommendations", [])
        ],
    )


def review_from_data(data: dict) -> Review:
    """A Review from its data file's table (see demo/*.toml)."""
    returned = data.get("director_return")
    return Review(
        agency=data["agency"],
        step=Imr.Status(data["step"]),
        lead=_person(data["lead"]),
        author=_person(data.get("author")),
        director=_person(data.get("director")),
        author_suitability=data.get("author_suitability", ""),
        entries=[_entry(entry) for entry in data.get("entries", [])],
        glossary=[
            (GlossaryEntry.Kind(kind), code, meaning, name)
            for kind, code, meaning, name in data.get("glossary", [])
        ],
        appraisal=data.get("appraisal"),
        report=_report(data["report"]) if "report" in data else None,
        director_return=(
            (returned["comments"], returned["before"], returned["expected"]) if returned else None
        ),
        panel_return=data.get("panel_return", ""),
        revised=data.get("revised", {}),
        panel_accept=data.get("panel_accept", ""),
        concern=data.get("concern", ""),
    )


CASE = demo_data(__file__, "case")
SUBJECT = CASE["subject"]
ADDRESS = CASE["address"]  # as in the demo referral
NEW_AGENCIES = [(a["key"], a["name"], Agency.Kind(a["kind"])) for a in CASE["agencies"]]
FAMILY_PEOPLE = CASE["family"]
REVIEWS = [review_from_data(demo_data(__file__, agency)) for agency in REVIEW_ORDER]
ASC_REVIEW, FIRE, AMBULANCE, HOUSING, POLICE, ICB, NHS, HOMECARE = REVIEWS


@register
def demo_imrs(world: DemoWorld) -> None:
    """The management reviews of the demo case, once (see the module's docstring)."""
    agencies = dict(world.agencies)
    for key, name, kind in NEW_AGENCIES:
        agencies[key] = Agency.objects.get_or_create(
            board=world.board, name=name, defaults={"kind": kind}
        )[0]
    teams = {review.agency: _team(world, agencies[review.agency], review) for review in REVIEWS}
    case = next(
        (c for c in world.cases.values() if c.subject_name == SUBJECT),
        None,
    )
    # The panel's demo (registered first: panel comes before imr in INSTALLED_APPS)
    # gives the case its terms of reference, which the chronology entries cite.
    if (
        case is None
        or case.stage != Stage.IMRS_IN_PROGRESS
        or case.imrs.exists()
        or not TermsOfReference.objects.filter(case=case).exists()
    ):
        return
    died = _date_of_death(case)
    # The coordinator asked for the reviews the day after the case reached the stage;
    # each review then goes its own pace (DAYS).
    started = reached(case, Stage.IMRS_IN_PROGRESS)
    with transaction.atomic():
        with started.on(1) as day:
            services.imr_commission(
                case_id=case.pk,
                by=world.people[Role.COORDINATOR],
                agency_ids=[agencies[review.agency].pk for review in REVIEWS],
                chronology_due=day + timedelta(weeks=3),
                report_due=day + timedelta(weeks=10),
            )
        for review in REVIEWS:
            timeline = Timeline(started.day(1))
            timeline.after(started.last)
            agency, team = agencies[review.agency], teams[review.agency]
            _take(world, case, agency, review, team, died, timeline)


def _team(world: DemoWorld, agency: Agency, review: Review) -> dict[str, User | None]:
    """The agency's lead, author and director, made if they are not there yet."""
    team = {}
    for part in ("lead", "author", "director"):
        who = getattr(review, part)
        if who is None:
            team[part] = None
        elif isinstance(who, Role):
            team[part] = world.people[who]
        else:
            team[part] = _member(world, agency, *who)
    role_grant(user=team["lead"], role=Role.AGENCY_LEAD)
    return team


def _member(world: DemoWorld, agency: Agency, email: str, name: str, title: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, full_name=name, job_title=title, board=world.board, agency=agency
        )
        # The demo's one password, whichever seed_demo was given: the coordinator's.
        user.password = world.people[Role.COORDINATOR].password
        user.save(update_fields=["password"])
    # Also for a person an earlier seed made without one.
    authenticator_give(user)
    return user


def _date_of_death(case: Case) -> date:
    """As the demo referral has it (five days before the case was opened)."""
    if case.subject_date_of_death:
        return case.subject_date_of_death
    referral = Referral.objects.filter(case=case).exclude(subject_date_of_death=None).first()
    if referral is not None:
        return referral.subject_date_of_death
    return calendar.local_date(case.created_at) - timedelta(days=5)


# Days after the reviews were commissioned on which each step of a review is taken.
DAYS = {
    "nominate": 4,
    "appraise": 6,
    "chronology": 8,
    "submit_chronology": 19,
    "director_return": 22,
    "resubmit_chronology": 25,
    "countersign_chronology": 27,
    "report": 40,
    "concern": 42,
    "submit_report": 62,
    "countersign_report": 65,
    "panel_return": 75,
    "revise": 84,
    "countersign_revision": 88,
    "panel_accept": 96,
}


def _take(
    world: DemoWorld,
    case: Case,
    agency: Agency,
    review: Review,
    team: dict[str, User | None],
    died: date,
    timeline: Timeline,
) -> None:
    """Walk one review along its course to `review.step`, each step by its own person
    on its day (DAYS after the commissioning: `timeline`)."""
    course = list(Imr.Status)
    reached_step = course.index(review.step)

    def passed(status: Imr.Status) -> bool:
        return reached_step >= course.index(status)

    def on(step: str):
        return timeline.on(DAYS[step])

    lead, author, director = team["lead"], team["author"], team["director"]
    panel_chair = world.people[Role.PANEL_CHAIR]
    if not passed(Imr.Status.CHRONOLOGY):
        return
    ids = {"case_id": case.pk, "agency_id": agency.pk}
    with on("nominate"):
        services.imr_nominate(
            **ids,
            by=lead,
            author=author,
            author_designation=author.job_title,
            author_suitability=review.author_suitability,
            author_independent=True,
            director=director,
            director_designation=director.job_title,
        )
    if review.appraisal is not None:
        with on("appraise"):
            services.imr_appraisal_record(
                **ids, by=author, needed=bool(review.appraisal), changes=review.appraisal
            )
    with on("chronology"):
        _write_chronology(case, ids, author, review, died)
    if not passed(Imr.Status.CHRONOLOGY_SIGN_OFF):
        return
    with on("submit_chronology"):
        services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    if review.director_return:
        comments, before, expected = review.director_return
        with on("director_return"):
            services.imr_director_return(**ids, by=director, comments=comments)
        written = next(entry for entry in review.entries if entry.before == before)
        row = ChronologyEntry.objects.get(
            imr__case=case, imr__agency=agency, date=died - timedelta(days=before)
        )
        with on("resubmit_chronology"):
            draft_services.chronology_entry_save(
                **ids,
                by=author,
                values=_values(replace(written, expected=expected), died),
                entry_id=row.pk,
                revision=row.revision,
            )
            services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    if not passed(Imr.Status.REPORT):
        return
    with on("countersign_chronology"):
        services.imr_countersign(**ids, by=director)
    if review.report is not None:
        with on("report"):
            accepted = timeline.day(DAYS["panel_accept"])
            _write_report(ids, author, director, review.report, actions_from=accepted)
    if review.concern:
        with on("concern"):
            services.imr_concern_record(**ids, by=author, text=review.concern)
    if not passed(Imr.Status.REPORT_SIGN_OFF):
        return
    with on("submit_report"):
        services.imr_submit(**ids, by=author, part=Part.REPORT)
    if not passed(Imr.Status.PANEL_REVIEW):
        return
    with on("countersign_report"):
        services.imr_countersign(**ids, by=director)
    if not passed(Imr.Status.REVISION):
        return
    if review.panel_return:
        with on("panel_return") as day:
            services.imr_panel_review(
                **ids,
                by=panel_chair,
                accept=False,
                comments=review.panel_return,
                revision_due=day + timedelta(weeks=3),
            )
    if review.step == Imr.Status.REVISION:
        return
    if review.panel_return:
        with on("revise"):
            _revise(ids, author, review.revised)
            services.imr_submit(**ids, by=author, part=Part.REPORT)
        with on("countersign_revision"):
            services.imr_countersign(**ids, by=director)
    with on("panel_accept"):
        services.imr_panel_review(**ids, by=panel_chair, accept=True, comments=review.panel_accept)


def _values(entry: Entry, died: date) -> draft_services.EntryValues:
    return draft_services.EntryValues(
        date=FuzzyDate(died - timedelta(days=entry.before), Precision.DAY),
        time=entry.at,
        source=entry.source,
        subject=entry.subject,
        event=entry.event,
        expected_practice=entry.expected,
        term_numbers=list(entry.terms),
        relevance_note=entry.relevance,
        explains_gap=entry.explains_gap,
    )


def _write_chronology(case: Case, ids: dict, author: User, review: Review, died: date) -> None:
    """Section 2, the chronology and the glossary, as the author writes them."""
    family = {
        "subject": {
            "name": case.subject_name,
            "dob": case.subject_date_of_birth.isoformat() if case.subject_date_of_birth else "",
            "dod": died.isoformat(),
            "address": ADDRESS,
            "ethnicity": "White British",
        },
        "people": FAMILY_PEOPLE,
        "other_addresses": "",
    }
    write_section(**ids, by=author, section=Section.FAMILY, content=family)
    for entry in review.entries:
        draft_services.chronology_entry_save(**ids, by=author, values=_values(entry, died))
    for kind, code, meaning, worker_name in review.glossary:
        draft_services.glossary_entry_save(
            **ids, by=author, kind=kind, code=code, meaning=meaning, worker_name=worker_name
        )


def _write_report(
    ids: dict, author: User, director: User, report: Report, actions_from: date | None = None
) -> None:
    """Sections 1, 4, 5 and 6, as far as the report has them. The actions are due their
    weeks after `actions_from` (today if not given): a date still to come when the report
    is submitted."""
    today = actions_from or calendar.today()

    def save(key: Section, content: dict) -> None:
        write_section(**ids, by=author, section=key, content=content)

    save(
        Section.INTRODUCTION,
        {"sources": report.sources, "other_sources": report.other_sources, "notes": ""},
    )
    save(
        Section.ANALYSIS,
        {
            prompt.key: {"text": text, "terms": list(terms)}
            for prompt in ANALYSIS_PROMPTS
            if prompt.key in report.analysis
            for text, terms in [report.analysis[prompt.key]]
        },
    )
    if report.lessons:
        save(Section.LESSONS, {p.key: report.lessons[p.key] for p in LESSON_PROMPTS})
    if report.recommendations:
        contact = {"phone": "01632 960 214", "address": ""}
        save(
            Section.ACTION_PLAN,
            {
                "lead": {
                    "name": director.full_name,
                    "position": director.job_title,
                    "email": director.email,
                    **contact,
                },
                "named": {
                    "name": author.full_name,
                    "position": author.job_title,
                    "email": author.email,
                    **contact,
                },
                "recommendations": [
                    {
                        "id": f"r{number}",
                        "text": text,
                        "actions": [
                            {
                                "text": action,
                                "evidence": evidence,
                                "outcome": outcome,
                                "date": (today + timedelta(weeks=weeks)).isoformat(),
                            }
                            for action, evidence, outcome, weeks in actions
                        ],
                    }
                    for number, (text, actions) in enumerate(report.recommendations, 1)
                ],
            },
        )


def _revise(ids: dict, author: User, additions: dict[str, str]) -> None:
    """The author answers the panel: adds to the section 4 answers it asked about."""
    imr = Imr.objects.get(case_id=ids["case_id"], agency_id=ids["agency_id"])
    data = sections.ANALYSIS.initial(section_data(imr, Section.ANALYSIS))
    for key, text in additions.items():
        data[key] = f"{data[key]} {text}"
    draft_services.imr_section_update(
        **ids, by=author, section=Section.ANALYSIS, data=data, revision=None
    )


def write_section(*, case_id: int, agency_id: int, by: User, section: str, content: dict) -> None:
    """A written section, `content` as ImrSection.data holds it, saved as its author fills
    its forms in: the section's own form, then each item of its list on the item's page
    (imr/sections.py). The tests build their reviews with it too."""
    ids = {"case_id": case_id, "agency_id": agency_id, "by": by}
    definition = sections.definition(section)
    draft_services.imr_section_update(
        **ids, section=section, data=definition.initial(content), revision=None
    )
    items = definition.items
    for item in content.get(items.name, []) if items else []:
        draft_services.imr_section_item_save(
            **ids, section=section, data=items.initial(item), item_id=item["id"]
        )
