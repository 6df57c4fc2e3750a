"""The comprehensive chronology as a spreadsheet: read an author's XLSX or CSV, write one.

Appendix C gives the chronology's columns. Authors often keep it in Excel before the
review starts, so an upload must take what Excel makes (dates as date cells, Windows
line endings, cp1252 CSV) and say exactly which row and column to fix, as the spreadsheet
numbers them. Nothing is taken from a file with any error: the author fixes and uploads
again.

An upload is untrusted: its size, and for a workbook the zip inside it (how many files,
how big unpacked, how compressed), are checked before anything parses it, and openpyxl
parses the XML with defusedxml, which refuses entity declarations (a 'billion laughs'
file) and external entities. A server without defusedxml reads CSV only.

A spreadsheet never runs what a user typed: written cells pass through safe_cell, which
puts an apostrophe before text a spreadsheet would take as a formula, and reading takes
that apostrophe off again (see _cell_text), so a written file reads back as it was.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from imr.entry_parsing import (
    EntryParseError,
    FuzzyDate,
    display_time,
    exact_date,
    parse_date,
    parse_relevance,
    parse_time,
)
from imr.models import ChronologyEntry
from imr.spreadsheet_files import FORMULA, RowError, SpreadsheetError, file_error, file_rows
from scr.exports import formula_like, safe_cell, xlsx_row

COLUMNS = [  # (header as the template names it, key)
    ("Date", "date"),
    ("Time", "time"),
    ("Source of information", "source"),
    ("Subject of recording", "subject"),
    ("Event description, action and outcome", "event"),
    ("Expected practice/standards", "expected_practice"),
    ("Relevance to terms of reference", "relevance"),
    ("Explains a gap in contact", "explains_gap"),  # optional: yes/no, blank is no
]
HEADERS = {key: header for header, key in COLUMNS}
OPTIONAL_COLUMNS = {"explains_gap"}
SHORT_HEADERS = {
    "source": "source",
    "subject": "subject",
    "event": "event",
    "expected practice": "expected_practice",
    "relevance": "relevance",
    "explains gap": "explains_gap",
}

MAX_ROWS = 5000
# Rows read, blank ones included: a file of nothing but empty lines stops here.
MAX_ROWS_READ = 100_000
# The same limits as the form and the service (ChronologyEntry), so an export imports again.
MAX_CELL_CHARACTERS = ChronologyEntry.TEXT_MAX_CHARACTERS
# The chronology's subject of recording is initials.
MAX_SUBJECT_CHARACTERS = ChronologyEntry.SUBJECT_MAX_CHARACTERS
MAX_ERRORS = 200


@dataclass
class ParsedRow:
    row_number: int  # as the spreadsheet shows it: the header is row 1, the first entry row 2
    date: FuzzyDate
    time: time | None
    source: str
    subject: str
    event: str
    expected_practice: str
    term_numbers: list[int]
    relevance_note: str
    explains_gap: bool


# Reading ---------------------------------------------------------------------------------


def _header_key(value) -> str | None:
    text = re.sub(r"\s+", " ", str(value)).strip().rstrip("*:").strip().lower()
    for header, key in COLUMNS:
        if text == header.lower():
            return key
    return SHORT_HEADERS.get(text)


def _read_header(cells: list) -> tuple[dict[str, int], list[RowError]]:
    """The column index of each key, or the file-level errors that stop the reading."""
    columns: dict[str, int] = {}
    unknown, repeated = [], []
    for index, value in enumerate(cells):
        if value is None or str(value).strip() == "":
            continue
        key = _header_key(value)
        if key is None:
            unknown.append(f"'{str(value).strip()[:60]}'")
        elif key in columns:
            repeated.append(HEADERS[key])
        else:
            columns[key] = index
    expected = ", ".join(header for header, key in COLUMNS if key not in OPTIONAL_COLUMNS)
    expected_sentence = (
        f"The first row must name the columns {expected} (and, if you use it, "
        f"{HEADERS['explains_gap']})."
    )
    errors = []
    missing = [
        HEADERS[key] for _, key in COLUMNS if key not in columns and key not in OPTIONAL_COLUMNS
    ]
    if missing:
        errors.append(
            RowError(None, "", f"There is no column for {_and(missing)}. {expected_sentence}")
        )
    if unknown:
        errors.append(
            RowError(
                None,
                "",
                f"These columns are not part of the chronology: {_and(unknown)}. Remove them, "
                "or rename them if they hold chronology text."
                + ("" if missing else f" {expected_sentence}"),
            )
        )
    if repeated:
        errors.append(RowError(None, "", f"These columns appear twice: {_and(repeated)}."))
    return columns, errors


def _and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _blank(cells: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in cells)


def _cell_text(value, key: str) -> str:
    """A cell's text as typed. Line endings become '\\n'. The single apostrophe that
    safe_cell puts before = + - @ is taken off, so what this service wrote reads back
    exactly ("'=SUM(A1)" is the text "=SUM(A1)"); the text itself is never evaluated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if key == "time":
            return f"{value:.2f}"  # Excel turns 14.30 typed in a cell into the number 14.3
        if value.is_integer():
            return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").strip()
    if len(text) > 1 and text[0] == "'" and formula_like(text[1:]):
        text = text[1:].strip()
    return text


def _term_phrase(term_numbers: set[int]) -> str:
    numbers = sorted(term_numbers)
    if not numbers:
        return "the review has no terms of reference yet"
    if len(numbers) == 1:
        return f"the only term is {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"the terms are {numbers[0]} to {numbers[-1]}"
    return f"the terms are {_and([str(n) for n in numbers])}"


YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}

REQUIRED_TEXT = {
    "source": "Enter the source of information",
    "subject": "Enter the subject of recording (their initials)",
    "event": "Enter the event description, action and outcome",
}
COLUMN_ORDER = {header: position for position, (header, _) in enumerate(COLUMNS)}


def _read_row(
    row_number: int,
    cells: list,
    columns: dict[str, int],
    *,
    term_numbers: set[int],
    today: date | None,
) -> tuple[ParsedRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(key: str, message: str) -> None:
        errors.append(RowError(row_number, HEADERS[key], message))

    raw = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
    text: dict[str, str] = {}
    for key, value in raw.items():
        if value is FORMULA:
            error(key, "This cell holds a formula; type the text itself")
            text[key] = ""
            continue
        text[key] = _cell_text(value, key)
        if key == "subject" and len(text[key]) > MAX_SUBJECT_CHARACTERS:
            error(
                key,
                f"Keep the subject of recording to {MAX_SUBJECT_CHARACTERS} characters: "
                "initials, such as HQM or HQM and son",
            )
        # The relevance cell also holds the term numbers: its comment is measured below.
        elif key != "relevance" and len(text[key]) > MAX_CELL_CHARACTERS:
            error(
                key,
                f"This cell has {len(text[key]):,} characters; the most a cell may hold is "
                f"{MAX_CELL_CHARACTERS:,}",
            )
    formulas = {key for key, value in raw.items() if value is FORMULA}

    for key, message in REQUIRED_TEXT.items():
        if not text[key] and key not in formulas:
            error(key, message)

    entry_date = None
    value = raw["date"]
    if "date" in formulas:
        pass
    elif isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        try:
            entry_date = exact_date(day, today=today)
        except EntryParseError as problem:
            error("date", str(problem))
    elif not text["date"]:
        error("date", "Enter the date")
    else:
        try:
            entry_date = parse_date(text["date"], today=today)
        except EntryParseError as problem:
            error("date", str(problem))

    entry_time = None
    value = raw["time"]
    if isinstance(value, time):
        entry_time = value.replace(second=0, microsecond=0, tzinfo=None)
    elif isinstance(value, datetime):
        entry_time = value.time().replace(second=0, microsecond=0)
    elif "time" not in formulas:
        try:
            entry_time = parse_time(text["time"])
        except EntryParseError as problem:
            error("time", str(problem))

    numbers, note = parse_relevance(text["relevance"])
    if len(note) > MAX_CELL_CHARACTERS:
        error(
            "relevance",
            f"The comment on relevance has {len(note):,} characters; the most it may hold is "
            f"{MAX_CELL_CHARACTERS:,}",
        )
    unknown = [n for n in numbers if n not in term_numbers]
    if unknown:
        listed = _and([str(n) for n in unknown])
        there_is = "There is no term" if len(unknown) == 1 else "There are no terms"
        error("relevance", f"{there_is} {listed}; {_term_phrase(term_numbers)}")

    explains_gap = False
    if "explains_gap" in text:
        answer = text["explains_gap"].lower()
        if answer in YES:
            explains_gap = True
        elif answer not in NO and "explains_gap" not in formulas:
            error("explains_gap", "Enter yes or no, or leave it blank for no")

    if errors:
        return None, sorted(errors, key=lambda e: COLUMN_ORDER[e.column])
    return (
        ParsedRow(
            row_number=row_number,
            date=entry_date,
            time=entry_time,
            source=text["source"],
            subject=text["subject"],
            event=text["event"],
            expected_practice=text["expected_practice"],
            term_numbers=numbers,
            relevance_note=note,
            explains_gap=explains_gap,
        ),
        [],
    )


def read_chronology(
    data: bytes, filename: str, *, term_numbers: set[int], today: date | None = None
) -> list[ParsedRow]:
    """The entries of an uploaded chronology (XLSX or CSV, told apart by content).

    `term_numbers` are the review's terms of reference (a relevance cell may only name
    those); `today` bounds the dates (see parse_date). The first non-blank row is the
    header; blank rows are skipped, and rows keep the numbers the spreadsheet shows.
    Raises SpreadsheetError with every problem (up to MAX_ERRORS, then a count) when
    there is any, so nothing is taken from a file with a mistake in it. Stops as soon
    as the file passes MAX_ROWS entries.
    """
    columns: dict[str, int] | None = None
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    unheaded: set[int] = set()
    entries = 0
    # Closed at once when reading stops early, so a workbook's file is let go.
    with closing(file_rows(data, filename)) as rows:
        for row_number, cells in enumerate(rows, start=1):
            if row_number > MAX_ROWS_READ:
                raise file_error(
                    f"The file has more than {MAX_ROWS_READ:,} rows, counting empty ones; "
                    "delete the empty rows below the chronology, or split it, and try again"
                )
            if _blank(cells):
                continue
            if columns is None:
                columns, header_errors = _read_header(cells)
                if header_errors:
                    raise SpreadsheetError(header_errors)
                headed = set(columns.values())
                continue
            entries += 1
            if entries > MAX_ROWS:
                raise file_error(
                    f"The file has more than {MAX_ROWS:,} entries; split the chronology into "
                    "smaller files"
                )
            # Text under no header would be dropped without a word: report it instead.
            for index, value in enumerate(cells):
                if index not in headed and not _blank([value]):
                    unheaded.add(index)
            row, row_errors = _read_row(
                row_number, cells, columns, term_numbers=term_numbers, today=today
            )
            errors.extend(row_errors)
            if row is not None:
                parsed.append(row)
    if entries == 0:
        raise file_error("The file has no chronology entries")
    for index in sorted(unheaded):
        errors.append(
            RowError(
                None,
                "",
                f"Column {get_column_letter(index + 1)} has text but no header; give it one of "
                "the chronology's headers or remove it",
            )
        )
    if errors:
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = errors[:MAX_ERRORS] + [RowError(None, "", f"…and {more:,} more problems")]
        raise SpreadsheetError(errors)
    return parsed


# Writing ---------------------------------------------------------------------------------


def _written(value):
    """A value as the cell text that read_chronology reads back to the same entry."""
    if value is None:
        return ""
    if isinstance(value, FuzzyDate):
        return value.appendix_c()
    if isinstance(value, time):
        return display_time(value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, str):
        return value
    return str(value)


def write_rows_csv(rows: Iterable[Sequence]) -> bytes:
    """A chronology as CSV, UTF-8 with a byte order mark (so Excel reads £ and accents).

    Each row holds the COLUMNS in order; a cell may be a FuzzyDate, a time, a bool (for
    'Explains a gap in contact') or text. Every cell passes through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(header) for header, _ in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(_written(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_rows_xlsx(rows: Iterable[Sequence], title: str) -> bytes:
    """A chronology as an Excel workbook, every cell as text (so 03/02/25 stays as typed)
    and through safe_cell. Rows as for write_rows_csv; `title` names the sheet."""
    workbook = Workbook()
    sheet = workbook.active
    # Excel's limits on a sheet's name: 31 characters, none of []:*?/\
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Chronology"
    sheet.append([header for header, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        # Control characters Word pastes (a line break is \x0b) cannot be stored in XLSX.
        cells = [ILLEGAL_CHARACTERS_RE.sub("", _written(v).replace("\x0b", "\n")) for v in row]
        sheet.append(xlsx_row(cells, number))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
