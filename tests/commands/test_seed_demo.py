from io import StringIO

import pytest
from django.core.management import call_command

from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import Role
from scr.audit.models import AuditEvent
from scr.cases.models import Case, CaseAssignment, CaseEvent
from scr.deadlines.models import Deadline

pytestmark = pytest.mark.django_db

MODELS = (Board, Agency, User, Case, CaseEvent, CaseAssignment, Deadline, AuditEvent)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_is_idempotent_and_prints_sign_ins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    text = out.getvalue()
    assert "coordinator@example.org" in text
    assert "northshire-demo-2026" in text


def test_demo_has_a_user_for_every_role_and_cases_at_several_stages():
    call_command("seed_demo", stdout=StringIO())
    board = Board.objects.get(name="Northshire Safeguarding Adults Board")
    held = {a.role for a in CaseAssignment.objects.filter(case__board=board)}
    for user in User.objects.filter(board=board):
        held |= set(user.board_roles)
    assert held == set(Role)
    stages = set(Case.objects.filter(board=board).values_list("stage", flat=True))
    assert {
        "with_chair",
        "panel_convened",
        "review_commissioned",
        "imrs_in_progress",
        "overview_in_progress",
        "declined",
    } <= stages
    # Referrals still with their referrer and agency lead: one waiting, one a draft.
    from referrals.models import Referral

    assert set(
        Referral.objects.filter(board=board, case=None).values_list("status", flat=True)
    ) == {"submitted", "draft"}
    assert Case.objects.exclude(board=board).exists()  # a second board, for isolation


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-passphrase")
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.get(email="chair@example.org").check_password("another-demo-passphrase")
