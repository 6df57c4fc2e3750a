import csv
import io
import re
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook

from imr.entry_parsing import FuzzyDate, Precision, parse_relevance, relevance_text
from imr.spreadsheet import (
    COLUMNS,
    MAX_ROWS,
    ParsedRow,
    RowError,
    SpreadsheetError,
    read_chronology,
    write_rows_csv,
    write_rows_xlsx,
)

TODAY = date(2026, 6, 15)
TERMS = {1, 2, 3, 4, 5}
HEADER = [header for header, _ in COLUMNS]
GOOD = [
    ["03/02/25", "14:30", "GP records", "AB", "Home visit. AB well.", "Visit weekly", "1, 3", ""],
    ["?02/2025", "", "Police log", "AB", "Call about noise.", "", "ToR 2 and 4 - noise", "no"],
    ["2024", "9am", "ASC file", "CD", "Review held.", "", "Not relevant", "yes"],
]


def as_csv(rows, *, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str = "chronology.csv"):
    return read_chronology(data, filename, term_numbers=TERMS, today=TODAY)


def problems(data: bytes, filename: str = "chronology.csv") -> list[str]:
    with pytest.raises(SpreadsheetError) as error:
        read(data, filename)
    return [str(problem) for problem in error.value.errors]


@pytest.mark.parametrize("make", [as_csv, as_xlsx])
def test_a_good_file_is_read(make):
    rows = read(make([HEADER, *GOOD]))
    assert rows == [
        ParsedRow(
            row_number=2,
            date=FuzzyDate(date(2025, 2, 3), Precision.DAY, False),
            time=time(14, 30),
            source="GP records",
            subject="AB",
            event="Home visit. AB well.",
            expected_practice="Visit weekly",
            term_numbers=[1, 3],
            relevance_note="",
            explains_gap=False,
        ),
        ParsedRow(
            row_number=3,
            date=FuzzyDate(date(2025, 2, 1), Precision.MONTH, True),
            time=None,
            source="Police log",
            subject="AB",
            event="Call about noise.",
            expected_practice="",
            term_numbers=[2, 4],
            relevance_note="noise",
            explains_gap=False,
        ),
        ParsedRow(
            row_number=4,
            date=FuzzyDate(date(2024, 1, 1), Precision.YEAR, False),
            time=time(9, 0),
            source="ASC file",
            subject="CD",
            event="Review held.",
            expected_practice="",
            term_numbers=[],
            relevance_note="Not relevant",
            explains_gap=True,
        ),
    ]


def test_headers_in_any_order_and_short_forms_are_accepted():
    header = [" relevance ", "Event", "DATE *", "Time:", "Subject", "Source", "Expected  practice"]
    row = ["2", "Seen.", "03/02/25", "", "AB", "Notes", ""]
    [entry] = read(as_csv([header, row]))
    assert (entry.date.display(), entry.event, entry.term_numbers) == ("03/02/2025", "Seen.", [2])
    assert entry.explains_gap is False


def test_xlsx_date_and_time_cells_are_taken_as_they_are():
    row = [datetime(2025, 2, 3), time(14, 30), "GP", "AB", "Seen.", "", 2, True]
    [entry] = read(as_xlsx([HEADER, row]), "chronology.xlsx")
    assert entry.date == FuzzyDate(date(2025, 2, 3), Precision.DAY, False)
    assert entry.time == time(14, 30)
    assert entry.term_numbers == [2]
    assert entry.explains_gap is True


def test_xlsx_time_typed_as_a_number_is_read_as_typed():
    # Excel stores 14.30 typed in a General cell as the number 14.3.
    row = [date(2025, 2, 3), 14.3, "GP", "AB", "Seen.", "", "", ""]
    [entry] = read(as_xlsx([HEADER, row]), "chronology.xlsx")
    assert entry.time == time(14, 30)


@pytest.mark.parametrize("make", [as_csv, as_xlsx])
def test_bad_rows_are_reported_with_the_row_numbers_the_spreadsheet_shows(make):
    rows = [
        HEADER,
        GOOD[0],
        [],
        ["31/02/25", "25:00", "", "AB", "Seen.", "", "9", "maybe"],
        ["", "", "GP", "", "", "", "1, 7 - late", ""],
        GOOD[1],
    ]
    assert problems(make(rows)) == [
        "Row 4, Date: 31/02/25 is not a real date: February 2025 has 28 days",
        "Row 4, Time: Enter the time in 24-hour form, like 14:30, or leave it blank",
        "Row 4, Source of information: Enter the source of information",
        "Row 4, Relevance to terms of reference: There is no term 9; the terms are 1 to 5",
        "Row 4, Explains a gap in contact: Enter yes or no, or leave it blank for no",
        "Row 5, Date: Enter the date",
        "Row 5, Subject of recording: Enter the subject of recording (their initials)",
        "Row 5, Event description, action and outcome: "
        "Enter the event description, action and outcome",
        "Row 5, Relevance to terms of reference: There is no term 7; the terms are 1 to 5",
    ]


def test_a_two_letter_month_is_reported_on_its_row():
    rows = [HEADER, GOOD[0], ["3 ju 2025", "", "GP records", "AB", "Seen.", "", "1", ""]]
    assert problems(as_csv(rows)) == [
        "Row 3, Date: Enter the date like 03/02/25 or 3 Feb 2025, a month like 02/2025 "
        "or Feb 2025, or a year like 2025"
    ]
    rows[2][0] = "3 Jun 2025"
    assert read(as_csv(rows))[1].date == FuzzyDate(date(2025, 6, 3), Precision.DAY, False)


@pytest.mark.parametrize("make", [as_csv, as_xlsx])
def test_blank_rows_are_skipped_and_numbering_kept(make):
    blank = ["", "  ", "", "", "", "", "", ""]
    rows = read(make([[], HEADER, blank, GOOD[0], [], [], GOOD[1]]))
    assert [row.row_number for row in rows] == [4, 7]


def test_terms_that_are_not_a_range_are_listed():
    rows = [HEADER, ["03/02/25", "", "GP", "AB", "Seen.", "", "ToR 3 and 4", ""]]
    with pytest.raises(SpreadsheetError) as error:
        read_chronology(as_csv(rows), "c.csv", term_numbers={1, 2, 5}, today=TODAY)
    assert [str(e) for e in error.value.errors] == [
        "Row 2, Relevance to terms of reference: There are no terms 3 and 4; "
        "the terms are 1, 2 and 5"
    ]


def test_a_formula_in_an_xlsx_cell_is_refused_not_evaluated():
    rows = [HEADER, ["03/02/25", "", "GP", "AB", "=SUM(A1:A3)", "", '=HYPERLINK("x")', ""]]
    assert problems(as_xlsx(rows), "chronology.xlsx") == [
        "Row 2, Event description, action and outcome: "
        "This cell holds a formula; type the text itself",
        "Row 2, Relevance to terms of reference: This cell holds a formula; type the text itself",
    ]


def test_formula_like_text_in_csv_is_kept_as_typed():
    row = ["03/02/25", "", "+44 text", "AB", "=SUM(A1)", "- no action", "@risk", ""]
    [entry] = read(as_csv([HEADER, row]))
    assert (entry.source, entry.event, entry.expected_practice, entry.relevance_note) == (
        "+44 text",
        "=SUM(A1)",
        "- no action",
        "@risk",
    )


def test_cell_text_is_stripped_with_line_endings_normalised():
    row = ["03/02/25", "", " GP ", "AB", "  Line one\r\nLine two\rLine three\x0bfour  ", "", "", ""]
    [entry] = read(as_csv([HEADER, row]))
    assert entry.source == "GP"
    assert entry.event == "Line one\nLine two\nLine three\nfour"


def test_a_cell_over_10000_characters_is_refused():
    rows = [HEADER, ["03/02/25", "", "GP", "AB", "x" * 10_001, "", "", ""]]
    assert problems(as_csv(rows)) == [
        "Row 2, Event description, action and outcome: This cell has 10,001 characters; "
        "the most a cell may hold is 10,000"
    ]


def test_missing_columns_are_named_with_the_expected_headers():
    [problem] = problems(as_csv([["Date", "Time", "Event"], ["03/02/25", "", "Seen."]]))
    assert problem.startswith(
        "The file: There is no column for Source of information, Subject of recording, "
        "Expected practice/standards and Relevance to terms of reference. The first row must "
        "name the columns Date, Time, Source of information,"
    )


def test_unknown_and_repeated_columns_are_refused():
    header = [*HEADER, "Agency notes", "Date"]
    errors = problems(as_csv([header, [*GOOD[0], "x", "03/02/25"]]))
    assert errors[0].startswith(
        "The file: These columns are not part of the chronology: 'Agency notes'. Remove them"
    )
    assert errors[1] == "The file: These columns appear twice: Date."


def test_text_under_no_header_is_refused():
    header = [*HEADER[:7], "", ""]
    errors = problems(as_csv([header, [*GOOD[0][:7], "", "forgotten"]]))
    assert errors == [
        "The file: Column I has text but no header; give it one of the chronology's headers "
        "or remove it"
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"\r\n\r\n", as_csv([HEADER]), as_csv([HEADER, [], ["", ""]]), as_xlsx([HEADER])],
)
def test_a_file_without_entries_is_refused(data):
    assert problems(data) == ["The file: The file has no chronology entries"]


def test_more_than_max_rows_is_refused_without_reading_on():
    row = "03/02/25,,GP,AB,Seen.,,1,\n"
    bad_row = "31/02/25,,,,,,9,\n"  # would be an error if it were read
    data = as_csv([HEADER]) + (row * MAX_ROWS + row + bad_row * 100).encode()
    assert problems(data) == [
        "The file: The file has more than 5,000 entries; split the chronology into smaller files"
    ]


def test_max_rows_entries_are_accepted():
    row = "03/02/25,,GP,AB,Seen.,,1,\n"
    data = as_csv([HEADER]) + (row * MAX_ROWS).encode()
    assert len(read(data)) == MAX_ROWS


def test_errors_are_capped_with_a_count():
    rows = [HEADER, *[["", "", "GP", "AB", "Seen.", "", "", ""]] * 250]
    errors = problems(as_csv(rows))
    assert len(errors) == 201
    assert errors[0] == "Row 2, Date: Enter the date"
    assert errors[-1] == "The file: …and 50 more problems"


@pytest.mark.parametrize(
    ("data", "filename", "starts"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "chronology.pdf", "chronology.pdf is a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old.xls is an older"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png", "scan.png is an image"),
        (b"PK\x03\x04not really a zip", "fake.xlsx", "fake.xlsx could not be opened"),
        (b"\x01\x02\x00\x00binary", "data.bin", "data.bin is not a spreadsheet"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(data, filename, starts):
    [problem] = problems(data, filename)
    assert problem.startswith(f"The file: {starts}")


def test_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    [problem] = problems(buffer.getvalue(), "report.docx")
    assert problem.startswith("The file: report.docx could not be opened as an Excel workbook")


def test_cp1252_csv_from_excel_on_windows():
    row = ["03/02/25", "", "Finance", "AB", "Owed £40 \u2013 \u201cnot paid\u201d", "", "", ""]
    [entry] = read(as_csv([HEADER, row], encoding="cp1252"))
    assert entry.event == "Owed £40 \u2013 \u201cnot paid\u201d"


def test_utf8_csv_with_a_byte_order_mark_and_semicolons():
    row = ["03/02/25", "", "Finance", "AB", "Owed £40", "", "", ""]
    data = as_csv([HEADER, row], encoding="utf-8-sig", delimiter=";")
    [entry] = read(data)
    assert entry.event == "Owed £40"


def test_unicode_text_export_is_refused_with_advice():
    [problem] = problems("Date\tTime\n".encode("utf-16"), "export.txt")
    assert "save it as 'CSV UTF-8'" in problem


def test_row_error_text():
    assert str(RowError(5, "Date", "Enter the date")) == "Row 5, Date: Enter the date"
    assert str(RowError(5, "", "Too long")) == "Row 5: Too long"
    assert str(RowError(None, "", "Empty")) == "The file: Empty"


# A written file reads back to the same entries.

ENTRIES = [
    [
        FuzzyDate(date(2025, 2, 3), Precision.DAY, False),
        time(14, 30),
        "GP records",
        "AB",
        "=SUM(A1)",
        "- no action",
        relevance_text([1, 3], "missed referral"),
        False,
    ],
    [
        FuzzyDate(date(2024, 9, 1), Precision.MONTH, True),
        None,
        "+44 call log",
        "CD",
        "Bertram's note: AB £20 short.\nSecond line.",
        "@ weekly",
        "Not relevant",
        True,
    ],
    [
        FuzzyDate(date(1965, 3, 1), Precision.DAY, False),
        time(0, 5),
        "Archive",
        "AB",
        "Birth.",
        "",
        "",
        False,
    ],
]


def expected_entries():
    return [
        (
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            *parse_relevance(row[6]),
            row[7],
        )
        for row in ENTRIES
    ]


def entries_of(rows):
    return [
        (
            r.date,
            r.time,
            r.source,
            r.subject,
            r.event,
            r.expected_practice,
            r.term_numbers,
            r.relevance_note,
            r.explains_gap,
        )
        for r in rows
    ]


def test_csv_round_trip():
    data = write_rows_csv(ENTRIES)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"'=SUM(A1)" in data  # safe_cell: a spreadsheet shows the text, not a sum
    assert entries_of(read(data)) == expected_entries()


def test_xlsx_round_trip():
    data = write_rows_xlsx(ENTRIES, title="Chronology: Agency/Trust")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Chronology  Agency Trust"
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["E2"].value == "'=SUM(A1)"
    assert sheet["E2"].data_type == "s"
    assert entries_of(read(data, "chronology.xlsx")) == expected_entries()


def test_xlsx_writing_drops_characters_a_workbook_cannot_hold():
    row = ["03/02/25", "", "GP", "AB", "One\x0btwo\x07", "", "", ""]
    [entry] = read(write_rows_xlsx([row], title="C"), "c.xlsx")
    assert entry.event == "One\ntwo"


def test_xlsx_rows_beyond_the_size_the_file_declares_are_read():
    # Some programs write a wrong <dimension>; no row may be dropped because of it.
    original = as_xlsx([HEADER, *GOOD])
    source, target = io.BytesIO(original), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', content)
                assert b'<dimension ref="A1:B2"' in content
            new.writestr(item, content)
    assert [row.row_number for row in read(target.getvalue(), "c.xlsx")] == [2, 3, 4]
