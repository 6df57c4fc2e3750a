"""A large fictional dataset, for benchmarks only (issue 9): `seed_scale`, and the
people and records a load test signs in as and opens (`scale_personas`, `totp_code`).

Everything is invented, and every sign-in shares one published password
(SCALE_PASSWORD): never seed this into a database that holds real cases.

The rows are written in bulk (PostgreSQL's COPY for the chronologies), not through the
services, so that 5,000 cases take minutes rather than hours. They are the rows the
services would leave behind: each case has walked its route with the right person at
each step (CaseEvent), its clocks are opened, met or running as the stage services
would leave them, and the people on a case hold the django-guardian object
permissions that scr.cases.services.case_assign grants (scr.access.CASE_ROLE_PERMS),
so every page reads the data through the ordinary permission checks.

The stage apps' models are looked up by name, as scr.access does: the core never
imports a stage app.

Deterministic: the same --seed and the same --today give the same rows (the stored
evidence files' names included).

Signing in as a seeded person: the password is SCALE_PASSWORD; each person has a
confirmed authenticator (django-otp's TOTPDevice, key in hex in `TOTPDevice.key`),
and `totp_code(user_id)` gives the code their app would show now. A code is accepted
once per device (django-otp keeps the last time step used), so a load generator signs
each person in once and keeps the session.
"""

import io
import json
import math
import random
import time as clock
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.access import CASE_ROLE_PERMS
from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import AGENCY_CASE_ROLES, BOARD_ROLES, Role, group_name
from scr.accounts.services import role_groups_sync
from scr.cases.models import (
    Case,
    CaseAgency,
    CaseAssignment,
    CaseEvent,
    CaseSequence,
    CaseUserObjectPermission,
)
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_due
from scr.deadlines.steps import next_step_date
from scr.names import initials

SCALE_PASSWORD = "scale-bench-2026"  # noqa: S105 - the benchmark data's published password
# Every seeded address is under this domain (example.org never receives mail); the
# seeded boards are known by their coordinator's address there.
DOMAIN = "scale.example.org"
BATCH = 2000

# What share of the cases stands at each stage: most referrals end with the chair's
# decision, and a Serious Case Review spends most of its life in the management reviews
# and in the monitoring of its action plans.
STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.REFERRAL_RECEIVED: 9,
    Stage.WITH_CHAIR: 6,
    Stage.PANEL_CONVENED: 5,
    Stage.PANEL_RECOMMENDED: 4,
    Stage.REVIEW_COMMISSIONED: 4,
    Stage.IMRS_IN_PROGRESS: 12,
    Stage.OVERVIEW_IN_PROGRESS: 3,
    Stage.WITH_BOARD: 1.5,
    Stage.EXECUTIVE_SUMMARY: 1.5,
    Stage.ACTION_PLANS: 3,
    Stage.MONITORING: 6,
    Stage.CLOSED: 5,
    Stage.OTHER_REVIEW: 18,
    Stage.DECLINED: 22,
}
# Typical days a case spends at each stage (a case's age is drawn from these).
DWELL: dict[Stage, int] = {
    Stage.REFERRAL_RECEIVED: 10,
    Stage.WITH_CHAIR: 14,
    Stage.PANEL_CONVENED: 21,
    Stage.PANEL_RECOMMENDED: 14,
    Stage.REVIEW_COMMISSIONED: 35,
    Stage.IMRS_IN_PROGRESS: 150,
    Stage.OVERVIEW_IN_PROGRESS: 110,
    Stage.WITH_BOARD: 30,
    Stage.EXECUTIVE_SUMMARY: 45,
    Stage.ACTION_PLANS: 45,
    Stage.MONITORING: 240,
    Stage.CLOSED: 400,
    Stage.OTHER_REVIEW: 500,
    Stage.DECLINED: 500,
}
# The transition into each stage, and who takes it (STYLE 3: CaseEvent is the history).
INTO: dict[Stage, tuple[str, str]] = {
    Stage.WITH_CHAIR: ("send_to_chair", "lead"),
    Stage.PANEL_CONVENED: ("convene_panel", "chair"),
    Stage.PANEL_RECOMMENDED: ("record_recommendation", "panel_chair"),
    Stage.REVIEW_COMMISSIONED: ("commission_review", "chair"),
    Stage.IMRS_IN_PROGRESS: ("start_imrs", "coordinator"),
    Stage.OVERVIEW_IN_PROGRESS: ("start_overview", "coordinator"),
    Stage.WITH_BOARD: ("submit_overview", "overview_author"),
    Stage.EXECUTIVE_SUMMARY: ("receive_overview", "coordinator"),
    Stage.ACTION_PLANS: ("approve_summary", "chair"),
    Stage.MONITORING: ("start_monitoring", "coordinator"),
    Stage.CLOSED: ("close", "chair"),
    Stage.DECLINED: ("decline", "chair"),
    Stage.OTHER_REVIEW: ("route_other_review", "chair"),
}
REVIEWED = MAIN_ROUTE[MAIN_ROUTE.index(Stage.IMRS_IN_PROGRESS) :]
OVERVIEW_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.OVERVIEW_IN_PROGRESS) :]
PLAN_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]
IMRS_PER_CASE = 6
# A management review's way to acceptance (imr.models.Imr.Status), in order.
IMR_STEPS = (
    "nominating",
    "chronology",
    "chronology_sign_off",
    "report",
    "report_sign_off",
    "panel_review",
    "revision",
    "accepted",
)
# The showcase records of the first board (times the entries scale): the chronology
# editor's long draft, the IMR and overview PDFs of the benchmarks (issue 9).
BIG_DRAFT_ENTRIES = 2000
PDF_IMR_ENTRIES = 500
OVERVIEW_ENTRIES = 2000

# Invented places and people. Any likeness to a real person is chance.
PLACES = [
    "Ashmere", "Brackenford", "Corrindale", "Dunhallow", "Elverby", "Fallowmere",
    "Glenhaven", "Harrowdene", "Inglewick", "Jessamy Vale", "Kestrelford", "Larkmoor",
    "Marrowdale", "Netherbrook", "Orrinshire", "Pellingham", "Quarrendon", "Rookhaven",
    "Saltercombe", "Thistlewood", "Umberleigh Vale", "Wexmoor",
]  # fmt: skip
FIRST_NAMES = [
    "Ada", "Agnes", "Albert", "Alma", "Amos", "Arthur", "Beatrix", "Bernard", "Cecil",
    "Clara", "Cyril", "Dora", "Edith", "Edmund", "Elsie", "Ernest", "Esme", "Florence",
    "Frederick", "Gilbert", "Gladys", "Harold", "Hazel", "Horace", "Ida", "Ivy", "Jasper",
    "Kathleen", "Lionel", "Lottie", "Mabel", "Maud", "Morris", "Nancy", "Neville", "Olive",
    "Osbert", "Percy", "Phyllis", "Ralph", "Rosa", "Rupert", "Sidney", "Sybil", "Thea",
    "Thomas", "Una", "Vera", "Walter", "Winifred", "Yusuf", "Zainab", "Priya", "Tomasz",
    "Aoife", "Kwame", "Mei", "Ravi", "Siobhan", "Dariusz",
]  # fmt: skip
LAST_NAMES = [
    "Ashcombe", "Blenkiron", "Brightwater", "Carrowmore", "Dalbeattie", "Entwhistle",
    "Farrowby", "Gathercole", "Hebblethwaite", "Inchbald", "Jellicoe", "Kettlewell",
    "Lathbury", "Merriweather", "Nettleship", "Oakenfold", "Pennycuick", "Quarmby",
    "Rushworth", "Saltonstall", "Thackwray", "Underhill", "Varley-Hyde", "Winterbottom",
    "Yeadon", "Ackroyd", "Bellweather", "Crabtree-Lowe", "Dimmock", "Fairbrother",
    "Greenhalgh", "Holdsworth", "Ibbotson", "Lockwood", "Mottram", "Nuttall", "Ormerod",
    "Pickersgill", "Ramsbottom", "Sowerby", "Tattersall", "Wadsworth",
]  # fmt: skip
# (short name, kind) of a board's eight agencies; the name is '<place> <short name>'.
AGENCIES = [
    ("Constabulary", Agency.Kind.POLICE),
    ("Hospitals NHS Foundation Trust", Agency.Kind.NHS),
    ("Adult Social Care", Agency.Kind.ADULT_SOCIAL_CARE),
    ("Housing Partnership", Agency.Kind.OTHER),
    ("Integrated Care Board", Agency.Kind.NHS),
    ("Fire and Rescue Service", Agency.Kind.OTHER),
    ("Ambulance Service NHS Trust", Agency.Kind.NHS),
    ("Community Care Services", Agency.Kind.OTHER),
]
SOURCES = [
    "Case notes", "Electronic patient record", "Incident log", "Care plan",
    "Safeguarding referral", "Discharge summary", "Telephone record", "Visit record",
    "Supervision notes", "Risk assessment",
]  # fmt: skip
WORKERS = ["SW1", "SW2", "DN1", "GP1", "PC1", "PC2", "HO1", "CW1", "CW2", "OT1", "PS1"]
HAPPENINGS = [
    "visited {s} at home; {s} said she was managing but the kitchen held little food",
    "telephoned {s}, who did not answer; a message was left asking her to call back",
    "received a concern from a neighbour that {s} had not been seen for several days",
    "attended after {s} fell in the hallway; no injury was found and she declined hospital",
    "reviewed the care package with {s}; two calls a day were agreed",
    "noted that {s} had missed her third outpatient appointment in a row",
    "raised a safeguarding concern about unexplained bruising on {s}'s arm",
    "found {s} confused and the heating off; the duty team was told",
    "discussed {s} at the multi-agency risk meeting; actions were allocated",
    "closed the referral after {s} said she wanted no further contact",
    "completed a mental capacity assessment with {s} about where she lives",
    "arranged a welfare check on {s} after carers could not gain entry",
]
OUTCOMES = [
    "No further action was recorded.",
    "The record does not show a follow-up.",
    "A further visit was booked for the next week.",
    "The information was not shared with other agencies.",
    "The GP was informed by letter.",
    "A referral to adult social care was made.",
]
EXPECTED = [
    "",
    "",
    "A safeguarding referral should have been made on the same day.",
    "The care plan should have been reviewed after a fall.",
    "Information should have been shared with the GP.",
]
TERMS = [
    "How well agencies shared information about the adult's needs and risks.",
    "Whether the adult's mental capacity was assessed when decisions were made.",
    "How agencies responded to signs of self-neglect.",
    "Whether the adult's own wishes were heard and recorded.",
    "How agencies worked with the adult's family and carers.",
    "Whether escalation procedures were followed when concerns persisted.",
]
ACTIONS = [
    "Deliver refresher training on self-neglect to all {team} staff",
    "Audit twenty {team} case files for recorded capacity assessments",
    "Publish a joint information-sharing protocol for {team} teams",
    "Add a mandatory escalation prompt to the {team} recording system",
    "Hold a learning event on this review for {team} practitioners",
    "Review the {team} missed-appointment procedure against this case",
]
TEAMS = ["community nursing", "duty", "neighbourhood policing", "housing support", "reablement"]
# A tiny PDF: what a seeded evidence file holds (the download page serves it).
EVIDENCE_PDF = b"%PDF-1.4\n% Fictional evidence for a benchmark dataset.\n%%EOF\n"


class AlreadySeeded(Exception):
    """The database holds data already; seed only with force=True."""


@dataclass
class ScaleResult:
    counts: dict[str, int]
    padding_clocks: int
    seconds: float
    boards: list[int] = field(default_factory=list)


def stage_counts(cases: int) -> dict[Stage, int]:
    """How a board's cases are spread over the stages: every stage at least once when
    there are enough cases, the rest in proportion to STAGE_WEIGHTS (largest remainder)."""
    stages = list(STAGE_WEIGHTS)
    counts = dict.fromkeys(stages, 1 if cases >= len(stages) else 0)
    rest = cases - sum(counts.values())
    total = sum(STAGE_WEIGHTS.values())
    shares = {s: rest * STAGE_WEIGHTS[s] / total for s in stages}
    for s in stages:
        counts[s] += int(shares[s])
    left = cases - sum(counts.values())
    for s in sorted(stages, key=lambda s: shares[s] - int(shares[s]), reverse=True)[:left]:
        counts[s] += 1
    return counts


def _model(label: str):
    return apps.get_model(label)


def _at(day: date, rng: random.Random | None = None) -> datetime:
    minutes = rng.randint(0, 8 * 60) if rng else 0
    moment = datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes)
    return timezone.make_aware(moment, calendar.LONDON)


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    elif not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _insert(model, names: list[str], rows: Iterable[tuple]) -> int:
    """Insert plain rows (values in the order of `names`, foreign keys as ids) without
    their ids back: COPY on PostgreSQL, bulk_create in batches elsewhere."""
    fields = [model._meta.get_field(name) for name in names]
    count = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            for row in rows:
                buffer.write("\t".join(_tsv(v) for v in row))
                buffer.write("\n")
                count += 1
                if count % 50_000 == 0:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    buffer = io.StringIO()
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
        return count
    attnames = [f.attname for f in fields]
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(attnames, row, strict=True))))
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)


def _create(objects: list) -> list:
    """bulk_create that gives the ids back (PostgreSQL, and SQLite from 3.35)."""
    if objects:
        type(objects[0]).objects.bulk_create(objects, batch_size=BATCH)
    return objects


@dataclass
class _Board:
    board: Board
    place: str
    agencies: list[Agency]
    coordinator: User
    chair: User
    members: list[User]
    overview_authors: list[User]
    leads: dict[int, User]  # agency id -> its lead
    authors: dict[int, list[User]]
    directors: dict[int, User]
    referrers: dict[int, list[User]]
    panel: dict[int, User]  # agency id -> the person it sends to panels


@dataclass
class _Imr:
    obj: object
    status: str
    entries: int
    author: User | None
    director: User | None
    started: date | None
    chronology_at: date | None
    report_at: date | None
    decided_at: date | None


@dataclass
class _Case:
    obj: Case
    world: _Board
    stage: Stage
    entered: dict[Stage, date]
    agencies: list[Agency]
    referrer: User
    lead: User
    panel_chair: User | None = None
    overview_author: User | None = None
    imrs: list[_Imr] = field(default_factory=list)
    period: tuple[date, date] | None = None
    terms: int = 0
    showcase: str = ""
    overview: object = None
    recommendations: list = field(default_factory=list)
    plans: list = field(default_factory=list)

    def reached(self, stage: Stage) -> bool:
        return stage in self.entered


class _Seeder:
    def __init__(self, *, boards, cases, seed, entries_scale, actions, open_clocks, today, log):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not secrets
        self.seed = seed
        self.n_boards, self.n_cases = boards, cases
        self.entries_scale = entries_scale
        self.n_actions = actions
        self.open_clocks = open_clocks
        self.today = today
        self.log = log
        self.counts: Counter[str] = Counter()
        self.deadlines: list[Deadline] = []
        self.worlds: list[_Board] = []
        self.cases: list[_Case] = []
        self.padding = 0

    # People and boards ---------------------------------------------------------------

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def boards(self) -> None:
        role_groups_sync()
        self.groups = {role: Group.objects.get(name=group_name(role)) for role in BOARD_ROLES}
        first = Board.objects.filter(coordinator_email__endswith=f"@{DOMAIN}").count()
        password = make_password(SCALE_PASSWORD)
        users, memberships = [], []
        for index in range(first, first + self.n_boards):
            place = PLACES[index % len(PLACES)]
            if index >= len(PLACES):
                place = f"{place} {index // len(PLACES) + 1}"
            tag = f"b{index + 1:02d}"
            board = Board.objects.create(
                name=f"{place} Safeguarding Adults Board",
                short_name=f"{''.join(w[0] for w in place.split())}SAB"[:20],
                coordinator_name="",
                coordinator_email=f"coordinator.{tag}@{DOMAIN}",
                coordinator_phone="01632 960 000",
                coordinator_address=f"{place} Civic Centre",
            )
            agencies = _create(
                [Agency(board=board, name=f"{place} {name}", kind=kind) for name, kind in AGENCIES]
            )

            def person(key, agency=None, groups=(), title="", email=None, _tag=tag, _board=board):
                name = self._name()
                number = len(users) + 1
                user = User(
                    email=email or f"{key}.{number}.{_tag}@{DOMAIN}",
                    full_name=name,
                    job_title=title,
                    board=_board,
                    agency=agency,
                    password=password,
                    is_staff=Role.COORDINATOR in groups,
                    date_joined=_at(self.today - timedelta(days=900)),
                )
                users.append(user)
                memberships.extend((user, self.groups[role]) for role in groups)
                return user

            coordinator = person(
                "coordinator",
                groups=[Role.COORDINATOR],
                title="Safeguarding Adults Coordinator",
                email=f"coordinator.{tag}@{DOMAIN}",
            )
            board.coordinator_name = coordinator.full_name
            chair = person("chair", groups=[Role.BOARD_CHAIR], title="Independent Chair")
            world = _Board(
                board=board,
                place=place,
                agencies=agencies,
                coordinator=coordinator,
                chair=chair,
                members=[
                    person("member", groups=[Role.BOARD_MEMBER], title="Board Member")
                    for _ in range(2)
                ],
                overview_authors=[
                    person("reviewer", title="Independent Reviewer") for _ in range(4)
                ],
                leads={},
                authors={},
                directors={},
                referrers={},
                panel={},
            )
            for agency in agencies:
                world.leads[agency.pk] = person(
                    "lead", agency, [Role.AGENCY_LEAD], "Head of Safeguarding"
                )
                world.authors[agency.pk] = [
                    person("author", agency, title="Safeguarding Practice Lead") for _ in range(3)
                ]
                world.directors[agency.pk] = person("director", agency, title="Director")
                world.referrers[agency.pk] = [
                    person("referrer", agency, [Role.REFERRER], "Practitioner") for _ in range(2)
                ]
                world.panel[agency.pk] = person("panel", agency, title="Named Professional")
            board.save(update_fields=["coordinator_name"])
            self.worlds.append(world)
        _create(users)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=g.pk) for u, g in memberships],
            batch_size=BATCH,
        )
        # Each person's authenticator, with a key from the seed (benchmarks compute codes).
        _create(
            [
                TOTPDevice(
                    user=user,
                    name="Authenticator app",
                    confirmed=True,
                    key=self.rng.randbytes(20).hex(),
                )
                for user in users
            ]
        )
        self.counts["boards"] = len(self.worlds)
        self.counts["agencies"] = len(self.worlds) * len(AGENCIES)
        self.counts["users"] = len(users)

    # Cases and their routes ------------------------------------------------------------

    def _route(self, stage: Stage) -> list[Stage]:
        if stage in MAIN_ROUTE:
            return list(MAIN_ROUTE[: MAIN_ROUTE.index(stage) + 1])
        via = Stage.PANEL_RECOMMENDED if self.rng.random() < 0.25 else Stage.WITH_CHAIR
        return [*MAIN_ROUTE[: MAIN_ROUTE.index(via) + 1], stage]

    def _dates(self, route: list[Stage]) -> dict[Stage, date]:
        """The day the case entered each stage of its route, ending today."""
        spans = [self.rng.randint(1, DWELL[route[-1]])]
        for stage in reversed(route[:-1]):
            spans.append(self.rng.randint(DWELL[stage] // 2 + 1, DWELL[stage] * 3 // 2))
        day = self.today - timedelta(days=sum(spans))
        entered = {}
        for stage, span in zip(route, reversed(spans), strict=True):
            entered[stage] = day
            day += timedelta(days=span)
        return entered

    def cases_create(self) -> None:
        per_board = [self.n_cases // self.n_boards] * self.n_boards
        for i in range(self.n_cases % self.n_boards):
            per_board[i] += 1
        specs = []
        for world, count in zip(self.worlds, per_board, strict=True):
            stages = [s for s, n in stage_counts(count).items() for _ in range(n)]
            self.rng.shuffle(stages)
            for stage in stages:
                route = self._route(stage)
                specs.append((world, stage, self._dates(route)))
        # Numbered in order of referral, as the service allocates them.
        specs.sort(key=lambda spec: (spec[0].board.pk, spec[2][Stage.REFERRAL_RECEIVED]))
        numbers: Counter = Counter()
        cases = []
        for world, stage, entered in specs:
            created = entered[Stage.REFERRAL_RECEIVED]
            numbers[(world.board.pk, created.year)] += 1
            number = numbers[(world.board.pk, created.year)]
            last = max(entered.values())
            born = date(self.rng.randint(1930, 1985), self.rng.randint(1, 12), 1)
            obj = Case(
                board=world.board,
                year=created.year,
                number=number,
                reference=f"{world.board.reference_prefix}-{created.year}-{number:03d}",
                subject_name=self._name(),
                subject_date_of_birth=born + timedelta(days=self.rng.randint(0, 27)),
                subject_date_of_death=created - timedelta(days=self.rng.randint(5, 60))
                if self.rng.random() < 0.7
                else None,
                created_at=_at(created, self.rng),
                stage_changed_at=_at(last, self.rng),
            )
            # The stage is protected (transitions only): these rows record a walked route.
            obj.__dict__["stage"] = stage
            reviewed = stage in REVIEWED
            agencies = world.agencies[:3] + self.rng.sample(
                world.agencies[3:], 3 if reviewed else self.rng.randint(0, 3)
            )
            referring = self.rng.choice(agencies)
            cases.append(
                _Case(
                    obj=obj,
                    world=world,
                    stage=stage,
                    entered=entered,
                    agencies=agencies,
                    referrer=self.rng.choice(world.referrers[referring.pk]),
                    lead=world.leads[referring.pk],
                )
            )
        _create([c.obj for c in cases])
        CaseSequence.objects.bulk_create(
            [
                CaseSequence(board_id=board_id, year=year, last_number=n)
                for (board_id, year), n in numbers.items()
            ]
        )
        self.cases = cases
        self.counts["cases"] = len(cases)
        self._showcase()

    def _showcase(self) -> None:
        """The first board's records the benchmarks open (issue 9)."""
        first = self.worlds[0].board.pk
        for stage, name in (
            (Stage.IMRS_IN_PROGRESS, "draft"),
            (Stage.OVERVIEW_IN_PROGRESS, "overview"),
        ):
            found = next(
                (c for c in self.cases if c.obj.board_id == first and c.stage == stage), None
            )
            if found is not None:
                found.showcase = name

    def history(self) -> None:
        """CaseAgency, the referral and the route's CaseEvents of each case; who is on it
        (written with their object permissions by assign())."""
        links, referrals, events, assignments = [], [], [], []
        for case in self.cases:
            world, obj = case.world, case.obj
            links += [
                CaseAgency(case=obj, agency=a, added_at=obj.created_at) for a in case.agencies
            ]
            # referrals.services: the case opens when the lead endorses the referral, and
            # goes to the chair at once. A case still at 'referral received' was opened
            # directly (case_create), as the demo's is; beside it, a referral about someone
            # else waits for its agency's lead, with no case yet.
            if case.reached(Stage.WITH_CHAIR):
                referrals.append(
                    self._referral(case, case.referrer, obj, case.entered[Stage.WITH_CHAIR])
                )
            else:
                other = self.rng.choice(world.agencies)
                referrals.append(
                    self._referral(case, self.rng.choice(world.referrers[other.pk]), None, None)
                )
            people = {
                "lead": case.lead,
                "chair": world.chair,
                "coordinator": world.coordinator,
            }
            # Who put each person on the case: the lead who endorsed the referral (or the
            # coordinator who opened it), the chair who convened the panel, the agency's
            # lead who nominated its author and director (10).
            referred_by = case.lead if case.reached(Stage.WITH_CHAIR) else world.coordinator
            assignments.append((case, case.referrer, Role.REFERRER, obj.created_at, referred_by))
            if case.reached(Stage.PANEL_CONVENED):
                # Chaired by an agency that is not one of the required representatives (5).
                case.panel_chair = world.panel[self.rng.choice(world.agencies[3:]).pk]
                when = _at(case.entered[Stage.PANEL_CONVENED])
                assignments.append((case, case.panel_chair, Role.PANEL_CHAIR, when, world.chair))
                for agency in world.agencies[:3]:
                    member = world.panel[agency.pk]
                    assignments.append((case, member, Role.PANEL_MEMBER, when, world.coordinator))
                people["panel_chair"] = case.panel_chair
            if case.reached(Stage.REVIEW_COMMISSIONED):
                case.overview_author = self.rng.choice(world.overview_authors)
                when = _at(case.entered[Stage.REVIEW_COMMISSIONED])
                assignments.append(
                    (case, case.overview_author, Role.OVERVIEW_AUTHOR, when, world.coordinator)
                )
                people["overview_author"] = case.overview_author
            route = list(case.entered)
            for before, stage in zip(route, route[1:], strict=False):
                name, who = INTO[stage]
                note = ""
                if stage in (Stage.DECLINED, Stage.OTHER_REVIEW):
                    note = (
                        "The criteria in 3.1 are not met; the learning comes through a "
                        "single-agency review."
                    )
                events.append(
                    CaseEvent(
                        case=obj,
                        transition=name,
                        from_stage=before,
                        to_stage=stage,
                        actor=people[who],
                        at=_at(case.entered[stage], self.rng),
                        note=note,
                    )
                )
        _create(links)
        _create(referrals)
        Referral = _model("referrals.Referral")
        ReferralEvent = _model("referrals.ReferralEvent")
        _create(
            [
                Referral.agencies.through(referral_id=r.pk, agency_id=a.pk)
                for r, case in zip(referrals, self.cases, strict=True)
                for a in case.agencies
            ]
        )
        _create(
            [
                ReferralEvent(referral=r, kind=kind, by=by, at=at)
                for r in referrals
                for kind, by, at in (
                    ("submitted", r.referrer, r.submitted_at),
                    ("endorsed", r.decided_by, r.decided_at),
                )
                if by is not None
            ]
        )
        _create(events)
        self.assignments = assignments
        self.counts["case events"] = len(events)
        self.counts["referrals"] = len(referrals)

    def _referral(self, case: _Case, referrer: User, opened: Case | None, endorsed: date | None):
        """The referral of the case's adult: endorsed, with the case it opened, or still
        waiting for its agency's lead (no case yet)."""
        obj, world = case.obj, case.world
        return _model("referrals.Referral")(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            status="endorsed" if opened else "submitted",
            case=opened,
            # A waiting referral is about someone else: its case is not open yet.
            subject_name=obj.subject_name if opened else self._name(),
            subject_date_of_birth=obj.subject_date_of_birth,
            subject_died=obj.subject_date_of_death is not None,
            subject_date_of_death=obj.subject_date_of_death,
            subject_address=f"{self.rng.randint(1, 90)} Mill Lane, {world.place}",
            what_happened="The adult was found at home after a long period without contact; "
            "several agencies had been involved in the months before.",
            abuse_or_neglect=self.rng.choice(["known", "suspected"]),
            serious_harm=obj.subject_date_of_death is None,
            concern_working_together=True,
            lessons_for_interagency_working=self.rng.random() < 0.6,
            believes_3_1=obj.subject_date_of_death is not None,
            believes_3_2=True,
            created_at=obj.created_at - timedelta(days=2),
            updated_at=obj.created_at,
            submitted_at=obj.created_at,
            decided_by=world.leads[referrer.agency_id] if opened else None,
            decided_at=_at(endorsed) if opened else None,
        )

    def assign(self) -> None:
        """CaseAssignment rows and the object permissions case_assign grants with them."""
        rows, grants = [], set()
        for case, user, role, when, by in self.assignments:
            rows.append(
                CaseAssignment(
                    case=case.obj,
                    user=user,
                    role=role,
                    # case_assign: authors and directors act for their own agency.
                    agency=user.agency if role in AGENCY_CASE_ROLES else None,
                    assigned_at=when,
                    assigned_by=by,
                )
            )
            grants |= {(case.obj.pk, user.pk, codename) for codename in CASE_ROLE_PERMS[role]}
        _create(rows)
        content_type = ContentType.objects.get_for_model(Case)
        perms = dict(
            Permission.objects.filter(content_type=content_type).values_list("codename", "pk")
        )
        _insert(
            CaseUserObjectPermission,
            ["content_object", "user", "permission"],
            ((case, user, perms[codename]) for case, user, codename in sorted(grants)),
        )
        self.counts["case assignments"] = len(rows)
        self.counts["object permissions"] = len(grants)

    # Clocks ------------------------------------------------------------------------------

    def _clock(self, case: _Case, kind, start: date, *, due=None, met=None, owner=None,
               agency=None, subject="", cancelled=None) -> None:  # fmt: skip
        board = case.world.board
        due = due or deadline_due(board, kind, start)
        clock = Deadline(
            case=case.obj,
            kind=kind,
            agency=agency,
            subject=subject,
            owner=owner,
            start=start,
            due=due,
            original_due=due,
            created_at=_at(start),
        )
        if met is not None:
            clock.status, clock.met_on, clock.closed_at = Deadline.Status.MET, met, _at(met)
        elif cancelled is not None:
            clock.status, clock.closed_at = Deadline.Status.CANCELLED, _at(cancelled)
        else:
            # As a daily sweep leaves it: the next reminder step after yesterday.
            clock.next_reminder_on = next_step_date(
                due, board.reminder_days, self.today - timedelta(days=1)
            )
        self.deadlines.append(clock)

    def panel(self) -> None:
        """The panel's records (5, 6, 8, 9) and its two clocks (6.1, 6.2)."""
        models = {
            name: _model(f"panel.{name}")
            for name in (
                "RecordsRequest",
                "PanelMembership",
                "PanelMeeting",
                "TermsOfReference",
                "Term",
                "PanelRecommendation",
            )
        }
        requests, members, meetings, tors, recommendations = [], [], [], [], []
        for case in self.cases:
            if not case.reached(Stage.PANEL_CONVENED):
                continue
            world, obj = case.world, case.obj
            convened = case.entered[Stage.PANEL_CONVENED]
            recommended = case.entered.get(Stage.PANEL_RECOMMENDED)
            requests += [
                models["RecordsRequest"](
                    case=obj,
                    agency=agency,
                    requested_at=_at(convened),
                    requested_by=world.chair,
                    confirmed_by=world.leads[agency.pk] if recommended else None,
                    confirmed_at=_at(convened + timedelta(days=3)) if recommended else None,
                    systems="Case records and electronic notes secured." if recommended else "",
                    chronology_started=bool(recommended),
                )
                for agency in case.agencies
            ]
            members += [
                models["PanelMembership"](
                    case=obj,
                    user=world.panel[agency.pk],
                    kind="representative",
                    added_by=world.coordinator,
                    added_at=_at(convened),
                )
                for agency in world.agencies[:3]
            ]
            for kind in (Deadline.Kind.PANEL_MEETING, Deadline.Kind.PANEL_RECOMMENDATION):
                self._clock(case, kind, convened, met=recommended, owner=case.panel_chair)
            if recommended is None:
                continue
            meetings.append(
                models["PanelMeeting"](
                    case=obj,
                    held_on=convened + timedelta(days=5),
                    notes="The panel considered the referral and the agencies' summaries.",
                    recorded_by=case.panel_chair,
                    recorded_at=_at(convened + timedelta(days=5)),
                )
            )
            died = obj.subject_date_of_death or case.entered[Stage.REFERRAL_RECEIVED]
            case.period = (died - timedelta(days=self.rng.randint(540, 1100)), died)
            case.terms = self.rng.randint(3, len(TERMS))
            tors.append(
                models["TermsOfReference"](
                    case=obj,
                    period_from=case.period[0],
                    period_to=case.period[1],
                    final=True,
                    updated_by=case.panel_chair,
                    updated_at=_at(recommended),
                )
            )
            review = case.stage in MAIN_ROUTE
            recommendations.append(
                models["PanelRecommendation"](
                    case=obj,
                    choice="full_review" if review else self.rng.choice(["smaller", "no_action"]),
                    reasons="The criteria of 3.1 are met and agencies could have worked "
                    "together better."
                    if review
                    else "A smaller review will bring out the learning.",
                    recorded_by=case.panel_chair,
                    recorded_at=_at(recommended),
                )
            )
        _create(requests)
        _create(members)
        _create(meetings)
        _create(tors)
        _create(recommendations)
        with_terms = [c for c in self.cases if c.terms]
        _create(
            [
                models["Term"](terms=tor, number=n, text=TERMS[n - 1])
                for tor, case in zip(tors, with_terms, strict=True)
                for n in range(1, case.terms + 1)
            ]
        )
        self.counts["records requests"] = len(requests)

    # Management reviews ------------------------------------------------------------------

    def _entry_count(self) -> int:
        """Most chronologies are short; a few run to 2,000 entries (about 1,000,000 in all
        at 5,000 cases)."""
        r = self.rng.random()
        if r < 0.85:
            n = self.rng.randint(50, 90)
        elif r < 0.97:
            n = int(math.exp(self.rng.uniform(math.log(90), math.log(400))))
        else:
            n = int(math.exp(self.rng.uniform(math.log(400), math.log(2000))))
        return self._scaled(n)

    def _scaled(self, n: int) -> int:
        return max(1, round(n * self.entries_scale))

    def _statuses(self, case: _Case) -> list[str]:
        if case.stage != Stage.IMRS_IN_PROGRESS:
            return ["accepted"] * IMRS_PER_CASE
        began = case.entered[Stage.IMRS_IN_PROGRESS]
        progress = (self.today - began).days / DWELL[Stage.IMRS_IN_PROGRESS]
        statuses = []
        for _ in range(IMRS_PER_CASE):
            step = round(progress * (len(IMR_STEPS) - 1) + self.rng.uniform(-2.5, 2.5))
            statuses.append(IMR_STEPS[min(max(step, 0), len(IMR_STEPS) - 1)])
        if case.showcase == "draft":
            statuses[0], statuses[1] = "chronology", "panel_review"
        return statuses

    def imrs(self) -> None:
        Imr = _model("imr.Imr")
        ImrSection = _model("imr.ImrSection")
        rows, sections = [], []
        for case in self.cases:
            if not case.reached(Stage.REVIEW_COMMISSIONED):
                continue
            # 10 and 13.2: both run from the decision to hold the review.
            commissioned = case.entered[Stage.REVIEW_COMMISSIONED]
            self._clock(
                case,
                Deadline.Kind.OVERVIEW_REPORT,
                commissioned,
                met=case.entered.get(Stage.WITH_BOARD),
                owner=case.overview_author,
            )
            if case.stage == Stage.REVIEW_COMMISSIONED:
                self._clock(case, Deadline.Kind.IMRS_BEGIN, commissioned)
                continue
            world, obj = case.world, case.obj
            began = case.entered[Stage.IMRS_IN_PROGRESS]
            end = case.entered.get(Stage.OVERVIEW_IN_PROGRESS, self.today)
            span = max((end - began).days, 8)
            for index, (agency, status) in enumerate(
                zip(case.agencies, self._statuses(case), strict=True)
            ):
                step = IMR_STEPS.index(status)
                nominated = step > 0
                entries = self._entry_count() if nominated else 0
                if case.showcase == "draft" and index < 2:
                    entries = self._scaled((BIG_DRAFT_ENTRIES, PDF_IMR_ENTRIES)[index])
                if case.showcase == "overview":
                    entries = self._scaled(OVERVIEW_ENTRIES) // IMRS_PER_CASE + (
                        index < self._scaled(OVERVIEW_ENTRIES) % IMRS_PER_CASE
                    )
                    entries = max(entries, 1)

                def on(fraction: float, _began=began, _span=span) -> date:
                    return _began + timedelta(days=max(1, int(_span * fraction)))

                imr = _Imr(
                    obj=None,
                    status=status,
                    entries=entries,
                    author=self.rng.choice(world.authors[agency.pk]) if nominated else None,
                    director=world.directors[agency.pk] if nominated else None,
                    started=on(0.1) if nominated else None,
                    chronology_at=on(0.35) if step >= 2 else None,
                    report_at=on(0.7) if step >= 4 else None,
                    decided_at=on(0.85) if step >= 6 else None,
                )
                lead = world.leads[agency.pk]
                imr.obj = Imr(
                    case=obj,
                    agency=agency,
                    invited_by=world.coordinator,
                    invited_at=_at(began),
                    author=imr.author,
                    author_designation="Safeguarding Practice Lead" if nominated else "",
                    author_suitability="Leads the agency's safeguarding practice; no "
                    "operational involvement in this case."
                    if nominated
                    else "",
                    author_independent=nominated,
                    director=imr.director,
                    director_designation="Director" if nominated else "",
                    nominated_by=lead if nominated else None,
                    nominated_at=_at(imr.started - timedelta(days=3)) if nominated else None,
                    started_at=_at(imr.started) if nominated else None,
                    appraisal="not_needed" if nominated else "",
                    appraisal_by=imr.author,
                    appraisal_at=_at(imr.started) if nominated else None,
                )
                imr.obj.__dict__["status"] = status
                case.imrs.append(imr)
                rows.append(imr.obj)
                if nominated:
                    when = _at(imr.started - timedelta(days=3))
                    for user, role in (
                        (imr.author, Role.IMR_AUTHOR),
                        (imr.director, Role.COUNTERSIGNING_DIRECTOR),
                    ):
                        self.assignments.append((case, user, role, when, lead))
                self._imr_clocks(case, imr, agency, began)
            # 10: met once every agency's review has begun.
            started = [i.started for i in case.imrs]
            self._clock(
                case,
                Deadline.Kind.IMRS_BEGIN,
                commissioned,
                met=max(started) if all(started) else None,
            )
        _create(rows)
        for case in self.cases:
            for imr in case.imrs:
                if imr.author is not None:
                    sections.append(
                        ImrSection(
                            imr=imr.obj,
                            key="family",
                            data=self._family(case),
                            revision=1,
                            updated_by=imr.author,
                            updated_at=_at(imr.started),
                        )
                    )
        _create(sections)
        self.counts["IMRs"] = len(rows)

    def _imr_clocks(self, case: _Case, imr: _Imr, agency: Agency, began: date) -> None:
        """Appendix C's two submission dates; a panel's return opens a third (the revised
        report). Owned by the author once nominated."""
        chronology_due = calendar.add_weeks(began, 8)
        report_due = calendar.add_weeks(began, 16)
        signed_chronology = (
            imr.chronology_at + timedelta(days=2)
            if imr.status not in ("chronology_sign_off",) and imr.chronology_at
            else None
        )
        self._clock(
            case,
            Deadline.Kind.IMR_CHRONOLOGY,
            began,
            due=chronology_due,
            met=signed_chronology,
            owner=imr.author,
            agency=agency,
        )
        signed_report = (
            imr.report_at + timedelta(days=2)
            if imr.report_at and imr.status != ("report_sign_off")
            else None
        )
        self._clock(
            case,
            Deadline.Kind.IMR_REPORT,
            began,
            due=report_due,
            met=signed_report,
            owner=imr.author,
            agency=agency,
        )
        if imr.status == "revision":
            # The panel's return opens a clock for the revised report (imr_panel_review).
            self._clock(
                case,
                Deadline.Kind.IMR_REPORT,
                imr.decided_at,
                due=imr.decided_at + timedelta(days=42),
                owner=imr.author,
                agency=agency,
            )

    def _family(self, case: _Case) -> dict:
        obj = case.obj
        relative = self.rng.choice(LAST_NAMES)
        return {
            "subject": {
                "name": obj.subject_name,
                "dob": obj.subject_date_of_birth.isoformat() if obj.subject_date_of_birth else "",
                "dod": obj.subject_date_of_death.isoformat() if obj.subject_date_of_death else "",
                "address": f"Flat {self.rng.randint(1, 20)}, Quarry Court, {case.world.place}",
                "ethnicity": "White British",
            },
            "people": [
                {
                    "id": "p1",
                    "name": f"{self.rng.choice(FIRST_NAMES)} {relative}",
                    "relationship": "child",
                    "relationship_detail": "",
                    "dob": "",
                    "dod": "",
                    "address": "",
                    "ethnicity": "",
                }
            ],
            "other_addresses": "",
        }

    # The chronologies: the draft rows, the frozen versions, the merged chronology ----------

    def _chronology(self, case: _Case, imr: _Imr, key: int) -> list[tuple]:
        """(date, time, source, subject, event, expected practice, terms) in the order the
        chronology page shows them. Its own generator, so the rows do not depend on the
        order the IMRs are written in."""
        rng = random.Random(f"{self.seed}:{key}")  # noqa: S311 - as self.rng
        start, end = case.period or (
            case.entered[Stage.REFERRAL_RECEIVED] - timedelta(days=800),
            case.entered[Stage.REFERRAL_RECEIVED],
        )
        days = max((end - start).days, 1)
        who = initials(case.obj.subject_name)
        rows = []
        for _ in range(imr.entries):
            day = start + timedelta(days=rng.randrange(days))
            at = (
                time(rng.randint(8, 19), rng.choice((0, 15, 30, 45)))
                if rng.random() < 0.2
                else None
            )
            worker = rng.choice(WORKERS)
            event = f"{worker} {rng.choice(HAPPENINGS).format(s=who)}. {rng.choice(OUTCOMES)}"
            terms = sorted(rng.sample(range(1, case.terms + 1), rng.randint(0, min(2, case.terms))))
            rows.append((day, at, rng.choice(SOURCES), who, event, rng.choice(EXPECTED), terms))
        rows.sort(key=lambda r: (r[0], r[1] is not None, r[1] or time(0)))
        return rows

    @staticmethod
    def _entry_dict(row: tuple) -> dict:
        day, at, source, subject, event, expected, terms = row
        return {
            "date": day.strftime("%d/%m/%y"),
            "sort_date": day.isoformat(),
            "time": at.strftime("%H:%M") if at else "",
            "source": source,
            "subject": subject,
            "event": event,
            "expected_practice": expected,
            "terms": terms,
            "relevance_note": "",
            "explains_gap": False,
        }

    def _content(self, case: _Case, imr: _Imr, part: str, rows: list[tuple]) -> dict:
        obj = case.obj
        content = {
            "part": part,
            "case": {
                "reference": obj.reference,
                "subject_initials": initials(obj.subject_name),
                "subject_dob": obj.subject_date_of_birth.isoformat()
                if obj.subject_date_of_birth
                else "",
            },
            "agency": imr.obj.agency.name,
            "author": {
                "name": imr.author.full_name,
                "designation": imr.obj.author_designation,
                "suitability": imr.obj.author_suitability,
                "independent": True,
            },
            "director": {"name": imr.director.full_name, "designation": "Director"},
            "terms": [{"number": n, "text": TERMS[n - 1]} for n in range(1, case.terms + 1)],
            "terms_final": True,
            "period": [d.isoformat() for d in case.period] if case.period else ["", ""],
            "family": self._family(case),
            "chronology": [self._entry_dict(row) for row in rows],
            "glossary": [
                {"code": code, "meaning": "A worker of the agency", "kind": "worker"}
                for code in WORKERS[:4]
            ],
        }
        if part == "report":
            content["introduction"] = {"sources": ["social_work_records", "gp_notes"]}
            content["analysis"] = {}
            content["lessons"] = {}
            content["action_plan"] = {}
        return content

    def _submissions(self, case: _Case, imr: _Imr, rows: list[tuple]) -> list:
        """The versions the IMR's status implies: the chronology (version 1) once sent to
        the director, the full report (version 2) once sent again."""
        ImrSubmission = _model("imr.ImrSubmission")
        step = IMR_STEPS.index(imr.status)
        made = []
        if step >= 2:
            signed = step >= 3
            made.append(
                ImrSubmission(
                    imr=imr.obj,
                    number=1,
                    part="chronology",
                    content=self._content(case, imr, "chronology", rows),
                    submitted_by=imr.author,
                    submitted_at=_at(imr.chronology_at),
                    status="countersigned" if signed else "with_director",
                    countersigned_by=imr.director if signed else None,
                    countersigned_at=_at(imr.chronology_at + timedelta(days=2)) if signed else None,
                )
            )
        if step >= 4:
            signed = step >= 5
            status = {5: "countersigned", 6: "returned_by_panel", 7: "accepted"}.get(
                step, "with_director"
            )
            made.append(
                ImrSubmission(
                    imr=imr.obj,
                    number=2,
                    part="report",
                    content=self._content(case, imr, "report", rows),
                    submitted_by=imr.author,
                    submitted_at=_at(imr.report_at),
                    status=status,
                    countersigned_by=imr.director if signed else None,
                    countersigned_at=_at(imr.report_at + timedelta(days=2)) if signed else None,
                    panel_decided_by=case.panel_chair if step >= 6 else None,
                    panel_decided_at=_at(imr.decided_at) if step >= 6 else None,
                    panel_comments="The analysis needs to address term 2 in more depth."
                    if step == 6
                    else "",
                )
            )
        return made

    def chronologies(self) -> None:
        """Per batch of IMRs: the versions (which need their ids), then the draft rows and
        the merged chronology's copies, streamed."""
        ChronologyEntry = _model("imr.ChronologyEntry")
        OverviewEntry = _model("overview.OverviewEntry")
        FamilyReport = _model("overview.FamilyReport")
        work = [
            (case, imr, key)
            for key, (case, imr) in enumerate(
                (case, imr) for case in self.cases for imr in case.imrs
            )
            if imr.entries
        ]
        entry_names = [
            "imr", "date", "date_precision", "date_uncertain", "time", "position", "source",
            "subject", "event", "expected_practice", "term_numbers", "relevance_note",
            "explains_gap", "revision", "updated_by", "updated_at",
        ]  # fmt: skip
        merged_names = [
            "overview", "agency", "submission", "source_index", "date", "date_precision",
            "date_uncertain", "time", "source", "subject", "event", "expected_practice",
            "term_numbers", "explains_gap",
        ]  # fmt: skip
        budget = 20_000  # entries held in memory at once
        start = 0
        while start < len(work):
            batch, held = [], 0
            while start < len(work) and (not batch or held < budget):
                batch.append(work[start])
                held += work[start][1].entries
                start += 1
            drafts, merged, versions, reports = [], [], [], []
            for case, imr, key in batch:
                rows = self._chronology(case, imr, key)
                made = self._submissions(case, imr, rows)
                versions += made
                updated = _at(imr.started + timedelta(days=7))
                position: Counter = Counter()
                for row in rows:
                    day, at, source, subject, event, expected, terms = row
                    position[day] += 1
                    drafts.append(
                        (imr.obj.pk, day, "day", False, at, position[day], source, subject,
                         event, expected, terms, "", False, 1, imr.author.pk, updated)
                    )  # fmt: skip
                overview = getattr(case, "overview", None)
                if overview is not None and made:
                    merged.append((overview, imr, made[-1], rows))
            _create(versions)
            self.counts["IMR versions"] += len(versions)
            self.counts["chronology entries"] += _insert(ChronologyEntry, entry_names, drafts)
            for overview, imr, version, _rows in merged:
                reports.append(
                    FamilyReport(
                        member=overview.subject_member,
                        agency=imr.obj.agency,
                        submission=version,
                        data=version.content["family"]["subject"],
                    )
                )
            _create(reports)
            self.counts["overview entries"] += _insert(
                OverviewEntry,
                merged_names,
                (
                    (overview.pk, imr.obj.agency_id, version.pk, index, day, "day", False, at,
                     source, subject, event, expected, terms, False)
                    for overview, imr, version, rows in merged
                    for index, (day, at, source, subject, event, expected, terms) in enumerate(
                        rows
                    )
                ),
            )  # fmt: skip
            self.log(f"  chronologies: {start:,} of {len(work):,} reviews written")

    # The overview report, the receipt and the executive summary (13, 14, 15) --------------

    def overviews(self) -> None:
        M = {
            n: _model(f"overview.{n}")
            for n in (
                "Overview",
                "OverviewSection",
                "FamilyMember",
                "Finding",
                "Recommendation",
                "ReceiptItem",
                "ContributorResponse",
                "ExecutiveSummary",
            )
        }
        overviews, sections, members, findings, recs, rec_agencies = [], [], [], [], [], []
        receipts, responses, summaries = [], [], []
        for case in self.cases:
            if case.stage not in OVERVIEW_STAGES:
                continue
            obj, author = case.obj, case.overview_author
            began = case.entered[Stage.OVERVIEW_IN_PROGRESS]
            submitted = case.entered.get(Stage.WITH_BOARD)
            received = case.entered.get(Stage.EXECUTIVE_SUMMARY)
            overview = M["Overview"](
                case=obj,
                started_by=case.world.coordinator,
                started_at=_at(began),
                submitted_by=author if submitted else None,
                submitted_at=_at(submitted) if submitted else None,
                received_at=_at(received) if received else None,
            )
            overview.__dict__["status"] = (
                "received" if received else "with_board" if submitted else "drafting"
            )
            case.overview = overview
            overviews.append(overview)
            member = M["FamilyMember"](
                overview=overview,
                is_subject=True,
                name=obj.subject_name,
                date_of_birth=obj.subject_date_of_birth,
                date_of_death=obj.subject_date_of_death,
            )
            overview.subject_member = member
            members.append(member)
            keys = ["contributors", "sources"]
            if submitted:
                keys += ["introduction", "facts", "known", "analysis"]
            sections += [
                M["OverviewSection"](
                    overview=overview,
                    key=key,
                    text=f"{key.title()}: the reviews of {len(case.imrs)} agencies.",
                    revision=1,
                    updated_by=author,
                    updated_at=_at(began),
                )
                for key in keys
            ]
            written = submitted or self.rng.random() < 0.5
            count = self.rng.randint(3, 6) if written else 0
            findings += [
                M["Finding"](
                    overview=overview,
                    number=n,
                    text=f"Finding {n}: information held by one agency did not reach the others.",
                    term_numbers=[min(n, case.terms or 1)],
                    updated_by=author,
                    updated_at=_at(began),
                )
                for n in range(1, count + 1)
            ]
            case.recommendations = []
            for n in range(1, count + 1):
                rec = M["Recommendation"](
                    overview=overview,
                    number=n,
                    text=f"Recommendation {n}: agencies should agree how concerns are escalated.",
                    for_board=n == 1 or self.rng.random() < 0.15,
                    term_numbers=[min(n, case.terms or 1)],
                    updated_by=author,
                    updated_at=_at(began),
                )
                named = self.rng.sample(case.agencies, self.rng.randint(1, 3))
                case.recommendations.append((rec, named))
                recs.append(rec)
            if received:
                by = case.world.coordinator
                receipts += [
                    M["ReceiptItem"](
                        overview=overview, key=key, note="Done.", done_by=by, done_at=_at(received)
                    )
                    for key in (
                        "contributors",
                        "action_plan",
                        "availability",
                        "dissemination",
                        "feedback",
                        "regulator",
                    )
                ]
                responses += [
                    M["ContributorResponse"](
                        overview=overview,
                        agency=agency,
                        answer="agreed",
                        recorded_by=by,
                        recorded_at=_at(received),
                    )
                    for agency in case.agencies
                ]
                summaries.append(self._summary(M["ExecutiveSummary"], case, received))
        _create(overviews)
        _create(sections)
        _create(members)
        _create(findings)
        _create(recs)
        for case in self.cases:
            for rec, named in getattr(case, "recommendations", ()):
                rec_agencies += [
                    M["Recommendation"].agencies.through(recommendation_id=rec.pk, agency_id=a.pk)
                    for a in named
                ]
        _create(rec_agencies)
        _create(receipts)
        _create(responses)
        _create(summaries)
        self.counts["overviews"] = len(overviews)
        self.counts["recommendations"] = len(recs)

    def _summary(self, ExecutiveSummary, case: _Case, received: date):
        approved = case.entered.get(Stage.ACTION_PLANS)
        summary = ExecutiveSummary(
            case=case.obj,
            process="The board commissioned a Serious Case Review; six agencies contributed.",
            key_issues="Information was not shared when concerns were raised.",
            recommendations="Agencies should agree how concerns are escalated.",
            revision=2,
            updated_by=case.overview_author,
            updated_at=_at(received + timedelta(days=7)),
        )
        status = "drafting"
        if approved:
            release = approved + timedelta(days=28)
            status = "released" if release <= self.today else "approved"
            summary.sent_to_panel_at = _at(approved - timedelta(days=14))
            summary.panel_agreed_by = case.panel_chair
            summary.panel_agreed_at = _at(approved - timedelta(days=7))
            summary.approved_by = case.world.chair
            summary.approved_at = _at(approved)
            summary.release_date = release
            summary.released_at = _at(release) if status == "released" else None
        summary.__dict__["status"] = status
        return summary

    # Action plans and their monitoring (16) ------------------------------------------------

    def plans(self) -> None:
        M = {
            n: _model(f"actionplans.{n}")
            for n in ("ChairLetter", "ActionPlan", "PlanAction", "ActionUpdate", "Evidence")
        }
        letters, letter_recs, plans = [], [], []
        for case in self.cases:
            if case.stage not in PLAN_STAGES:
                continue
            world = case.world
            # Letters go soon after the summary's approval; plans are decided before the
            # monitoring starts (16).
            limit = case.entered.get(Stage.MONITORING, self.today)
            sent = min(case.entered[Stage.ACTION_PLANS] + timedelta(days=3), limit)
            addressees: dict[int | None, list] = defaultdict(list)
            for rec, named in case.recommendations:
                for agency in named:
                    addressees[agency.pk].append(rec)
                if rec.for_board:
                    addressees[None].append(rec)
            agencies = {a.pk: a for a in case.agencies}
            case.plans = []
            for agency_id, recs in addressees.items():
                letter = M["ChairLetter"](
                    case=case.obj,
                    agency=agencies.get(agency_id),
                    body="The overview report names areas for improvement; please send the "
                    "board your action plan within four weeks.",
                    status="sent",
                    drafted_at=_at(sent - timedelta(days=2)),
                    updated_by=world.chair,
                    sent_by=world.chair,
                    sent_at=_at(sent),
                )
                letters.append(letter)
                letter_recs += [(letter, rec) for rec in recs]
                status = "accepted"
                if case.stage == Stage.ACTION_PLANS:
                    status = self.rng.choice(
                        ["drafting", "submitted", "returned", "accepted", "accepted"]
                    )
                writer = world.leads[agency_id] if agency_id else world.coordinator
                decided = min(sent + timedelta(days=self.rng.randint(14, 35)), limit)
                plan = M["ActionPlan"](
                    case=case.obj,
                    agency=agencies.get(agency_id),
                    letter=letter,
                    lead={
                        "name": writer.full_name,
                        "position": writer.job_title,
                        "phone": "01632 960 100",
                        "email": writer.email,
                        "address": f"{world.place} Civic Centre",
                    },
                    revision=3,
                    updated_by=writer,
                    updated_at=_at(sent + timedelta(days=10)),
                    submitted_by=writer if status != "drafting" else None,
                    submitted_at=_at(decided - timedelta(days=3)) if status != "drafting" else None,
                    decided_by=world.coordinator if status in ("returned", "accepted") else None,
                    decided_at=_at(decided) if status in ("returned", "accepted") else None,
                    comments="Make the dates specific." if status == "returned" else "",
                )
                plan.__dict__["status"] = status
                plan.recs, plan.writer, plan.decided = recs, writer, decided
                case.plans.append(plan)
                plans.append(plan)
                # 16: the agency's plan is due within the board's period from the letter.
                owner = world.leads[agency_id] if agency_id else None
                self._clock(
                    case,
                    Deadline.Kind.ACTION_PLAN,
                    sent,
                    met=decided if status == "accepted" else None,
                    owner=owner,
                    agency=agencies.get(agency_id),
                )
        _create(letters)
        _create(
            [
                M["ChairLetter"].recommendations.through(
                    chairletter_id=letter.pk, recommendation_id=rec.pk
                )
                for letter, rec in letter_recs
            ]
        )
        _create(plans)
        self._actions(M)
        self.counts["chair letters"] = len(letters)
        self.counts["action plans"] = len(plans)

    def _actions(self, M) -> None:
        slots = [
            (case, plan, rec) for case in self.cases for plan in case.plans for rec in plan.recs
        ]
        per_slot = [1] * len(slots)
        extra = max(0, self.n_actions - len(slots)) if slots else 0
        for i in self.rng.choices(range(len(slots)), k=extra):
            per_slot[i] += 1
        actions, meta = [], []
        for (case, plan, rec), count in zip(slots, per_slot, strict=True):
            for position in range(1, count + 1):
                target = plan.decided + timedelta(days=self.rng.randint(30, 330))
                progress = "not_started"
                accepted = plan.__dict__["status"] == "accepted"
                if case.stage == Stage.CLOSED:
                    progress = "complete"
                elif accepted:
                    r = self.rng.random()
                    share = 0.4 if case.stage == Stage.MONITORING else 0.1
                    progress = (
                        "complete" if r < share else "in_progress" if r < 0.75 else "not_started"
                    )
                completed = None
                if progress == "complete":
                    end = case.entered.get(Stage.CLOSED, self.today)
                    completed = max(min(target, end - timedelta(days=1)), plan.decided)
                action = M["PlanAction"](
                    plan=plan,
                    recommendation=rec,
                    position=position,
                    text=self.rng.choice(ACTIONS).format(team=self.rng.choice(TEAMS)),
                    evidence="The training register and an audit report.",
                    outcome="Practitioners escalate concerns within one working day.",
                    target_date=target,
                    progress=progress,
                    completed_at=_at(completed) if completed else None,
                    outcome_evaluated="An audit six months on found the change embedded."
                    if completed and (case.stage == Stage.CLOSED or self.rng.random() < 0.3)
                    else "",
                    updated_by=plan.writer,
                    updated_at=_at(plan.decided),
                )
                actions.append(action)
                meta.append((case, plan, completed))
        _create(actions)
        updates, evidence, files = [], [], []
        for action, (case, plan, completed) in zip(actions, meta, strict=True):
            if plan.__dict__["status"] != "accepted":
                continue
            self._clock(
                case,
                Deadline.Kind.ACTION_TARGET,
                min(plan.decided, action.target_date),
                due=action.target_date,
                met=completed,
                owner=case.world.leads.get(plan.agency_id),
                agency=plan.agency,
                subject=f"action:{action.pk}",
            )
            if action.progress == "not_started":
                continue
            when = plan.decided + timedelta(days=14)
            updates.append(
                M["ActionUpdate"](
                    action=action,
                    text="The first sessions have been delivered; the rest are booked.",
                    by=plan.writer,
                    at=_at(min(when, self.today)),
                )
            )
            if action.progress == "complete" or self.rng.random() < 0.5:
                name = f"{self.rng.randbytes(16).hex()}.pdf"
                files.append(name)
                done = action.progress == "complete"
                evidence.append(
                    M["Evidence"](
                        action=action,
                        description="Attendance register of the training sessions.",
                        file_name=name,
                        original_name="attendance-register.pdf",
                        content_type="application/pdf",
                        size=len(EVIDENCE_PDF),
                        uploaded_by=plan.writer,
                        uploaded_at=_at(min(when, self.today)),
                        status="accepted" if done else "waiting",
                        decided_by=case.world.coordinator if done else None,
                        decided_at=action.completed_at if done else None,
                    )
                )
        _create(updates)
        _create(evidence)
        self.files = files
        self.counts["actions"] = len(actions)
        self.counts["action updates"] = len(updates)
        self.counts["evidence"] = len(evidence)

    def evidence_files(self) -> None:
        """A tiny PDF per evidence row, where the download page looks for it: the private
        storage (STORAGES["private"]) where there is one, else PRIVATE_FILES_ROOT. The
        names come from the seed, so a file already there is the same file."""
        if "private" in settings.STORAGES:
            storage = storages["private"]
            for name in self.files:
                if not storage.exists(name):
                    storage.save(name, ContentFile(EVIDENCE_PDF))
            return
        root = Path(settings.PRIVATE_FILES_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        for name in self.files:
            (root / name).write_bytes(EVIDENCE_PDF)

    # The rest ----------------------------------------------------------------------------

    def pad_clocks(self) -> None:
        """The procedure's own clocks come to far fewer than the 50,000 running clocks the
        sweep benchmark is sized for (issue 9). The rest are extra running clocks of the
        kind the case's stage runs (an agency's review, an action), marked by their
        subject 'scale-padding:<n>' so they can be told apart or removed."""
        live = sum(1 for d in self.deadlines if d.status == Deadline.Status.OPEN)
        wanted = self.open_clocks - live
        hosts = [
            (case, Deadline.Kind.IMR_REPORT, imr.obj.agency, imr.author)
            for case in self.cases
            if case.stage == Stage.IMRS_IN_PROGRESS
            for imr in case.imrs
        ] + [
            (case, Deadline.Kind.ACTION_TARGET, plan.agency, case.world.leads.get(plan.agency_id))
            for case in self.cases
            for plan in case.plans
            if plan.status == "accepted"
        ]
        if wanted <= 0 or not hosts:
            return
        self.rng.shuffle(hosts)
        for n in range(wanted):
            case, kind, agency, owner = hosts[n % len(hosts)]
            start = self.today - timedelta(days=self.rng.randint(0, 90))
            self._clock(
                case,
                kind,
                start,
                due=start + timedelta(days=self.rng.randint(7, 200)),
                owner=owner,
                agency=agency,
                subject=f"scale-padding:{n + 1}",
            )
        self.padding = wanted

    def clocks(self) -> None:
        _create(self.deadlines)
        self.counts["clocks"] = len(self.deadlines)
        self.counts["running clocks"] = sum(
            1 for d in self.deadlines if d.status == Deadline.Status.OPEN
        )


def seed_scale(
    *,
    boards: int = 20,
    cases: int = 5000,
    seed: int = 2026,
    entries_scale: float = 1.0,
    actions: int | None = None,
    open_clocks: int | None = None,
    today: date | None = None,
    force: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> ScaleResult:
    """Create the benchmark dataset (module docstring): `boards` boards of 8 agencies,
    `cases` cases spread over the stages (STAGE_WEIGHTS), six management reviews per
    reviewed case, chronologies of 50 to 2,000 entries times `entries_scale`, `actions`
    plan actions (4 per case by default) and `open_clocks` running clocks (10 per case by
    default). One transaction. Refuses a database with any board unless force=True
    (then adds boards after those there)."""
    if boards < 1 or cases < 1:
        raise ValueError("Seed at least one board and one case")
    if Board.objects.exists() and not force:
        raise AlreadySeeded(
            "The database already has boards: seed_scale adds its boards beside them only "
            "with --force (and never into a database with real cases)."
        )
    started = clock.perf_counter()
    seeder = _Seeder(
        boards=boards,
        cases=cases,
        seed=seed,
        entries_scale=entries_scale,
        actions=4 * cases if actions is None else actions,
        open_clocks=10 * cases if open_clocks is None else open_clocks,
        today=today or calendar.today(),
        log=log,
    )
    steps = [
        ("boards, agencies and people", seeder.boards),
        ("cases", seeder.cases_create),
        ("referrals and history", seeder.history),
        ("panels", seeder.panel),
        ("management reviews", seeder.imrs),
        ("overview reports", seeder.overviews),
        ("chronologies", seeder.chronologies),
        ("action plans", seeder.plans),
        ("people on cases", seeder.assign),
        ("padding clocks", seeder.pad_clocks),
        ("clocks", seeder.clocks),
    ]
    with transaction.atomic():
        for label, step in steps:
            begun = clock.perf_counter()
            step()
            log(f"{label}: {clock.perf_counter() - begun:.1f} s")
    seeder.evidence_files()
    if connection.vendor == "postgresql":
        # Fresh statistics, so the first benchmark's plans see the real table sizes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ScaleResult(
        counts=dict(seeder.counts),
        padding_clocks=seeder.padding,
        seconds=clock.perf_counter() - started,
        boards=[w.board.pk for w in seeder.worlds],
    )


# For benchmarks: who signs in, and what they open --------------------------------------


def scale_boards() -> list[Board]:
    return list(Board.objects.filter(coordinator_email__endswith=f"@{DOMAIN}").order_by("pk"))


def totp_code(user_id: int) -> str:
    """The code the person's authenticator shows now (their confirmed TOTPDevice's key,
    step, start and digits, as django-otp checks it); the next one if now's was used
    already (a code is accepted once; the device tolerates one step ahead)."""
    device = TOTPDevice.objects.get(user_id=user_id, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def _person(user) -> dict:
    return {"id": user.pk, "email": user.email, "name": user.full_name} if user else None


def scale_personas(board_id: int | None = None) -> dict:
    """A typical person of each role on a seeded board (the first by default), the
    records with many entries the benchmarks open, and the pages to load as whom.
    Plain values (ids, emails, references, paths), ready for JSON."""
    Imr = _model("imr.Imr")
    Overview = _model("overview.Overview")
    boards = scale_boards()
    board = next((b for b in boards if b.pk == board_id), None) if board_id else boards[0]
    if board is None:
        raise LookupError("No seeded board: run seed_scale first")
    people = User.objects.filter(board=board)

    def holder(role: Role):
        return people.filter(groups__name=group_name(role)).order_by("pk").first()

    imrs = Imr.objects.filter(case__board=board).annotate(n=Count("entries"))
    draft = imrs.filter(status="chronology", case__stage=Stage.IMRS_IN_PROGRESS).order_by(
        "-n", "pk"
    )
    draft = draft.select_related("case", "author", "director", "agency").first()
    # The IMR PDF of the benchmarks: a version signed off for the board, about 500 entries.
    signed = imrs.filter(status__in=["panel_review", "revision", "accepted"])
    signed = signed.select_related("case", "agency").order_by("pk")
    pdf_imr = min(signed, key=lambda i: (abs(i.n - PDF_IMR_ENTRIES), i.pk), default=None)
    overviews = Overview.objects.filter(case__board=board).annotate(n=Count("entries"))
    # The overview PDF and merged chronology of the benchmarks: about 2,000 entries.
    overview = min(
        overviews.select_related("case").order_by("pk"),
        key=lambda o: (abs(o.n - OVERVIEW_ENTRIES), o.pk),
        default=None,
    )
    case = draft.case if draft else None
    assignments = case.assignments.select_related("user") if case else []
    on_case = {a.role: a.user for a in assignments}
    overview_author = (
        overview.case.assignments.filter(role=Role.OVERVIEW_AUTHOR).first().user
        if overview
        else None
    )
    users = {
        "coordinator": holder(Role.COORDINATOR),
        "board_chair": holder(Role.BOARD_CHAIR),
        "board_member": holder(Role.BOARD_MEMBER),
        "agency_lead": people.filter(
            agency=draft.agency, groups__name=group_name(Role.AGENCY_LEAD)
        ).first()
        if draft
        else holder(Role.AGENCY_LEAD),
        "referrer": on_case.get(Role.REFERRER) or holder(Role.REFERRER),
        "imr_author": draft.author if draft else None,
        "countersigning_director": draft.director if draft else None,
        "panel_chair": on_case.get(Role.PANEL_CHAIR),
        "panel_member": on_case.get(Role.PANEL_MEMBER),
        "overview_author": overview_author,
    }
    pages = [("My cases", "coordinator", reverse("cases:case-list"))]
    if case:
        pages += [
            ("Case page", "coordinator", reverse("cases:case-detail", args=[case.reference])),
            (
                "IMR chronology editor",
                "imr_author",
                reverse("imr:chronology", args=[case.reference, draft.agency_id]),
            ),
        ]
    pages.append(
        (
            "My deadlines",
            "imr_author" if draft else "coordinator",
            reverse("deadlines:my-deadlines"),
        )
    )
    if overview:
        pages.append(
            (
                "Merged chronology",
                "overview_author",
                reverse("overview:chronology", args=[overview.case.reference]),
            )
        )
    pages.append(("Monitoring dashboard", "coordinator", reverse("actionplans:monitoring")))
    return {
        "board": {"id": board.pk, "name": board.name},
        "password": SCALE_PASSWORD,
        "users": {role: _person(user) for role, user in users.items()},
        "case": {"id": case.pk, "reference": case.reference} if case else None,
        "imr": {
            "case": case.reference,
            "agency_id": draft.agency_id,
            "entries": draft.n,
        }
        if draft
        else None,
        "imr_for_pdf": {
            "case": pdf_imr.case.reference,
            "agency_id": pdf_imr.agency_id,
            "entries": pdf_imr.n,
        }
        if pdf_imr
        else None,
        "overview": {"case": overview.case.reference, "entries": overview.n} if overview else None,
        "pages": [{"name": n, "user": u, "path": p} for n, u, p in pages],
    }
