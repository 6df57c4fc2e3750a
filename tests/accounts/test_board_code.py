"""A board's code leads its case references (NSAB-SCR-2026-001): letters only, unique,
made from the board's initials when not given, changed in the administration."""

import pytest
from django.contrib import admin
from django.forms import model_to_dict, modelform_factory

from scr.accounts.models import Board, board_code_from
from scr.cases.services import case_create
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


def _form(board: Board, **changes):
    """The administration's form of the board (its fields, validators, unique checks and
    the model's clean), with `changes`."""
    form_class = modelform_factory(Board, fields=_admin_fields())
    data = {k: v for k, v in model_to_dict(board).items() if v is not None}
    return form_class({**data, **changes}, instance=board)


def _admin_fields() -> list[str]:
    fieldsets = admin.site._registry[Board].fieldsets
    return [name for _, options in fieldsets for name in options["fields"]]


def test_the_code_is_edited_in_the_administration():
    assert "code" in _admin_fields()


def test_a_board_without_a_code_takes_its_initials():
    assert BoardFactory(name="Northshire Safeguarding Adults Board").code == "NSAB"
    assert BoardFactory(name="Wrexham").code == "WR"


def test_initials_another_board_has_are_made_unique_with_letters():
    first = BoardFactory(name="Northshire Safeguarding Adults Board")
    second = BoardFactory(name="Newtown South Adult Board")
    third = BoardFactory(name="North Somerset Adults Board")
    codes = [first.code, second.code, third.code]
    assert codes[0] == "NSAB" and len(set(codes)) == 3
    assert all(code.isalpha() and code.isupper() and 2 <= len(code) <= 6 for code in codes)
    assert board_code_from("Ünder Émile Board", set()) == "UEB"


@pytest.mark.parametrize("typed", ["NS-1", "N", "NSAB1", "ns ab", "nsab", "NSÅB"])
def test_a_code_of_anything_but_two_to_six_capital_letters_is_refused(board, typed):
    form = _form(board, code=typed)
    assert not form.is_valid()
    assert "Use 2 to 6 capital letters A to Z, for example NSAB" in form.errors["code"]


def test_a_code_longer_than_six_letters_is_refused(board):
    assert "code" in _form(board, code="NSABCDE").errors


def test_a_code_another_board_has_is_refused(board, other_board):
    form = _form(board, code=other_board.code)
    assert not form.is_valid()
    assert "code" in form.errors


def test_a_changed_code_leads_new_references_and_the_old_ones_stay(board, coordinator):
    before = case_create(board=board, by=coordinator, subject_name="Ann Example")
    form = _form(board, code="TSX")
    assert form.is_valid(), form.errors
    form.save()
    after = case_create(board=Board.objects.get(pk=board.pk), by=coordinator, subject_name="B")
    before.refresh_from_db(fields=["reference"])
    assert before.reference.startswith("TSAB-SCR-")
    assert after.reference.startswith("TSX-SCR-")


def test_a_code_another_board_s_cases_were_numbered_under_is_refused(
    board, other_board, coordinator
):
    case_create(board=board, by=coordinator, subject_name="Ann Example")
    moved = _form(board, code="TSX")
    assert moved.is_valid(), moved.errors
    moved.save()
    taken = _form(other_board, code="TSAB")
    assert not taken.is_valid()
    assert taken.errors["code"] == [
        "Another board's case references start with this code: choose another"
    ]
