"""What is inside an uploaded file, past its first bytes (scr.uploads.check_upload, and
the chronology import through scr.uploads.check_import): a file must parse as the kind
its first bytes say, and carry nothing that runs by itself when it is opened.

- Word and Excel (DOCX, XLSX): a zip with a readable [Content_Types].xml and the kind's
  main part; no macros (vbaProject.bin, Excel 4.0 macro sheets, a macro-enabled type as
  .docm and .xlsm have) and no OLE objects or ActiveX controls.
- PDF: read by pypdf; no JavaScript, no launch actions, no embedded files, no open
  action other than going to a page. Every object is looked at, those in compressed
  object streams too, and the raw bytes as well (objects a lenient reader might find
  outside the cross-reference table).
- PNG and JPEG: decoded by Pillow and saved again, which drops whatever follows the
  image (an HTML page glued on after it) and its metadata (EXIF, comments, text chunks).

Each refusal is a ValidationError whose message names the file and says what to do;
its code is "active" (something that runs) or "damaged" (does not parse)."""

import io
import logging
import re
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

log = logging.getLogger(__name__)

WHAT = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
}
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# The most an image may have: a 50-megapixel photo is far beyond a scanned page.
MAX_PIXELS = 50_000_000
ORIENTATION = 0x0112  # the EXIF tag of which way up a photo is
# The most objects a PDF may have for us to look at each one: pypdf reads about 3,000 a
# second here, in the web request. A long report has a few thousand.
MAX_PDF_OBJECTS = 100_000


def damaged(name: str, kind: str) -> ValidationError:
    return ValidationError(
        f"The file ‘{name}’ could not be read as {WHAT[kind]}: it may be damaged. Open it, "
        "save it again and upload that.",
        code="damaged",
    )


def _active(message: str) -> ValidationError:
    return ValidationError(message, code="active")


# Word and Excel ---------------------------------------------------------------------------

# Parts and content types that run code or hold another program's objects.
MACRO_PARTS = ("vbaproject", "vbadata", "macrosheets/", "/xlm", "attachedtoolbars")
MACRO_TYPES = ("macroenabled", "vba", "macrosheet", "addin")
OBJECT_PARTS = ("/activex/", "oleobject")
OBJECT_TYPES = ("activex", "oleobject")
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file (old Office, VBA)


def office_problem(data: bytes, name: str, kind: str) -> None:
    """Refuse a DOCX or XLSX that is not a readable package of its kind, or that holds
    macros, OLE objects or ActiveX controls. Reads the zip's directory, the content types
    and the first bytes of each part; unpacks nothing else."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
                raise damaged(name, kind)
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or MAIN_PART[kind] not in names:
                raise damaged(name, kind)
            with archive.open("[Content_Types].xml") as handle:
                types_xml = handle.read(1024 * 1024 + 1)
            starts = []
            for member in members:
                if not member.is_dir():
                    with archive.open(member) as handle:
                        starts.append((member.filename, handle.read(len(OLE_START))))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise damaged(name, kind) from None
    try:
        types = fromstring(types_xml)
    except DefusedXmlException:
        raise ValidationError(
            f"The file ‘{name}’ holds XML with a document type or entity declaration, which "
            "Word and Excel never write. Save it again and upload that.",
            code="damaged",
        ) from None
    except ParseError:
        raise damaged(name, kind) from None
    if not types.tag.endswith("}Types"):
        raise damaged(name, kind)
    content_types = [
        (element.get("ContentType") or "").lower()
        for element in types.iter()
        if element.tag.endswith(("}Default", "}Override"))
    ]
    lowered = [part.lower() for part in names]
    if any(m in part for part in lowered for m in MACRO_PARTS) or any(
        m in content_type for content_type in content_types for m in MACRO_TYPES
    ):
        what = "Word document (.docx)" if kind == "docx" else "Excel workbook (.xlsx)"
        raise _active(
            f"The file ‘{name}’ contains macros. Save it again as an ordinary {what}, "
            "without macros, and upload that."
        )
    if (
        any(m in part for part in lowered for m in OBJECT_PARTS)
        or any(m in content_type for content_type in content_types for m in OBJECT_TYPES)
        or any(start == OLE_START for _, start in starts)
    ):
        raise _active(
            f"The file ‘{name}’ contains embedded objects or controls (OLE or ActiveX). "
            "Save it again without them (for example, save it as a PDF) and upload that."
        )


# PDF ----------------------------------------------------------------------------------------

PDF_ACTIVE = {
    "javascript": (
        "The file ‘{name}’ contains JavaScript. Save it again without scripts (for example "
        "print it to PDF) and upload that."
    ),
    "launch": (
        "The file ‘{name}’ tries to start another program when it is opened. Save it again "
        "(for example print it to PDF) and upload that."
    ),
    "embedded": (
        "The file ‘{name}’ has other files embedded in it. Upload each file on its own, "
        "and the PDF saved again without them (for example print it to PDF)."
    ),
    "open_action": (
        "The file ‘{name}’ runs an action when it is opened. Save it again (for example "
        "print it to PDF) and upload that."
    ),
}
# Names in the raw bytes, as a delimiter ends them, that mean the same; looked for outside
# the streams (whose compressed bytes would hold "/JS " somewhere in a large file by chance).
STREAMS = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
RAW_NAMES = re.compile(rb"/(JS|JavaScript|Launch|EmbeddedFiles?)(?![^\s/<>\[\]()%{}])")
RAW_FOUND = {
    b"JS": "javascript",
    b"JavaScript": "javascript",
    b"Launch": "launch",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
}
KEY_FOUND = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
}
NAME_FOUND = {"/JavaScript": "javascript", "/Launch": "launch", "/EmbeddedFile": "embedded"}


def _pdf_objects(reader: PdfReader):
    """Every object of the file: the trailer's and every one its cross-reference tables
    (and object streams) list, each indirect object once, without recursion."""
    stack: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack += [IndirectObject(number, generation, reader) for number in numbers]
    stack += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            raise ValueError("too many objects to look at")
        yield item
        if isinstance(item, DictionaryObject):
            stack += list(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack += list(item)


def _pdf_found(obj) -> str | None:
    """What in this one object runs or carries another file, if anything."""
    if isinstance(obj, NameObject):
        return NAME_FOUND.get(str(obj))
    if not isinstance(obj, DictionaryObject):
        return None
    for key in dict.keys(obj):
        if key in KEY_FOUND:
            return KEY_FOUND[key]
    if "/OpenAction" in obj:
        action = obj["/OpenAction"]  # resolved: an action is a dictionary
        if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
            return "open_action"
    return None


def pdf_problem(data: bytes, name: str) -> None:
    """Refuse a PDF that pypdf cannot read, that has no page, that needs a password to
    open, or that holds JavaScript, a launch action, embedded files or an open action
    other than going to a page (PDF_ACTIVE)."""
    raw = RAW_NAMES.search(STREAMS.sub(b" ", data))
    if raw:
        raise _active(PDF_ACTIVE[RAW_FOUND[raw.group(1)]].format(name=name))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                f"The file ‘{name}’ is protected by a password, so it cannot be checked. "
                "Save it again without the password and upload that.",
                code="damaged",
            )
        listed = sum(map(len, reader.xref.values())) + len(reader.xref_objStm)
        if listed > MAX_PDF_OBJECTS:
            raise ValidationError(
                f"The file ‘{name}’ has too many parts ({listed:,}) to be checked. Save it "
                "again in smaller files (or print it to PDF) and upload those.",
                code="damaged",
            )
        if len(reader.pages) < 1:
            raise damaged(name, "pdf")
        found = set(map(_pdf_found, _pdf_objects(reader)))
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 (any failure to parse untrusted bytes)
        log.info("An uploaded PDF did not parse: %r", error)
        raise damaged(name, "pdf") from None
    for what in PDF_ACTIVE:  # the most telling first
        if what in found:
            raise _active(PDF_ACTIVE[what].format(name=name))


# Images ---------------------------------------------------------------------------------------


def image_reencoded(data: bytes, name: str, kind: str) -> bytes:
    """The image decoded and saved again in its own format: only the pixels (turned the
    way its EXIF orientation says) and its colour profile are kept."""
    try:
        with Image.open(io.BytesIO(data), formats=["PNG" if kind == "png" else "JPEG"]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    f"The image ‘{name}’ is too large ({width} × {height} pixels). Make it "
                    "smaller and upload that.",
                    code="damaged",
                )
            image.load()
            icc_profile = image.info.get("icc_profile")
            output = io.BytesIO()
            if kind == "png":
                image.save(output, "PNG", icc_profile=icc_profile)
            elif image.getexif().get(ORIENTATION, 1) == 1:
                # The same quantisation tables: no loss of quality.
                image.save(output, "JPEG", quality="keep", icc_profile=icc_profile, comment=b"")
            else:
                turned = ImageOps.exif_transpose(image)
                turned.save(output, "JPEG", quality=90, icc_profile=icc_profile, comment=b"")
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 (any failure to decode untrusted bytes)
        log.info("An uploaded image did not decode: %r", error)
        raise damaged(name, kind) from None
    return output.getvalue()


def inspected(data: bytes, name: str, kind: str) -> bytes:
    """The bytes to keep of a file whose first bytes say it is `kind`: the same bytes for
    a document that passes, an image saved again; ValidationError otherwise."""
    if kind == "pdf":
        pdf_problem(data, name)
    elif kind in MAIN_PART:
        office_problem(data, name, kind)
    else:
        return image_reencoded(data, name, kind)
    return data
