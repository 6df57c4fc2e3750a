from datetime import date

import pytest

from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_cancel, deadline_meet, deadline_open

pytestmark = pytest.mark.django_db


def test_open_computes_due_from_the_board_and_keeps_the_original(new_case, coordinator):
    deadline = deadline_open(
        case=new_case, kind=Deadline.Kind.PANEL_MEETING, start=date(2026, 11, 2), owner=coordinator
    )
    assert deadline.due == deadline.original_due == date(2026, 11, 9)
    assert deadline.status == Deadline.Status.OPEN


def test_opening_twice_returns_the_running_clock(new_case):
    first = deadline_open(case=new_case, kind=Deadline.Kind.PANEL_MEETING, start=date(2026, 11, 2))
    second = deadline_open(case=new_case, kind=Deadline.Kind.PANEL_MEETING, start=date(2026, 11, 5))
    assert first.pk == second.pk
    assert Deadline.objects.filter(case=new_case).count() == 1


def test_per_agency_clocks_are_separate(new_case, agency_a, agency_c):
    a = deadline_open(
        case=new_case,
        kind=Deadline.Kind.IMR_CHRONOLOGY,
        agency=agency_a,
        start=date(2026, 11, 2),
        due=date(2026, 12, 1),
    )
    c = deadline_open(
        case=new_case,
        kind=Deadline.Kind.IMR_CHRONOLOGY,
        agency=agency_c,
        start=date(2026, 11, 2),
        due=date(2026, 12, 8),
    )
    assert a.pk != c.pk
    deadline_meet(
        case=new_case, kind=Deadline.Kind.IMR_CHRONOLOGY, agency=agency_a, on=date(2026, 11, 30)
    )
    c.refresh_from_db()
    assert c.status == Deadline.Status.OPEN


def test_a_due_date_before_the_start_is_refused(new_case):
    with pytest.raises(ValueError):
        deadline_open(
            case=new_case,
            kind=Deadline.Kind.IMR_REPORT,
            start=date(2026, 11, 2),
            due=date(2026, 11, 1),
        )


def test_meet_records_the_date_and_lateness(new_case):
    deadline_open(case=new_case, kind=Deadline.Kind.PANEL_MEETING, start=date(2026, 11, 2))
    met = deadline_meet(case=new_case, kind=Deadline.Kind.PANEL_MEETING, on=date(2026, 11, 11))
    assert met.status == Deadline.Status.MET
    assert met.met_on == date(2026, 11, 11)
    assert met.met_late
    assert met.tag(date(2026, 11, 12)) == ("Met late", "govuk-tag--orange")
    assert deadline_meet(case=new_case, kind=Deadline.Kind.PANEL_MEETING) is None


def test_tags_show_overdue_and_due_soon_from_the_date(new_case):
    deadline = deadline_open(
        case=new_case, kind=Deadline.Kind.PANEL_RECOMMENDATION, start=date(2026, 11, 2)
    )
    assert deadline.due == date(2026, 11, 30)
    assert deadline.tag(date(2026, 11, 2))[0] == "Open"
    assert deadline.tag(date(2026, 11, 23))[0] == "Due soon"
    assert deadline.tag(date(2026, 11, 30))[0] == "Due today"
    assert deadline.tag(date(2026, 12, 1)) == ("Overdue", "govuk-tag--red")


def test_cancel_marks_overdue_clocks_missed(new_case):
    deadline_open(case=new_case, kind=Deadline.Kind.PANEL_MEETING, start=date(2026, 11, 2))
    deadline_open(case=new_case, kind=Deadline.Kind.PANEL_RECOMMENDATION, start=date(2026, 11, 2))
    assert deadline_cancel(case=new_case, on=date(2026, 11, 15)) == 2
    statuses = dict(Deadline.objects.filter(case=new_case).values_list("kind", "status"))
    assert statuses == {
        Deadline.Kind.PANEL_MEETING: Deadline.Status.MISSED,
        Deadline.Kind.PANEL_RECOMMENDATION: Deadline.Status.CANCELLED,
    }
