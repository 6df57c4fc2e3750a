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

It lives in bench/, not in the core: it writes every stage's rows, and the core may
not know the stages (README, "How the code is laid out"); bench/ may import them all.
`python manage.py seed_scale` is bench's command (bench is an installed app for it).
The seeder is one object in parts, one module each by what it writes (seeder.py), so
that one random stream runs through them in a fixed order.

Deterministic: the same --seed and the same --today give the same rows (the stored
evidence files' names included).

Signing in as a seeded person: the password is SCALE_PASSWORD; each person has a
confirmed authenticator (django-otp's TOTPDevice, key in hex in `TOTPDevice.key`),
and `totp_code(user_id)` gives the code their app would show now. A code is accepted
once per device (django-otp keeps the last time step used), so a load generator signs
each person in once and keeps the session.
"""

import time as clock
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction

from bench.scale.fiction import DOMAIN, EVIDENCE_PDF, IMRS_PER_CASE, SCALE_PASSWORD, stage_counts
from bench.scale.personas import scale_boards, scale_personas, totp_code
from bench.scale.seeder import _Seeder
from bench.scale.world import AlreadySeeded, ScaleResult
from scr.accounts.models import Board
from scr.deadlines import calendar

__all__ = [
    "DOMAIN",
    "EVIDENCE_PDF",
    "IMRS_PER_CASE",
    "SCALE_PASSWORD",
    "AlreadySeeded",
    "ScaleResult",
    "scale_boards",
    "scale_personas",
    "seed_scale",
    "stage_counts",
    "totp_code",
]


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
