"""`make faults`: every kind of email under the faults it must survive, measured.

On 127.0.0.1, with nothing shared: a Redis of its own (restarted empty at will), a
real SMTP server (aiosmtpd, bench/faults_smtp.py), PostgreSQL (a database of its own,
seeded with the demo once) and real Celery workers, run as `make run` runs them (one
process, solo pool, started again when it dies). For each fault, for each kind of
email, the harness writes emails to addresses of their own through the real services,
injects the fault, lets the outbox's sweep run (as beat would) until nothing is owed,
and counts what the SMTP server accepted: expected, delivered, lost, duplicated.

The faults:
- kill:     the worker is killed (kill -9) three times, when a quarter, half and three
            quarters of the batch are out
- redis:    Redis is killed and started again empty, once before any worker has taken
            a task of the batch and once when about a third of it is out
- smtp:     the SMTP server is down while the batch is written, and for 12 s more
- twice:    two workers, two sweeps at once in a loop, and every send task published
            twice more (a redelivery of each)

python bench/faults.py [--quick] [--json FILE] [--fresh] [--faults kill,...] [--repeat N]
Environment: FAULTS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/scr_faults),
FAULTS_REDIS_PORT (6391), FAULTS_SMTP_PORT (2591).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from bench.faults_processes import Services  # noqa: E402 (after the path is set)
from bench.faults_report import KINDS, before_kills, count, run_line, table, total  # noqa: E402

DOMAIN = "faults.example.org"
FAULTS = ("kill", "redis", "smtp", "twice")
# The kill's fixed moments: the file that makes the SMTP server hold, and what it logs.
HOLDS = {"mid-send": ("hold", "holding"), "accepted": ("hold-accepted", "holding-accepted")}


def settings_env(database_url: str, redis_port: int, smtp_port: int) -> dict[str, str]:
    """The settings of the harness and of its workers: short leases and backoffs, so a
    fault is recovered in seconds instead of minutes (the same code, other numbers)."""
    return {
        "DJANGO_SETTINGS_MODULE": "scr.settings",
        "DEBUG": "false",
        "HTTPS": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "5",
        "EMAIL_RETRY_BACKOFF_SECONDS": "2",
        "OUTBOX_MAX_BACKOFF_SECONDS": "8",
        "OUTBOX_SEND_TIME_LIMIT": "10",
        "OUTBOX_LEASE_SECONDS": "30",
        "OUTBOX_REPUBLISH_SECONDS": "8",
        "DEADLINE_REQUEUE_SECONDS": "8",
    }


# The database ----------------------------------------------------------------------------


def database_ready(database_url: str, fresh: bool, env: dict[str, str]) -> None:
    """Create the database, migrate it and seed the demo once; later runs reuse it."""
    import psycopg2

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        created = cursor.fetchone() is None
        if created:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    # The demo is seeded without a broker or a mail server: tasks go nowhere, emails to
    # the embedded backend. The harness then takes every email it owes as sent.
    seed_env = {
        **os.environ,
        **env,
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    manage = [str(VENV / "python"), str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=seed_env, check=True)  # noqa: S603
    marker = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", "from scr.cases.models import Case; print(Case.objects.count())"],
        cwd=ROOT,
        env=seed_env,
        check=True,
        capture_output=True,
        text=True,
    )
    if marker.stdout.strip().splitlines()[-1] == "0":
        print("Seeding the demo into the faults database (once)...", flush=True)
        subprocess.run(  # noqa: S603
            [*manage, "seed_demo"],
            cwd=ROOT,
            env=seed_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def nothing_owed_before() -> None:
    """What the demo (and earlier runs) left owed is not this run's: taken as sent."""
    from django.utils import timezone

    from scr.deadlines import calendar, reminders
    from scr.deadlines.models import Digest, Reminder
    from scr.outbox.models import Email, EmailJob

    today = calendar.local_date(timezone.now())
    reminders._sweep_reminders(today)
    reminders._sweep_digests(today)
    Reminder.objects.exclude(status=Reminder.Status.SENT).update(status=Reminder.Status.SENT)
    Digest.objects.exclude(status=Reminder.Status.SENT).update(status=Reminder.Status.SENT)
    Email.objects.exclude(status=Email.Status.SENT).update(status=Email.Status.SENT)
    EmailJob.objects.filter(status=EmailJob.Status.PENDING).update(status=EmailJob.Status.DONE)


# Each kind of email, written through the service that writes it --------------------------


def _address(kind: str, tag: str, number: int) -> str:
    return f"{kind}-{number}.{tag}@{DOMAIN}"


def _people(kind: str, tag: str, count: int, board):
    from django.contrib.auth.hashers import make_password

    from scr.accounts.models import User

    unusable = make_password(None)  # nobody signs in as them
    User.objects.bulk_create(
        User(
            email=_address(kind, tag, n),
            full_name=f"Faults {kind} {n}",
            board=board,
            password=unusable,
        )
        for n in range(count)
    )
    return list(
        User.objects.filter(email__endswith=f".{tag}@{DOMAIN}", email__startswith=f"{kind}-")
    )


def write_reminders(tag: str, count: int) -> list[str]:
    """Reminder rows as the sweep writes them (one clock, `count` recipients); the real
    sweep then queues them and each task hands one to the outbox."""
    from scr.deadlines.models import Deadline, Reminder
    from scr.deadlines.reminders import deadline_sweep

    deadline = Deadline.objects.live().select_related("case__board").order_by("pk").first()
    people = _people("reminder", tag, count, deadline.case.board)
    Reminder.objects.bulk_create(
        Reminder(deadline=deadline, step=f"faults-{tag}", recipient=u, reason=Reminder.Reason.OWNER)
        for u in people
    )
    deadline_sweep()
    return [u.email for u in people]


def write_notifications(tag: str, count: int) -> list[str]:
    """Sign-in security emails: an outbox job per change, recorded with it."""
    from django.db import transaction

    from scr.accounts.models import Board
    from scr.accounts.two_factor import security_change_notify

    people = _people("notification", tag, count, Board.objects.order_by("pk").first())
    for user in people:
        with transaction.atomic():
            security_change_notify(user=user, change="password")
    return [u.email for u in people]


def write_decision_letters(tag: str, count: int) -> list[str]:
    """The chair's decision letters (7 a, b) with their PDFs, sent again to addresses of
    this run's own."""
    from django.db import transaction

    from panel.models import DecisionLetter
    from panel.services import decision_letter_enqueue

    addresses = []
    for n, letter in enumerate(DecisionLetter.objects.select_related("case__board")[:count]):
        address = _address("decision_letter", tag, n)
        with transaction.atomic():
            DecisionLetter.objects.filter(pk=letter.pk).update(recipients=address, sent_at=None)
            letter.recipients, letter.sent_at = address, None
            decision_letter_enqueue(letter=letter)
        addresses.append(address)
    return addresses


def write_chair_letters(tag: str, count: int) -> list[str]:
    """A sent chair's letter (16), emailed with its PDF to `count` addresses."""
    from django.db import transaction

    from actionplans.models import ChairLetter
    from actionplans.services import letter_email

    letter = ChairLetter.objects.filter(status=ChairLetter.Status.SENT).order_by("pk").first()
    addresses = [_address("chair_letter", tag, n) for n in range(count)]
    with transaction.atomic():
        ChairLetter.objects.filter(pk=letter.pk).update(sent_to=addresses, emailed_to=[])
        letter_email(letter_id=letter.pk)
    return addresses


def write_summary_copies(tag: str, count: int) -> list[str]:
    """A released executive summary's copies to `count` family members (15.3)."""
    from django.db import transaction

    from overview.models import ExecutiveSummary, FamilyRecipient
    from overview.summary_services import summary_copies_send

    summary = (
        ExecutiveSummary.objects.filter(status=ExecutiveSummary.Status.RELEASED)
        .select_related("approved_by")
        .order_by("pk")
        .first()
    )
    addresses = [_address("summary_copy", tag, n) for n in range(count)]
    with transaction.atomic():
        FamilyRecipient.objects.bulk_create(
            FamilyRecipient(
                summary=summary, name=f"Family {n}", email=a, added_by=summary.approved_by
            )
            for n, a in enumerate(addresses)
        )
        summary_copies_send(summary_id=summary.pk)
    return addresses


WRITERS = {
    "reminder": write_reminders,
    "notification": write_notifications,
    "decision_letter": write_decision_letters,
    "chair_letter": write_chair_letters,
    "summary_copy": write_summary_copies,
}


def write_all(tag: str, sizes: dict[str, int]) -> dict[str, list[str]]:
    return {kind: WRITERS[kind](tag, sizes[kind]) for kind in KINDS}


# Sweeps and settling -----------------------------------------------------------------------


def sweep_once() -> None:
    """What beat runs: the outbox's sweep and the deadline sweep."""
    from django.db import close_old_connections

    from scr.deadlines.reminders import deadline_sweep
    from scr.outbox.services import outbox_sweep

    close_old_connections()
    try:
        outbox_sweep()
        deadline_sweep()
    except Exception as error:  # noqa: BLE001 (a sweep during a fault may fail; beat's next one runs)
        print(f"    (a sweep failed: {error!r})", flush=True)


class Beat:
    """What beat does, every 2 s instead of every minute: the sweeps, in a thread."""

    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        while not self._stop.wait(2):
            sweep_once()
        connection.close()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def owed(tag: str) -> int:
    """Rows of this run not yet sent: emails, jobs and reminders."""
    from scr.deadlines.models import Reminder
    from scr.outbox.models import Email, EmailJob

    return (
        Email.objects.filter(to__contains=f".{tag}@")
        .exclude(status__in=(Email.Status.SENT, Email.Status.HANDED))
        .count()
        + EmailJob.objects.filter(status=EmailJob.Status.PENDING).count()
        + Reminder.objects.filter(step=f"faults-{tag}").exclude(status=Reminder.Status.SENT).count()
    )


def handed(tag: str) -> int:
    from scr.outbox.models import Email

    return Email.objects.filter(to__contains=f".{tag}@", status=Email.Status.HANDED).count()


def settle(
    tag: str,
    expected: dict[str, list[str]],
    services: Services,
    *,
    after_fault: float,
    quiet_for: float,
    timeout: float,
) -> float:
    """Wait, beat sweeping, until nothing of this run is owed and `quiet_for` seconds have
    passed since the fault (a dead worker's row comes back only after its lease), then
    sweep once more. Returns the seconds it took."""
    started = time.monotonic()
    everyone = {a for addresses in expected.values() for a in addresses}
    while time.monotonic() - started < timeout:
        done = owed(tag) == 0 and everyone <= set(services.delivered())
        if done and time.monotonic() - after_fault >= quiet_for:
            break
        time.sleep(2)
    sweep_once()  # "once the next sweep has run"
    time.sleep(3)
    return time.monotonic() - started


def wait_delivered(tag: str, services: Services, share: float, total: int, timeout=60) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        got = sum(1 for a in services.delivered() if f".{tag}@" in a)
        if got >= share * total:
            return
        time.sleep(0.05)


# The faults --------------------------------------------------------------------------------


def fault_kill(services: Services, tag: str, sizes, *, when: str) -> tuple[dict, float]:
    """Three kills, when a quarter, half and three quarters of the batch are out."""
    services.workers_run(1)
    expected = write_all(tag, sizes)
    total = sum(map(len, expected.values()))
    for share in (1 / 4, 1 / 2, 3 / 4):
        wait_delivered(tag, services, share, total)
        if when in HOLDS:
            # The same moment every run (the test suite's): while the server holds a
            # recipient (mid-send: nothing of that message accepted yet), or holds its
            # answer to a message it has taken (accepted: the worker has handed it over).
            hold = services.folder / HOLDS[when][0]
            held = services.holding(HOLDS[when][1])
            hold.touch()
            give_up = time.monotonic() + 30
            while services.holding(HOLDS[when][1]) == held and time.monotonic() < give_up:
                time.sleep(0.02)
            services.holds_seen += services.holding(HOLDS[when][1]) > held
            services.worker_kill(1)
            hold.unlink()
        else:
            # At a moment of the batch not tied to a delivery.
            time.sleep(random.uniform(0, 0.5))  # noqa: S311 (a moment, not a secret)
            services.worker_kill(1)
        services.kills += 1
        # The supervisor starts another, as bin/run-dev does; wait for it to be up.
        time.sleep(1)
    return expected, time.monotonic()


def fault_redis(services: Services, tag: str, sizes) -> tuple[dict, float]:
    """Twice: with every task of the batch still queued (no worker yet: the reminders'
    hand-overs, the jobs and the sends all lost), and when a third of it is out."""
    services.workers_run(0)
    expected = write_all(tag, sizes)
    services.redis_restart_empty()
    services.workers_run(1)
    wait_delivered(tag, services, 1 / 3, sum(map(len, expected.values())))
    services.redis_restart_empty()
    return expected, time.monotonic()


def fault_smtp(services: Services, tag: str, sizes) -> tuple[dict, float]:
    services.workers_run(1)
    services.smtp_stop()
    expected = write_all(tag, sizes)
    time.sleep(12)
    services.smtp_start()
    return expected, time.monotonic()


def fault_twice(services: Services, tag: str, sizes) -> tuple[dict, float]:
    from scr.outbox.models import Email
    from scr.outbox.services import publish_emails

    services.workers_run(2)
    stop = threading.Event()

    def sweeping():
        from django.db import connection

        while not stop.is_set():
            sweep_once()
            time.sleep(0.3)
        connection.close()

    sweepers = [threading.Thread(target=sweeping) for _ in range(2)]
    for thread in sweepers:
        thread.start()
    expected = write_all(tag, sizes)
    ids = list(Email.objects.filter(to__contains=f".{tag}@").values_list("pk", flat=True))
    for _ in range(2):  # every send task delivered twice more
        publish_emails(ids)
    time.sleep(5)
    stop.set()
    for thread in sweepers:
        thread.join()
    return expected, time.monotonic()


RUNS = {"kill": fault_kill, "redis": fault_redis, "smtp": fault_smtp, "twice": fault_twice}


def run_fault(fault, services: Services, env, sizes, args) -> tuple[dict, dict]:
    """One fault, once, in a batch of its own: the figures and notes of the run."""
    nothing_owed_before()
    tag = f"{fault}{uuid.uuid4().hex[:6]}"
    restarts, kills, kill_times = services.restarts, services.kills, list(services.kill_times)
    holds_seen = services.holds_seen
    options = {"when": args.kill} if fault == "kill" else {}
    expected, at = RUNS[fault](services, tag, sizes, **options)
    seconds = settle(
        tag,
        expected,
        services,
        after_fault=at,
        quiet_for=int(env["OUTBOX_LEASE_SECONDS"]) + 10,
        timeout=240,
    )
    deliveries = services.deliveries()
    figures = count(expected, deliveries)
    ours = {a: deliveries.get(a, []) for addresses in expected.values() for a in addresses}
    note = {
        "settled_seconds": round(seconds, 1),
        "worker_restarts": services.restarts - restarts,
        "kills": services.kills - kills,
        "holds_seen": services.holds_seen - holds_seen,
        # Rows a killed worker had handed to the server: recorded handed, not sent again.
        "handed": handed(tag),
        # Each duplicate's first copy: written by the server this many ms before a kill.
        "duplicates_before_kill_ms": before_kills(ours, services.kill_times[len(kill_times) :]),
    }
    services.workers_run(0)
    return figures, note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer emails (the test suite's)")
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    parser.add_argument("--faults", default=",".join(FAULTS), help="which faults, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="run the faults this many times")
    parser.add_argument(
        "--kill",
        choices=("random", *HOLDS),
        default="random",
        help="kill the worker at a random moment, while the server holds a recipient "
        "(mid-send), or once the server has taken a message, before its answer (accepted)",
    )
    args = parser.parse_args()
    database_url = os.environ.get(
        "FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scr_faults"
    )
    redis_port = int(os.environ.get("FAULTS_REDIS_PORT", "6391"))
    smtp_port = int(os.environ.get("FAULTS_SMTP_PORT", "2591"))
    sizes = (
        {
            "reminder": 8,
            "notification": 8,
            "decision_letter": 2,
            "chair_letter": 2,
            "summary_copy": 2,
        }
        if args.quick
        else {
            "reminder": 40,
            "notification": 40,
            "decision_letter": 5,
            "chair_letter": 5,
            "summary_copy": 5,
        }
    )
    # Stopped from outside (timeout, Ctrl-C): the finally below still stops every child.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    env = settings_env(database_url, redis_port, smtp_port)
    database_ready(database_url, args.fresh, env)
    django_setup(env)
    folder = Path(tempfile.mkdtemp(prefix="scr-faults-"))
    services = Services(env, redis_port, smtp_port, folder)
    runs, notes = [], []
    started = time.monotonic()
    beat = Beat()
    try:
        services.redis_start()
        services.smtp_start()
        beat.start()
        for number in range(1, args.repeat + 1):
            runs.append({})
            notes.append({})
            for fault in args.faults.split(","):
                print(f"Fault '{fault}'...", flush=True)
                runs[-1][fault], notes[-1][fault] = run_fault(fault, services, env, sizes, args)
                note = notes[-1][fault]
                print(
                    f"  settled in {note['settled_seconds']:.0f} s, "
                    f"worker restarts: {note['worker_restarts']}, "
                    f"emails handed over by a killed worker (not sent again): {note['handed']}",
                    flush=True,
                )
                if args.repeat > 1:
                    print(run_line(number, args.repeat, fault, runs[-1][fault], note), flush=True)
    finally:
        beat.stop()
        services.stop()
    results = total(runs)
    print()
    if args.repeat > 1:
        print(f"Over {args.repeat} runs of each fault:")
    print(table(results))
    gaps = [g for run in notes for note in run.values() for g in note["duplicates_before_kill_ms"]]
    if gaps:
        print(
            "Each duplicate's first copy was written by the server this many ms before the "
            f"worker was killed: {gaps}"
        )
    print(f"\n{time.monotonic() - started:.0f} s in all; logs in {folder}")
    if args.json:
        figures = {"results": results, "runs": runs, "notes": notes}
        Path(args.json).write_text(json.dumps(figures, indent=2))
    bad = any(
        row["lost"] or row["duplicated"] for kinds in results.values() for row in kinds.values()
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
