"""Chronology imports (imr.spreadsheet, through the real import page): the size of the
file and the zip inside a workbook are checked before anything parses them, the XML is
parsed with defusedxml, and a CSV has a size, a row limit and clear decoding errors.
Every import is scanned by clamd when one is configured, and a workbook with macros or
OLE objects refused (scr.uploads.check_import). A refused file changes nothing."""

import html
import io
import socket
import zipfile

import openpyxl.xml
import openpyxl.xml.functions
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from imr import spreadsheet, spreadsheet_files
from imr.models import ChronologyEntry
from scr import uploads
from tests.files import EICAR, OLE
from tests.imr.conftest import asked, commissioned, dates, imr_a  # noqa: F401
from tests.security.hostile import FakeClamd

pytestmark = pytest.mark.django_db

HEADER = "Date,Time,Source of information,Subject of recording,"
HEADER += '"Event description, action and outcome",Expected practice/standards,'
HEADER += "Relevance to terms of reference\r\n"
ROW = "03/02/25,10:15,Case notes,HQM,SW1 visited at home.,,1\r\n"

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'count="1" uniqueCount="1"><si><t>&passwd;</t></si></sst>'
)


def _workbook() -> bytes:
    """A good chronology workbook, as the service writes one."""
    from imr.entry_parsing import parse_date

    row = [parse_date("03/02/25"), None, "Case notes", "HQM", "SW1 visited.", "", "1", False]
    return spreadsheet.write_rows_xlsx([row], "Chronology")


def _rezip(data: bytes, replace: dict[str, bytes | str] = None, add: dict = None) -> bytes:
    """The zip `data` with members replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = replace.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in add.items():
            target.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture
def post_import(client, imr_a, author_a):  # noqa: F811
    client.force_login(author_a)
    url = reverse("imr:chronology-import", args=[imr_a.case.reference, imr_a.agency_id])

    def post(name: str, data: bytes) -> str:
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400, response.status_code
        assert not ChronologyEntry.objects.filter(imr=imr_a).exists()
        return html.unescape(response.content.decode())

    return post


@pytest.fixture
def never_parsed(monkeypatch):
    """openpyxl must not be asked to open the file at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(spreadsheet_files, "load_workbook", refuse)


def test_openpyxl_parses_xml_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    if not openpyxl.xml.LXML:  # with lxml, fromstring is lxml's with entities off
        assert openpyxl.xml.functions.fromstring.__module__.startswith("defusedxml")


def test_a_good_workbook_is_imported(client, imr_a, author_a):  # noqa: F811
    # The setup every refusal below shares works: a clean workbook goes in.
    client.force_login(author_a)
    url = reverse("imr:chronology-import", args=[imr_a.case.reference, imr_a.agency_id])
    response = client.post(url, {"file": SimpleUploadedFile("c.xlsx", _workbook())})
    assert response.status_code == 302
    assert ChronologyEntry.objects.filter(imr=imr_a).count() == 1


@pytest.mark.parametrize("member", ["[Content_Types].xml", "xl/workbook.xml"])
@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_entity_declarations_in_a_workbook_are_refused(post_import, member, xml):
    page = post_import("c.xlsx", _rezip(_workbook(), replace={member: xml}))
    assert "holds XML with a document type or entity declaration" in page
    assert "root:" not in page


def test_entity_declarations_in_a_worksheet_are_refused(post_import):
    sheet = BILLION_LAUGHS.replace("<sst", "<worksheet").replace("</sst>", "</worksheet>")
    page = post_import("c.xlsx", _rezip(_workbook(), replace={"xl/worksheets/sheet1.xml": sheet}))
    assert "holds XML with a document type or entity declaration" in page


def test_without_defusedxml_a_workbook_is_refused_and_csv_still_read(
    imr_a,  # noqa: F811
    client,
    author_a,
    post_import,
    monkeypatch,
):
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    page = post_import("c.xlsx", _workbook())
    assert "cannot read safely at the moment; save the chronology as CSV" in page
    url = reverse("imr:chronology-import", args=[imr_a.case.reference, imr_a.agency_id])
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", (HEADER + ROW).encode())})
    assert response.status_code == 302


def test_a_zip_bomb_is_refused_before_it_is_opened(post_import, never_parsed):
    bomb = _rezip(_workbook(), add={"xl/media/zeros.bin": b"\0" * (5 * 1024 * 1024)})
    page = post_import("c.xlsx", bomb)
    assert "is compressed far more than a real workbook is (more than 100 to 1)" in page


def test_a_workbook_unpacking_past_the_limit_is_refused(post_import, never_parsed, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    # Barely compressible: the ratio is fine, the size is not.
    noise = bytes(range(256)) * 4096 + bytes((n * 7919) % 251 for n in range(200_000))
    page = post_import("c.xlsx", _rezip(_workbook(), add={"xl/media/noise.bin": noise}))
    assert "would unpack to 1.2 MB, more than the 1 MB this service reads" in page


def test_a_workbook_with_too_many_files_inside_is_refused(post_import, never_parsed, settings):
    settings.IMPORT_MAX_ZIP_MEMBERS = 20
    many = {f"xl/media/{n}.txt": "x" for n in range(30)}
    page = post_import("c.xlsx", _rezip(_workbook(), add=many))
    assert "files inside it; a workbook of a chronology holds a few dozen at most" in page


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(post_import, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(spreadsheet, "file_rows", None)  # reading it would fail loudly
    page = post_import("c.csv", (HEADER + ROW * 30).encode())
    assert "The file must be smaller than 1,000 bytes" in page


def test_the_reader_itself_refuses_a_file_over_the_size_limit(monkeypatch):
    # The import command reads through it too.
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(spreadsheet.SpreadsheetError, match="larger than 1,000 bytes"):
        spreadsheet.read_chronology((HEADER + ROW * 30).encode(), "c.csv", term_numbers={1})


def test_a_csv_of_empty_lines_stops_at_the_row_limit(post_import, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS_READ", 50)
    page = post_import("c.csv", (HEADER + "\r\n" * 200 + ROW).encode())
    assert "The file has more than 50 rows, counting empty ones" in page


def test_a_csv_with_too_many_entries_is_refused(post_import, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    page = post_import("c.csv", (HEADER + ROW * 5).encode())
    assert "The file has more than 3 entries; split the chronology" in page


@pytest.mark.parametrize(
    "data, message",
    [
        # Invalid as UTF-8 and as cp1252 (0x81 and 0x8d are undefined there).
        (HEADER.encode() + b"03/02/25,,Notes,HQM,\x81\x8d visit,,1\r\n", "is not text this"),
        (b"Date\x00Time\x00", "is not a spreadsheet"),
        ("\ufeffDate".encode("utf-16"), "save it as 'CSV UTF-8'"),
    ],
    ids=["undecodable", "binary", "utf-16"],
)
def test_a_csv_that_cannot_be_decoded_gives_a_clear_message(post_import, data, message):
    page = post_import("c.csv", data)
    assert message in page


# Every import passes through scr.uploads.check_import: macros and viruses --------------


@pytest.mark.parametrize(
    "change",
    [
        {"add": {"xl/vbaProject.bin": OLE}},
        {"add": {"xl/embeddings/oleObject1.bin": OLE}},
        {"add": {"xl/activeX/activeX1.xml": "<x/>"}},
        {"content_type": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"},
    ],
    ids=["vba", "ole", "activex", "xlsm"],
)
def test_a_workbook_with_macros_or_objects_is_refused(post_import, never_parsed, change):
    workbook = _workbook()
    if "content_type" in change:
        with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
            types = archive.read("[Content_Types].xml").decode()
        types = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            change["content_type"],
        )
        workbook = _rezip(workbook, replace={"[Content_Types].xml": types})
    else:
        workbook = _rezip(workbook, add=change["add"])
    page = post_import("c.xlsx", workbook)
    assert "There is a problem" in page
    assert "The file ‘c.xlsx’ contains" in page
    assert "macros" in page or "embedded objects or controls (OLE or ActiveX)" in page


@pytest.fixture
def clamd(settings):
    fake = FakeClamd()
    settings.CLAMD_URL, settings.CLAMD_TIMEOUT = f"tcp://127.0.0.1:{fake.port}", 5
    yield fake
    fake.close()


def test_an_import_is_scanned_and_an_infected_one_refused(post_import, clamd):
    page = post_import("c.csv", (HEADER + ROW).encode() + EICAR)
    assert "The virus checker found a virus in the file ‘c.csv’ (Eicar-Test-Signature)" in page
    assert [data for _, data in clamd.scanned] == [(HEADER + ROW).encode() + EICAR]


def test_a_clean_import_is_scanned_and_taken(client, imr_a, author_a, clamd):  # noqa: F811
    client.force_login(author_a)
    url = reverse("imr:chronology-import", args=[imr_a.case.reference, imr_a.agency_id])
    response = client.post(url, {"file": SimpleUploadedFile("c.xlsx", _workbook())})
    assert response.status_code == 302
    assert [data for _, data in clamd.scanned] == [_workbook()]
    assert ChronologyEntry.objects.filter(imr=imr_a).count() == 1


def test_an_import_is_refused_when_the_scanner_is_unavailable(post_import, settings, caplog):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.CLAMD_URL, settings.CLAMD_TIMEOUT = f"tcp://127.0.0.1:{port}", 2
    page = post_import("c.csv", (HEADER + ROW).encode())
    assert "Virus scanning is unavailable just now, so the file ‘c.csv’ was not uploaded" in page
    assert "the virus scanner did not answer" in caplog.text


def test_the_import_command_is_scanned_too(imr_a, author_a, clamd, tmp_path):  # noqa: F811
    path = tmp_path / "c.csv"
    path.write_bytes((HEADER + ROW).encode() + EICAR)
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_chronology",
            imr_a.case.reference,
            imr_a.agency.name,
            str(path),
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert "found a virus in the file ‘c.csv’ (Eicar-Test-Signature)" in stderr.getvalue()
    assert not ChronologyEntry.objects.filter(imr=imr_a).exists()
