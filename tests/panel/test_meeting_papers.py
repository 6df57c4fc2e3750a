"""Meeting papers: checked by content, kept outside the web root, served with an audit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from panel.models import PanelMeetingAttachment
from scr.audit.models import AuditEvent
from scr.deadlines import calendar
from tests.files import DOCX, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_meeting(client, case, panel_chair, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    client.force_login(panel_chair)

    def post(name, data):
        return client.post(
            reverse("panel:meeting-new", args=[case.reference]),
            {
                "held_on": calendar.today().strftime("%d/%m/%Y"),
                "notes": "Agreed.",
                "paper": SimpleUploadedFile(name, data),
            },
        )

    return post


@pytest.mark.parametrize(
    ("name", "data", "stored_as"),
    [("minutes.pdf", PDF, "minutes.pdf"), ("..\\..\\etc/agenda.docx", DOCX, "agenda.docx")],
)
def test_good_papers_are_kept_under_a_random_name(post_meeting, name, data, stored_as, tmp_path):
    assert post_meeting(name, data).status_code == 302
    paper = PanelMeetingAttachment.objects.get()
    assert paper.original_name == stored_as
    assert (tmp_path / "private" / paper.stored_name).read_bytes() == data
    assert stored_as not in paper.stored_name


@pytest.mark.parametrize(
    "name, data",
    [
        ("report.pdf", b"MZ\x90\x00 a renamed program"),
        ("notes.docx", b"PK\x03\x04 not really a zip"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1)),
    ],
)
def test_bad_papers_are_refused_and_nothing_is_recorded(post_meeting, name, data):
    response = post_meeting(name, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Agreed." in text  # what was typed is kept
    assert not PanelMeetingAttachment.objects.exists()


def test_papers_are_served_to_the_case_only_and_audited(
    client, post_meeting, case, coordinator, outsider, referrer
):
    post_meeting("minutes.pdf", PDF)
    paper = PanelMeetingAttachment.objects.get()
    url = reverse("panel:attachment", args=[case.reference, paper.pk])
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response.getvalue() == PDF
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert AuditEvent.objects.filter(action="download", actor=coordinator).exists()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(referrer)
    assert client.get(url).status_code == 403


def test_a_paper_missing_from_disk_is_a_404_not_an_error(
    client, post_meeting, case, coordinator, tmp_path
):
    post_meeting("minutes.pdf", PDF)
    paper = PanelMeetingAttachment.objects.get()
    (tmp_path / "private" / paper.stored_name).unlink()
    client.force_login(coordinator)
    url = reverse("panel:attachment", args=[case.reference, paper.pk])
    assert client.get(url).status_code == 404
