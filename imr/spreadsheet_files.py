"""Opening an uploaded chronology file safely, before any row of it is read.

An upload is untrusted: it is scanned for viruses and a workbook with macros refused
(scr.uploads.check_import, as every upload is); its size, its first bytes, and for a
workbook the zip inside it (how many files, how big unpacked, how compressed) are
checked before anything parses it;
openpyxl parses the XML with defusedxml, which refuses entity declarations (a 'billion
laughs' file) and external entities. A server without defusedxml reads CSV only.
imr.spreadsheet reads the rows these give.
"""

import csv
import io
import zipfile
from collections.abc import Generator
from dataclasses import dataclass

import openpyxl.xml
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from scr import uploads

# A member of the zip this big or bigger, unpacked, must not be compressed more than
# IMPORT_MAX_COMPRESSION_RATIO to 1; small ones may (they cannot hide a bomb).
RATIO_CHECKED_FROM = 1024 * 1024
XLSX_START = b"PK\x03\x04"
# Content that is plainly not a chronology, by its first bytes.
NOT_SPREADSHEETS = [
    (b"\xd0\xcf\x11\xe0", "an older Excel or Word file; save it as .xlsx or CSV and try again"),
    (b"%PDF", "a PDF; upload the chronology as an Excel workbook (.xlsx) or CSV"),
    (b"\x89PNG", "an image; upload the chronology as an Excel workbook (.xlsx) or CSV"),
    (b"\xff\xd8\xff", "an image; upload the chronology as an Excel workbook (.xlsx) or CSV"),
    (b"GIF8", "an image; upload the chronology as an Excel workbook (.xlsx) or CSV"),
    (b"\xff\xfe", "text saved as 'Unicode Text'; save it as 'CSV UTF-8' and try again"),
    (b"\xfe\xff", "text saved as 'Unicode Text'; save it as 'CSV UTF-8' and try again"),
]


@dataclass(frozen=True)
class RowError:
    row_number: int | None  # None for a problem with the whole file
    column: str  # the header, or "" for the whole row or file
    message: str

    def __str__(self) -> str:
        if self.row_number is None:
            return f"The file: {self.message}"
        if self.column:
            return f"Row {self.row_number}, {self.column}: {self.message}"
        return f"Row {self.row_number}: {self.message}"


class SpreadsheetError(Exception):
    """Every problem found in an uploaded chronology; none of it was taken."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


def file_error(message: str) -> SpreadsheetError:
    return SpreadsheetError([RowError(None, "", message)])


FORMULA = object()  # stands for an XLSX cell holding a formula: refused, never evaluated

REFUSED_XML = (
    "{filename} holds XML with a document type or entity declaration, which Excel never "
    "writes and this service refuses; save the workbook again from Excel, or as CSV"
)


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse, before openpyxl reads a byte of it, a workbook whose zip would unpack into
    far more than it weighs (a zip bomb). The sizes read are those the zip declares, and
    Python's zipfile never unpacks a member past its declared size."""
    not_a_workbook = file_error(
        f"{filename} could not be opened as an Excel workbook (.xlsx); check the file "
        "or save it as CSV and try again"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise not_a_workbook from None
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        raise file_error(
            f"{filename} holds {len(members):,} files inside it; a workbook of a chronology "
            f"holds a few dozen at most (the limit is {settings.IMPORT_MAX_ZIP_MEMBERS:,}). "
            "Save the chronology as a new workbook, or as CSV, and try again"
        )
    unpacked = sum(member.file_size for member in members)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_MB * uploads.MB
    if unpacked > limit:
        raise file_error(
            f"{filename} would unpack to {uploads.size_text(unpacked)}, more than the "
            f"{uploads.size_text(limit)} this service reads; split the chronology into "
            "smaller files"
        )
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM and (
            member.file_size > ratio * max(member.compress_size, 1)
        ):
            raise file_error(
                f"{filename} is compressed far more than a real workbook is (more than "
                f"{ratio} to 1), as a damaged or hostile file is; save the chronology "
                "again from Excel, or as CSV, and try again"
            )


def _refused_xml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl may wrap its error in its own)."""
    for _ in range(10):  # a chain is short; never loop on a strange one
        if error is None:
            return False
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _xlsx_rows(data: bytes, filename: str) -> Generator[list, None, None]:
    if not openpyxl.xml.DEFUSEDXML:
        # Without defusedxml, openpyxl would expand entities with the stdlib's parser.
        raise file_error(
            f"{filename} is an Excel workbook, which this server cannot read safely at the "
            "moment; save the chronology as CSV and upload that"
        )
    # file_rows has checked the zip (_check_zip) and its parts (scr.uploads.check_import).
    # Untrusted content: openpyxl raises many kinds of error on a damaged or foreign zip
    # (a .docx is a zip too), so any failure to open or read it is one message.
    try:
        # data_only=False shows a formula as a formula (data_type 'f') instead of the value
        # Excel last cached for it, so a formula is refused rather than copied.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        if _refused_xml(error):
            raise file_error(REFUSED_XML.format(filename=filename)) from error
        raise file_error(
            f"{filename} could not be opened as an Excel workbook (.xlsx); check the file "
            "or save it as CSV and try again"
        ) from error
    try:
        sheet = workbook.active
        # The size a file declares may be wrong; read every row it holds instead, so no
        # row beyond the declared size is silently left out.
        sheet.reset_dimensions()
        for cells in sheet.iter_rows():
            yield [FORMULA if cell.data_type == "f" else cell.value for cell in cells]
    except Exception as error:
        if _refused_xml(error):
            raise file_error(REFUSED_XML.format(filename=filename)) from error
        # A sheet is parsed as it is read, so damage inside it shows only here.
        raise file_error(f"{filename} could not be read: the workbook looks damaged") from error
    finally:
        workbook.close()


def _csv_rows(data: bytes, filename: str) -> Generator[list, None, None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel on Windows saves 'CSV' in cp1252
        except UnicodeDecodeError:
            raise file_error(
                f"{filename} is not text this service can read; save it as 'CSV UTF-8'"
            ) from None
    first_line = text.split("\n", 1)[0]
    # Excel saves CSV with ';' where the decimal separator is ','; a tab for 'Text'.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise file_error(f"{filename} could not be read as CSV: {error}") from error


def file_rows(data: bytes, filename: str) -> Generator[list, None, None]:
    if len(data) > uploads.MAX_UPLOAD_BYTES:
        raise file_error(
            f"{filename} is larger than {uploads.size_text(uploads.MAX_UPLOAD_BYTES)}; "
            "split the chronology into smaller files"
        )
    if data.startswith(XLSX_START):
        _check_zip(data, filename)
    try:
        # Scanned for viruses, and a workbook with macros or OLE objects refused, as
        # every upload is (scr.uploads).
        uploads.check_import(data, filename)
    except ValidationError as error:
        raise file_error(" ".join(error.messages)) from None
    for start, what in NOT_SPREADSHEETS:
        if data.startswith(start):
            raise file_error(f"{filename} is {what}")
    if data.startswith(XLSX_START):
        return _xlsx_rows(data, filename)
    if b"\x00" in data[:8192]:
        raise file_error(
            f"{filename} is not a spreadsheet; upload the chronology as an Excel workbook "
            "(.xlsx) or CSV"
        )
    return _csv_rows(data, filename)
