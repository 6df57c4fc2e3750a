"""PDFs (scr.documents.render): WeasyPrint fetches nothing but our own static files, a
PDF never carries an embedded file, user text is shown as text, and a render has a time
limit that marks the document failed."""

import time
from types import SimpleNamespace

import pytest
import weasyprint
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings

from panel import services as panel
from scr.documents import registry, render, services
from scr.documents.models import RenderedDocument
from scr.documents.registry import Classification, Document
from scr.documents.render import RefusedURL, RenderTimeout, StaticOnlyFetcher, render_pdf
from scr.documents.tasks import document_render_task
from tests.security.hostile import Listener, embedded_files, passwd_line, pdf_text

BASE = django_settings.DOCUMENTS_STATIC_BASE


def test_weasyprint_is_at_least_70():
    # 68.0, 69.0 and 70.0 each fixed a security issue in URL fetching or CSS handling.
    major, minor = (int(part) for part in weasyprint.__version__.split(".")[:2])
    assert (major, minor) >= (70, 0)


# The fetcher -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:8000/",
        "https://example.org/style.css",
        "ftp://example.org/passwd",
        "//static.scr.invalid/images/favicon.svg",
        f"{BASE}../../../etc/passwd",
        f"{BASE}images/..%2f..%2f..%2f..%2fetc/passwd",
        f"{BASE}images/%2e%2e/%2e%2e/%2e%2e/scr/settings.py",
        f"{BASE}%2fetc%2fpasswd",
        f"{BASE}images/favicon.svg%00.png",
    ],
)
def test_the_fetcher_refuses_files_networks_and_path_escapes(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_own_static_files_only_by_a_safe_join():
    response = StaticOnlyFetcher().fetch(f"{BASE}images/favicon.svg")
    assert response.read().startswith(b"<svg")
    # A path that normalises back inside the static files is still a static file.
    assert StaticOnlyFetcher().fetch(f"{BASE}images/../images/favicon.svg").read()


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.close()


def _hostile_html(port: int) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Hostile</title>
<link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="attachment" href="images/favicon.svg" title="our own file">
<style>
  @import url(http://127.0.0.1:{port}/import.css);
  @import url("file:///etc/passwd");
  @font-face {{ font-family: Evil; src: url(ftp://127.0.0.1:{port}/font.ttf); }}
  body {{ background: url(http://127.0.0.1:{port}/bg.png); }}
</style></head>
<body>
<h1>Hostile document</h1>
<img src="file:///etc/passwd" alt="passwd image">
<img src="http://127.0.0.1:{port}/pixel.png" alt="tracking pixel">
<img src="../../../../../etc/passwd" alt="relative passwd">
<iframe src="file:///etc/passwd"></iframe>
<object data="file:///etc/passwd" type="text/plain">object text</object>
<a rel="attachment" href="file:///etc/passwd">passwd link</a>
<a rel="attachment" href="images/favicon.svg">favicon link</a>
<p>The end of the hostile document.</p>
</body></html>"""


def test_raw_html_with_hostile_urls_fetches_nothing_and_embeds_nothing(
    monkeypatch, fetches, opened, listener
):
    monkeypatch.setattr(render, "render_html", lambda document: _hostile_html(listener.port))
    document = Document(
        template="unused.html",
        title="Hostile",
        classification=Classification.CONFIDENTIAL,
        case_reference="SCR-2026-990",
    )

    pdf = render_pdf(document)

    text = pdf_text(pdf)
    assert "The end of the hostile document." in text
    assert "passwd link" in text and "favicon link" in text  # links render as their text
    assert passwd_line() not in text and passwd_line().encode() not in pdf
    assert embedded_files(pdf) == []  # not even our own favicon, though it may be fetches
    assert listener.close() == []
    assert opened == []
    refused = {url for url, outcome in fetches if outcome is RefusedURL}
    assert {
        "file:///etc/passwd",
        f"http://127.0.0.1:{listener.port}/link.css",
        f"http://127.0.0.1:{listener.port}/import.css",
        f"http://127.0.0.1:{listener.port}/pixel.png",
        f"ftp://127.0.0.1:{listener.port}/font.ttf",
    } <= refused
    assert {url for url, outcome in fetches if outcome == "served"} <= {f"{BASE}images/favicon.svg"}


# User text in a real document --------------------------------------------------------


def test_hostile_terms_of_reference_are_printed_as_text(
    case, panel_chair, fetches, opened, listener
):
    terms = [
        '<img src="file:///etc/passwd">',
        f"<style>@import url(http://127.0.0.1:{listener.port}/);</style>",
        '<link rel=attachment href="file:///etc/passwd">',
        '<a rel=attachment href="images/favicon.svg">attach</a>',
        "<script>alert(1)</script> {{7*7}}",
    ]
    panel.terms_of_reference_save(case_id=case.pk, by=panel_chair, terms=terms)

    pdf = render_pdf(registry.build("terms-of-reference", case))

    text = pdf_text(pdf)
    for term in terms:
        assert " ".join(term.split()) in text  # the literal text, as typed
    assert passwd_line() not in text
    assert embedded_files(pdf) == []
    assert listener.close() == []
    assert opened == []
    # Escaped markup is text: WeasyPrint was never even asked for these.
    assert not [url for url, _ in fetches if "passwd" in url or str(listener.port) in url]


# The time limit --------------------------------------------------------------------------


def test_the_render_time_limit_is_configured_for_the_worker():
    seconds = django_settings.DOCUMENT_RENDER_SECONDS
    assert seconds > 0
    assert seconds < document_render_task.soft_time_limit < document_render_task.time_limit
    # A render the worker's hard limit killed is asked again only once it is stale.
    assert document_render_task.time_limit < services.STALE_AFTER.total_seconds()


SLOW_HTML = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Slow</title></head><body><p>Slow</p><img src="images/favicon.svg" alt=""></body></html>"""


@pytest.fixture
def slow_fetch(monkeypatch):
    """Layout that would take half a minute: fetching the one image sleeps 30 s."""

    def sleeping(self, url, headers=None):
        time.sleep(30)
        raise AssertionError("the render outlived its limit")

    monkeypatch.setattr(render, "render_html", lambda document: SLOW_HTML)
    monkeypatch.setattr(StaticOnlyFetcher, "fetch", sleeping)


def test_a_render_past_its_limit_is_stopped(settings, slow_fetch):
    settings.DOCUMENT_RENDER_SECONDS = 0.3
    document = SimpleNamespace()
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 0.3 seconds"):
        render_pdf(document)
    assert time.monotonic() - started < 5


def test_a_document_past_its_limit_is_marked_failed_with_a_clear_error(
    settings, slow_fetch, case, coordinator
):
    settings.DOCUMENT_RENDER_SECONDS = 0.3
    document = services.document_request(
        case=case, kind="case-summary", key="slow", options={}, by=coordinator
    )

    assert services.document_render(document_id=document.pk) == "failed"

    document = RenderedDocument.objects.get(pk=document.pk)
    assert document.failed and document.file_name == ""
    assert document.error.startswith("The document took longer than 0.3 seconds to lay out")


def test_the_workers_soft_limit_also_marks_the_document_failed(monkeypatch, case, coordinator):
    def over_time(built, progress):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "render_pdf", over_time)
    document = services.document_request(
        case=case, kind="case-summary", key="soft", options={}, by=coordinator
    )

    assert services.document_render(document_id=document.pk) == "failed"

    error = RenderedDocument.objects.get(pk=document.pk).error
    seconds = django_settings.DOCUMENT_RENDER_SECONDS
    assert error.startswith(f"The document took longer than {seconds} seconds")
