"""The case summary PDF: what it shows and hides, its tagging and metadata, and who
may download it. Every document shares documents/base.html, so the page furniture
(classification, 'Page X of Y', repeated table headers) is tested here once."""

import io
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from scr.audit.models import AuditEvent
from scr.documents.registry import Classification, Document
from scr.documents.render import render_pdf

SUBJECT_NAME = "Hypatia Quenby-Marsh"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, with runs of whitespace folded to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def assert_case_summary_text(text: str, case) -> None:
    assert Classification.CONFIDENTIAL in text
    assert case.reference in text
    assert "Page 1 of" in text
    assert "Panel convened" in text
    assert f"Case summary {case.reference}" in text
    # Only the subject's initials leave the service.
    assert "HQM" in text
    assert SUBJECT_NAME not in text
    assert "Hypatia" not in text
    assert "Quenby" not in text


def render_document(reference: str, kind: str, out) -> None:
    call_command("render_document", reference, kind, "--out", str(out), stdout=io.StringIO())


@pytest.fixture
def document_url(case):
    return reverse("cases:case-document", args=[case.reference, "case-summary"])


# The command


def test_render_document_command_writes_the_case_summary(case, tmp_path):
    out = tmp_path / "summary.pdf"

    render_document(case.reference, "case-summary", out)

    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert_case_summary_text(pdf_text(pdf), case)


def test_render_document_command_records_the_download(case, tmp_path):
    render_document(case.reference.lower(), "case-summary", tmp_path / "summary.pdf")

    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.object_id == str(case.pk)
    assert event.actor is None
    assert event.actor_label == "render_document command"


def test_render_document_command_refuses_unknown_reference(case, tmp_path):
    out = tmp_path / "summary.pdf"

    with pytest.raises(CommandError, match="No case with reference SCR-1999-999"):
        render_document("SCR-1999-999", "case-summary", out)

    assert not out.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_render_document_command_refuses_unknown_kind(case, tmp_path):
    out = tmp_path / "summary.pdf"

    with pytest.raises(CommandError, match="Unknown document kind 'no-such-kind'"):
        render_document(case.reference, "no-such-kind", out)

    assert not out.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


# Tagging and metadata (PDF/UA-1)


def test_case_summary_is_a_tagged_pdf_with_title_and_language(case, tmp_path):
    out = tmp_path / "summary.pdf"
    render_document(case.reference, "case-summary", out)

    reader = PdfReader(out)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    titles = set()
    if reader.metadata and reader.metadata.title:
        titles.add(reader.metadata.title)
    if reader.xmp_metadata and reader.xmp_metadata.dc_title:
        titles.update(reader.xmp_metadata.dc_title.values())
    assert titles == {f"Case summary {case.reference}"}


# Page furniture: the long table


LONG_TABLE_TEMPLATE = """{% extends "documents/base.html" %}
{% block body %}
<h1>{{ document.title }}</h1>
<table>
  <thead><tr><th scope="col">Heading Number</th><th scope="col">Heading Entry</th></tr></thead>
  <tbody>
  {% for row in rows %}<tr><td>{{ row }}</td><td>Entry number {{ row }} of the long table</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endblock %}
"""


@pytest.fixture(scope="module")
def long_table_pages(tmp_path_factory) -> list[str]:
    """The pages of a 300-row table, rendered once from a template of the test's own."""
    directory = tmp_path_factory.mktemp("templates")
    (directory / "tests_documents").mkdir()
    (directory / "tests_documents" / "long_table.html").write_text(LONG_TABLE_TEMPLATE)
    engine, *others = django_settings.TEMPLATES
    templates = [{**engine, "DIRS": [directory, *engine["DIRS"]]}, *others]
    document = Document(
        template="tests_documents/long_table.html",
        title="Long table",
        classification=Classification.CONFIDENTIAL,
        case_reference="SCR-2026-900",
        # documents/base.html names the case's board in its metadata.
        context={
            "rows": range(1, 301),
            "case": SimpleNamespace(board=SimpleNamespace(name="Testshire SAB")),
        },
    )
    with override_settings(TEMPLATES=templates):
        return pdf_pages(render_pdf(document))


def test_long_table_repeats_its_header_row_on_every_page(long_table_pages):
    pages = long_table_pages
    total = len(pages)

    assert total >= 3
    assert "Entry number 300 of the long table" in pages[-1]
    for number, text in enumerate(pages, start=1):
        assert "Heading Number Heading Entry" in text, f"no header row on page {number}"
        assert f"Page {number} of {total}" in text
        assert Classification.CONFIDENTIAL in text
    # Page 2 starts with the repeated <thead>, not with a row that happens to match.
    assert pages[1].index("Heading Number") < pages[1].index("Entry number")
    assert "Entry number 1 of" not in pages[1]


def test_running_header_carries_the_reference_and_version_on_every_page(long_table_pages):
    for number, text in enumerate(long_table_pages, start=1):
        assert "SCR-2026-900 · version 1" in text, f"no reference in the header of page {number}"


# The download view


def test_coordinator_downloads_the_case_summary(client, coordinator, case, document_url):
    client.force_login(coordinator)

    response = client.get(document_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-case-summary.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert_case_summary_text(pdf_text(response.getvalue()), case)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.actor == coordinator
    assert event.object_id == str(case.pk)
    assert event.detail == "document case-summary"


def test_signed_out_visitor_is_sent_to_sign_in(client, case, document_url):
    response = client.get(document_url)

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_person_who_cannot_see_the_case_gets_404(client, case, document_url, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(document_url)

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("persona", ["referrer", "board_member"])
def test_person_who_sees_only_the_stage_gets_403(client, case, document_url, persona, request):
    # They may see the case's stage (view_status) but not its content (view_case):
    # 'can see but cannot act' is 403 (STYLE.md 6).
    client.force_login(request.getfixturevalue(persona))

    response = client.get(document_url)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_unknown_document_kind_gets_404(client, coordinator, case):
    client.force_login(coordinator)

    response = client.get(reverse("cases:case-document", args=[case.reference, "no-such-kind"]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_unknown_case_gets_404(client, coordinator, case):
    client.force_login(coordinator)

    response = client.get(reverse("cases:case-document", args=["SCR-1999-999", "case-summary"]))

    assert response.status_code == 404
