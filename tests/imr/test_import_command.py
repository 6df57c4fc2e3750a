"""python manage.py import_chronology: an operator imports an author's spreadsheet into
the chronology, as the web import does (all or nothing, row numbers as the file shows)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from imr.models import ChronologyEntry, ImrRevision
from imr.spreadsheet import COLUMNS
from scr.audit.models import AuditEvent

AGENCY = "Testshire NHS Trust"
HEADER = [header for header, _ in COLUMNS]
GOOD = [
    ["03/02/25", "14:30", "GP records", "HQM", "SW1 visited at home.", "Visit weekly", "1", ""],
    ["?02/2025", "", "Case notes", "HQM", "Call about a fall.", "", "Terms 1 and 2: falls", ""],
    ["17/04/25", "9am", "Case notes", "HQM", "No contact: the team was waiting.", "", "", "yes"],
]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def run(*args):
    """(stdout, stderr) of the command; CommandError propagates."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_chronology", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args, match=None):
    """The CommandError and what the command wrote to stderr before it."""
    err = io.StringIO()
    with pytest.raises(CommandError, match=match) as error:
        call_command("import_chronology", *[str(a) for a in args], stdout=io.StringIO(), stderr=err)
    # manage.py exits with this status.
    assert error.value.returncode == 1
    return error.value, err.getvalue()


def imported_events(imr):
    return list(imr.entries.order_by("date", "time", "position").values_list("event", flat=True))


def assert_nothing_imported(imr):
    assert not ChronologyEntry.objects.filter(imr=imr).exists()
    assert not ImrRevision.objects.filter(imr=imr, action=ImrRevision.Action.IMPORTED).exists()
    assert not AuditEvent.objects.filter(actor_label="import_chronology command").exists()


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_good_file_is_imported_as_the_author(imr_a, author_a, tmp_path, write):
    path = write(tmp_path / f"chronology.{write.__name__[6:]}", [HEADER, *GOOD])

    out, err = run(imr_a.case.reference, AGENCY, path)

    assert (
        out.strip()
        == f"Imported 3 entries into the chronology of {AGENCY} on {imr_a.case.reference}"
    )
    assert err == ""
    assert imported_events(imr_a) == [
        "Call about a fall.",
        "SW1 visited at home.",
        "No contact: the team was waiting.",
    ]
    first = imr_a.entries.get(source="GP records")
    assert first.term_numbers == [1]
    assert first.updated_by == author_a
    assert imr_a.entries.get(event__startswith="Call").term_numbers == [1, 2]
    assert imr_a.entries.get(event__startswith="No contact").explains_gap is True
    revision = ImrRevision.objects.get(imr=imr_a, action=ImrRevision.Action.IMPORTED)
    assert revision.by == author_a
    assert revision.data == {"rows": 3}
    event = AuditEvent.objects.get(actor_label="import_chronology command")
    assert event.action == AuditEvent.Action.CHANGE
    assert event.actor is None
    assert event.object_id == str(imr_a.pk)
    assert event.detail == f"chronology import of 3 entries as {author_a.email}"


def test_reference_and_agency_are_matched_whatever_their_case(imr_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    out, _ = run(imr_a.case.reference.lower(), AGENCY.upper(), path)

    assert out.startswith("Imported 3 entries")
    assert imr_a.entries.count() == 3


def test_as_another_user_who_is_not_the_author_is_refused(imr_a, lead_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    run_failing(
        imr_a.case.reference,
        AGENCY,
        path,
        "--as",
        lead_a.email,
        match=f"{lead_a.email} is not the author",
    )

    assert_nothing_imported(imr_a)


def test_as_the_author_by_email_imports(imr_a, author_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    out, _ = run(imr_a.case.reference, AGENCY, path, "--as", author_a.email.upper())

    assert out.startswith("Imported 3 entries")


def test_bad_rows_are_listed_with_their_row_numbers_and_nothing_is_imported(imr_a, tmp_path):
    rows = [
        HEADER,
        GOOD[0],
        [],  # a blank row keeps its number: the next row is row 4
        ["31/02/25", *GOOD[1][1:]],
        ["04/03/25", "", "Case notes", "HQM", "", "", "7", ""],
        GOOD[2],
    ]
    path = write_csv(tmp_path / "chronology.csv", rows)

    error, err = run_failing(imr_a.case.reference, AGENCY, path, match="Nothing was imported")

    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Row 4, Date: ")
    assert lines[1].startswith("Row 5, Event description, action and outcome: ")
    assert lines[2].startswith("Row 5, Relevance to terms of reference: There is no term 7")
    assert "3 problems" in str(error)
    assert_nothing_imported(imr_a)


def test_wrong_columns_are_refused(imr_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [["When", "What happened"], ["03/02/25", "x"]])

    _, err = run_failing(imr_a.case.reference, AGENCY, path, match="Nothing was imported")

    assert "The file: There is no column for Date" in err
    assert "These columns are not part of the chronology: 'When' and 'What happened'" in err
    assert_nothing_imported(imr_a)


def test_an_empty_file_is_refused(imr_a, tmp_path):
    path = tmp_path / "chronology.csv"
    path.write_bytes(b"")

    _, err = run_failing(imr_a.case.reference, AGENCY, path, match="1 problem to fix")

    assert err.strip() == "The file: The file has no chronology entries"
    assert_nothing_imported(imr_a)


def test_a_missing_file_is_a_clear_error(imr_a, tmp_path):
    run_failing(imr_a.case.reference, AGENCY, tmp_path / "nowhere.csv", match="Cannot read")

    assert_nothing_imported(imr_a)


def test_an_unknown_case_is_a_clear_error(imr_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    run_failing("SCR-1999-999", AGENCY, path, match="No case with reference SCR-1999-999")

    assert_nothing_imported(imr_a)


def test_an_unknown_agency_is_a_clear_error(imr_a, tmp_path, agency_c):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    # Agency C is on the case but was not asked for a review.
    run_failing(
        imr_a.case.reference,
        agency_c.name,
        path,
        match=f"No IMR of '{agency_c.name}' on case .*: its IMRs are of {AGENCY}, Testshire Police",
    )

    assert_nothing_imported(imr_a)


def test_an_imr_without_an_author_is_refused(imr_a, tmp_path):
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])

    # Agency B was asked for a review but its lead has not nominated an author.
    run_failing(imr_a.case.reference, "Testshire Police", path, match="has no author yet")


def test_an_imr_whose_draft_is_closed_is_refused(with_panel, panel_chair, tmp_path):
    from imr import services

    # Accepted by the panel: the draft is closed for good.
    services.imr_panel_review(
        case_id=with_panel.case_id, agency_id=with_panel.agency_id, by=panel_chair, accept=True
    )
    path = write_csv(tmp_path / "chronology.csv", [HEADER, *GOOD])
    before = with_panel.entries.count()

    run_failing(with_panel.case.reference, AGENCY, path, match="the draft cannot be changed now")

    assert with_panel.entries.count() == before
    assert not AuditEvent.objects.filter(actor_label="import_chronology command").exists()
