"""Small real files of each kind the service accepts, and hostile ones, for the tests of
uploads: each parses as its kind (scr.upload_content reads past the first bytes)."""

import io
import zipfile
from functools import cache

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

# The EICAR test file, in two halves so that no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD" + b"-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf(*, catalog: dict | None = None, compress: bool = False) -> bytes:
    """A one-page PDF; `catalog`: more entries for its catalog (pypdf objects)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    for key, value in (catalog or {}).items():
        writer._root_object[NameObject(key)] = value
    if compress:
        writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action(script: str = "app.alert(1)") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


PDF = pdf()


@cache
def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("payload.exe", b"MZ not really a program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def goto_first_page() -> ArrayObject:
    return ArrayObject([NumberObject(0), NameObject("/Fit")])


def image(kind: str, size=(4, 3), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG" if kind == "png" else "JPEG", **save)
    return buffer.getvalue()


PNG = image("png")
JPEG = image("jpeg")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{main}" ContentType="{main_type}"/></Types>'
)
MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}


def office(kind: str, *, main_type: str | None = None, types: str | None = None, parts=()) -> bytes:
    """A DOCX or XLSX package: its content types (`types`, or those of its main part, of
    `main_type`), its main part and `parts` (name, bytes)."""
    main, default_type = MAIN[kind]
    if types is None:
        types = CONTENT_TYPES.format(main=main, main_type=main_type or default_type)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(main, "<x/>")
        for name, data in parts:
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office("docx")
XLSX = office("xlsx")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
