"""Uploaded files: checked by their content, stored under random names outside the web
root, and served only through permission-checked views (as attachments)."""

import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# What the service accepts, recognised by the file's first bytes, not its name.
KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


@dataclass
class CheckedFile:
    kind: str
    content_type: str
    safe_name: str
    data: bytes


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def check_upload(upload) -> CheckedFile:
    """Refuse what is too big or not a PDF, Word, Excel, PNG or JPEG file by its content.
    The stored name keeps only the base name's safe characters."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The file must be smaller than 10 MB")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError("The file must be smaller than 10 MB")
    kind = sniff(data)
    if kind is None:
        raise ValidationError("The file must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG")
    content_type, extension = KINDS[kind]
    base = Path(str(upload.name).replace("\\", "/")).name
    stem = "".join(c for c in Path(base).stem if c.isalnum() or c in " -_().")[:80].strip()
    return CheckedFile(kind, content_type, f"{stem or 'file'}{extension}", data)


def store(data: bytes, extension: str) -> str:
    """Write under PRIVATE_FILES_ROOT with a random name; return the name to keep."""
    root = Path(settings.PRIVATE_FILES_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}{extension}"
    (root / name).write_bytes(data)
    return name


def read(name: str) -> bytes:
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise FileNotFoundError(name)
    return path.read_bytes()
