"""Meeting papers: checked by content, kept outside the web root, served with an audit;
those for the panel only listed and served to the panel alone."""

import re

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


# Papers for the panel only (issue 20) ---------------------------------------------------

PANEL = ["panel_member", "panel_chair", "coordinator"]
NOT_PANEL = ["lead_a", "author_a", "director_a", "overview_author", "chair"]


@pytest.fixture
def post_restricted(client, case, panel_chair, settings, tmp_path):
    """Post a meeting with a paper as the panel chair, ticking (or not) 'Only the panel
    may see this paper'; the paper."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    client.force_login(panel_chair)

    def post(name="panel-notes.pdf", *, panel_only=True):
        data = {
            "held_on": calendar.today().strftime("%d/%m/%Y"),
            "notes": "Agreed.",
            "paper": SimpleUploadedFile(name, PDF),
        }
        if panel_only:
            data["paper_panel_only"] = "on"
        response = client.post(reverse("panel:meeting-new", args=[case.reference]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return PanelMeetingAttachment.objects.get(original_name=name)

    return post


def _panel_only_box(page: str) -> str:
    [box] = re.findall(r'<input[^>]*name="paper_panel_only"[^>]*>', page)
    return box


def test_the_form_offers_panel_only_ticked_by_default(client, case, panel_chair):
    client.force_login(panel_chair)
    page = client.get(reverse("panel:meeting-new", args=[case.reference])).content.decode()
    assert "Only the panel may see this paper" in page
    assert " checked" in _panel_only_box(page)


def test_a_refused_meeting_keeps_the_choice_made(client, case, panel_chair):
    client.force_login(panel_chair)
    response = client.post(
        reverse("panel:meeting-new", args=[case.reference]),
        {"held_on": "", "notes": "Agreed.", "paper": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert " checked" not in _panel_only_box(page)  # left unticked, as sent


def _sees(client, user, case, paper) -> tuple[int, bool]:
    """(the download's status, whether the case page lists the paper) for `user`."""
    client.force_login(user)
    status = client.get(reverse("panel:attachment", args=[case.reference, paper.pk])).status_code
    listed = (
        paper.original_name
        in client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    )
    return status, listed


@pytest.mark.parametrize("who", PANEL)
def test_the_panel_may_see_a_panel_only_paper(client, case, post_restricted, request, who):
    paper = post_restricted()
    assert paper.panel_only
    assert _sees(client, request.getfixturevalue(who), case, paper) == (200, True)


@pytest.mark.parametrize("who", NOT_PANEL)
def test_nobody_else_finds_a_panel_only_paper(client, case, post_restricted, request, who):
    shared = post_restricted("agenda.pdf", panel_only=False)
    restricted = post_restricted()
    user = request.getfixturevalue(who)
    # The same person sees the case, and a paper not restricted, in full.
    assert _sees(client, user, case, shared) == (200, True)
    assert _sees(client, user, case, restricted) == (404, False)


def test_the_rule_is_one_named_function(case, panel_member, panel_chair, coordinator, lead_a):
    from panel import access as panel_access

    for user, may in [(panel_member, True), (panel_chair, True), (coordinator, True)]:
        assert panel_access.may_see_panel_only_papers(user, case) is may
    assert panel_access.may_see_panel_only_papers(lead_a, case) is False


def test_a_panel_member_taken_off_the_case_no_longer_finds_it(
    client, case, post_restricted, panel_member, coordinator
):
    from scr.accounts.roles import Role
    from scr.cases import services as case_services

    paper = post_restricted()
    assignment = case.assignments.get(user=panel_member, role=Role.PANEL_MEMBER)
    case_services.case_unassign(assignment_id=assignment.pk, by=coordinator)
    client.force_login(panel_member)
    url = reverse("panel:attachment", args=[case.reference, paper.pk])
    assert client.get(url).status_code == 404
