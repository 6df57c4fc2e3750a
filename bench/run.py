"""Benchmarks: `make bench`. Prints a table and writes BENCHMARKS.md.

Runs on its own database (BENCH_DATABASE_URL, default SQLite in var/bench.sqlite3),
never on the development data. Timings are wall-clock on this machine; the query
counts are exact.
"""

import os
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "scr.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Pages are rendered without collectstatic having run.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from scr.cases.models import Case  # noqa: E402
from scr.deadlines import calendar  # noqa: E402
from scr.deadlines.models import Deadline, Extension, Reminder  # noqa: E402
from scr.deadlines.reminders import deadline_sweep, reminder_send  # noqa: E402
from scr.demo.seed import seed_demo  # noqa: E402
from scr.documents import registry  # noqa: E402
from scr.documents.render import render_html, render_pdf  # noqa: E402

OPEN_CLOCKS = 50_000
DUE_CLOCKS = 500


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _clear_clocks() -> None:
    """Remove the benchmark's clocks with plain DELETEs: Django's collector would load
    50,000 rows and their reminders into memory first."""
    Reminder.objects.all()._raw_delete(Reminder.objects.db)
    Extension.objects.all()._raw_delete(Extension.objects.db)
    Deadline.objects.all()._raw_delete(Deadline.objects.db)


def bench_sweep(case: Case) -> list[tuple[str, str]]:
    on = date(2027, 6, 1)
    _clear_clocks()
    rows = []
    for n in range(OPEN_CLOCKS):
        due = on if n < DUE_CLOCKS else on + timedelta(days=30 + n % 300)
        rows.append(
            Deadline(
                case=case,
                kind=Deadline.Kind.IMR_REPORT,
                start=on - timedelta(days=60),
                due=due,
                original_due=due,
                next_reminder_on=due - timedelta(days=7),
            )
        )
    Deadline.objects.bulk_create(rows, batch_size=5000)
    moment = datetime.combine(on, clock(9), tzinfo=calendar.LONDON)

    def sweep_only():
        # The sweep's own work: find, record and queue. The queued sends are dropped
        # with the rollback; they are timed on their own below.
        with transaction.atomic():
            result = deadline_sweep(at=moment)
            transaction.set_rollback(True)
        return result

    with CaptureQueriesContext(connection) as queries:
        seconds, result = timed(sweep_only)
    deadline_sweep(at=moment)  # for real: queues (eagerly sends) the reminders
    again, second = timed(lambda: deadline_sweep(at=moment))
    Reminder.objects.filter(status=Reminder.Status.SENT).update(status=Reminder.Status.PENDING)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    sends, _ = timed(lambda: [reminder_send(reminder_id=pk, now=moment) for pk in ids])
    _clear_clocks()
    return [
        (
            f"Deadline sweep, {OPEN_CLOCKS:,} open clocks, {DUE_CLOCKS} owed a reminder",
            f"{seconds:.2f} s, {len(queries.captured_queries)} queries, "
            f"{len(result.reminders)} reminders queued",
        ),
        ("The same sweep again (nothing new owed)", f"{again:.2f} s, {second.total} queued"),
        (
            f"Sending those {len(ids)} reminders (render and hand to the mail backend)",
            f"{sends:.2f} s, {1000 * sends / max(len(ids), 1):.1f} ms each",
        ),
    ]


def bench_pdf(case: Case) -> list[tuple[str, str]]:
    document = registry.build("case-summary", case)
    html = render_html(document)
    render_pdf(document)  # warm up: fonts and caches load on the first render
    seconds, pdf = timed(lambda: render_pdf(document))
    from weasyprint import HTML

    alone, _ = timed(lambda: HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    # Memory apart from the timings: tracing allocations slows Python down.
    tracemalloc.start()
    render_pdf(document)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [
        (
            "Case summary PDF",
            f"{seconds:.2f} s, {len(pdf) / 1024:.0f} KiB, "
            f"peak Python memory {peak / 2**20:.0f} MiB",
        ),
        ("WeasyPrint alone on the same HTML", f"{alone:.2f} s"),
    ]


ENTRIES = 2_000


def bench_chronology() -> list[tuple[str, str]]:
    """A chronology of 2,000 entries: import, the page, the checks, export and the PDF."""
    from django.test import Client

    from imr import drafting, spreadsheet
    from imr.documents import imr_report
    from imr.models import ChronologyEntry, Imr, Part
    from imr.selectors import name_check

    # A review whose chronology is being written and has no version yet: its PDF is the
    # draft, with every entry.
    imr = (
        Imr.objects.filter(status=Imr.Status.CHRONOLOGY, submissions=None)
        .exclude(author=None)
        .first()
    )
    if imr is None:
        return [("Chronology of 2,000 entries", "skipped: the demo has no IMR being written")]
    ChronologyEntry.objects.filter(imr=imr, source="Bench notes")._raw_delete(
        ChronologyEntry.objects.db
    )
    start = date(2015, 1, 1)
    lines = [",".join(h if "," not in h else f'"{h}"' for h, _ in spreadsheet.COLUMNS)]
    for i in range(ENTRIES):
        day = start + timedelta(days=i)
        lines.append(
            f"{day:%d/%m/%Y},{9 + i % 8:02d}:{i % 60:02d},Bench notes,WO,"
            f"SW1 visited and reviewed the care plan with WO (visit {i}).,"
            "Visits at least monthly,1: relevant"
        )
    data = "\n".join(lines).encode()
    reading, rows = timed(
        lambda: spreadsheet.read_chronology(data, "bench.csv", term_numbers={1, 2, 3})
    )
    importing, _ = timed(
        lambda: drafting.chronology_import(
            case_id=imr.case_id, agency_id=imr.agency_id, by=imr.author, rows=rows
        )
    )
    client = Client()
    client.force_login(imr.author)
    url = f"/cases/{imr.case.reference}/imrs/{imr.agency_id}/chronology/?page=10"
    client.get(url, secure=True)
    # Count every query the page runs, whatever the request does to the connection.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        page, response = timed(lambda: client.get(url, secure=True))
    checking, hits = timed(lambda: name_check(imr, Part.CHRONOLOGY))
    export_url = f"/cases/{imr.case.reference}/imrs/{imr.agency_id}/chronology/export.xlsx"
    exporting, exported = timed(lambda: client.get(export_url, secure=True))
    document = imr_report(imr.case, agency=imr.agency.name)
    rendering, pdf = timed(lambda: render_pdf(document))
    ChronologyEntry.objects.filter(imr=imr, source="Bench notes")._raw_delete(
        ChronologyEntry.objects.db
    )
    return [
        (f"Reading a CSV of {ENTRIES:,} chronology rows", f"{reading:.2f} s"),
        (f"Importing {ENTRIES:,} entries (all or nothing)", f"{importing:.2f} s"),
        (
            "A page of 100 entries of the chronology",
            f"{1000 * page:.0f} ms, {len(queries)} queries, status {response.status_code}",
        ),
        ("The name check over the chronology", f"{checking:.2f} s, {len(hits)} possible names"),
        (
            "Exporting the chronology to XLSX",
            f"{exporting:.2f} s, {len(exported.content) / 1024:.0f} KiB",
        ),
        (f"The IMR PDF with {ENTRIES:,} entries", f"{rendering:.1f} s, {len(pdf) / 2**20:.1f} MiB"),
    ]


def _page(client, url: str):
    """(seconds, response, queries) of one GET, counting every query it runs."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(url, secure=True)  # warm: templates compiled, session loaded
    with connection.execute_wrapper(count):
        seconds, response = timed(lambda: client.get(url, secure=True))
    return seconds, response, queries


def bench_overview() -> list[tuple[str, str]]:
    """The merged chronology of the overview being written, grown to 2,000 entries: its
    page, duplicates, timeline, export and the overview report's PDF."""
    from django.test import Client

    from overview import chronology
    from overview.models import Overview, OverviewEntry

    overview = Overview.objects.filter(status=Overview.Status.DRAFTING).first()
    if overview is None:
        return [("Overview of 2,000 entries", "skipped: the demo has no overview being written")]
    OverviewEntry.objects.filter(overview=overview, source="Bench notes").delete()
    existing = list(OverviewEntry.objects.filter(overview=overview).select_related("agency"))
    agencies = sorted({e.agency for e in existing}, key=lambda a: a.name)
    submissions = {e.agency_id: e.submission for e in existing}
    start = date(2015, 1, 1)
    extra = ENTRIES - len(existing)
    OverviewEntry.objects.bulk_create(
        [
            OverviewEntry(
                overview=overview,
                agency=agencies[i % len(agencies)],
                submission=submissions[agencies[i % len(agencies)].pk],
                source_index=10_000 + i,
                date=start + timedelta(days=i // 2),
                time=clock(9 + i % 8, i % 60) if i % 3 else None,
                source="Bench notes",
                subject="CM",
                event=f"SW1 visited and reviewed the care plan with CM (visit {i}).",
                term_numbers=[1],
            )
            for i in range(extra)
        ],
        batch_size=1000,
    )
    reference = overview.case.reference
    client = Client()
    client.force_login(overview.case.assignments.filter(role="overview_author").first().user)
    base = f"/cases/{reference}/overview"
    page, response, queries = _page(client, f"{base}/chronology/?page=10")
    suggesting, pairs = timed(lambda: chronology.duplicate_suggestions(overview))
    drawing, timeline = timed(lambda: client.get(f"{base}/chronology/timeline/", secure=True))
    exporting, exported = timed(lambda: client.get(f"{base}/chronology.xlsx", secure=True))
    document = registry.build("overview", overview.case)
    html = render_html(document)
    rendering, pdf = timed(lambda: render_pdf(document))
    from weasyprint import HTML

    alone, _ = timed(lambda: HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    OverviewEntry.objects.filter(overview=overview, source="Bench notes").delete()
    return [
        (
            f"A page of 100 events of a {ENTRIES:,}-entry merged chronology",
            f"{1000 * page:.0f} ms, {len(queries)} queries, status {response.status_code}",
        ),
        ("Possible duplicates over it", f"{suggesting:.2f} s, {len(pairs)} pairs"),
        ("Its timeline page", f"{drawing:.2f} s, status {timeline.status_code}"),
        ("Exporting it to XLSX", f"{exporting:.2f} s, {len(exported.content) / 1024:.0f} KiB"),
        (
            f"The overview report PDF with {ENTRIES:,} entries",
            f"{rendering:.1f} s, {len(pdf) / 2**20:.1f} MiB",
        ),
        ("WeasyPrint alone on the same HTML", f"{alone:.1f} s"),
    ]


def main() -> None:
    call_command("migrate", verbosity=0)
    world = seed_demo()
    case = next(iter(world.cases.values()))
    results = [("Database", connection.vendor)]
    results += bench_pdf(case)
    results += bench_sweep(case)
    results += bench_chronology()
    results += bench_overview()
    width = max(len(name) for name, _ in results)
    lines = [f"{name:<{width}}  {value}" for name, value in results]
    print("\n".join(lines))
    stamp = datetime.now().strftime("%d/%m/%Y %H:%M")
    table = "\n".join(f"| {name} | {value} |" for name, value in results)
    (ROOT / "BENCHMARKS.md").write_text(
        "# Benchmarks\n\n"
        f"Written by `make bench` on {stamp}, on a {os.cpu_count()}-core machine. "
        "Wall-clock seconds; the query counts are exact.\n\n"
        "| What | Result |\n| --- | --- |\n" + table + "\n"
    )


if __name__ == "__main__":
    main()
