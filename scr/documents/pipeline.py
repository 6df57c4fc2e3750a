"""Long documents: laid out in parts, in parallel processes, and kept for the next render.

WeasyPrint lays a document out in one process, on one core: an overview report with a
2,000-entry chronology takes about half a minute. A template that marks its parts
(scr.documents.parts) is instead cut into parts, long tables into chunks of rows, and the
parts are laid out by DOCUMENT_PDF_WORKERS processes at once, then merged into one tagged
PDF (scr.documents.merge). Each part is kept (DocumentPart), keyed by a hash of its HTML:
the next render of the document lays out only the parts whose HTML changed.

Page numbers and the table of contents, which depend on every part:
- parts are laid out without 'Page X of Y'; once every part's page count is known, a
  document of empty pages showing only the page numbers is laid out and stamped on the
  merged pages: one layout of empty pages, not a second layout of the content;
- a part with links that show their target's page (data-page="", the contents) is laid
  out first with stand-in numbers for its page count, then again with the real ones (a
  cheap part: the cover). If that changes its page count, the numbers are worked out
  again, at most MAX_NUMBERING times.

The processes: billiard's 'spawn' pool (Celery's own multiprocessing), since a Celery
prefork worker's processes are daemons, and the standard library's pools refuse to start
children from a daemon ('daemonic processes are not allowed to have children', whatever
the start method). The pool starts on a process's first long document (Django and
WeasyPrint load in each process, a second or two) and stays for the next one. What they
run is scr.documents.layout: each layout keeps render.py's rules, the static-only URL
fetcher, no attachments, and the time left of DOCUMENT_RENDER_SECONDS as its own limit;
the render kills the pool when it stops early, so no layout runs on after it. A spawned
process imports the __main__ of the process that started it, as the standard library's
do: a script that renders long documents keeps its work under `if __name__ ==
"__main__"` (Celery, manage.py and pytest do); a pool whose processes cannot start is
given up, and the parts laid out one after the other.
"""

import hashlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import weasyprint
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from scr import uploads
from scr.documents import engine, laid_out, merge, parts
from scr.documents.layout import lay_out_part, ready, start
from scr.documents.models import DocumentPart
from scr.documents.render import RenderTimeout, pdf_options
from scr.documents.retention import document_parts_prune

log = logging.getLogger(__name__)

# Part of every kept part's key: a change to how parts are made or kept (this module,
# parts.py, laid_out.py) that changes what they hold bumps it, so old parts are not reused.
FORMAT = "1"
MAX_NUMBERING = 3
# How long to wait for a layout past the render's own limit (each layout stops itself).
GRACE_SECONDS = 30
# How long the pool's first process may take to start (Django and WeasyPrint load).
START_SECONDS = 60


def wanted(html: str) -> bool:
    """Whether `html` is long enough for the parts to pay, and marks its parts."""
    return parts.long_enough(html)


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    # How many parts the document has; of the layouts the render needed (its parts, the
    # contents' second pass and the page numbers), how many were made and how many reused.
    parts: int
    laid_out: int
    reused: int


@dataclass(frozen=True)
class Job:
    html: str
    tagged: bool = True

    @cached_property
    def key(self) -> str:
        digest = hashlib.sha256(f"{FORMAT}|{weasyprint.__version__}|{int(self.tagged)}|".encode())
        digest.update(self.html.encode())
        return digest.hexdigest()


def render(
    html: str, *, progress: Callable[[str], None], case_id: int | None = None
) -> Rendered | None:
    """The PDF of `html` made in parts; None when it has fewer than two parts (the caller
    lays it out in one pass). Runs inside render_pdf's time limit."""
    whole = parts.split(html, chunk_rows=settings.DOCUMENT_PDF_CHUNK_ROWS)
    if whole is None or len(whole.bodies) < 2:
        return None
    hidden = parts.without_page_numbers()
    numbered = {i for i, body in enumerate(whole.bodies) if parts.needs_page_numbers(body)}
    jobs = [
        Job(whole.document(parts.number_links(body, None) if i in numbered else body, css=hidden))
        for i, body in enumerate(whole.bodies)
    ]
    layouts = _Layouts(case_id=case_id, progress=progress, total=len(jobs))
    layouts.get(jobs)
    progress("Numbering the pages")
    for attempt in range(MAX_NUMBERING):
        laid = [layouts.parts[job.key] for job in jobs]
        anchors = _anchor_pages(laid)
        again = {
            i: Job(whole.document(parts.number_links(whole.bodies[i], anchors), css=hidden))
            for i in numbered
        }
        stamps = _page_numbers(whole, laid)
        layouts.get([*again.values(), *stamps])
        moved = [i for i, job in again.items() if layouts.parts[job.key].pages != laid[i].pages]
        for i, job in again.items():
            jobs[i] = job
        if not moved:
            break
        if attempt == MAX_NUMBERING - 1:
            # The contents keep changing length: go with the last numbers (the stamp is
            # laid out for the final pages below), which may be a page out.
            log.warning("The page numbers of the contents did not settle: %s", moved)
            stamps = _page_numbers(whole, [layouts.parts[job.key] for job in jobs])
            layouts.get(stamps)
    laid = [layouts.parts[job.key] for job in jobs]
    pages = sum(part.pages for part in laid)
    progress(f"Putting the {len(laid)} parts together: {pages} pages")
    pdf = merge.merge(laid, [layouts.parts[job.key] for job in stamps], pdf_options())
    document_parts_prune()
    return Rendered(
        pdf=pdf,
        pages=pages,
        parts=len(laid),
        laid_out=layouts.made,
        reused=layouts.reused,
    )


def _page_numbers(whole: parts.Split, laid: list[laid_out.Part]) -> list[Job]:
    names = [name for part in laid for name in part.page_names]
    # Each piece costs about 5 ms a page: pieces of fewer than 40 pages do not pay.
    pieces = min(max(1, settings.DOCUMENT_PDF_WORKERS), -(-len(names) // 40))
    return [
        Job(document, tagged=False)
        for document in parts.page_numbers_documents(whole, names, pieces=pieces)
    ]


def _anchor_pages(laid: list[laid_out.Part]) -> dict[str, int]:
    """The page (from 1) of each anchor in the merged document; the first one wins."""
    found, offset = {}, 0
    for part in laid:
        for name, page in part.meta["anchors"].items():
            found.setdefault(name, offset + page + 1)
        offset += part.pages
    return found


class _Layouts:
    """The laid-out parts of one render, by key: kept ones read back, the others laid out
    (in parallel) and kept."""

    def __init__(self, *, case_id: int | None, progress, total: int):
        self.case_id = case_id
        self.progress = progress
        self.total = total
        # Wall-clock time: the pool's processes stop by it too.
        self.deadline = time.time() + settings.DOCUMENT_RENDER_SECONDS
        self.parts: dict[str, laid_out.Part] = {}
        self.made = 0
        self.reused = 0
        self.counted = 0

    def get(self, jobs: list[Job]) -> None:
        wanted = {job.key: job for job in jobs if job.key not in self.parts}
        self._read_kept(list(wanted))
        missing = [job for key, job in wanted.items() if key not in self.parts]
        self._count(len(wanted) - len(missing))
        for key, blob in _lay_out_all(missing, self.deadline):
            part = laid_out.Part.decode(blob)
            self.parts[key] = part
            self.made += 1
            self._keep(key, blob, part.pages)
            self._count(1)

    def _count(self, done: int) -> None:
        """'Laying out part 3 of 8' while the parts themselves are being laid out."""
        if self.counted >= self.total:
            return
        self.counted = min(self.total, self.counted + done)
        if self.counted < self.total:
            self.progress(f"Laying out part {self.counted + 1} of {self.total}")

    def _read_kept(self, keys: list[str]) -> None:
        if not keys:
            return
        rows = DocumentPart.objects.filter(key__in=keys).values_list("key", "file_name")
        found = []
        for key, name in rows:
            try:
                self.parts[key] = laid_out.Part.decode(uploads.read(name))
            except (OSError, laid_out.BadPart):
                # Gone or damaged: lay it out again, and keep the new one in its place.
                log.warning("A kept document part could not be read: %s", name, exc_info=True)
                DocumentPart.objects.filter(key=key).delete()
                continue
            found.append(key)
        if found:
            self.reused += len(found)
            DocumentPart.objects.filter(key__in=found).update(used_at=timezone.now())

    def _keep(self, key: str, blob: bytes, pages: int) -> None:
        """Keep a part for the next render; a part that cannot be kept is only logged: this
        render has it."""
        try:
            name = uploads.store(blob, ".part")
        except OSError:
            log.warning("A laid-out document part could not be kept", exc_info=True)
            return
        try:
            with transaction.atomic():
                DocumentPart.objects.create(
                    key=key, case_id=self.case_id, file_name=name, size=len(blob), pages=pages
                )
        except IntegrityError:
            # Another render kept the same part meanwhile.
            uploads.delete_all([name])


# The layouts ---------------------------------------------------------------------------


def _lay_out_all(jobs: list[Job], deadline: float):
    """Yield (key, laid-out part) for each job as it is done: longest first, so that the
    short ones fill in at the end."""
    jobs = sorted(jobs, key=lambda job: -len(job.html))
    if not jobs:
        return
    workers = settings.DOCUMENT_PDF_WORKERS
    pool = None
    if workers > 1 and (len(jobs) > 1 or _pool is not None):
        pool = _get_pool(workers)
    if pool is None:
        for job in jobs:
            yield job.key, lay_out_part(job.html, job.tagged, deadline)
        return
    done: queue.Queue = queue.Queue()
    try:
        for job in jobs:
            pool.apply_async(
                lay_out_part,
                (job.html, job.tagged, deadline),
                callback=lambda blob, key=job.key: done.put((key, blob, None)),
                error_callback=lambda error, key=job.key: done.put((key, None, error)),
            )
        for _ in jobs:
            key, blob, error = _next(done, pool, deadline + GRACE_SECONDS)
            if error is not None:
                raise error
            yield key, blob
    except BaseException:
        # Stopped early (a failed part, the time limit, the worker's soft limit): no layout
        # may run on for nobody.
        _discard(pool)
        raise


def _next(done: queue.Queue, pool, until: float):
    """The next layout done, looking every second whether the pool is still there: a
    render in another thread of this process may have stopped it, and its layouts with
    it."""
    while True:
        try:
            return done.get(timeout=1.0)
        except queue.Empty:
            if _pool is not pool:
                raise RuntimeError(
                    "The processes laying the document out were stopped: try again."
                ) from None
            if time.time() > until:
                raise RenderTimeout(settings.DOCUMENT_RENDER_SECONDS) from None


_pool = None
_pool_size = 0
_pool_pid = 0
_pool_failed = False
_pool_lock = threading.Lock()


def _get_pool(size: int):
    """The layout processes, started on first use; None if they cannot start (the parts
    are then laid out one after the other in this process)."""
    global _pool, _pool_size, _pool_pid, _pool_failed
    with _pool_lock:
        if _pool is not None and _pool_pid != os.getpid():
            # Inherited by a fork: the pool's threads and pipes are the parent's.
            _pool = None
        if _pool is not None and _pool_size != size:
            _stop(_pool)
            _pool = None
        if _pool is None and not _pool_failed:
            pool = engine.spawn_pool(size, initializer=start)
            if _started(pool, size):
                _pool, _pool_size, _pool_pid = pool, size, os.getpid()
            else:
                # Once is enough to know: a process that cannot start its pool will not
                # start it next time either.
                log.error("The PDF layout processes could not start: laying out in one process")
                _stop(pool)
                _pool_failed = True
        return _pool


def _started(pool, size: int) -> bool:
    """Whether a layout process answers. A process that cannot start (Django's settings,
    or a __main__ that does more than define things when a spawned process imports it)
    exits, and the pool starts another, without end: more processes than the pool's size
    is the sign."""
    answer = pool.apply_async(ready)
    seen = set()
    until = time.monotonic() + START_SECONDS
    while time.monotonic() < until:
        if answer.ready():
            return answer.successful()
        seen.update(process.pid for process in engine.pool_processes(pool))
        if len(seen) > size:
            return False
        time.sleep(0.05)
    return False


def _stop(pool) -> None:
    pool.terminate()
    pool.join()


def start_pool() -> bool:
    """Start the layout processes now rather than on the first long document (the
    benchmark times it apart); whether they started (or are not wanted: one worker)."""
    workers = settings.DOCUMENT_PDF_WORKERS
    return workers <= 1 or _get_pool(workers) is not None


def shutdown_pool() -> None:
    """Stop the layout processes (the tests, the benchmark); the next long document starts
    them again."""
    _discard(_pool)


def _discard(pool) -> None:
    """Stop `pool` if it is this process's current one (a render stopped early)."""
    global _pool
    with _pool_lock:
        if pool is None or pool is not _pool:
            return
        _pool = None
    if _pool_pid == os.getpid():
        _stop(pool)


def pool_pids() -> list[int]:
    """The layout processes' ids (the benchmark measures their memory)."""
    pool = _pool
    return [process.pid for process in engine.pool_processes(pool)] if pool else []
