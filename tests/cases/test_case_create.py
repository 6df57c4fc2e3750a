import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from scr.cases.models import Case
from scr.cases.services import case_create

UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_references_count_up_per_board_and_year(board, other_board, coordinator, other_coordinator):
    first = case_create(
        board=board,
        by=coordinator,
        subject_name="Ann Example",
        now=datetime(2026, 5, 1, 12, tzinfo=UTC),
    )
    second = case_create(
        board=board,
        by=coordinator,
        subject_name="Bob Example",
        now=datetime(2026, 6, 1, 12, tzinfo=UTC),
    )
    elsewhere = case_create(
        board=other_board,
        by=other_coordinator,
        subject_name="Cy Example",
        now=datetime(2026, 6, 1, 12, tzinfo=UTC),
    )
    # 31/12/2026 23:30 UTC is still 2026 in London; 00:30 on 01/01/2027 is not.
    new_year = case_create(
        board=board,
        by=coordinator,
        subject_name="Di Example",
        now=datetime(2027, 1, 1, 0, 30, tzinfo=UTC),
    )
    # Each board numbers its own cases; its code (from its initials) leads the reference,
    # so the other board's first case of 2026 has a reference of its own.
    assert [first.reference, second.reference] == ["TSAB-SCR-2026-001", "TSAB-SCR-2026-002"]
    assert [elsewhere.number, elsewhere.reference] == [1, "OSAB-SCR-2026-001"]
    assert new_year.reference == "TSAB-SCR-2027-001"


@pytest.mark.django_db
def test_subject_is_shown_as_initials(board, coordinator):
    case = case_create(board=board, by=coordinator, subject_name="  mary-jane o'connor smith ")
    assert case.subject_name == "mary-jane o'connor smith"
    assert case.subject_initials == "MJOS"


@pytest.mark.django_db
def test_a_member_of_another_board_cannot_open_a_case(board, other_coordinator):
    with pytest.raises(PermissionDenied):
        case_create(board=board, by=other_coordinator, subject_name="Ann Example")
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_referrals_never_share_a_reference(board, coordinator):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    errors, barrier = [], threading.Barrier(6)

    def refer(n):
        try:
            barrier.wait()
            case_create(board=board, by=coordinator, subject_name=f"Person {n}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.mark.django_db
def test_a_reference_prefix_must_be_capital_letters(board):
    from django.core.exceptions import ValidationError

    board.reference_prefix = "tsab"
    with pytest.raises(ValidationError):
        board.full_clean()
