"""Uploaded files: checked by their size and content (and by clamd, when one is
configured), kept within the case's quota, stored under random names in the private
storage (outside the web root, or a private bucket), and served only through
permission-checked views (as attachments). Every stage's model of uploaded files is a
StoredFile: the same columns, filled by keep(), served by its download_response()."""

import io
import logging
import secrets
import socket
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.utils import timezone

from scr import registry, upload_content
from scr.exports import content_disposition

log = logging.getLogger(__name__)

MB = 1024 * 1024
# Read once, at start-up, from the settings (UPLOAD_MAX_MB, UPLOAD_CASE_QUOTA_MB). Tests
# that need a small limit set these names (monkeypatch), not the settings.
MAX_UPLOAD_BYTES = settings.UPLOAD_MAX_MB * MB
CASE_QUOTA_BYTES = settings.UPLOAD_CASE_QUOTA_MB * MB

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

WRONG_TYPE = "The file must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG"
SCANNER_DOWN = (
    "Virus scanning is unavailable just now, so the file ‘{name}’ was not uploaded. Try "
    "again later; if it goes on, tell the board's coordinator"
)
INFECTED = (
    "The virus checker found a virus in the file ‘{name}’ ({found}), so it was not "
    "uploaded. Do not open the file again: tell your IT team"
)


@dataclass
class CheckedFile:
    kind: str
    content_type: str
    safe_name: str
    data: bytes


def size_text(size: int) -> str:
    """A limit as people read it: 10 MB, 200 MB, or bytes for the tests' small ones."""
    if size >= MB:
        return f"{size / MB:.1f}".removesuffix(".0") + " MB"
    return f"{size:,} bytes"


def too_big_message() -> str:
    return f"The file must be smaller than {size_text(MAX_UPLOAD_BYTES)}"


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
    """Refuse what is too big, not a PDF, Word, Excel, PNG or JPEG file by its content,
    not readable as that kind or carrying what runs by itself (scr.upload_content), or
    found infected by clamd (or not scanned because clamd, configured, did not answer).
    The error's code says which: too_big, type, damaged, active, virus or scanner. An
    image is kept as saved again (scr.upload_content.image_reencoded). The stored name
    keeps only the base name's safe characters. Every upload passes here."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(too_big_message(), code="too_big")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(too_big_message(), code="too_big")
    kind = sniff(data)
    if kind is None:
        raise ValidationError(WRONG_TYPE, code="type")
    content_type, extension = KINDS[kind]
    base = Path(str(upload.name).replace("\\", "/")).name
    stem = "".join(c for c in Path(base).stem if c.isalnum() or c in " -_().")[:80].strip()
    safe_name = f"{stem or 'file'}{extension}"
    # Scanned as uploaded, before anything here parses it.
    scanned(data, safe_name)
    data = upload_content.inspected(data, safe_name, kind)
    return CheckedFile(kind, content_type, safe_name, data)


def check_import(data: bytes, name: str) -> None:
    """What check_upload asks of a file that is read, not kept (a chronology to import,
    XLSX or CSV): scanned by clamd when one is configured, and a workbook holding macros,
    OLE objects or ActiveX controls refused. Every import passes here. ValidationError
    with check_upload's codes."""
    safe = Path(str(name).replace("\\", "/")).name[:100] or "file"
    scanned(data, safe)
    if data.startswith(b"PK\x03\x04"):
        try:
            upload_content.office_problem(data, safe, "xlsx")
        except ValidationError as error:
            # One that does not parse: the importer says so in its own words.
            if error.code != "damaged":
                raise


def scanned(data: bytes, name: str) -> None:
    """Refuse `data` if clamd finds something in it, or if clamd is configured and does
    not answer (fail closed); logged either way."""
    try:
        found = virus_scan(data)
    except ScannerUnavailable as error:
        # Fail closed: a configured scanner that does not answer lets nothing in.
        log.error("Upload refused: the virus scanner did not answer (%s)", error)
        raise ValidationError(SCANNER_DOWN.format(name=name), code="scanner") from None
    if found:
        log.warning("Upload refused: clamd found %s in %s", found, name)
        raise ValidationError(INFECTED.format(name=name, found=found), code="virus")


# The case's quota ---------------------------------------------------------------------


def case_usage(case_id: int) -> int:
    """Bytes of uploaded files the case holds. A stage registers each model of uploaded
    files with how it reaches its case (registry.CASE_FILES: "meeting__case"); the model
    keeps the file's size in `size`. The core counts them without importing a stage."""
    total = 0
    for model, path in registry.CASE_FILES.values():
        found = model.objects.filter(**{path: case_id}).aggregate(total=Sum("size"))
        total += found["total"] or 0
    return total


def check_case_quota(case_id: int, adding: int) -> None:
    """Refuse `adding` more bytes if the case's uploads would pass UPLOAD_CASE_QUOTA_MB.
    Call it with the rows being written to locked: two uploads to the same place then
    cannot both fit the last space."""
    used = case_usage(case_id)
    if used + adding > CASE_QUOTA_BYTES:
        raise ValidationError(
            f"This case already holds {size_text(used)} of files, and the most a case may "
            f"hold is {size_text(CASE_QUOTA_BYTES)}: this file would take it over. Ask the "
            "board's coordinator",
            code="quota",
        )


# Virus scanning (clamd's INSTREAM command) ---------------------------------------------


class ScannerUnavailable(Exception):
    """clamd is configured but did not answer, or answered with an error."""


CHUNK = 64 * 1024


def clamd_address() -> str | tuple[str, int] | None:
    """Where clamd listens: a Unix socket's path or a (host, port), from CLAMD_URL
    (tcp://clamav:3310 or unix:///run/clamav/clamd.sock), else CLAMD_SOCKET or
    CLAMD_HOST and CLAMD_PORT; None when none is set (no scanning)."""
    url = settings.CLAMD_URL
    if url:
        parsed = urlsplit(url)
        if parsed.scheme == "unix" and parsed.path:
            return parsed.path
        if parsed.scheme == "tcp" and parsed.hostname:
            return (parsed.hostname, parsed.port or 3310)
        raise ImproperlyConfigured(f"CLAMD_URL must be tcp://host:port or unix:///path: {url}")
    if settings.CLAMD_SOCKET:
        return settings.CLAMD_SOCKET
    if settings.CLAMD_HOST:
        return (settings.CLAMD_HOST, settings.CLAMD_PORT)
    return None


def _clamd() -> socket.socket | None:
    address = clamd_address()
    if address is None:
        return None
    if isinstance(address, tuple):
        return socket.create_connection(address, settings.CLAMD_TIMEOUT)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(settings.CLAMD_TIMEOUT)
    try:
        connection.connect(address)
    except OSError:
        connection.close()
        raise
    return connection


def virus_scan(data: bytes) -> str | None:
    """The name of what clamd found in `data`; None when it is clean or no clamd is
    configured (clamd_address). Raises ScannerUnavailable
    when clamd cannot be reached or does not say OK or FOUND.

    INSTREAM: the command, then chunks each led by its length (4 bytes, network order),
    then a chunk of length 0; clamd answers "stream: OK" or "stream: <name> FOUND"."""
    try:
        connection = _clamd()
        if connection is None:
            return None
        with connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                part = connection.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(f"clamd: {error}") from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix(" FOUND").strip() or "unnamed"
    if answer == "stream: OK":
        return None
    raise ScannerUnavailable(f"clamd answered {answer[:200]!r}")


# Storing and reading ---------------------------------------------------------------------
#
# Every stored file (uploads, rendered documents) lives in the storage STORAGES["private"]
# (settings.py): a folder under PRIVATE_FILES_ROOT by default, or a private S3 bucket, so
# that any web process or worker on any machine reads what another one wrote.


class StorageUnavailable(OSError):
    """The private storage did not answer or refused (object storage down, wrong
    credentials). An OSError, like a full disk: the tasks that store files retry it."""


def private_storage() -> Storage:
    return storages["private"]


def is_stored_name(name: str) -> bool:
    """A name store() could have made: random and flat. Anything with a folder in it, or
    that leads out of the storage, is not one of ours."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


@contextmanager
def _storage_errors(name: str):
    """Object storage's own errors as StorageUnavailable; a missing file stays
    FileNotFoundError (the storages raise it themselves)."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(f"private storage, {name}: {error}") from error


def store(data: bytes, extension: str) -> str:
    """Keep `data` under a random name in the private storage; return the name to keep."""
    name = f"{secrets.token_hex(16)}{extension}"
    with _storage_errors(name):
        return private_storage().save(name, ContentFile(data))


def open_stored(name: str) -> File:
    """The stored file, open for reading: the caller closes it (a FileResponse does).
    FileNotFoundError when there is no such file, or the name is not one of ours."""
    if not is_stored_name(name):
        raise FileNotFoundError(name)
    with _storage_errors(name):
        return private_storage().open(name, "rb")


def read(name: str) -> bytes:
    with open_stored(name) as handle, _storage_errors(name):
        return handle.read()


def stored(name: str) -> bool:
    with _storage_errors(name):
        return is_stored_name(name) and private_storage().exists(name)


def delete(name: str) -> None:
    """Remove a stored file; one already gone is no error."""
    if not is_stored_name(name):
        raise FileNotFoundError(name)
    with _storage_errors(name):
        private_storage().delete(name)


def delete_all(names) -> None:
    """Remove stored files whose rows are gone (retention, kept document parts). A file
    that will not go is logged, not raised: its row, the only way to it, is gone already,
    and the other files still go."""
    for name in names:
        try:
            delete(name)
        except OSError:
            log.exception("Could not remove the stored file %s", name)


def download_response(name: str, *, content_type: str, filename: str) -> FileResponse:
    """The stored file `name` as an attachment called `filename` (any name, in any
    script: RFC 6266), streamed from the storage, never cached, never sniffed. Http404
    when the file is missing. The caller has checked the permission; it audits after."""
    try:
        handle = open_stored(name)
    except FileNotFoundError:
        log.warning("A stored file is missing from the private storage: %s", name)
        raise Http404("The file is missing") from None
    response = FileResponse(handle, as_attachment=True, content_type=content_type)
    # Ours, not FileResponse's: it has no ASCII fallback and a line break in the name
    # would be a 500.
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The row every stage keeps of an uploaded file --------------------------------------------


class StoredFile(models.Model):
    """What a stage keeps of a file uploaded to it, in the same columns everywhere: the
    name it was given (reduced by check_upload to a safe base name, and only ever shown or
    used to name the download), its random name in the private storage, its type and
    size as checked, who uploaded it and when. The stage's model adds what the file
    belongs to; its size counts towards the case's quota (registry.CASE_FILES)."""

    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def download_response(self) -> FileResponse:
        """The file as an attachment under the name it was given (see download_response)."""
        return download_response(
            self.stored_name, content_type=self.content_type, filename=self.original_name
        )


def keep(checked: CheckedFile, *, by) -> dict:
    """Store a checked upload under a random name in the private storage and return the
    StoredFile fields of its row: `Model.objects.create(owner=..., **uploads.keep(...))`."""
    return {
        "original_name": checked.safe_name,
        "stored_name": store(checked.data, KINDS[checked.kind][1]),
        "content_type": checked.content_type,
        "size": len(checked.data),
        "uploaded_by": by,
    }
