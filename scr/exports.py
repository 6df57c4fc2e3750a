"""CSV and XLSX downloads. Every cell passes through safe_cell: a spreadsheet must not
run what a user typed (formula injection)."""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

# OWASP's list (CSV injection): a cell starting with one of these may be read as a
# formula, by Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take the text as a formula: it starts with one of
    FORMULA_STARTS, also after leading spaces or line breaks (some programs trim them)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most a spreadsheet cell holds; openpyxl cuts longer text without a word.
XLSX_CELL_MAX = 32_767


class TooLongForXlsx(ValueError):
    """A cell's text would be cut in a workbook: the export is refused, never shortened."""

    def __init__(self, row: int, length: int):
        super().__init__(
            f"Row {row:,} has a text of {length:,} characters, longer than a spreadsheet "
            f"cell holds ({XLSX_CELL_MAX:,}). Download the CSV file instead, which holds "
            "it whole, or shorten the text."
        )


def xlsx_row(row: Sequence, number: int) -> list:
    """A row for a workbook: every cell through safe_cell, and TooLongForXlsx rather
    than a cell cut short. `number` is the row's place in the sheet, for the message."""
    for value in row:
        if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
            raise TooLongForXlsx(number, len(value))
    return [safe_cell(value) for value in row]


# What a file name may not carry into a header: control characters (a line break in an
# agency's name used to make every export of that agency a 500), and the quote and
# backslash that would end or escape the quoted name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\]+')


def ascii_filename(filename: str) -> str:
    """The name in plain ASCII for browsers that ignore filename*: accents folded
    ("Tân" -> "Tan"), an en dash or any other character without an ASCII form -> "-"."""
    folded = unicodedata.normalize("NFKD", _UNSAFE.sub("-", filename))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"-{2,}", "-", re.sub(r"[^\x20-\x7e]", "-", plain)).strip(" -") or "download"


def content_disposition(filename: str) -> str:
    """An attachment header any browser shows right (RFC 6266): an ASCII fallback, and
    the exact name as RFC 5987 `filename*` where it differs."""
    clean = _UNSAFE.sub("-", filename).strip() or "download"
    fallback = ascii_filename(clean)
    header = f'attachment; filename="{fallback}"'
    if fallback != clean:
        header += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return header


def download_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to save, never kept by a browser or a proxy."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return download_response(buffer.getvalue().encode("utf-8-sig"), filename, "text/csv")


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(h) for h in header])
    for number, row in enumerate(rows, start=2):
        sheet.append(xlsx_row(row, number))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download_response(buffer.getvalue(), filename, XLSX)
