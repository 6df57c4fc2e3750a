"""What a review type says, read from its TOML and checked (docs/review-types.md).

A definition is plain data: the service's code offers the stages, the clocks' units, the
roles and (through the stage apps) the questions, decision tests and document sections;
a type chooses among them. `parse` refuses anything the service does not know, with
every problem at once, so a board's copy made in the admin is checked like the files
shipped with the code."""

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from scr.accounts.roles import CASE_ROLES
from scr.cases.stages import FINAL_STAGES, Stage
from scr.deadlines.calendar import Unit
from scr.deadlines.models import BOARD_PERIODS
from scr.registry import CLOCK_EVENTS, REFERRAL_QUESTIONS

BUILTIN = Path(__file__).resolve().parent / "builtin"
CODE = re.compile(r"^[a-z][a-z0-9-]{1,38}$")
NAME = re.compile(r"^[a-z][a-z0-9_]{1,48}$")

WORDING = ("review", "review_short", "subject", "agency_contribution", "final_report", "summary")
# Stages a built-in type names whose screens are not built yet (docs/review-types.md,
# slice 6): a type may list them, and no case of it can start until they exist.
STAGES_TO_COME = {
    "notified": "Notified to the national panel",
    "rapid_review": "Rapid review",
}
# Events a built-in type's clocks name whose screens are not built yet (slice 6):
# a type may name them; nothing records them until the screens exist.
EVENTS_TO_COME = {
    "serious_incident_known": "A serious incident known to the partners",
    "national_panel_notified": "The serious incident notified to the national panel",
    "rapid_review_decided": "The rapid review's decision",
    "publication_date_set": "The report's publication date set",
    "report_sent_to_national_panel": "The report sent to the national panel",
    "report_published": "The report published",
}
BOARD_SETTINGS = tuple(field for field, _ in BOARD_PERIODS.values())
AGENCY_REQUESTS = ("imr-appendix-c", "agency-report", "learning-event")
RECIPIENTS = ("regulator", "national_panel", "home_office_qa_panel")
NOTIFY_ON = ("notification", "decision", "report")


def display(label: str, reference: str) -> str:
    """A clock's name with the rule it keeps: 'Panel meets (6.1)'."""
    return f"{label} ({reference})" if reference else label


class DefinitionError(ValueError):
    """A definition the service cannot run; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    reference: str
    # The events that start it and those that satisfy it: each a case transition or an
    # event a stage records (scr.registry.CLOCK_EVENTS). A file gives one name or a list.
    opens: tuple[str, ...]
    meets: tuple[str, ...]
    amount: int | None = None  # None: a person gives the due date (an IMR's, an action's)
    unit: str | None = None
    # Count in working days (scr.deadlines.calendar.add_period: days and weeks in working
    # days; months end on the next working day), as a board's 2009 clocks may.
    working_days: bool = False
    before: bool = False  # due `amount` before the opening event's date, not after
    owner: str = ""  # a case role; empty: the board's coordinators are reminded
    per_agency: bool = False
    # The 2009 procedure's clocks whose duration the board sets on its own page (the
    # Board's field named here, with its working_days): the type's amount is the default.
    board_setting: str = ""
    # The case-page decisions (transitions) due by this clock: 'Needs your attention'
    # dates them by it, as the panel's recommendation by its 4 weeks (6.2).
    decisions: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The clock's name on pages, emails and calendars: 'Panel meets (6.1)'."""
        return display(self.label, self.reference)

    @property
    def period(self) -> str:
        """'7 days', '15 working days', '6 months', or 'set per case'."""
        if self.amount is None:
            return "set per case"
        unit = self.unit.rstrip("s") if self.amount == 1 else self.unit
        if self.working_days:
            unit = f"working {unit}"
        return f"{self.amount} {unit}{' before' if self.before else ''}"


@dataclass(frozen=True)
class Definition:
    code: str
    version: int
    name: str
    reference: str
    wording: dict[str, str]
    stages: tuple[str, ...]
    moves: tuple[tuple[str, str], ...]
    clocks: tuple[Clock, ...]
    referral_questions: tuple[str, ...]
    decision: dict[str, object]
    agencies_asked_for: str
    documents: dict[str, dict[str, object]] = field(default_factory=dict)
    notify: tuple[tuple[str, str], ...] = ()
    # What each stage means for a case of this type (the case page's 'What happens next'):
    # stage -> words; a stage without them is described as in the 2009 procedure.
    descriptions: dict[str, str] = field(default_factory=dict)

    def clock(self, key: str) -> Clock | None:
        return next((c for c in self.clocks if c.key == key), None)

    def clocks_opened_by(self, event: str) -> tuple[Clock, ...]:
        return tuple(c for c in self.clocks if event in c.opens)

    def clocks_met_by(self, event: str) -> tuple[Clock, ...]:
        return tuple(c for c in self.clocks if event in c.meets)

    def decision_clocks(self, transition: str) -> tuple[Clock, ...]:
        return tuple(c for c in self.clocks if transition in c.decisions)


@cache
def transitions() -> frozenset[str]:
    """The names of the case's transitions (every move the service can make)."""
    from scr.cases.models import Case  # scr.cases.models is loaded after this module

    return frozenset(t.name for t in Case._meta.get_field("stage").get_all_transitions(Case))


def events() -> set[str]:
    """Every name a clock may be opened or met by: a case transition, an event a stage
    records (registered in its AppConfig.ready()), or one whose screens are to come."""
    return transitions() | set(CLOCK_EVENTS.keys()) | set(EVENTS_TO_COME)


def _names(value: object) -> tuple[str, ...] | None:
    """One name or a non-empty list of names, as a tuple; None when it is neither."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        return None
    if not all(isinstance(n, str) and NAME.match(n) for n in names):
        return None
    return tuple(names)


def _text(data: dict, key: str, problems: list[str], where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}{key}: give some words")
        return ""
    return value.strip()


def _clock(data: object, index: int, found: list[str], known: set[str]) -> Clock | None:
    where = f"clock {index + 1}: "
    problems: list[str] = []
    if not isinstance(data, dict):
        problems.append(f"{where}not a table")
        return None
    unknown = set(data) - set(Clock.__dataclass_fields__)
    if unknown:
        problems.append(f"{where}unknown settings {sorted(unknown)}")
    key = data.get("key", "")
    if not isinstance(key, str) or not NAME.match(key):
        problems.append(f"{where}key: lower-case letters, digits and underscores")
    named = {}
    for setting in ("opens", "meets"):
        names = named[setting] = _names(data.get(setting))
        if names is None:
            problems.append(
                f"{where}{setting}: name the event, or list the events, for example "
                "commission_review"
            )
            continue
        for name in names:
            if name not in known:
                problems.append(
                    f"{where}{setting}: {name!r} is neither a move of the case nor an event "
                    "the service records"
                )
    decisions = data.get("decisions", [])
    if not isinstance(decisions, list) or not all(isinstance(d, str) for d in decisions):
        problems.append(f"{where}decisions: list the moves of the case due by this clock")
        decisions = []
    for name in set(decisions) - transitions():
        problems.append(f"{where}decisions: {name!r} is not a move of the case")
    amount, unit = data.get("amount"), data.get("unit")
    if amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= 999:
            problems.append(f"{where}amount: a whole number from 1 to 999")
        if unit not in Unit.values:
            problems.append(f"{where}unit: one of {', '.join(Unit.values)}")
    elif unit is not None:
        problems.append(f"{where}unit without an amount")
    if data.get("working_days") and amount is None:
        problems.append(f"{where}working_days: needs an amount")
    if data.get("before") and amount is None:
        problems.append(f"{where}before: needs an amount")
    board_setting = data.get("board_setting", "")
    if board_setting and board_setting not in BOARD_SETTINGS:
        problems.append(f"{where}board_setting: one of {', '.join(BOARD_SETTINGS)}")
    if board_setting and amount is None:
        problems.append(f"{where}board_setting: needs an amount")
    owner = data.get("owner", "")
    if owner and owner not in {r.value for r in CASE_ROLES}:
        problems.append(f"{where}owner: a case role ({', '.join(r.value for r in CASE_ROLES)})")
    for flag in ("working_days", "before", "per_agency"):
        if not isinstance(data.get(flag, False), bool):
            problems.append(f"{where}{flag}: true or false")
    label = _text(data, "label", problems, where)
    reference = data.get("reference", "")
    if not isinstance(reference, str):
        problems.append(f"{where}reference: some words")
    if problems:
        found.extend(problems)
        return None
    return Clock(
        key=key,
        label=label,
        reference=reference,
        opens=named["opens"],
        meets=named["meets"],
        amount=amount,
        unit=unit,
        working_days=data.get("working_days", False),
        before=data.get("before", False),
        owner=owner,
        per_agency=data.get("per_agency", False),
        board_setting=board_setting,
        decisions=tuple(decisions),
    )


def parse(data: dict) -> Definition:
    """The definition in `data` (a TOML document read into a dict), or DefinitionError."""
    problems: list[str] = []
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.append("code: lower-case letters, digits and hyphens, for example sar")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version: a whole number from 1")
    name = _text(data, "name", problems)
    reference = data.get("reference", "")
    wording = data.get("wording") if isinstance(data.get("wording"), dict) else {}
    for key in WORDING:
        _text(wording, key, problems, "wording.")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        problems.append("stages: list the stages in order")
        stages = []
    for stage in stages:
        if stage not in Stage.values and stage not in STAGES_TO_COME:
            problems.append(f"stages: {stage!r} is not a stage the service has")
    if len(set(stages)) != len(stages):
        problems.append("stages: a stage is listed twice")
    if stages and stages[0] != Stage.REFERRAL_RECEIVED:
        problems.append("stages: every type begins at referral_received")
    if not any(s in FINAL_STAGES for s in stages):
        problems.append("stages: no final stage (closed, other_review or declined)")
    moves = []
    for move in data.get("moves") or []:
        if not (isinstance(move, list) and len(move) == 2):
            problems.append(f"moves: {move!r} is not [from, to]")
            continue
        if move[0] not in stages or move[1] not in stages:
            problems.append(f"moves: {move[0]} -> {move[1]} leaves the type's stages")
        moves.append((move[0], move[1]))
    reached = {Stage.REFERRAL_RECEIVED.value} | {to for _, to in moves}
    for stage in stages:
        if stage not in reached:
            problems.append(f"stages: nothing moves a case to {stage}")
    known = events()
    clocks = [_clock(c, i, problems, known) for i, c in enumerate(data.get("clocks") or [])]
    keys = [c.key for c in clocks if c]
    if len(set(keys)) != len(keys):
        problems.append("clocks: two clocks have the same key")
    referral = data.get("referral") if isinstance(data.get("referral"), dict) else {}
    questions = referral.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        problems.append("referral.questions: list the questions the referral asks")
        questions = []
    for question in questions:
        if question not in REFERRAL_QUESTIONS:
            problems.append(
                f"referral.questions: {question!r} is not a question the referral form asks"
            )
    decision = data.get("decision") if isinstance(data.get("decision"), dict) else {}
    _text(decision, "test", problems, "decision.")
    _text(decision, "decided_by", problems, "decision.")
    agencies = data.get("agencies") if isinstance(data.get("agencies"), dict) else {}
    asked_for = agencies.get("asked_for")
    if asked_for not in AGENCY_REQUESTS:
        problems.append(f"agencies.asked_for: one of {', '.join(AGENCY_REQUESTS)}")
    notify = []
    for entry in data.get("notify") or []:
        if not isinstance(entry, dict):
            problems.append("notify: each entry is a table")
            continue
        if entry.get("on") not in NOTIFY_ON or entry.get("recipient") not in RECIPIENTS:
            problems.append(
                f"notify: on one of {', '.join(NOTIFY_ON)}, recipient one of "
                f"{', '.join(RECIPIENTS)}"
            )
        notify.append((entry.get("on"), entry.get("recipient")))
    documents = data.get("documents") if isinstance(data.get("documents"), dict) else {}
    descriptions = data.get("descriptions", {})
    if not isinstance(descriptions, dict) or not all(
        isinstance(v, str) and v.strip() for v in descriptions.values()
    ):
        problems.append("descriptions: a stage and the words that describe it")
        descriptions = {}
    for stage in set(descriptions) - set(stages):
        problems.append(f"descriptions: {stage!r} is not one of the type's stages")
    if problems:
        raise DefinitionError(problems)
    return Definition(
        code=code,
        version=version,
        name=name,
        reference=reference if isinstance(reference, str) else "",
        wording={key: wording[key].strip() for key in WORDING},
        stages=tuple(stages),
        moves=tuple(moves),
        clocks=tuple(clocks),
        referral_questions=tuple(questions),
        decision=dict(decision),
        agencies_asked_for=asked_for,
        documents=documents,
        notify=tuple(notify),
        descriptions={stage: words.strip() for stage, words in descriptions.items()},
    )


def builtin_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(BUILTIN.glob("*.toml"))}


def builtin(code: str) -> dict:
    """The built-in type `code` as data (a dict), straight from its file."""
    path = builtin_files().get(code)
    if path is None:
        raise KeyError(code)
    with path.open("rb") as handle:
        return tomllib.load(handle)
