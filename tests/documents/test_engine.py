"""The PDF pipeline fenced (scr/documents/engine.py): only the engine reaches inside
WeasyPrint, pydyf and billiard, and on a version it is not tested on a long document is
laid out in one pass, saying so in the log."""

import ast
import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from scr.documents import engine, pipeline, registry
from scr.documents.render import render_pdf
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import reviews_accepted, started, written  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ["scr", "referrals", "panel", "imr", "overview", "actionplans", "bench"]
ENGINE = ROOT / "scr" / "documents" / "engine.py"
# WeasyPrint's public API, which any module may use.
PUBLIC = {"weasyprint", "weasyprint.urls"}
FENCED = ("weasyprint", "pydyf", "billiard")


def _reaches_inside(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            # A private attribute of anything but our own objects: `pool._pool`,
            # `page._page_box`, `pydyf._to_bytes`.
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own and not node.attr.startswith("__"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            continue
        else:
            continue
        for module in modules:
            if module.partition(".")[0] in FENCED and module not in PUBLIC:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


def test_only_the_engine_reaches_inside_weasyprint_pydyf_and_billiard():
    # In the PDF code, no private attribute of anything but our own objects either
    # (elsewhere Django's `_meta` is everyday use).
    pdf_code = sorted((ROOT / "scr" / "documents").rglob("*.py"))
    assert [hit for path in pdf_code if path != ENGINE for hit in _reaches_inside(path)] == []
    imports = [
        hit
        for folder in SOURCE
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ENGINE
        for hit in _reaches_inside(path)
        if " ." not in hit
    ]
    assert imports == []


def test_the_versions_installed_here_are_the_tested_ones():
    # The suite runs on the pinned versions: if this fails, pyproject.toml and
    # engine.TESTED disagree, and every long document below would take the one pass.
    assert engine.unknown() == ""
    assert engine.parallel_ready()


@pytest.fixture
def newer_weasyprint(monkeypatch):
    versions = {**engine.installed(), "weasyprint": "99.1"}
    monkeypatch.setattr(engine, "installed", lambda: versions)


def test_an_unknown_version_is_named_at_start_up(newer_weasyprint, caplog):
    with caplog.at_level(logging.WARNING, logger="scr.documents.engine"):
        assert engine.check() is False
    assert "laid out in one pass" in caplog.text
    assert "not tested on weasyprint 99.1" in caplog.text
    assert engine.variant_options("pdf/ua-1") == {}


def test_a_missing_internal_turns_the_pipeline_off(monkeypatch):
    monkeypatch.setattr(engine, "_missing", "ImportError: cannot import name 'generate_pdf'")
    assert not engine.parallel_ready()
    assert "generate_pdf" in engine.unknown()


@pytest.mark.django_db
def test_a_long_document_on_an_unknown_version_is_laid_out_in_one_pass(
    settings,
    tmp_path,
    written,  # noqa: F811
    newer_weasyprint,
    monkeypatch,
    caplog,
):
    settings.DOCUMENT_PDF_SPLIT_KB = 1
    settings.DOCUMENT_PDF_CHUNK_ROWS = 2
    settings.DOCUMENT_PDF_WORKERS = 1
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"

    def no_parts(*args, **kwargs):
        raise AssertionError("the pipeline ran on a version it is not tested on")

    monkeypatch.setattr(pipeline, "render", no_parts)
    with caplog.at_level(logging.INFO, logger="scr.documents.render"):
        pdf = render_pdf(registry.build("overview", written.case))

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1 and all(f"of {len(pages)}" in text for text in pages)
    assert "A long PDF laid out in one pass" in caplog.text
    assert "weasyprint 99.1" in caplog.text


@pytest.mark.django_db
def test_a_long_document_renders_on_the_versions_installed_here(
    settings,
    tmp_path,
    written,  # noqa: F811
    caplog,
):
    # Under `make pdf-newest` (the newest WeasyPrint, not yet in engine.TESTED) this is
    # the one-pass fallback for real; on the pinned versions, the pipeline in parts.
    settings.DOCUMENT_PDF_SPLIT_KB = 1
    settings.DOCUMENT_PDF_CHUNK_ROWS = 2
    settings.DOCUMENT_PDF_WORKERS = 1
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    with caplog.at_level(logging.INFO, logger="scr.documents.render"):
        pdf = render_pdf(registry.build("overview", written.case))

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in " ".join(text.split())
    fell_back = "A long PDF laid out in one pass" in caplog.text
    assert fell_back == (not engine.parallel_ready())
