"""The IMR as a PDF in Appendix C's form: rendered, its text extracted, and asserted on.
One render per test: each takes a second or more."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from imr import draft_services
from imr.entry_parsing import FuzzyDate, Precision
from imr.spreadsheet import ParsedRow
from scr.audit.models import AuditEvent
from scr.documents.registry import Classification, build
from scr.documents.render import render_pdf
from tests.imr.conftest import nominate, write_chronology

AGENCY = "Testshire NHS Trust"
CHRONOLOGY_HEADER = "Event description, action and outcome"
# From write_chronology: a worker's name kept in the private glossary.
WORKER_NAME = "Bertram Oakes"
SECTION_HEADINGS = [
    "Section 1 Introduction",
    "Section 2 Family composition",
    "Section 3 Comprehensive chronology",
    "Section 4 Analysis",
    "Section 5 What do we learn from this case?",
    "Section 6 Recommendations for action",
]


def pages_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(text with whitespace folded, landscape?) of each page."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (" ".join(page.extract_text().split()), page.mediabox.width > page.mediabox.height)
        for page in reader.pages
    ]


def texts(pages) -> list[str]:
    return [text for text, _ in pages]


def render(imr) -> list[tuple[str, bool]]:
    return pages_of(render_pdf(build("imr", imr.case, agency=imr.agency.name)))


def assert_confidential_on_every_page(pages) -> None:
    for number, text in enumerate(texts(pages), start=1):
        assert Classification.CONFIDENTIAL in text, f"no classification on page {number}"
        assert f"Page {number} of {len(pages)}" in text


@pytest.fixture
def draft(imr_a, author_a):
    """Agency A's draft: section 2 and a chronology written, nothing submitted."""
    write_chronology(imr_a, author_a)
    return imr_a


def test_a_draft_says_draft_on_every_page(draft):
    pages = render(draft)

    assert_confidential_on_every_page(pages)
    for number, text in enumerate(texts(pages), start=1):
        assert "DRAFT" in text, f"no DRAFT mark on page {number}"
    cover = pages[0][0]
    assert "Countersigned Not countersigned: DRAFT" in cover
    assert "Draft, not submitted" in cover
    assert "SW1 visited at home; HQM said she felt safe." in " ".join(texts(pages))
    assert WORKER_NAME not in " ".join(texts(pages))
    # Dates as the service shows them everywhere (issue 19): dd/mm/yyyy, never dd/mm/yy.
    assert "03/02/2025" in " ".join(texts(pages))
    assert not re.search(r"\b\d\d/\d\d/\d\d\b(?!\d)", " ".join(texts(pages)))


def test_the_countersigned_report_is_appendix_c(with_panel, director_a, tmp_path):
    out = tmp_path / "imr.pdf"

    call_command(
        "render_document",
        with_panel.case.reference,
        "imr",
        "--agency",
        AGENCY.lower(),
        "--out",
        str(out),
        stdout=io.StringIO(),
    )

    pages = pages_of(out.read_bytes())
    everything = " ".join(texts(pages))
    cover = pages[0][0]
    assert_confidential_on_every_page(pages)
    assert "DRAFT" not in everything
    # The cover: the subject by initials only, the author, the countersignature.
    assert "INDIVIDUAL MANAGEMENT REVIEW REPORT" in cover
    assert "Subject HQM" in cover
    assert "Hypatia" not in cover and "Quenby" not in cover
    assert "Ada Author-Alpha, Named Nurse for Safeguarding Adults" in cover
    assert "The author has had no operational involvement in the case." in cover
    assert f"Countersigned {director_a.full_name}, Director of Nursing, on " in cover
    assert "Version 2, submitted" in cover
    # The table of contents gives the page each section starts on.
    assert "Table of contents" in cover
    for heading in SECTION_HEADINGS:
        found = re.search(re.escape(heading) + r"[^.\d]*\.{3,} ?(\d+)", cover)
        assert found, f"{heading} is not in the table of contents"
        page = int(found.group(1))
        assert heading in pages[page - 1][0], f"{heading} is not on page {page}"
    for heading in SECTION_HEADINGS:
        assert everything.count(heading) == 2, heading  # the contents and the section
    # Section 3 and section 6; the submitted chronology's dates as every date is shown.
    assert "02/04/2025" in everything
    assert "SW1 closed the case after a review." in everything
    assert "SW1 Social worker" in everything
    assert "Closures are reviewed in supervision." in everything
    assert "1.1 Audit closures quarterly." in everything
    assert "No unsafe closures." in everything
    assert WORKER_NAME not in everything
    event = AuditEvent.objects.get(actor_label="render_document command")
    assert event.detail == "document imr"


def chronology_rows(count: int) -> list[ParsedRow]:
    start = date(2024, 1, 1)
    return [
        ParsedRow(
            row_number=number + 1,
            date=FuzzyDate(start + timedelta(days=5 * number), Precision.DAY, False),
            time=None,
            source="Case notes of the adult team",
            subject="HQM",
            event=f"Entry {number}: SW1 visited HQM at home and reviewed her care plan with her.",
            expected_practice="Visits every fortnight under the care plan.",
            term_numbers=[1],
            relevance_note="",
            explains_gap=False,
        )
        for number in range(1, count + 1)
    ]


def test_a_long_chronology_is_landscape_with_its_header_on_every_page(draft, author_a):
    draft_services.chronology_import(
        case_id=draft.case_id, agency_id=draft.agency_id, by=author_a, rows=chronology_rows(60)
    )

    pages = render(draft)

    chronology = [(text, wide) for text, wide in pages if "Entry " in text]
    assert len(chronology) > 1
    assert "Entry 1:" in chronology[0][0] and "Entry 60:" in chronology[-1][0]
    for text, landscape in chronology:
        assert landscape
        # The header row comes first on each page, before the page's first row.
        assert CHRONOLOGY_HEADER in text
        assert text.index(CHRONOLOGY_HEADER) < text.index("Entry ")
    cover, cover_landscape = pages[0]
    assert not cover_landscape
    assert "Section 4 Analysis" in cover and not pages[-1][1]


def test_an_unknown_agency_is_a_clear_error_from_the_command(imr_a, tmp_path):
    out = tmp_path / "imr.pdf"

    with pytest.raises(CommandError, match="No management review of 'Nowhere' on case"):
        call_command(
            "render_document",
            imr_a.case.reference,
            "imr",
            "--agency",
            "Nowhere",
            "--out",
            str(out),
            stdout=io.StringIO(),
        )

    assert not out.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


# The download page


@pytest.fixture
def both_nominated(draft, lead_b, author_b, agency_b):
    """Agency A's draft, and agency B with its own author."""
    nominate(draft.case, lead_b, author_b, lead_b)
    return draft


def pdf_url(imr) -> str:
    return reverse("imr:pdf", args=[imr.case.reference, imr.agency_id])


def test_the_author_downloads_the_draft(
    client, both_nominated, author_a, django_capture_on_commit_callbacks
):
    client.force_login(author_a)
    # The worker lays the PDF out; until it has, the page says so and looks again.
    waiting = client.get(pdf_url(both_nominated))
    assert waiting.status_code == 200
    assert "Waiting to start" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    from scr.documents.models import RenderedDocument
    from scr.documents.services import document_render

    document_render(document_id=RenderedDocument.objects.get().pk)

    response = client.get(pdf_url(both_nominated))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "DRAFT" in texts(pages_of(response.getvalue()))[0]
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.actor == author_a
    assert event.object_id == str(both_nominated.pk)


def test_another_agencys_author_gets_404(client, both_nominated, author_b):
    client.force_login(author_b)

    response = client.get(pdf_url(both_nominated))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        # Versions submitted before issue 19 stored dd/mm/yy and mm/yy.
        ({"date": "03/02/25", "sort_date": "2025-02-03"}, "03/02/2025"),
        ({"date": "?03/02/25", "sort_date": "1925-02-03"}, "?03/02/1925"),
        ({"date": "02/25", "sort_date": "2025-02-01"}, "02/2025"),
        ({"date": "?2019", "sort_date": "2019-01-01"}, "?2019"),
        ({"date": "03/02/2025", "sort_date": "2025-02-03"}, "03/02/2025"),
        ({"date": "odd"}, "odd"),
    ],
)
def test_a_frozen_chronology_date_is_shown_as_every_date(row, shown):
    from imr.selectors import content_sections, shown_entry_date

    assert shown_entry_date(row) == shown
    assert content_sections({"chronology": [row]})["chronology"][0]["date"] == shown


@pytest.mark.parametrize(
    ("row", "precision", "uncertain"),
    [
        ({"date": "?02/25", "sort_date": "2025-02-01"}, Precision.MONTH, True),
        ({"date": "02/2025", "sort_date": "2025-02-01"}, Precision.MONTH, False),
        ({"date": "03/02/25", "sort_date": "2025-02-03"}, Precision.DAY, False),
        ({"date": "?03/02/1925", "sort_date": "1925-02-03"}, Precision.DAY, True),
        ({"date": "2019", "sort_date": "2019-01-01"}, Precision.YEAR, False),
    ],
)
def test_the_overview_reads_frozen_rows_of_every_version(row, precision, uncertain):
    # The overview's merged chronology is built from the frozen rows (overview/services.py):
    # a month must stay a month whether it was stored as mm/yy or as mm/yyyy.
    from imr.selectors import frozen_entry_date
    from overview.services import _date_parts

    frozen = frozen_entry_date(row)
    assert (frozen.precision, frozen.uncertain) == (precision, uncertain)
    assert frozen.value == date.fromisoformat(row["sort_date"])
    assert _date_parts(row) == (frozen.value, precision, uncertain)
