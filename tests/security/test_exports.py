"""CSV and XLSX downloads never carry a formula (CSV injection): every cell that starts
with = + - @ a tab or a carriage return (after leading spaces too) gets an apostrophe,
and every XLSX read back holds no formula cell. Each export endpoint of the project,
with hostile text put in through the services."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from imr import draft_services
from imr.entry_parsing import parse_date
from scr.exports import FORMULA_STARTS, formula_like, safe_cell
from tests.imr.conftest import asked, commissioned, dates, imr_a  # noqa: F401
from tests.overview.conftest import reviews_accepted, started  # noqa: F401
from tests.security.hostile import (  # noqa: F401
    FORMULA_PAYLOADS,
    HYPERLINK,
    hostile_plans,
    hostile_started,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Every export of the project: the URL name and the format(s) it is asked for with.
EXPORTS = {
    "imr:chronology-export",
    "overview:chronology-export",
    "actionplans:monitoring-export",
    "deadlines:compliance",  # ?format=csv|xlsx
    "admin:audit_auditevent_export",  # CSV only
}


def test_safe_cell_neutralises_the_owasp_starts_and_leading_spaces():
    for start in FORMULA_STARTS:
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    for text in FORMULA_PAYLOADS:
        assert safe_cell(text) == "'" + text
    assert safe_cell(" \n =1+1") == "' \n =1+1"
    # Ordinary text, numbers and dates are left as they are.
    assert safe_cell("Visited at home") == "Visited at home"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) is None


def _cells_csv(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _cells_xlsx(response) -> list:
    """Every cell of every sheet, after checking that none holds a formula."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content), data_only=False)
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                cells.append(cell.value)
    return cells


def _assert_no_live_formula(cells) -> None:
    for value in cells:
        if isinstance(value, str) and formula_like(value):
            raise AssertionError(f"a cell a spreadsheet would run: {value!r}")


def _export(client, name: str, args: list, fmt: str):
    if name == "deadlines:compliance":
        return client.get(reverse(name), {"format": fmt})
    return client.get(reverse(name, args=[*args, fmt]))


def test_every_export_endpoint_is_covered_here():
    """A new export must be added to EXPORTS (and to a test below)."""
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = getattr(pattern, "namespace", None)
                walk(pattern.url_patterns, prefix + (f"{namespace}:" if namespace else ""))
            elif pattern.name and "export" in pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    assert names == EXPORTS - {"deadlines:compliance"}
    writers = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "bench" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if any(call in text for call in ("csv_response(", "xlsx_response(", "write_rows_")):
            writers.add(str(path.relative_to(ROOT)))
    assert writers == {
        "scr/exports.py",
        "imr/spreadsheet.py",
        "imr/chronology_views.py",
        "overview/chronology_views.py",
        "actionplans/monitoring_views.py",
        "scr/deadlines/views.py",
        "scr/audit/admin.py",
    }


def test_the_imr_chronology_export_holds_no_formula(client, imr_a, author_a):  # noqa: F811
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    for number, text in enumerate(FORMULA_PAYLOADS, start=1):
        draft_services.chronology_entry_save(
            **key,
            values=draft_services.EntryValues(
                date=parse_date(f"{number:02d}/02/25"),
                time=None,
                source=text,
                subject="HQM",
                event=f"{text} event",
                expected_practice=text,
                term_numbers=[1],
                relevance_note=text,
            ),
        )
    client.force_login(author_a)
    args = [imr_a.case.reference, imr_a.agency_id]

    cells = _cells_xlsx(_export(client, "imr:chronology-export", args, "xlsx"))
    _assert_no_live_formula(cells)
    assert "'" + HYPERLINK in cells
    cells = _cells_csv(_export(client, "imr:chronology-export", args, "csv"))
    _assert_no_live_formula(cells)
    assert f"'{HYPERLINK} event" in cells


def test_the_deadline_compliance_export_holds_no_formula(client, case, coordinator):
    client.force_login(coordinator)
    _assert_no_live_formula(_cells_xlsx(_export(client, "deadlines:compliance", [], "xlsx")))
    _assert_no_live_formula(_cells_csv(_export(client, "deadlines:compliance", [], "csv")))


def test_the_audit_trail_export_holds_no_formula(client, case, coordinator):
    from scr.audit.services import Action, audit_record

    audit_record(action=Action.CHANGE, actor=coordinator, obj=case, detail=HYPERLINK)
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)

    cells = _cells_csv(client.get(reverse("admin:audit_auditevent_export")))
    _assert_no_live_formula(cells)
    assert "'" + HYPERLINK in cells


def test_the_overview_chronology_and_monitoring_exports_hold_no_formula(
    hostile_plans,  # noqa: F811
    client,
    overview_author,
    coordinator,
):
    reference = next(iter(hostile_plans.values())).case.reference
    client.force_login(overview_author)
    for fmt, read in (("xlsx", _cells_xlsx), ("csv", _cells_csv)):
        cells = read(_export(client, "overview:chronology-export", [reference], fmt))
        _assert_no_live_formula(cells)
        assert f"'{HYPERLINK} SW1 visited at home with GP1." in cells

    client.force_login(coordinator)
    for fmt, read in (("xlsx", _cells_xlsx), ("csv", _cells_csv)):
        cells = read(_export(client, "actionplans:monitoring-export", [], fmt))
        _assert_no_live_formula(cells)
        assert any(isinstance(c, str) and c.startswith("'" + HYPERLINK) for c in cells)
