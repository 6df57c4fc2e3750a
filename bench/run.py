"""Benchmarks: `make bench`. Prints a table and writes the figures into BENCHMARKS.md.

Runs on PostgreSQL, in a database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/scr_bench, created when missing), never on the
development data. The first run seeds it with `seed_scale` (BENCH_BOARDS boards,
BENCH_CASES cases: 20 and 5,000 by default, some minutes); later runs reuse it. What a
benchmark changes (the sweep's reminders, an import) is rolled back.

Timings are wall-clock on this machine; query counts are exact.
"""

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scr_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

BOARDS = int(os.environ.get("BENCH_BOARDS", "20"))
CASES = int(os.environ.get("BENCH_CASES", "5000"))
IMPORT_ROWS = 5_000
MARK_START = "<!-- figures: written by make bench -->"
MARK_END = "<!-- end of figures -->"


def create_database() -> None:
    """The benchmark's database, made when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    server = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating the database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import scale  # noqa: E402
from bench.load import load_test  # noqa: E402
from scr.accounts.models import Board  # noqa: E402
from scr.cases.models import Case  # noqa: E402
from scr.deadlines.models import Deadline  # noqa: E402
from scr.deadlines.reminders import deadline_sweep  # noqa: E402


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def seeded() -> list[tuple[str, str]]:
    """The large dataset: seeded on the first run, described on every run."""
    from imr.models import ChronologyEntry

    call_command("migrate", verbosity=0)
    if not Board.objects.exists():
        print(f"Seeding {BOARDS} boards and {CASES:,} cases (seed_scale): some minutes")
        result = scale.seed_scale(boards=BOARDS, cases=CASES, log=print)
        made = f"seeded in {result.seconds:.0f} s"
    elif not scale.scale_boards():
        sys.exit(f"{DATABASE_URL} holds data that seed_scale did not make: use another database.")
    else:
        made = "seeded by an earlier run"
    return [
        (
            "Dataset",
            f"{Board.objects.count()} boards, {Case.objects.count():,} cases, "
            f"{ChronologyEntry.objects.count():,} IMR chronology entries, "
            f"{Deadline.objects.filter(status__in=Deadline.LIVE).count():,} open clocks "
            f"({made})",
        )
    ]


def personas(wanted: int) -> list[dict]:
    """`wanted` different people over the seeded boards, each with the pages of the
    load test that are theirs: the coordinator, the IMR author and the overview author
    of board after board."""
    people = []
    for board in scale.scale_boards():
        found = scale.scale_personas(board.pk)
        for role in ("coordinator", "imr_author", "overview_author"):
            person = found["users"].get(role)
            pages = [(p["name"], p["path"]) for p in found["pages"] if p["user"] == role]
            if person and pages:
                people.append(
                    {
                        "email": person["email"],
                        "password": found["password"],
                        "code": lambda pk=person["id"]: scale.totp_code(pk),
                        "pages": pages,
                    }
                )
        if len(people) >= wanted:
            return people[:wanted]
    raise RuntimeError(f"The dataset has fewer than {wanted} people to sign in as")


def _load_row(figures, name: str, floor=None) -> tuple[str, str]:
    ratio = f" (p50 {figures.p50 / floor.p50:.1f}× the floor's)" if floor else ""
    return (
        name,
        f"{figures.per_second:.1f} req/s, p50 {figures.p50:.0f} ms, "
        f"p95 {figures.p95:.0f} ms, p99 {figures.p99:.0f} ms, "
        f"{figures.failures} errors in {figures.requests:,}{ratio}",
    )


def bench_load() -> list[tuple[str, str]]:
    from bench import load

    rows = []
    for run in load_test(DATABASE_URL, personas(load.USERS)):
        rows.append(
            (
                f"Load: {load.USERS} signed-in people for {load.SECONDS} s, each waiting "
                f"{run.think} s between pages; gunicorn {load.WORKERS} processes of "
                f"{load.THREADS} threads",
                "",
            )
        )
        rows += [_load_row(page, page.name, run.floor) for page in run.pages]
        rows.append(_load_row(run.floor, "Floor: a constant from a minimal view, same load"))
    return rows


def bench_sweep() -> list[tuple[str, str]]:
    """The deadline sweep over every open clock of the dataset, as at now, rolled back."""
    open_clocks = Deadline.objects.filter(status__in=Deadline.LIVE).count()
    now = timezone.now()

    def sweep():
        with transaction.atomic():
            result = deadline_sweep(at=now)
            transaction.set_rollback(True)
        return result

    with CaptureQueriesContext(connection) as queries:
        seconds, result = timed(sweep)
    return [
        (
            f"Deadline sweep over {open_clocks:,} open clocks",
            f"{seconds:.2f} s, {len(queries.captured_queries)} queries, "
            f"{result.clocks_seen:,} clocks owed a look, {len(result.reminders):,} "
            f"reminders and {len(result.digests):,} digests to send",
        )
    ]


def chronology_workbook(rows: int) -> bytes:
    """A chronology spreadsheet as an author fills in the template: `rows` entries."""
    from datetime import date, timedelta

    from openpyxl import Workbook

    from imr import spreadsheet

    book = Workbook()
    sheet = book.active
    sheet.append([header for header, _ in spreadsheet.COLUMNS])
    start = date(2010, 1, 1)
    for i in range(rows):
        sheet.append(
            [
                start + timedelta(days=i),
                f"{9 + i % 8:02d}:{i % 60:02d}",
                "Case notes",
                "WO",
                f"SW1 visited and reviewed the care plan with WO (visit {i}).",
                "Visits at least monthly",
                "1",
                "",
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def bench_import() -> list[tuple[str, str]]:
    """A 5,000-row workbook read and imported into an IMR being written, rolled back."""
    from imr import draft_services, spreadsheet
    from imr.models import ChronologyEntry, Imr

    imr = (
        Imr.objects.filter(status=Imr.Status.CHRONOLOGY)
        .exclude(author=None)
        .select_related("author")
        .order_by("pk")
        .first()
    )
    data = chronology_workbook(IMPORT_ROWS)
    with transaction.atomic():
        # Room for 5,000: a chronology holds at most that many entries.
        ChronologyEntry.objects.filter(imr=imr)._raw_delete(ChronologyEntry.objects.db)
        reading, rows = timed(
            lambda: spreadsheet.read_chronology(data, "chronology.xlsx", term_numbers={1, 2, 3})
        )
        with CaptureQueriesContext(connection) as queries:
            importing, count = timed(
                lambda: draft_services.chronology_import(
                    case_id=imr.case_id, agency_id=imr.agency_id, by=imr.author, rows=rows
                )
            )
        transaction.set_rollback(True)
    return [
        (
            f"Importing a {IMPORT_ROWS:,}-row chronology workbook ({len(data) // 1024} KiB)",
            f"{reading + importing:.2f} s: reading and checking {reading:.2f} s, "
            f"saving {count:,} entries {importing:.2f} s in {len(queries)} queries",
        )
    ]


def show(results: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in results)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in results))


def write(results: list[tuple[str, str]]) -> None:
    show(results)
    stamp = datetime.now().strftime("%d/%m/%Y %H:%M")
    table = "\n".join(
        f"| **{name}** | |" if not value else f"| {name} | {value} |" for name, value in results
    )
    figures = (
        f"{MARK_START}\n"
        f"Written by `make bench` on {stamp}, on a {os.cpu_count()}-core machine, "
        f"PostgreSQL {connection.pg_version // 10000}.\n\n"
        "| What | Result |\n| --- | --- |\n"
        f"{table}\n{MARK_END}"
    )
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{MARK_START}\n{MARK_END}\n"
    before, _, rest = text.partition(MARK_START)
    _, _, after = rest.partition(MARK_END)
    path.write_text(before + figures + after)


def _through_the_worker(case, kind: str, options: dict, by) -> tuple[float, str, list[str]]:
    """(seconds, status, progress steps) of a render as a page asks for it: the request,
    then the Celery task (run in this process: CELERY_TASK_ALWAYS_EAGER), cold."""
    from scr import uploads
    from scr.documents.bench import forget_parts
    from scr.documents.models import RenderedDocument
    from scr.documents.services import document_request

    forget_parts(case.pk)
    steps = []

    def listen(execute, sql, params, many, context):
        if 'SET "progress" = %s WHERE' in sql and params and params[0]:
            steps.append(params[0])
        return execute(sql, params, many, context)

    key = f"bench:{kind}:{time.time_ns()}"
    with connection.execute_wrapper(listen):
        seconds, _ = timed(
            lambda: transaction.atomic()(document_request)(
                case=case, kind=kind, key=key, options=options, by=by
            )
        )
    made = RenderedDocument.objects.get(case=case, key=key)
    status = made.status
    uploads.delete_all([made.file_name] if made.file_name else [])
    made.delete()
    return seconds, status, steps


def _in_a_process_of_its_own(kind: str, case, options: dict) -> dict:
    """pdf_figures of one document, measured by a fresh `python bench/run.py`: memory a
    process took for one document is not given back, and would count in the next."""
    answer = subprocess.run(  # noqa: S603
        [sys.executable, __file__],
        env={
            **os.environ,
            "BENCH_PDF": json.dumps({"kind": kind, "case": case.pk, "options": options}),
        },
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def pdf_figures_of_one() -> None:
    """The child's side of _in_a_process_of_its_own: prints pdf_figures as JSON."""
    from scr.documents import registry
    from scr.documents.bench import pdf_figures

    asked = json.loads(os.environ["BENCH_PDF"])
    case = Case.objects.get(pk=asked["case"])
    print(json.dumps(pdf_figures(registry.build(asked["kind"], case, **asked["options"]))))


def bench_pdf() -> list[tuple[str, str]]:
    """The overview report of the case with a 2,000-entry merged chronology, and the IMR
    of about 500 entries: the pipeline beside WeasyPrint alone on the same HTML."""
    from imr.models import Imr
    from scr.accounts.models import User

    found = scale.scale_personas()
    coordinator = User.objects.get(pk=found["users"]["coordinator"]["id"])
    board = found["board"]["id"]
    overview_case = Case.objects.get(board_id=board, reference=found["overview"]["case"])
    pdf_imr = Imr.objects.select_related("case", "agency").get(
        case__board_id=board,
        case__reference=found["imr_for_pdf"]["case"],
        agency_id=found["imr_for_pdf"]["agency_id"],
    )
    documents = [
        (
            f"Overview report, {found['overview']['entries']:,}-entry merged chronology",
            overview_case,
            "overview",
            {},
        ),
        (
            f"IMR report, {found['imr_for_pdf']['entries']:,} chronology entries",
            pdf_imr.case,
            "imr",
            {"imr_id": pdf_imr.pk},
        ),
    ]
    rows = []
    for label, case, kind, options in documents:
        figures = _in_a_process_of_its_own(kind, case, options)
        rows += [
            (f"PDF: {label}", ""),
            (
                "WeasyPrint alone, one pass over the same HTML",
                f"{figures['single_pass_seconds']:.1f} s, {figures['single_pass_pages']} pages, "
                f"peak memory {figures['single_pass_peak_mib']} MiB",
            ),
            (
                f"The pipeline, cold ({figures['workers']} layout processes)",
                f"{figures['pipeline_cold_seconds']:.1f} s "
                f"({figures['ratio_cold']:.2f}× the single pass), "
                f"{figures['pipeline_pages']} pages in {figures['pipeline_parts']} parts, "
                f"peak memory {figures['pipeline_peak_mib']} MiB (all processes)",
            ),
            (
                "The pipeline again after one part changed",
                f"{figures['pipeline_warm_seconds']:.1f} s, "
                f"{figures['pipeline_warm_layouts']} part laid out again",
            ),
            (
                "Starting the layout processes (once per worker process)",
                f"{figures['pool_start_seconds']:.1f} s",
            ),
        ]
        seconds, status, steps = _through_the_worker(case, kind, options, coordinator)
        rows.append(
            (
                "Asked for as a page does, made by the Celery task, cold",
                f"{seconds:.1f} s, {status}, {len(steps)} progress steps "
                f"({steps[0]!r} … {steps[-1]!r})"
                if steps
                else f"{seconds:.1f} s, {status}, no progress reported",
            )
        )
    return rows


PARTS = {
    "sweep": bench_sweep,
    "import": bench_import,
    "pdf": bench_pdf,
    "load": bench_load,
}


def main() -> None:
    """Every part, or those named in BENCH_ONLY ("sweep,import"); BENCHMARKS.md is
    written only after a run of every part."""
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    unknown = set(only) - set(PARTS)
    if unknown:
        sys.exit(
            f"BENCH_ONLY: no part called {', '.join(sorted(unknown))} (parts: {', '.join(PARTS)})"
        )
    if "BENCH_PDF" in os.environ:
        pdf_figures_of_one()
        return
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench measures the service on PostgreSQL: set BENCH_DATABASE_URL to one.")
    create_database()
    results = seeded()
    for name, part in PARTS.items():
        if not only or name in only:
            results += part()
    if only:
        show(results)
    else:
        write(results)


if __name__ == "__main__":
    main()
