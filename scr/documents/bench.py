"""The figures of the PDF pipeline for the benchmarks (bench/run.py): pdf_figures().

Call it from a script's main() (`if __name__ == "__main__"`): the pipeline's layout
processes are spawned, and a spawned process imports the script that started it.
"""

import os
import resource
import threading
import time
from pathlib import Path

from django.conf import settings

from scr import uploads
from scr.documents import pipeline
from scr.documents.models import DocumentPart
from scr.documents.registry import Document
from scr.documents.render import case_id as case_id_of
from scr.documents.render import lay_out, pdf_options, render_html

CHANGE = "<p>Changed for the benchmark: one more paragraph at the end.</p>"


def pdf_figures(document: Document) -> dict:
    """Lay `document` out through the pipeline with nothing kept (cold: the layout
    processes already started, their start timed apart), then again after adding a
    paragraph to its last part (warm), then in one pass (WeasyPrint alone, on the same
    HTML, as render_pdf lays out a short document). Seconds, pages, and the peak memory
    (resident) of this process and its children together, sampled every 20 ms, for the
    pipeline and for the single pass. Forgets the document's kept parts first (those of
    its case); the pipeline uses DOCUMENT_PDF_WORKERS and DOCUMENT_PDF_CHUNK_ROWS."""
    html = render_html(document)
    case_id = case_id_of(document)
    options = pdf_options()
    forget_parts(case_id)
    pipeline.shutdown_pool()
    # The pipeline first: a process that has laid out the whole document in one pass
    # keeps the memory it took.
    starting, started = _timed(pipeline.start_pool)
    if not started:
        raise RuntimeError("The layout processes did not start (see the log)")
    load = os.getloadavg()[0]
    workers = pipeline.pool_pids()
    before = _cpu(workers)
    with _Peak() as cold_peak:
        cold, rendered = _timed(lambda: pipeline.render(html, progress=_quiet, case_id=case_id))
    cold_cpu = _cpu(workers) - before
    if rendered is None:
        raise ValueError("This document is not laid out in parts (too short, or no marks)")
    changed = html[: html.rfind("</body>")] + CHANGE + html[html.rfind("</body>") :]
    with _Peak() as warm_peak:
        warm, again = _timed(lambda: pipeline.render(changed, progress=_quiet, case_id=case_id))
    pipeline.shutdown_pool()
    before = _cpu([])
    with _Peak() as single_peak:
        single, (pages, _) = _timed(lambda: _single_pass(html, options))
    single_cpu = _cpu([]) - before
    return {
        "single_pass_seconds": round(single, 2),
        # Processor time, this process and the layout processes: the work done, whatever
        # else the machine was running (the wall-clock seconds are not).
        "single_pass_cpu_seconds": round(single_cpu, 2),
        "single_pass_pages": pages,
        "single_pass_peak_mib": single_peak.mib,
        "pool_start_seconds": round(starting, 2),
        "pipeline_cold_seconds": round(cold, 2),
        "pipeline_cold_cpu_seconds": round(cold_cpu, 2),
        "pipeline_warm_seconds": round(warm, 2),
        "pipeline_pages": rendered.pages,
        "pipeline_parts": rendered.parts,
        "pipeline_cold_layouts": rendered.laid_out,
        "pipeline_warm_layouts": again.laid_out,
        "pipeline_peak_mib": max(cold_peak.mib, warm_peak.mib),
        "workers": settings.DOCUMENT_PDF_WORKERS,
        # The machine's load (1 minute) as the pipeline started: the pipeline wants every
        # core, so other work on the machine slows it more than the single pass.
        "load_average": round(load, 2),
        "ratio_cold": round(cold / single, 2),
        # This process's largest resident size over the whole run (the single pass's, in
        # the end), by the kernel's own accounting. Not RUSAGE_CHILDREN: a spawned child
        # counts its parent's pages between its fork and its exec.
        "max_rss_self_mib": _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024),
    }


def _quiet(step: str) -> None:
    pass


def _single_pass(html: str, options: dict) -> tuple[int, bytes]:
    laid_out = lay_out(html, options)
    return len(laid_out.pages), laid_out.write_pdf(**options)


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def forget_parts(case_id: int | None) -> None:
    """Drop the kept parts of the case's documents, rows and files: the next render of
    them is cold."""
    kept = DocumentPart.objects.filter(case_id=case_id)
    names = list(kept.values_list("file_name", flat=True))
    kept.delete()
    uploads.delete_all(names)


def _cpu(pids: list[int]) -> float:
    """Processor seconds (user and system) of this process and of `pids` so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime and stime: the 14th and 15th fields, the 12th and 13th after the name.
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _mib(size: int) -> int:
    return round(size / 2**20)


class _Peak:
    """The largest sum of the resident memory of this process and all its descendants,
    read from /proc every 20 ms while the block runs (Linux)."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> int:
        return _mib(self.peak)

    def _watch(self) -> None:
        while True:
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(os.getpid())))
            if self._stop.wait(0.02):
                return


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
