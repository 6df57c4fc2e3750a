"""The one order of a chronology's entries (scr.dates.chronology_order), an agency's own
(imr.selectors.ENTRY_ORDER) and the merged one (overview.chronology.MERGED_ORDER). The
core's test runs it over rows that carry only the three columns it reads; the stages'
tests (tests/imr/test_drafting.py, tests/overview/test_chronology.py) over real entries."""

from datetime import date, time

import pytest
from django.db.models import Case, DateField, TimeField, Value, When

from imr.selectors import ENTRY_ORDER
from overview.chronology import MERGED_ORDER
from scr.accounts.models import Board
from scr.dates import RANK, FuzzyDate, Precision, chronology_order, parse_date
from tests.factories import BoardFactory

DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


def order_of(rows: list[tuple[date, str, time | None]], *then) -> list[int]:
    """The rows' places in `rows` as the database orders them: each row is a board (made
    in the order of `rows`) annotated with a date, a precision and a time."""
    boards = [BoardFactory() for _ in rows]

    def column(index, output_field=None):
        return Case(
            *(
                When(pk=board.pk, then=Value(row[index], output_field=output_field))
                for board, row in zip(boards, rows, strict=True)
            ),
            output_field=output_field,
        )

    found = (
        Board.objects.filter(pk__in=[b.pk for b in boards])
        .annotate(
            date=column(0, DateField()), date_precision=column(1), time=column(2, TimeField())
        )
        .order_by(*chronology_order(*then))
    )
    place = {board.pk: index for index, board in enumerate(boards)}
    return [place[board.pk] for board in found]


def ordered(rows, *then) -> list[tuple]:
    return [rows[index] for index in order_of(rows, *then)]


@pytest.mark.django_db
def test_a_vaguer_date_comes_before_the_days_it_holds_and_an_untimed_entry_first():
    first = date(2025, 2, 1)
    expected = [
        (date(2024, 12, 31), DAY, time(23, 0)),
        (date(2025, 1, 1), YEAR, None),
        (date(2025, 1, 1), MONTH, None),
        (date(2025, 1, 1), DAY, None),
        (date(2025, 1, 1), DAY, time(8, 30)),
        (first, MONTH, None),
        (first, DAY, None),
        (first, DAY, time(9, 0)),
        (first, DAY, time(17, 0)),
    ]
    assert ordered(list(reversed(expected))) == expected


@pytest.mark.django_db
def test_the_database_order_is_the_order_of_fuzzy_dates():
    typed = ["05/02/25", "?03/02/25", "2025", "02/2025", "01/02/25", "31/12/24", "?2024", "Jan 25"]
    dates = [parse_date(text) for text in typed]
    in_python = sorted(dates, key=FuzzyDate.sort_key)
    in_database = ordered([(d.value, d.precision, None) for d in dates])
    assert in_database == [(d.value, d.precision, None) for d in in_python]


@pytest.mark.django_db
def test_the_callers_tie_breaks_come_last():
    day = date(2025, 3, 3)
    rows = [(day, DAY, None), (day, DAY, None), (day, MONTH, None), (day, DAY, None)]
    assert order_of(rows, "-pk") == [2, 3, 1, 0]
    assert order_of(rows, "pk") == [2, 0, 1, 3]


def test_both_chronologies_use_it():
    assert ENTRY_ORDER[:3] == MERGED_ORDER[:3] == chronology_order()
    assert ENTRY_ORDER[3:] == ("position", "pk")
    assert MERGED_ORDER[3:] == ("agency__name", "source_index", "pk")
    assert sorted(RANK, key=RANK.get) == [YEAR, MONTH, DAY]
