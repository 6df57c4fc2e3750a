"""The only code that calls WeasyPrint, through its public API (what the long-document
pipeline needs of its internals is in engine.py, on the versions it is tested on).

Every PDF is A4, carries its classification, the case reference and the document
version in a running header, numbers its pages 'Page X of Y', repeats table header
rows on each page, and is a tagged PDF/UA-1 file with its title and language (en-GB)
in its metadata. The URL fetcher serves the project's own static files and refuses
everything else: no file paths, no network. A PDF never carries attached files, and a
render that takes longer than DOCUMENT_RENDER_SECONDS is stopped.

A long document (DOCUMENT_PDF_SPLIT_KB) whose template marks its parts is laid out part by
part in parallel and the parts kept for the next render (scr.documents.pipeline); every
layout, in one pass or in parts, goes through lay_out() here. On a WeasyPrint, pydyf or
billiard that engine.py does not know, long documents too are laid out in one pass.
"""

import logging
import mimetypes
import os
import posixpath
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import DEFAULT_OPTIONS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from scr.documents import engine, parts
from scr.documents.registry import Document

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A document asked for something other than one of the project's static files."""


class _Expired(BaseException):
    """Raised by the alarm inside a render: a BaseException, so that no `except
    Exception` in WeasyPrint (its resource loading catches and logs) can swallow it.
    time_limit turns it into RenderTimeout before it leaves the render."""


class RenderTimeout(RuntimeError):
    """A document took longer than DOCUMENT_RENDER_SECONDS to lay out and was stopped."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(
            f"The document took longer than {seconds:g} seconds to lay out and was stopped. "
            "It may be too long for one PDF: try a shorter selection, or ask the service "
            "desk to look at it."
        )

    def __reduce__(self):
        # Raised in a layout process too (scr.documents.pipeline): pickled by its seconds.
        return (type(self), (self.seconds,))


class StaticOnlyFetcher(URLFetcher):
    """Serves URLs under DOCUMENTS_STATIC_BASE from the static files; refuses all others."""

    def fetch(self, url, headers=None):
        base = settings.DOCUMENTS_STATIC_BASE
        if not url.startswith(base):
            raise RefusedURL(f"Refused URL in a document: {url[:80]}")
        path = unquote(urlsplit(url).path)
        relative = posixpath.normpath(path).lstrip("/")
        if relative.startswith("..") or "\\" in relative or "\x00" in relative:
            raise RefusedURL(f"Refused path in a document: {url[:80]}")
        found = finders.find(relative)
        # A directory (the base itself, 'images/') is found too, but is no static file.
        if not found or not os.path.isfile(found):
            raise RefusedURL(f"No static file for a document: {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        with open(found, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_html(document: Document) -> str:
    context = {
        **document.context,
        "document": document,
        "static_base": settings.DOCUMENTS_STATIC_BASE,
    }
    return render_to_string(document.template, context)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in the block once `seconds` have passed.

    A SIGALRM timer, so only in a process's main thread: a Celery prefork or solo worker,
    gunicorn's sync worker, the tests. Elsewhere (a threaded development server) the
    block runs unlimited; the Celery task's own soft and hard limits still stand behind
    it. The alarm repeats every quarter second after the first, in case one lands where
    nothing can raise (a finalizer); and a block that ends after all of them still
    raises."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        # Someone else's alarm is set (an outer render, a debugger): leave it alone.
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return
    started = time.monotonic()

    def expire(signum, frame):
        raise _Expired

    def disarm():
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        try:
            yield
        finally:
            disarm()
    except _Expired:
        # Again, in case the alarm went off inside the first disarm; the next one is a
        # quarter of a second away.
        disarm()
        raise RenderTimeout(seconds) from None
    if time.monotonic() - started > seconds:
        raise RenderTimeout(seconds)


def _without_attachments(laid_out) -> None:
    """No file is ever embedded in a PDF: <link rel=attachment> and <a rel=attachment>
    would otherwise attach whatever the fetcher serves."""
    laid_out.metadata.attachments = []
    for page in laid_out.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def pdf_options(*, tagged: bool = True) -> dict:
    """WeasyPrint's options for every document: PDF/UA-1 and no attachments; `tagged=False`
    for the page numbers the pipeline stamps (an artifact, not content). Complete, as
    write_pdf would make them, for the pipeline's own writing of the PDF."""
    options = {
        **DEFAULT_OPTIONS,
        "pdf_variant": "pdf/ua-1" if tagged else None,
        "uncompressed_pdf": False,
        "attachments": [],
    }
    for key, value in engine.variant_options(options["pdf_variant"]).items():
        if options.get(key) is None:
            options[key] = value
    return options


def lay_out(html: str, options: dict):
    """WeasyPrint's layout of `html` (a weasyprint Document), fetching only our static
    files, with no attached file."""
    laid_out = HTML(
        string=html,
        base_url=settings.DOCUMENTS_STATIC_BASE,
        url_fetcher=StaticOnlyFetcher(),
    ).render(**options)
    _without_attachments(laid_out)
    return laid_out


def case_id(document) -> int | None:
    """The id of the case a built document is of, if any (its parts are kept under it)."""
    case = getattr(document, "context", {}).get("case")
    return getattr(case, "pk", None)


def render_pdf(document: Document, progress: Callable[[str], None] | None = None) -> bytes:
    """The PDF of `document`. `progress(step)` hears of each step (the layout is the long
    one), so the page that asked can say how far the worker has got. Raises
    RenderTimeout after DOCUMENT_RENDER_SECONDS."""
    report = progress or (lambda step: None)
    options = pdf_options()
    with time_limit(settings.DOCUMENT_RENDER_SECONDS):
        html = render_html(document)
        if parts.long_enough(html):
            if engine.parallel_ready():
                # Imported here: the pipeline's modules use the internals engine.py checked.
                from scr.documents import pipeline

                rendered = pipeline.render(html, progress=report, case_id=case_id(document))
                if rendered is not None:
                    return rendered.pdf
            else:
                log.info("A long PDF laid out in one pass: the pipeline is %s", engine.unknown())
        report("Laying out the pages")
        laid_out = lay_out(html, options)
        report(f"Writing the PDF of {len(laid_out.pages)} pages")
        return laid_out.write_pdf(**options)
