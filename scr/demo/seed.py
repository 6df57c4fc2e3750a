"""Demo data: fictional boards, agencies, one person per role, and cases at several stages.

Everything here is invented. Running it twice changes nothing the second time.
Stage apps add their own demo data through `register` (the core never imports them).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import Role
from scr.accounts.services import role_grant, role_groups_sync
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.registry import Registry, function_key

DEFAULT_PASSWORD = "northshire-demo-2026"  # noqa: S105 - the demo data's published password


@dataclass
class DemoWorld:
    board: Board
    agencies: dict[str, Agency]
    people: dict[Role, User]
    other_board: Board
    # The second board's coordinator: its cases are Safeguarding Adults Reviews, walked by
    # overview/sar_demo.py.
    other_coordinator: User | None = None
    cases: dict[str, Case] = field(default_factory=dict)


Seeder = Callable[[DemoWorld], None]
_seeders = Registry("Demo seeders")


def register(seeder: Seeder) -> Seeder:
    return _seeders.register(function_key(seeder), seeder)


# The invented world is data (demo/world.toml).
WORLD = demo_data(__file__, "world")
AGENCIES = [(a["key"], a["name"], Agency.Kind(a["kind"])) for a in WORLD["agencies"]]

# email, name, job title, agency key, role
PEOPLE = [
    (p["email"], p["name"], p["title"], p.get("agency"), Role(p["role"])) for p in WORLD["people"]
]

# The invented subjects of the demo cases, the stage each case is brought to, and how many
# days before the seed it was opened. The overview stage's demo takes Cyril Mablethorpe's
# on through its reviews to the overview report, which begins only once every review is
# accepted. New cases are appended, so the others keep their references (allocated in
# order).
CASES = [(c["subject"], c["born"], c["stage"], c["referred"]) for c in WORLD["cases"]]

# The transitions that take a case from referral to each stage, who takes them, and how
# many days after the step before (the panel's recommendation: within its four weeks).
ROUTE = {
    "with_chair": [("send_to_chair", Role.AGENCY_LEAD, 4)],
    "panel_convened": [("convene_panel", Role.BOARD_CHAIR, 10)],
    "panel_recommended": [("record_recommendation", Role.PANEL_CHAIR, 25)],
    "review_commissioned": [("commission_review", Role.BOARD_CHAIR, 7)],
    "imrs_in_progress": [("start_imrs", Role.COORDINATOR, 7)],
    "overview_in_progress": [("start_overview", Role.COORDINATOR, 90)],
}
ORDER = list(ROUTE)
# The chair decides a case the criteria do not fit a week after it reached them.
SIDE_ROUTE_DAYS = 7

# The chair's decisions that end a case at 'with the chair', each with its reasons.
SIDE_ROUTES = {
    key: (route["transition"], route["reasons"]) for key, route in WORLD["side_routes"].items()
}


def _person(board, agencies, email, name, title, agency_key, password) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            password,
            full_name=name,
            job_title=title,
            board=board,
            agency=agencies.get(agency_key),
        )
    authenticator_give(user)
    return user


def authenticator_give(user: User) -> None:
    """Demo people have an authenticator already; `make run` (DEMO_SECOND_FACTOR) shows
    its code on the code page, since nobody has the demo phones. Every demo account, the
    stages' too, gets one: without it, signing in ends on a QR code nobody can scan."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def reached(case: Case, stage: str) -> Timeline:
    """The case's history from the day it reached `stage`, for a stage's demo to go on
    from (a Timeline: `with reached(case, "panel_convened").on(2): ...`)."""
    event = case.events.filter(to_stage=stage).order_by("at", "pk").first()
    if event is None:
        raise ValueError(f"{case.reference} never reached {stage}")
    timeline = Timeline(calendar.local_date(event.at))
    timeline.after(event.at)
    return timeline


def _bring_to_stage(world: DemoWorld, case: Case, target: str, timeline: Timeline) -> None:
    """Walk the case along the route with the right person at each step, on past days.
    The transitions open and meet the procedure's clocks themselves."""
    people = world.people
    steps = ["with_chair"] + ORDER[1 : ORDER.index(target) + 1] if target in ORDER else []
    if target in SIDE_ROUTES:
        steps = ["with_chair"]
    day = 0
    for stage in steps:
        for name, role, after in ROUTE[stage]:
            day += after
            with timeline.on(day):
                _transition(case, name, people[role])
    if target in SIDE_ROUTES:
        name, note = SIDE_ROUTES[target]
        with timeline.on(day + SIDE_ROUTE_DAYS):
            _transition(case, name, people[Role.BOARD_CHAIR], note=note)


def _transition(case: Case, name: str, by: User, note: str = "") -> None:
    # A record of the past: dated when it happened (the timeline's clock), and nobody is
    # emailed about it.
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_services.case_transition(
            locked, name, by=by, note=note, now=timezone.now(), notify=False
        )


def seed_demo(*, password: str = DEFAULT_PASSWORD, today: date | None = None) -> DemoWorld:
    """Create the demo world if it is not there; return it either way."""
    role_groups_sync()
    today = today or calendar.today()
    board_data = dict(WORLD["board"])
    board, _ = Board.objects.get_or_create(name=board_data.pop("name"), defaults=board_data)
    other = WORLD["other_board"]
    other_board, _ = Board.objects.get_or_create(
        name=other["name"],
        defaults={
            "short_name": other["short_name"],
            "code": other["code"],
            "coordinator_email": other["coordinator_email"],
            "default_review_type": other["default_review_type"],
        },
    )
    if not other_board.default_review_type:
        # A board an earlier demo made before it ran SARs (never chosen since).
        other_board.default_review_type = other["default_review_type"]
        other_board.save(update_fields=["default_review_type"])
    agencies = {
        key: Agency.objects.get_or_create(board=board, name=name, defaults={"kind": kind})[0]
        for key, name, kind in AGENCIES
    }
    people = {}
    for email, name, title, agency_key, role in PEOPLE:
        user = _person(board, agencies, email, name, title, agency_key, password)
        people[role] = user
        if role in (
            Role.COORDINATOR,
            Role.BOARD_CHAIR,
            Role.AGENCY_LEAD,
            Role.BOARD_MEMBER,
            Role.REFERRER,
        ):
            role_grant(user=user, role=role)
    someone = other["coordinator"]
    southvale = _person(
        other_board, {}, someone["email"], someone["name"], someone["title"], None, password
    )
    role_grant(user=southvale, role=Role.COORDINATOR)
    world = DemoWorld(
        board=board,
        agencies=agencies,
        people=people,
        other_board=other_board,
        other_coordinator=southvale,
    )

    if not Case.objects.filter(board=board).exists():
        _seed_cases(world, today)
    world.cases = {c.reference: c for c in Case.objects.filter(board=board)}
    for seeder in _seeders.values():
        seeder(world)
    return world


def _seed_cases(world: DemoWorld, today: date) -> None:
    for name, born, target, referred in CASES:
        timeline = Timeline(today - timedelta(days=referred), today=today)
        with timeline.on(0):
            case = _open(world, name, born, target)
        _bring_to_stage(world, case, target, timeline)


def _open(world: DemoWorld, name: str, born: date, target: str) -> Case:
    """The case, opened from its referral (the referrals demo adds it), with the people
    it will need."""
    people, agencies = world.people, world.agencies
    coordinator = people[Role.COORDINATOR]
    with transaction.atomic():
        case = case_services.case_create(
            board=world.board,
            by=people[Role.REFERRER],
            subject_name=name,
            subject_date_of_birth=born,
            agencies=[agencies["police"], agencies["asc"], agencies["nhs"]],
        )
    roles = [Role.REFERRER]
    if target not in ("referral_received", "with_chair", *SIDE_ROUTES):
        roles += [Role.PANEL_CHAIR, Role.PANEL_MEMBER]
    if target in ("review_commissioned", "imrs_in_progress", "overview_in_progress"):
        roles += [Role.IMR_AUTHOR, Role.COUNTERSIGNING_DIRECTOR]
    if target in ("imrs_in_progress", "overview_in_progress"):
        roles += [Role.OVERVIEW_AUTHOR]
    for role in roles:
        case_services.case_assign(case_id=case.pk, user=people[role], role=role, by=coordinator)
    return case
