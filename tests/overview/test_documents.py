"""The overview report (STRICTLY CONFIDENTIAL) and the executive summary (PUBLIC) as
PDFs: rendered, their text extracted, and asserted on."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from overview import summary_services as summaries
from overview.models import ExecutiveSummary
from scr.deadlines import calendar
from scr.documents.registry import Classification, build
from scr.documents.render import render_pdf
from tests.overview.conftest import CLEAN_SUMMARY

pytestmark = pytest.mark.django_db


def pages_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(text with whitespace folded, landscape?) of each page."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (" ".join(page.extract_text().split()), page.mediabox.width > page.mediabox.height)
        for page in reader.pages
    ]


@pytest.fixture
def released(received, overview_author, panel_chair, chair) -> ExecutiveSummary:
    case_id = received.case_id
    summaries.summary_start(case_id=case_id, by=overview_author)
    summary = ExecutiveSummary.objects.get(case_id=case_id)
    summaries.summary_save(
        case_id=case_id, by=overview_author, revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case_id, by=overview_author)
    summaries.summary_panel_decide(case_id=case_id, by=panel_chair, agree=True)
    summaries.summary_approve(
        case_id=case_id, by=chair, criminal_proceedings="None.", release_date=calendar.today()
    )
    summaries.summary_release_due()
    return ExecutiveSummary.objects.get(pk=summary.pk)


def test_the_released_summary_is_public_accessible_and_names_nobody(released, tmp_path):
    case = released.case
    out = tmp_path / "summary.pdf"
    call_command("render_document", case.reference, "executive-summary", "--out", str(out))
    data = out.read_bytes()
    pages = pages_of(data)
    text = " ".join(t for t, _ in pages)
    for number, (page_text, _) in enumerate(pages, start=1):
        assert Classification.PUBLIC in page_text
        assert Classification.CONFIDENTIAL not in page_text
        assert f"Page {number} of {len(pages)}" in page_text
    for heading in (
        "1. Information about the review process",
        "2. Key issues arising from the case",
        "3. Recommendations",
    ):
        assert heading in text
    assert "A joint visit by two agencies was not followed up." in text
    for identifying in ("Hypatia", "Quenby", "HQM", "12/03/1941", "SW1", "Bertram"):
        assert identifying.lower() not in text.lower()
    # A tagged PDF a screen reader can follow: structure, language, title, headings.
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Serious Case Review {case.reference}: executive summary"
    tags = structure_tags(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P"} <= tags


def structure_tags(node, seen=None) -> set[str]:
    """The structure types (/H1, /P, /Table...) of a PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            structure_tags(child, seen)
    elif hasattr(node, "get"):
        if "/S" in node:
            seen.add(str(node["/S"]))
        if "/K" in node:
            structure_tags(node["/K"], seen)
    return seen


def test_before_release_the_summary_says_so(received, overview_author):
    summaries.summary_start(case_id=received.case_id, by=overview_author)
    pages = pages_of(render_pdf(build("executive-summary", received.case)))
    text = " ".join(t for t, _ in pages)
    assert "NOT RELEASED" in text or "not for publication" in text.lower()
    assert "PUBLIC WHEN RELEASED" in text


def test_the_overview_report_prints_13_4_with_chronology_tree_and_timeline(submitted, tmp_path):
    case = submitted.case
    out = tmp_path / "overview.pdf"
    call_command("render_document", case.reference, "overview", "--out", str(out))
    pages = pages_of(out.read_bytes())
    text = " ".join(t for t, _ in pages)
    for number, (page_text, _) in enumerate(pages, start=1):
        assert Classification.CONFIDENTIAL in page_text, f"page {number}"
        assert f"Page {number} of {len(pages)}" in page_text
    for heading in (
        "a) Introduction",
        "b) Terms of reference",
        "c) Contributors to the review",
        "d) Sources of information",
        "e) The facts, including the family tree",
        "f) Inter-agency chronology of events",
        "g) Overview of information known to the agencies",
        "h) Analysis",
        "i) Findings and conclusions",
        "j) Recommendations",
    ):
        assert heading in text
    # Sections and the returned reviews (Appendix C).
    assert "An older woman died after a fall at home." in text
    assert "The panel returned none." in text
    # The family tree, with names: the confidential report's audience reads them.
    assert "Rosalind Quenby" in text and "The adult" in text
    # The merged chronology: landscape, its header on every page of it, each agency named.
    chronology = [t for t, landscape in pages if landscape and "Event, action and outcome" in t]
    assert chronology
    assert "Testshire Police" in text and "Testshire Adult Social Care" in text
    assert "No agency contact for" in text
    # The timeline, and a finding traced to its evidence by reference.
    assert "Timeline of agency contact" in text
    finding = submitted.findings.get()
    assert f"Evidence: E{finding.entries.get().pk}" in text
    assert "The board audits joint visits." in text
    # The private worker names of the glossaries never reach the report.
    assert "Bertram Oakes" not in text and "Graham Tolley" not in text


def test_the_overview_pdf_is_made_by_the_worker_and_audited(
    client, submitted, chair, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from scr.audit.models import AuditEvent

    client.force_login(chair)
    url = reverse("overview:pdf", args=[submitted.case.reference])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    # Tasks run eagerly in tests: the page asks, the worker lays it out after commit.
    assert first.status_code == 200
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="download", object_type="overview").exists()
