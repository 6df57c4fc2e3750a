"""The only code that calls WeasyPrint.

Every PDF is A4, carries its classification, the case reference and the document
version in a running header, numbers its pages 'Page X of Y', repeats table header
rows on each page, and is a tagged PDF/UA-1 file with its title and language (en-GB)
in its metadata. The URL fetcher serves the project's own static files and refuses
everything else: no file paths, no network.
"""

import mimetypes
import os
import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import DEFAULT_OPTIONS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from scr.documents.registry import Document


class RefusedURL(ValueError):
    """A document asked for something other than one of the project's static files."""


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


def render_pdf(document: Document, progress: Callable[[str], None] | None = None) -> bytes:
    """The PDF of `document`. `progress(step)` hears of each step (the layout is the long
    one), so the page that asked can say how far the worker has got."""
    report = progress or (lambda step: None)
    html = render_html(document)
    options = {**DEFAULT_OPTIONS, "pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
    report("Laying out the pages")
    laid_out = HTML(
        string=html,
        base_url=settings.DOCUMENTS_STATIC_BASE,
        url_fetcher=StaticOnlyFetcher(),
    ).render(**options)
    report(f"Writing the PDF of {len(laid_out.pages)} pages")
    return laid_out.write_pdf(**options)
