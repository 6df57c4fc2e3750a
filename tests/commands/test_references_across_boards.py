"""Two boards number their cases alike (SCR-2026-001 each): every reference `cases`
prints names one case in every command, without --board; an older reference (no board
code) still works where only one case has it."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from scr.cases.models import Case
from scr.cases.services import case_create

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def twins(board, other_board, coordinator, other_coordinator):
    """The first case of 2026 of each board."""
    ours = case_create(board=board, by=coordinator, subject_name="Ada Quill", now=WHEN)
    theirs = case_create(
        board=other_board, by=other_coordinator, subject_name="Bea Quill", now=WHEN
    )
    return ours, theirs


def _listed() -> list[str]:
    out = StringIO()
    call_command("cases", stdout=out)
    return [line.split()[0] for line in out.getvalue().splitlines()]


def _render(reference: str, tmp_path, *args) -> str:
    out = tmp_path / "summary.pdf"
    call_command("render_document", reference, "case-summary", "--out", str(out), *args)
    return "\n".join(page.extract_text() for page in PdfReader(out).pages)


def test_cases_lists_each_board_s_first_case_under_its_own_reference(twins):
    ours, theirs = twins
    assert (ours.year, ours.number) == (theirs.year, theirs.number) == (2026, 1)
    listed = _listed()
    assert sorted(listed) == sorted(["TSAB-SCR-2026-001", "OSAB-SCR-2026-001"])
    assert len(set(listed)) == 2


def test_every_listed_reference_renders_its_own_case_without_board(twins, tmp_path):
    for reference in _listed():
        text = _render(reference, tmp_path)
        assert reference in text
        other = next(r for r in _listed() if r != reference)
        assert other not in text


def test_a_reference_is_found_as_people_type_it(twins, tmp_path):
    assert "OSAB-SCR-2026-001" in _render(" osab scr 2026 001 ", tmp_path)


def test_an_older_reference_both_boards_have_is_refused_naming_each(twins, tmp_path):
    with pytest.raises(CommandError) as refused:
        _render("SCR-2026-001", tmp_path)
    message = str(refused.value)
    assert "Several boards have a case SCR-2026-001" in message
    assert "TSAB-SCR-2026-001 (Testshire Safeguarding Adults Board)" in message
    assert "OSAB-SCR-2026-001 (Otherton Safeguarding Adults Board)" in message
    # --board still chooses, for an older reference printed on paper.
    text = _render("SCR-2026-001", tmp_path, "--board", "Otherton Safeguarding Adults Board")
    assert "OSAB-SCR-2026-001" in text


def test_an_older_reference_only_one_board_has_still_finds_its_case(
    twins, board, coordinator, tmp_path
):
    second = case_create(board=board, by=coordinator, subject_name="Cy Quill", now=WHEN)
    assert second.reference == "TSAB-SCR-2026-002"
    assert "TSAB-SCR-2026-002" in _render("SCR-2026-002", tmp_path)


def test_an_unknown_reference_is_refused(twins, tmp_path):
    with pytest.raises(CommandError, match="No case with reference TSAB-SCR-2026-009"):
        _render("TSAB-SCR-2026-009", tmp_path)


def test_the_database_refuses_a_reference_another_board_has(twins, other_board):
    ours, _ = twins
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(board=other_board).update(reference=ours.reference)
