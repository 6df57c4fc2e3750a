"""The URL fetcher of every PDF: the project's own static files, and nothing else.
A document that names a local file or a network address still renders, without it."""

import io
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from pypdf import PdfReader

from scr.documents.registry import Classification, Document
from scr.documents.render import RefusedURL, StaticOnlyFetcher, render_pdf

BASE = django_settings.DOCUMENTS_STATIC_BASE


def test_serves_a_static_file_under_the_base():
    response = StaticOnlyFetcher().fetch(f"{BASE}images/favicon.svg")

    with open(finders.find("images/favicon.svg"), "rb") as handle:
        assert response.read() == handle.read()
    assert response.content_type == "image/svg+xml"


def test_serves_a_static_file_of_govuk_frontend_under_its_prefix():
    response = StaticOnlyFetcher().fetch(f"{BASE}govuk/assets/manifest.json")

    assert response.content_type == "application/json"
    assert response.read().startswith(b"{")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "/etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.png",
        "https://static.scr.invalid.example.org/images/favicon.svg",
        "data:text/plain;base64,cm9vdDp4OjA6MDo=",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_refuses_urls_outside_the_base(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "..%2f..%2f..%2fetc%2fpasswd",
        "images/../../../../etc/passwd",
        "govuk/../../../../../etc/passwd",
        "/etc/passwd",
        "..\\..\\etc\\passwd",
        "images%5c..%5c..%5cscr%5csettings.py",
        "images/favicon.svg%00.png",
        "../scr/settings.py",
        "../manage.py",
        "no-such-file.css",
        "",
        "images/",
    ],
)
def test_refuses_paths_that_are_no_static_file(path):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(f"{BASE}{path}")


HOSTILE_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>{{ document.title }}</title>
  <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
  <link rel="stylesheet" href="file:///etc/passwd">
  <link rel="attachment" href="file:///etc/passwd" title="passwd">
  <style>
    @import url(file:///etc/passwd);
    @import url("http://127.0.0.1:9/import.css");
    @font-face { font-family: Evil; src: url(file:///etc/passwd); }
    body { background: url(file:///etc/passwd); font-family: Evil, "DejaVu Sans", sans-serif; }
  </style>
</head>
<body>
  <h1>Hostile document</h1>
  <img src="file:///etc/passwd" alt="passwd">
  <img src="../../../../etc/passwd" alt="relative passwd">
  <img src="https://example.org/x.png" alt="remote">
  <object data="file:///etc/passwd" type="text/plain">passwd object</object>
  <embed src="file:///etc/passwd" type="image/svg+xml">
  <a rel="attachment" href="file:///etc/passwd">passwd link</a>
  <img src="images/favicon.svg" alt="our own favicon">
  <p>The end of the hostile document.</p>
</body>
</html>
"""


def test_document_naming_files_and_network_renders_without_them(tmp_path, fetches, opened):
    (tmp_path / "tests_documents").mkdir()
    (tmp_path / "tests_documents" / "hostile.html").write_text(HOSTILE_TEMPLATE)
    engine, *others = django_settings.TEMPLATES
    document = Document(
        template="tests_documents/hostile.html",
        title="Hostile document",
        classification=Classification.CONFIDENTIAL,
        case_reference="SCR-2026-901",
        context={"case": SimpleNamespace(board=SimpleNamespace(name="Testshire SAB"))},
    )

    with override_settings(TEMPLATES=[{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *others]):
        pdf = render_pdf(document)

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "The end of the hostile document." in text
    assert "root:" not in text
    assert b"root:" not in pdf
    assert reader.attachments == {}
    assert opened == []
    served = {url for url, outcome in fetches if outcome == "served"}
    assert served == {f"{BASE}images/favicon.svg"}
    refused = {url for url, outcome in fetches if outcome is RefusedURL}
    assert {
        "file:///etc/passwd",
        "http://127.0.0.1:9/evil.css",
        "http://127.0.0.1:9/import.css",
        "https://example.org/x.png",
    } <= refused
    assert all(outcome in ("served", RefusedURL) for _, outcome in fetches), fetches
