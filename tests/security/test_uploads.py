"""Uploads (scr.uploads, the panel's meeting papers, the action plans' evidence): a size
limit and a per-case quota from the settings, the type by content, random names outside
the web root, downloads as attachments through permission checks, and optional virus
scanning by clamd that refuses what it finds and fails closed."""

import io
import os
import socket
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans import implementation_services as implementation
from actionplans.models import Evidence
from panel.models import PanelMeeting, PanelMeetingAttachment
from scr import settings as project_settings
from scr import uploads
from tests.actionplans.conftest import lead_c, planning  # noqa: F401
from tests.actionplans.test_closure import accepted_plans
from tests.files import DOCX, EICAR, JPEG, PDF, PNG, XLSX, office
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import (  # noqa: F401
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)
from tests.security.hostile import FakeClamd

pytestmark = pytest.mark.django_db


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refused(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(_file(name, data))
    return refused.value


# Limits from the settings --------------------------------------------------------------


def test_the_limits_come_from_the_settings():
    assert django_settings.UPLOAD_MAX_MB == 10 and django_settings.UPLOAD_CASE_QUOTA_MB == 200
    assert uploads.MAX_UPLOAD_BYTES == django_settings.UPLOAD_MAX_MB * 1024 * 1024
    assert uploads.CASE_QUOTA_BYTES == django_settings.UPLOAD_CASE_QUOTA_MB * 1024 * 1024
    assert uploads.too_big_message() == "The file must be smaller than 10 MB"


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    error = _refused("big.pdf", PDF + b"0" * 100)
    assert error.code == "too_big"
    assert error.messages == ["The file must be smaller than 100 bytes"]


# Type by content ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("a.pdf", PDF, "pdf"),
        ("a.png", PNG, "png"),
        ("photo.JPG", JPEG, "jpeg"),
        ("a.docx", DOCX, "docx"),
        ("a.xlsx", XLSX, "xlsx"),
        ("no extension", PDF, "pdf"),  # the content decides, not the name
    ],
)
def test_the_five_kinds_are_recognised_by_their_content(name, data, kind):
    checked = uploads.check_upload(_file(name, data))
    assert checked.kind == kind
    assert checked.content_type == uploads.KINDS[kind][0]
    assert checked.safe_name.endswith(uploads.KINDS[kind][1])


@pytest.mark.parametrize(
    "name, data",
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run"),
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("report.pdf", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("image.png", b"GIF89a\x01\x00\x01\x00"),
        ("notes.docx", b"PK\x03\x04 not really a zip"),
        ("notes.docx", _zip("word/document.xml")),  # no [Content_Types].xml
        ("notes.docx", _zip("[Content_Types].xml", "content.xml")),  # neither word/ nor xl/
        ("archive.xlsx", _zip("setup.exe")),
        ("empty.pdf", b""),
    ],
)
def test_anything_else_is_refused_whatever_its_name(name, data):
    error = _refused(name, data)
    assert error.code == "type"
    assert error.messages == [uploads.WRONG_TYPE]


# Storage and downloads -----------------------------------------------------------------


def test_papers_are_stored_under_random_names_outside_the_web_root(post_paper, private_root):
    assert post_paper("Minutes of HQM.pdf", PDF).status_code == 302
    paper = PanelMeetingAttachment.objects.get()
    stored = private_root / paper.stored_name
    assert stored.read_bytes() == PDF
    assert len(paper.stored_name) == 32 + len(".pdf") and "HQM" not in paper.stored_name
    # The configured store (this test moved it to a temporary folder) is outside
    # everything the web server or whitenoise serves.
    private = Path(project_settings.PRIVATE_FILES_ROOT).resolve()
    served = [django_settings.STATIC_ROOT, django_settings.MEDIA_ROOT]
    served += [d[1] if isinstance(d, tuple) else d for d in django_settings.STATICFILES_DIRS]
    for root in served:
        assert not private.is_relative_to(Path(root).resolve()), root
        assert not Path(root).resolve().is_relative_to(private), root


def test_a_stored_file_is_not_reachable_by_any_public_address(client, post_paper):
    post_paper("minutes.pdf", PDF)
    name = PanelMeetingAttachment.objects.get().stored_name
    client.logout()
    for address in (f"/static/{name}", f"/media/{name}", f"/private/{name}", f"/{name}"):
        assert client.get(address).status_code in (302, 404), address


def test_papers_are_served_as_attachments_to_the_case_only(client, post_paper, outsider):
    post_paper("minutes.pdf", PDF)
    paper = PanelMeetingAttachment.objects.get()
    url = reverse("panel:attachment", args=[paper.meeting.case.reference, paper.pk])

    response = client.get(url)  # still the panel chair
    assert response.status_code == 200 and response.getvalue() == PDF
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


# The case's quota ------------------------------------------------------------------------


def test_a_paper_past_the_cases_quota_is_refused_and_nothing_recorded(
    post_paper, private_root, monkeypatch
):
    monkeypatch.setattr(uploads, "CASE_QUOTA_BYTES", len(PDF) * 2 + 10)
    assert post_paper("first.pdf", PDF).status_code == 302
    assert post_paper("second.pdf", PDF).status_code == 302
    assert uploads.case_usage(PanelMeeting.objects.first().case_id) == len(PDF) * 2

    response = post_paper("third.pdf", PDF)

    assert response.status_code == 400
    page = response.content.decode()
    assert f"This case already holds {len(PDF) * 2} bytes of files" in page
    assert f"the most a case may hold is {len(PDF) * 2 + 10} bytes" in page
    assert PanelMeeting.objects.count() == 2
    assert len(list(private_root.iterdir())) == 2


def test_every_model_of_uploaded_files_counts_towards_the_quota():
    from scr import registry

    counted = {model.__name__ for model, _ in registry.CASE_FILES.values()}
    assert counted == {"PanelMeetingAttachment", "Evidence", "InformationReplyFile"}


# Virus scanning (clamd INSTREAM) -------------------------------------------------------


@pytest.fixture
def clamd(settings):
    """A fake clamd on 127.0.0.1, named by CLAMD_URL as docker-compose.yml names clamav."""
    fake = FakeClamd()
    settings.CLAMD_URL, settings.CLAMD_TIMEOUT = f"tcp://127.0.0.1:{fake.port}", 5
    yield fake
    fake.close()


def test_scanning_is_off_unless_clamd_is_configured(monkeypatch):
    assert django_settings.CLAMD_URL == ""
    assert django_settings.CLAMD_SOCKET == "" and django_settings.CLAMD_HOST == ""

    def no_network(*args, **kwargs):
        raise AssertionError("connected to a scanner that is not configured")

    monkeypatch.setattr(socket, "create_connection", no_network)
    assert uploads.virus_scan(EICAR) is None


def test_clamd_sees_the_whole_file_and_a_clean_one_passes(clamd):
    # Several INSTREAM chunks.
    data = office("docx", parts=[("word/media/noise.dat", os.urandom(200_000))])
    assert uploads.check_upload(_file("big.docx", data)).data == data
    assert clamd.scanned == [(b"zINSTREAM\0", data)]


def test_a_file_clamd_finds_infected_is_refused(clamd):
    error = _refused("report.pdf", PDF + EICAR)
    assert error.code == "virus"
    assert error.messages == [
        "The virus checker found a virus in the file ‘report.pdf’ (Eicar-Test-Signature), so "
        "it was not uploaded. Do not open the file again: tell your IT team"
    ]


def test_an_infected_paper_is_refused_on_the_page_and_nothing_kept(clamd, post_paper, private_root):
    response = post_paper("minutes.pdf", PDF + EICAR)
    assert response.status_code == 400
    assert "found a virus in the file ‘minutes.pdf’ (Eicar-Test-Signature)" in (
        response.content.decode()
    )
    assert not PanelMeeting.objects.exists()
    assert not private_root.exists() or not any(private_root.iterdir())


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_an_unreachable_clamd_refuses_the_upload_try_again_later(settings, post_paper):
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    error = _refused("minutes.pdf", PDF)
    assert error.code == "scanner"
    assert error.messages == [
        "Virus scanning is unavailable just now, so the file ‘minutes.pdf’ was not uploaded. "
        "Try again later; if it goes on, tell the board's coordinator"
    ]

    response = post_paper("minutes.pdf", PDF)
    assert response.status_code == 400
    assert "Virus scanning is unavailable just now" in response.content.decode()
    assert not PanelMeeting.objects.exists()


def test_an_error_from_clamd_refuses_the_upload(settings):
    fake = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", fake.port
    try:
        assert _refused("minutes.pdf", PDF).code == "scanner"
    finally:
        fake.close()


@pytest.mark.parametrize("how", ["url", "socket"])
def test_clamd_on_a_unix_socket(settings, tmp_path, how):
    path = str(tmp_path / "clamd.sock")
    fake = FakeClamd(socket.AF_UNIX, path)
    if how == "url":
        settings.CLAMD_URL = f"unix://{path}"
    else:
        settings.CLAMD_SOCKET = path
    try:
        assert uploads.virus_scan(PDF) is None
        assert uploads.virus_scan(EICAR) == "Eicar-Test-Signature"
    finally:
        fake.close()


def test_clamd_by_host_and_port_as_before(settings):
    fake = FakeClamd()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", fake.port
    try:
        assert uploads.virus_scan(EICAR) == "Eicar-Test-Signature"
    finally:
        fake.close()


@pytest.mark.parametrize(
    "url, address",
    [
        ("tcp://clamav:3310", ("clamav", 3310)),
        ("tcp://clamav", ("clamav", 3310)),
        ("unix:///run/clamav/clamd.sock", "/run/clamav/clamd.sock"),
    ],
)
def test_clamd_url_names_a_host_and_port_or_a_socket(settings, url, address):
    settings.CLAMD_URL = url
    assert uploads.clamd_address() == address


@pytest.mark.parametrize("url", ["http://clamav:3310", "clamav:3310", "unix://"])
def test_a_clamd_url_of_another_form_is_a_configuration_error(settings, url):
    settings.CLAMD_URL = url
    with pytest.raises(ImproperlyConfigured):
        uploads.virus_scan(PDF)


def test_a_closed_clamd_url_refuses_the_upload_and_logs(settings, caplog):
    settings.CLAMD_URL, settings.CLAMD_TIMEOUT = f"tcp://127.0.0.1:{_closed_port()}", 2
    assert _refused("minutes.pdf", PDF).code == "scanner"
    assert "the virus scanner did not answer" in caplog.text


def _real_clamd() -> dict | None:
    """The settings of a clamd that answers PING, or None."""
    candidates = []
    if django_settings.CLAMD_SOCKET:
        candidates.append({"CLAMD_SOCKET": django_settings.CLAMD_SOCKET, "CLAMD_HOST": ""})
    if django_settings.CLAMD_HOST:
        candidates.append({"CLAMD_SOCKET": "", "CLAMD_HOST": django_settings.CLAMD_HOST})
    for path in ("/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl"):
        candidates.append({"CLAMD_SOCKET": path, "CLAMD_HOST": ""})
    for candidate in candidates:
        try:
            if candidate["CLAMD_SOCKET"]:
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                with probe:
                    probe.settimeout(2)
                    probe.connect(candidate["CLAMD_SOCKET"])
                    probe.sendall(b"zPING\0")
                    answer = probe.recv(16)
            else:
                address = (candidate["CLAMD_HOST"], django_settings.CLAMD_PORT)
                with socket.create_connection(address, 2) as probe:
                    probe.sendall(b"zPING\0")
                    answer = probe.recv(16)
        except OSError:
            continue
        if answer.startswith(b"PONG"):
            return candidate
    return None


def test_a_real_clamd_finds_eicar(settings):
    found = _real_clamd()
    if found is None:
        pytest.skip("no clamd configured (CLAMD_SOCKET, CLAMD_HOST) or reachable")
    for name, value in found.items():
        setattr(settings, name, value)
    assert uploads.virus_scan(PDF) is None
    assert "Eicar" in uploads.virus_scan(EICAR)


# Evidence of the action plans ------------------------------------------------------------


def test_evidence_is_scanned_and_counted_against_the_quota(
    planning,  # noqa: F811
    lead_c,  # noqa: F811
    chair,
    coordinator,
    clamd,
    monkeypatch,
    private_root,
):
    plans = accepted_plans(planning, chair, coordinator, lead_c)
    plan = next(p for name, p in plans.items() if name)
    action = plan.actions.first()

    def upload(name: str, data: bytes):
        return implementation.evidence_upload(
            case_id=planning.pk,
            by=lead_c,
            plan_id=plan.pk,
            action_id=action.pk,
            description="Attendance records",
            upload=_file(name, data),
        )

    with pytest.raises(ValidationError) as refused:
        upload("records.pdf", PDF + EICAR)
    assert "found a virus" in refused.value.message_dict["upload"][0]

    monkeypatch.setattr(uploads, "CASE_QUOTA_BYTES", len(PDF) + 10)
    upload("records.pdf", PDF)
    with pytest.raises(ValidationError) as refused:
        upload("more.pdf", PDF)
    assert "the most a case may hold is" in refused.value.message_dict["upload"][0]
    assert Evidence.objects.count() == 1
    assert len(list(private_root.iterdir())) == 1
