"""What the seeder knows of each board, case and management review while it writes
the rows, and what it gives back."""

from dataclasses import dataclass, field
from datetime import date

from scr.accounts.models import Agency, Board, User
from scr.cases.models import (
    Case,
)
from scr.cases.stages import Stage


class AlreadySeeded(Exception):
    """The database holds data already; seed only with force=True."""


@dataclass
class ScaleResult:
    counts: dict[str, int]
    padding_clocks: int
    seconds: float
    boards: list[int] = field(default_factory=list)


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
