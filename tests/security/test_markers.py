"""Nothing shows a person what they may not read (ASVS 4.1.1, 4.2.1, 8.2): markers,
unique strings seeded in agency A's draft review on board A (after its chronology was
signed off: a chronology entry, a family member, a section, a recommendation, a glossary
entry) and in board B's referral and case (subject's name, what happened), are looked
for in every page, list, search, export (CSV, XLSX), PDF and email the sweep and the
world's building produced. The agency's own people do see the draft marker, so these
tests can fail."""

import hashlib
import io
from datetime import datetime, time, timedelta

import openpyxl
import pypdf
import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from scr.deadlines import calendar
from scr.deadlines.reminders import deadline_sweep
from tests.security.world import BOARD_B_MARKER, DRAFT_MARKER, S45_MARKER

pytestmark = pytest.mark.django_db

# Agency A's own people: its lead, the author and the countersigning director.
AGENCY_A = {"lead_a", "author_a", "director_a"}
# Board A's pages as board A's people and the signed-out visitor; board B's own people
# (other_*) are allowed board B's markers.
BOARD_B_PEOPLE = {"other_coordinator"}

_texts: dict[str, str] = {}


def text_of(content: bytes, content_type: str = "") -> str:
    """What a person reads in a response or an attachment: the HTML or CSV as text, a
    PDF's extracted text, every cell of a spreadsheet."""
    digest = hashlib.sha256(content).hexdigest()
    if digest not in _texts:
        _texts[digest] = _extract(content, content_type)
    return _texts[digest]


def _extract(content: bytes, content_type: str) -> str:
    if content.startswith(b"%PDF"):
        try:
            reader = pypdf.PdfReader(io.BytesIO(content))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except pypdf.errors.PyPdfError:
            return content.decode("latin-1")  # an uploaded file that is barely a PDF
    if content.startswith(b"PK") or "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


def all_answers(sweep):
    """(where, role, answer) of every page the sweep asked for."""
    for (board, key, role), answer in sweep.answers.items():
        yield (board, key), role, answer
    for (label, role), answer in sweep.extra.items():
        yield ("extra", label), role, answer


def test_the_sweep_read_every_kind_of_output(sweep):
    kinds = {answer.content_type.split(";")[0] for _, _, answer in all_answers(sweep)}
    assert {
        "text/html",
        "application/pdf",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    } <= kinds
    # The readers of agency A's review did read its signed-off version, as a page and
    # as a PDF: the marker's absence there means something.
    for key in ("imr:imr-detail", "imr:version", "imr:pdf"):
        assert sweep.answers[("a", key, "panel_chair")].status == 200, key
    pdf = sweep.answers[("a", "imr:pdf", "panel_chair")]
    assert pdf.content_type == "application/pdf"
    assert "felt safe" in text_of(pdf.content)


def test_nobody_outside_agency_a_reads_its_draft(sweep):
    leaks = [
        (where, role)
        for where, role, answer in all_answers(sweep)
        if role not in AGENCY_A and DRAFT_MARKER in text_of(answer.content, answer.content_type)
    ]
    assert not leaks


# Where the draft's marker is kept, for all of agency A; its author also sees it in the
# forms that change it (the others read those pages without the values to change).
DRAFT_PAGES = {
    ("a", "imr:chronology"),
    ("a", "imr:person-edit"),
    ("a", "imr:glossary"),
    ("a", "imr:chronology-export"),  # XLSX
    ("extra", "imr chronology csv"),
    ("extra", "imr section family"),
    ("extra", "imr section action_plan"),
}
AUTHORS_FORMS = {
    ("a", "imr:entry-edit"),
    ("a", "imr:section-edit"),
    ("a", "imr:recommendation-edit"),
}


@pytest.mark.parametrize("role", sorted(AGENCY_A))
def test_agency_a_reads_its_own_draft_everywhere_it_is_kept(sweep, role):
    """The positive control: the marker is on the draft's pages and in its export."""
    shown = {
        where
        for where, who, answer in all_answers(sweep)
        if who == role and DRAFT_MARKER in text_of(answer.content, answer.content_type)
    }
    assert shown >= DRAFT_PAGES
    if role == "author_a":
        assert shown >= AUTHORS_FORMS


# What board A's SAR asked agency A under s45, and agency A's reply: the board's side and
# agency A's lead alone (issue 17). Agency B's lead sees the case, never the request.
S45_READERS = {"coordinator", "chair", "lead_a"}


def test_nobody_but_the_board_and_agency_a_reads_its_s45_reply(sweep):
    leaks = [
        (where, role)
        for where, role, answer in all_answers(sweep)
        if role not in S45_READERS and S45_MARKER in text_of(answer.content, answer.content_type)
    ]
    assert not leaks


@pytest.mark.parametrize("role", sorted(S45_READERS))
def test_the_s45_readers_read_the_reply(sweep, role):
    """The positive control: the marker is on the request's page for its readers."""
    answer = sweep.answers[("a", "imr:s45-detail", role)]
    assert answer.status == 200
    assert S45_MARKER in text_of(answer.content, answer.content_type)


def test_nobody_of_board_a_reads_board_b(sweep):
    """Neither the marker of board B's case and referral nor any reference of board B
    reaches board A's people, on any page of either board, in any list, search, count
    or export. (Board B's calendar address is its owner's secret, and names references.)"""
    prefix = "OTH-"
    leaks = []
    for (where, key), role, answer in all_answers(sweep):
        if role in BOARD_B_PEOPLE:
            continue
        # Every page carries its own address back (the sign-out button's 'next').
        text = text_of(answer.content, answer.content_type).replace(escape(answer.path), "")
        if BOARD_B_MARKER in text:
            leaks.append((where, key, role, "marker"))
        if prefix in text and not (where == "b" and key == "deadlines:calendar-feed"):
            leaks.append((where, key, role, "reference"))
    assert not leaks


def test_board_b_reads_its_own_case(world, as_user):
    """The positive control: board B's referrer reads board B's marker on its referral."""
    referral = world.b.objects["referral"]
    page = as_user(world.b.people["referrer"]).get(
        reverse("referrals:referral-detail", args=[referral.pk])
    )
    assert page.status_code == 200
    assert BOARD_B_MARKER in page.content.decode()


def _email_text(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _ in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        name, content, mimetype = attachment
        data = content if isinstance(content, bytes) else str(content).encode()
        parts.append(text_of(data, mimetype or ""))
    return "\n".join(str(part) for part in parts)


def test_no_email_carries_a_draft_or_another_boards_case(
    world, sweep, django_capture_on_commit_callbacks
):
    """Every email of the building, of the sweep, and of a reminder run far enough ahead
    that every clock of both boards is overdue."""
    mail.outbox = []
    later = calendar.today() + timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        deadline_sweep(at=datetime.combine(later, time(9), tzinfo=calendar.LONDON), inline=True)
    reminders = list(mail.outbox)
    assert reminders, "the reminder run sent nothing"
    board_a = {person.email for person in world.a.people.values()}
    messages = [*world.emails, *sweep.emails, *reminders]
    checked_for_a = 0
    leaks = []
    for message in messages:
        text = _email_text(message)
        if DRAFT_MARKER in text:
            leaks.append((message.subject, message.to, "draft"))
        if S45_MARKER in text:
            leaks.append((message.subject, message.to, "s45"))
        if board_a & set(message.to):
            checked_for_a += 1
            if BOARD_B_MARKER in text or "OTH-" in text:
                leaks.append((message.subject, message.to, "board B"))
    assert not leaks
    assert checked_for_a > 50
