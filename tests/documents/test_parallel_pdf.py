"""Long documents laid out in parts (scr.documents.pipeline): the merged PDF reads as the
single pass would, numbered 'Page X of Y' throughout, its contents and bookmarks giving
the pages the sections start on, every chronology row once and in order; kept parts are
reused; layouts keep render.py's rules; and it runs in a real worker.

The overview report of tests/overview/conftest.py, made long by a tiny threshold and a
chunk of two rows, laid out in this process (DOCUMENT_PDF_WORKERS=1) unless a test is
about the processes."""

import io
import re
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from overview import services as overview_services
from scr.documents import laid_out, parts, pipeline, registry, render
from scr.documents.models import DocumentPart, RenderedDocument
from scr.documents.render import RenderTimeout, StaticOnlyFetcher, render_html, render_pdf
from scr.documents.retention import _files, document_parts_prune
from scr.uploads import read
from tests.celery.conftest import real_worker, redis_queue, wait_for_task  # noqa: F401
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import reviews_accepted, started, written  # noqa: F401
from tests.security.hostile import embedded_files, passwd_line

SECTIONS = {
    "introduction": "a) Introduction",
    "terms": "b) Terms of reference",
    "facts": "e) The facts, including the family tree",
    "chronology": "f) Inter-agency chronology of events",
    "timeline": "Timeline of agency contact",
    "known": "g) Overview of information known to the agencies",
    "findings": "i) Findings and conclusions",
    "recommendations": "j) Recommendations",
}


@pytest.fixture
def in_parts(settings, tmp_path):
    settings.DOCUMENT_PDF_SPLIT_KB = 1
    settings.DOCUMENT_PDF_CHUNK_ROWS = 2
    settings.DOCUMENT_PDF_WORKERS = 1
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    yield settings
    pipeline.shutdown_pool()


@pytest.fixture
def report(written):  # noqa: F811
    return registry.build("overview", written.case)


def lay_out(document) -> pipeline.Rendered:
    rendered = pipeline.render(render_html(document), progress=lambda step: None, case_id=None)
    assert rendered is not None
    return rendered


def texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def single_pass(document, settings) -> bytes:
    split = settings.DOCUMENT_PDF_SPLIT_KB
    settings.DOCUMENT_PDF_SPLIT_KB = 0
    try:
        return render_pdf(document)
    finally:
        settings.DOCUMENT_PDF_SPLIT_KB = split


# The merged PDF -----------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_of_the_merged_report_says_page_x_of_y(in_parts, report):
    rendered = lay_out(report)

    pages = texts(rendered.pdf)
    assert rendered.parts > 6  # the report's own six parts, and the chronology in chunks
    assert len(pages) == rendered.pages
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, f"page {number}"
        assert "STRICTLY CONFIDENTIAL" in text
    # Exactly one page number a page: the parts were laid out without their own.
    assert sum(len(re.findall(r"Page \d+ of \d+", text)) for text in pages) == len(pages)


@pytest.mark.django_db
def test_the_contents_and_bookmarks_give_the_pages_the_sections_start_on(in_parts, report):
    pdf = lay_out(report).pdf

    reader = PdfReader(io.BytesIO(pdf))
    pages = texts(pdf)
    contents = dict(re.findall(r"((?:[a-j]\) )?[A-Z][\w ,-]+?) ?\.{3,} ?(\d+)", pages[0]))
    outline = {item.title: reader.get_destination_page_number(item) + 1 for item in _flat(reader)}
    for anchor, heading in SECTIONS.items():
        start = reader.get_destination_page_number(reader.named_destinations[anchor]) + 1
        assert int(contents[heading]) == start, heading
        assert heading in pages[start - 1]
        assert outline[heading] == start
    # Later sections start later.
    starts = [int(contents[heading]) for heading in SECTIONS.values()]
    assert starts == sorted(starts) and starts[-1] <= len(pages)


def _flat(reader) -> list:
    found, todo = [], list(reader.outline)
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            todo.extend(item)
        else:
            found.append(item)
    return found


@pytest.mark.django_db
def test_the_merged_report_has_the_single_passs_content_in_its_order(in_parts, report):
    merged = " ".join(texts(lay_out(report).pdf))
    alone = " ".join(texts(single_pass(report, in_parts)))

    def sequence(text: str) -> list[str]:
        # Section headings, chronology references and gaps, in the order read.
        return re.findall(r"\bE\d+\b|\b[a-j]\) [A-Z][a-z]+|No agency contact for", text)

    assert sequence(merged) == sequence(alone)
    assert len(re.findall(r"\bE\d+\b", merged)) >= report.context["entry_count"]
    for text in ("An older woman died after a fall at home.", "The board audits joint visits."):
        assert merged.count(text) == alone.count(text) == 1


@pytest.mark.django_db
def test_the_merged_report_stays_a_tagged_pdf_with_working_links(in_parts, report):
    reader = PdfReader(io.BytesIO(lay_out(report).pdf))

    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB" and catalog["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == report.title
    root = catalog["/StructTreeRoot"]
    document = root["/K"][0]
    assert document["/S"] == "/Document"
    nums = root["/ParentTree"]["/Nums"]
    keys = set(nums[::2])
    assert len(keys) == len(nums) // 2 == root["/ParentTreeNextKey"]
    assert {page["/StructParents"] for page in reader.pages} <= keys
    names = reader.named_destinations
    links = [
        annotation.get_object() for page in reader.pages for annotation in page.get("/Annots") or []
    ]
    # The finding's evidence, in another part than the chronology row it points at.
    assert any(link.get("/Dest", "").startswith("E") for link in links)
    assert all(link["/Dest"] in names for link in links if "/Dest" in link)
    assert all(link["/StructParent"] in keys for link in links)
    assert embedded_files(lay_out(report).pdf) == []


# Cutting the HTML -------------------------------------------------------------------------


TABLE = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>
<div class="running">Running</div>
<!--scr:part--><h1>Cover</h1>
<!--scr:part--><section class="long" id="s"><h2 id="h">Rows</h2><table class="t">
<colgroup><col style="width:50%"><col></colgroup>
<thead><tr><th>Ref</th><th>Text</th></tr></thead>
<tbody><!--scr:rows-->
{rows}
<!--scr:/rows--></tbody></table><p>After the table.</p></section>
</body></html>"""


@pytest.mark.parametrize("size", [1, 3, 7, 40])
def test_chunks_cut_a_table_between_rows_without_losing_or_repeating_one(size):
    rows = "".join(
        f'<tr id="R{n}"><td>R{n}</td><td>Row {n} &lt;tr&gt;</td></tr>\n' for n in range(30)
    )
    html = TABLE.format(rows=rows)

    whole = parts.split(html, chunk_rows=size)

    assert whole.preamble.strip() == '<div class="running">Running</div>'
    cover, *chunks = whole.bodies
    assert "<h1>Cover</h1>" in cover
    assert len(chunks) == 1 if size >= 30 else len(chunks) > 1
    found = [ref for chunk in chunks for ref in re.findall(r'<tr id="(R\d+)"', chunk)]
    assert found == [f"R{n}" for n in range(30)]
    for n, chunk in enumerate(chunks):
        # Each chunk is a whole table with its header and columns; the heading, the ids
        # of the open elements and what follows the table only once.
        assert chunk.count("<thead>") == chunk.count("<colgroup>") == 1
        assert chunk.count("<table") == chunk.count("</table>") == 1
        assert chunk.count('<section class="long"') == chunk.count("</section>") == 1
        assert ("<h2" in chunk) == (n == 0) and ('id="s"' in chunk) == (n == 0)
        assert ("After the table." in chunk) == (n == len(chunks) - 1)


def test_a_row_added_changes_only_its_own_chunk():
    rows = [f'<tr id="R{n}"><td>R{n}</td><td>Row {n}</td></tr>\n' for n in range(200)]
    before = parts.split(TABLE.format(rows="".join(rows)), chunk_rows=10).bodies
    rows.insert(100, '<tr id="new"><td>New</td><td>A row added</td></tr>\n')
    after = parts.split(TABLE.format(rows="".join(rows)), chunk_rows=10).bodies

    changed = [body for body in after if body not in before]
    assert len(changed) == 1 and "A row added" in changed[0]


def test_a_document_without_part_marks_is_not_cut():
    assert parts.split("<html><body><p>One</p></body></html>", chunk_rows=2) is None


# Kept parts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_render_lays_out_only_the_part_that_changed(in_parts, report, overview_author):
    first = lay_out(report)
    assert first.reused == 0 and first.laid_out >= first.parts
    assert DocumentPart.objects.count() == first.laid_out

    unchanged = lay_out(report)
    assert (unchanged.laid_out, unchanged.pdf) == (0, first.pdf)

    overview_services.overview_section_save(
        case_id=report.context["case"].pk,
        by=overview_author,
        key="analysis",
        text="Information was not shared after the February visit, nor in March.",
        revision=None,
    )
    changed = lay_out(registry.build("overview", report.context["case"]))

    assert changed.laid_out == 1 and changed.reused == first.parts + 1
    assert changed.pages == first.pages
    assert "nor in March." in " ".join(texts(changed.pdf))


@pytest.mark.django_db
def test_a_kept_part_that_is_gone_is_laid_out_again(in_parts, report):
    first = lay_out(report)
    gone = DocumentPart.objects.order_by("pk").first()
    kept = laid_out.Part.decode(read(gone.file_name))
    (in_parts.PRIVATE_FILES_ROOT / gone.file_name).unlink()

    again = lay_out(report)

    assert again.laid_out == 1
    # The part laid out again is the part it was, object for object (a difference here
    # is WeasyPrint's layout or PDF objects; one only in the merged bytes is the merge's).
    made = laid_out.Part.decode(read(DocumentPart.objects.get(key=gone.key).file_name))
    assert _differences(kept, made) == []
    assert again.pdf == first.pdf


def _differences(a: laid_out.Part, b: laid_out.Part) -> list[str]:
    """What differs between two laid-out parts, named so that a failure says where."""
    found = [f"meta {key}" for key in sorted(a.meta) if a.meta[key] != b.meta.get(key)]
    if len(a.objects) != len(b.objects):
        found.append(f"{len(a.objects)} objects, then {len(b.objects)}")
    pairs = zip(a.objects, b.objects, strict=False)
    for (number, head, data), (_, other_head, other_data) in pairs:
        if (head, data) != (other_head, other_data):
            sizes = f"{len(data or b'')} then {len(other_data or b'')} bytes of stream"
            found.append(f"object {number} {head[:80]!r} ({sizes})")
    return found


@pytest.mark.django_db
def test_kept_parts_go_with_their_case_and_when_unused(
    in_parts, report, django_capture_on_commit_callbacks
):
    case = report.context["case"]
    rendered = pipeline.render(render_html(report), progress=lambda step: None, case_id=case.pk)
    kept = list(DocumentPart.objects.filter(case=case).values_list("file_name", flat=True))
    assert len(kept) == rendered.laid_out
    # scr.cases.retention removes these files with the case's.
    assert set(kept) <= set(_files(case))

    DocumentPart.objects.update(used_at=timezone.now() - timedelta(days=31))
    fresh = DocumentPart.objects.order_by("pk").first()
    DocumentPart.objects.filter(pk=fresh.pk).update(used_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert document_parts_prune() == len(kept) - 1

    assert list(DocumentPart.objects.values_list("pk", flat=True)) == [fresh.pk]
    left = {path.name for path in in_parts.PRIVATE_FILES_ROOT.iterdir()}
    assert left == {fresh.file_name}


@pytest.mark.django_db
def test_a_short_document_keeps_the_single_pass(settings, report, monkeypatch, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"

    def not_in_parts(*args, **kwargs):
        raise AssertionError("a short document was cut into parts")

    monkeypatch.setattr(pipeline, "render", not_in_parts)

    pages = texts(render_pdf(report))

    assert f"Page 1 of {len(pages)}" in pages[0]
    assert not DocumentPart.objects.exists()


@pytest.mark.django_db
def test_the_benchmark_gives_its_figures(in_parts, report):
    from scr.documents.bench import pdf_figures

    figures = pdf_figures(report)

    assert figures["pipeline_parts"] > 6 and figures["pipeline_warm_layouts"] == 1
    assert figures["pipeline_pages"] >= figures["single_pass_pages"] > 1
    assert 0 < figures["pipeline_warm_seconds"] < figures["pipeline_cold_seconds"]
    assert figures["single_pass_peak_mib"] > 0 and figures["pipeline_peak_mib"] > 0


# render.py's rules hold for each part ---------------------------------------------------

HOSTILE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>H</title>
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<style>@import url("file:///etc/passwd"); @page {{ @bottom-center {{ content: "Page "
counter(page) " of " counter(pages) }} }}</style></head><body>
<!--scr:part--><p>First part.</p><img src="file:///etc/passwd" alt="passwd">
<!--scr:part--><p style="break-before: page">Second part.</p>
<a rel="attachment" href="images/favicon.svg">favicon link</a>{extra}
<p style="font-size: 4pt">{filler}</p>
</body></html>""".replace("{filler}", "Long enough to be laid out in parts. " * 30)


@pytest.mark.django_db
def test_parts_fetch_only_static_files_and_embed_nothing(in_parts, monkeypatch, fetches, opened):
    monkeypatch.setattr(render, "render_html", lambda document: HOSTILE.format(extra=""))

    pdf = render_pdf(None)

    pages = texts(pdf)
    assert "First part." in pages[0] and "Second part. favicon link" in pages[1]
    assert [("Page 1 of 2" in pages[0]), ("Page 2 of 2" in pages[1])] == [True, True]
    assert passwd_line() not in " ".join(pages) and passwd_line().encode() not in pdf
    assert embedded_files(pdf) == []
    assert opened == []
    assert {url for url, outcome in fetches if outcome == "served"} <= {
        "https://static.scr.invalid/images/favicon.svg"
    }
    assert "file:///etc/passwd" in {url for url, _ in fetches}


@pytest.mark.django_db
def test_a_part_past_the_time_limit_stops_the_render(in_parts, monkeypatch):
    in_parts.DOCUMENT_RENDER_SECONDS = 0.3
    slow = HOSTILE.format(extra='<img src="images/favicon.svg" alt="">')
    monkeypatch.setattr(render, "render_html", lambda document: slow)

    def sleeping(self, url, headers=None):
        time.sleep(30)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", sleeping)
    began = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 0.3 seconds"):
        render_pdf(None)
    assert time.monotonic() - began < 5


def test_a_timeout_in_a_layout_process_comes_back_as_itself():
    import pickle

    # As the pool sends it back from a layout process: bytes of our own making.
    error = pickle.loads(pickle.dumps(RenderTimeout(600)))  # noqa: S301

    assert isinstance(error, RenderTimeout) and error.seconds == 600
    assert str(error).startswith("The document took longer than 600 seconds")


# The processes -----------------------------------------------------------------------


def test_a_daemonic_worker_process_can_start_the_layout_processes():
    """A Celery prefork worker's processes are daemons, as this one is."""
    import billiard

    html = HOSTILE.format(extra="<p>Number NUMBER.</p>")
    with billiard.get_context("spawn").Pool(1) as outer:
        from tests.documents.daemon_layout import lay_out_from_a_daemon

        result = outer.apply(lay_out_from_a_daemon, (html,))

    assert result["daemon"] is True
    assert len(result["workers"]) == 2 and result["pid"] not in result["workers"]
    assert result["pages"] == [2, 2, 2]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_lays_the_report_out_in_parallel_with_progress(
    in_parts,
    written,  # noqa: F811
    chair,
    real_worker,  # noqa: F811
    wait_for_task,  # noqa: F811
    monkeypatch,
):
    from scr.documents.services import document_request
    from scr.documents.tasks import document_render_task

    in_parts.DOCUMENT_PDF_WORKERS = 2
    steps, threads = [], set()
    render_in_parts = pipeline.render

    def recording(html, *, progress, case_id=None):
        def report(step):
            steps.append(step)
            progress(step)

        threads.add(threading.current_thread().name)
        return render_in_parts(html, progress=report, case_id=case_id)

    monkeypatch.setattr(pipeline, "render", recording)

    document = document_request(case=written.case, kind="overview", key="k", options={}, by=chair)
    name, state, thread, eager = wait_for_task(document_render_task.name, timeout=120)

    assert state == "SUCCESS" and not eager and threads == {thread}
    document = RenderedDocument.objects.get(pk=document.pk)
    assert document.ready and document.progress == ""
    assert len(pipeline.pool_pids()) == 2
    pages = texts(read(document.file_name))
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    laying = [step for step in steps if step.startswith("Laying out part")]
    assert laying[0] == f"Laying out part 1 of {laying[0].split()[-1]}" and len(laying) > 6
    assert steps[-1].startswith("Putting the ") and steps[-1].endswith(f"{len(pages)} pages")
    assert DocumentPart.objects.filter(case=written.case).exists()
