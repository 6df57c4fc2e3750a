"""CSV and XLSX downloads. Every cell passes through safe_cell: a spreadsheet must not
run what a user typed (formula injection)."""

import csv
import io
from collections.abc import Iterable, Sequence

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


def download_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to save, never kept by a browser or a proxy."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download_response(buffer.getvalue(), filename, XLSX)
