import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_open

pytestmark = pytest.mark.django_db

# The board's code leads the reference (NSAB-SCR-2026-001): unique across boards.
LINE = re.compile(r"^[A-Z]{2,6}-SCR-\d{4}-\d{3} [a-z_]+ (\d{2}/\d{2}/\d{4}|-) [a-z0-9-]+$")


def _run() -> list[str]:
    out = StringIO()
    call_command("cases", stdout=out)
    return out.getvalue().splitlines()


def test_one_line_per_case_reference_stage_next_deadline_and_type(case, agency_a):
    # Convening the panel opened the 7-day and 4-week clocks; an agency's clock due
    # sooner than both is the next deadline.
    deadline_open(
        case=case,
        kind=Deadline.Kind.IMR_CHRONOLOGY,
        agency=agency_a,
        start=date(2026, 1, 5),
        due=date(2026, 1, 9),
    )
    lines = _run()
    assert lines == [f"{case.reference} panel_convened 09/01/2026 scr-2009"]
    for line in lines:
        assert LINE.match(line)


def test_cases_without_a_running_clock_show_a_dash(case_with_chair):
    assert _run() == [f"{case_with_chair.reference} with_chair - scr-2009"]


def test_no_cases_prints_nothing(db):
    assert _run() == []
