"""'My deadlines', the board's clocks, extensions, settings, the calendar feed and the
compliance report: what each persona may see and do."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from scr.audit.models import AuditEvent
from scr.cases.status import status_events
from scr.deadlines import calendar
from scr.deadlines.models import CalendarFeed, Deadline, Extension
from scr.deadlines.services import deadline_meet, extension_request

pytestmark = pytest.mark.django_db


def meeting(case) -> Deadline:
    return case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)


def test_my_deadlines_lists_what_the_user_owns(client, case, panel_chair, panel_member):
    client.force_login(panel_chair)
    text = client.get(reverse("deadlines:my-deadlines")).content.decode()
    assert "Panel meets (6.1)" in text and case.reference in text
    client.force_login(panel_member)
    text = client.get(reverse("deadlines:my-deadlines")).content.decode()
    assert "You own no running clock" in text
    assert case.reference not in text


def test_the_board_view_is_for_the_coordinator_and_the_chair(
    client, case, coordinator, chair, panel_chair, other_coordinator
):
    url = reverse("deadlines:board-deadlines")
    for person in (coordinator, chair):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert case.reference in response.content.decode()
    client.force_login(panel_chair)
    assert client.get(url).status_code == 403
    client.force_login(other_coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert case.reference not in response.content.decode()


def test_board_view_query_count_does_not_grow(
    client, case, coordinator, agency_a, django_assert_max_num_queries
):
    from scr.deadlines.services import deadline_open

    for n in range(20):
        deadline_open(
            case=case,
            kind=Deadline.Kind.IMR_REPORT,
            agency=None if n else agency_a,
            start=date(2026, 1, 1),
            due=date(2026, 2, 1) + timedelta(days=n),
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("deadlines:board-deadlines")).status_code == 200


def test_the_owner_asks_for_more_time_and_the_chair_approves(
    client, case, panel_chair, chair, mailoutbox, django_capture_on_commit_callbacks
):
    clock = meeting(case)
    original = clock.due
    client.force_login(panel_chair)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert reverse("deadlines:extension-request", args=[clock.pk]) in page
    new_due = original + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deadlines:extension-request", args=[clock.pk]),
            {"requested_due": new_due.strftime("%d/%m/%Y"), "reason": "Police lead on leave."},
        )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert [m.to for m in mailoutbox] == [[chair.email]]
    assert reverse("deadlines:extension-decide", args=[extension.pk]) in mailoutbox[0].body

    client.force_login(chair)
    home = client.get(reverse("cases:home")).content.decode()
    assert "Decide an extension: Panel meets (6.1)" in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deadlines:extension-decide", args=[extension.pk]),
            {"decision": "approve", "note": "Agreed."},
        )
    assert response.status_code == 302
    clock.refresh_from_db()
    assert (clock.due, clock.original_due, clock.status) == (
        new_due,
        original,
        Deadline.Status.EXTENDED,
    )
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by) == (Extension.Status.APPROVED, chair)
    assert mailoutbox[-1].to == [panel_chair.email]
    assert "approved" in mailoutbox[-1].subject


def test_a_refused_extension_keeps_the_date(case, panel_chair, chair):
    from scr.deadlines.services import extension_decide

    clock = meeting(case)
    extension = extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    extension_decide(extension_id=extension.pk, by=chair, approve=False, note="Meet on time.")
    clock.refresh_from_db()
    assert clock.due == clock.original_due
    assert clock.status == Deadline.Status.OPEN
    assert Extension.objects.get().status == Extension.Status.REFUSED
    # Issue 16 item 3: the decision is an event row, and one audit row of the extension.
    [event] = status_events(extension)
    assert (event.transition, event.from_status, event.to_status) == (
        "refuse",
        "requested",
        "refused",
    )
    assert (event.actor, event.note, event.case_id) == (chair, "Meet on time.", case.pk)
    audit = AuditEvent.objects.get(object_type="extension", object_id=str(extension.pk))
    assert (audit.action, audit.actor, audit.board_id) == ("transition", chair, case.board_id)
    assert audit.detail == f"requested -> refused: extension of clock {clock.pk}"


def test_only_the_chair_decides_extensions(
    client, case, panel_chair, coordinator, panel_member, outsider, other_coordinator
):
    clock = meeting(case)
    extension = extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    url = reverse("deadlines:extension-decide", args=[extension.pk])
    expected = {
        panel_chair: 403,
        coordinator: 403,
        panel_member: 403,
        outsider: 404,
        other_coordinator: 404,
    }
    for person, status in expected.items():
        client.force_login(person)
        assert client.post(url, {"decision": "approve"}).status_code == status
    assert Extension.objects.get().status == Extension.Status.REQUESTED
    clock.refresh_from_db()
    assert clock.due == clock.original_due


def test_who_may_ask_for_more_time(
    client, case, panel_chair, coordinator, panel_member, chair, outsider
):
    url = reverse("deadlines:extension-request", args=[meeting(case).pk])
    expected = {panel_chair: 200, coordinator: 200, panel_member: 403, chair: 403, outsider: 404}
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status


def test_a_bad_extension_request_shows_errors_and_keeps_what_was_typed(client, case, panel_chair):
    clock = meeting(case)
    client.force_login(panel_chair)
    url = reverse("deadlines:extension-request", args=[clock.pk])
    cases = [
        (
            {"requested_due": "31/02/2027", "reason": "Reasons typed here"},
            "Enter the new due date as a real date",
        ),
        (
            {"requested_due": clock.due.strftime("%d/%m/%Y"), "reason": "Reasons typed here"},
            "The new date must be after the current due date",
        ),
        (
            {"requested_due": "next week", "reason": "Reasons typed here"},
            "Enter the new due date as a real date",
        ),
        (
            {"requested_due": (clock.due + timedelta(days=5)).strftime("%d/%m/%Y"), "reason": "  "},
            "Enter why more time is needed",
        ),
    ]
    for data, error in cases:
        response = client.post(url, data)
        assert response.status_code == 400
        text = response.content.decode()
        assert "There is a problem" in text and error in text
        if data["reason"].strip():
            assert data["reason"] in text
    assert not Extension.objects.exists()
    # Dates typed the ways people type them.
    response = client.post(
        url, {"requested_due": f" {(clock.due + timedelta(days=5)):%d/%m/%y} ", "reason": "Leave."}
    )
    assert response.status_code == 302
    assert Extension.objects.get().requested_due == clock.due + timedelta(days=5)


def test_one_request_waits_at_a_time_and_stopped_clocks_cannot_be_extended(case, panel_chair):
    from django.core.exceptions import ValidationError

    clock = meeting(case)
    extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    with pytest.raises(ValidationError):
        extension_request(
            deadline_id=clock.pk,
            by=panel_chair,
            requested_due=clock.due + timedelta(days=5),
            reason="More leave.",
        )
    deadline_meet(case=case, kind=Deadline.Kind.PANEL_MEETING)
    other = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    with pytest.raises(ValidationError):
        extension_request(
            deadline_id=other.pk,
            by=panel_chair,
            requested_due=other.due + timedelta(days=9),
            reason="Late.",
        )


def test_reminder_settings_choose_the_digest(client, case, panel_chair):
    client.force_login(panel_chair)
    url = reverse("deadlines:settings")
    assert client.post(url, {"reminder_digest": "maybe"}).status_code == 400
    assert client.post(url, {"reminder_digest": "true"}).status_code == 302
    panel_chair.refresh_from_db()
    assert panel_chair.reminder_digest is True


def _make_feed(client) -> str:
    """Make a calendar address as the person does, and read it off the page that shows it."""
    client.post(reverse("deadlines:calendar-create"))
    text = client.get(reverse("deadlines:settings")).content.decode()
    return re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", text).group(1)


def test_the_calendar_address_is_shown_once_and_only_its_hash_is_kept(client, panel_chair):
    client.force_login(panel_chair)
    token = _make_feed(client)
    feed = CalendarFeed.objects.get(user=panel_chair)
    assert token not in feed.token_hash and feed.token_hash == CalendarFeed.hash(token)
    again = client.get(reverse("deadlines:settings")).content.decode()
    assert token not in again
    assert "You have a calendar address" in again and "Stop this address" in again
    assert client.get(reverse("deadlines:calendar-feed", args=[token])).status_code == 200
    # The stored hash is not itself an address.
    assert client.get(reverse("deadlines:calendar-feed", args=[feed.token_hash])).status_code == 404


def test_the_calendar_feed_shows_the_users_own_clocks_only(
    client, case, panel_chair, coordinator, outsider
):
    client.force_login(panel_chair)
    token = _make_feed(client)
    client.logout()
    response = client.get(reverse("deadlines:calendar-feed", args=[token]))
    assert response.status_code == 200
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert sorted(str(e["summary"]) for e in events) == sorted(
        [
            f"{case.reference}: Panel meets (6.1)",
            f"{case.reference}: Panel recommendation and terms of reference (6.2)",
        ]
    )
    assert events[0].decoded("dtstart") in {d.due for d in case.deadlines.all()}
    assert b"Hypatia" not in response.content and b"HQM" not in response.content
    # Another user's feed shows nothing of these clocks.
    client.force_login(outsider)
    other = _make_feed(client)
    response = client.get(reverse("deadlines:calendar-feed", args=[other]))
    assert case.reference.encode() not in response.content


def test_a_revoked_or_replaced_calendar_address_stops_working(client, panel_chair):
    client.force_login(panel_chair)
    first = _make_feed(client)
    second = _make_feed(client)
    assert first != second
    assert client.get(reverse("deadlines:calendar-feed", args=[first])).status_code == 404
    assert client.get(reverse("deadlines:calendar-feed", args=[second])).status_code == 200
    client.post(reverse("deadlines:calendar-revoke"))
    assert client.get(reverse("deadlines:calendar-feed", args=[second])).status_code == 404
    assert client.get("/deadlines/calendar/not-a-token.ics").status_code == 404


def test_compliance_report_counts_and_exports(client, case, coordinator, panel_chair):
    clock = meeting(case)
    deadline_meet(case=case, kind=Deadline.Kind.PANEL_MEETING, on=clock.due + timedelta(days=4))
    client.force_login(coordinator)
    params = {
        "start": (clock.due - timedelta(days=30)).strftime("%d/%m/%Y"),
        "end": (clock.due + timedelta(days=60)).strftime("%d/%m/%Y"),
    }
    text = client.get(reverse("deadlines:compliance"), params).content.decode()
    assert "Panel meets (6.1)" in text
    response = client.get(reverse("deadlines:compliance"), {**params, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Panel meets (6.1)"][1:] == ["1", "0", "1", "0", "0", "4"]
    assert by_label["Panel recommendation and terms of reference (6.2)"][1:4] == ["1", "0", "0"]
    response = client.get(reverse("deadlines:compliance"), {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Clock"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert AuditEvent.objects.filter(action="export", actor=coordinator).count() == 2
    client.force_login(panel_chair)
    assert client.get(reverse("deadlines:compliance")).status_code == 403


def test_compliance_report_refuses_a_backwards_range(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("deadlines:compliance"),
        {"start": "01/12/2026", "end": "01/11/2026", "format": "csv"},
    )
    assert response.status_code == 400
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in response.content.decode()


def test_safe_cell_neutralises_formulas():
    from scr.exports import safe_cell

    for text in ("=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Panel meets") == "Panel meets"
    assert safe_cell(4) == 4


def test_home_shows_the_users_clocks_due_soon(client, case, panel_chair):
    client.force_login(panel_chair)
    text = client.get(reverse("cases:home")).content.decode()
    assert f"{case.reference}: Panel meets (6.1)" in text
    assert calendar.today() <= meeting(case).due


def test_a_request_lapses_when_its_clock_stops(client, case, panel_chair, chair):
    clock = meeting(case)
    extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    deadline_meet(case=case, kind=Deadline.Kind.PANEL_MEETING)
    lapsed = Extension.objects.get()
    assert lapsed.status == Extension.Status.LAPSED
    # Nobody decided it: the service's own event row, with no actor.
    assert [(e.transition, e.actor, e.case_id) for e in status_events(lapsed)] == [
        ("lapse", None, case.pk)
    ]
    client.force_login(chair)
    assert "Decide an extension" not in client.get(reverse("cases:home")).content.decode()


def test_compliance_counts_a_clock_missed_just_after_midnight_as_late(case, board):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from scr.deadlines.selectors import compliance

    clock = meeting(case)
    # Stopped at 00:30 London time (23:30 UTC) the day after it was due, in summer time.
    Deadline.objects.filter(pk=clock.pk).update(
        due=date(2026, 7, 10),
        start=date(2026, 7, 3),
        status=Deadline.Status.MISSED,
        closed_at=datetime(2026, 7, 10, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    row = next(
        r
        for r in compliance(board, date(2026, 7, 1), date(2026, 7, 31), date(2026, 8, 1))
        if r.kind == Deadline.Kind.PANEL_MEETING
    )
    assert (row.late, row.still_open, row.median_days_late) == (1, 0, 1)


def test_home_page_queries_do_not_grow_with_extension_requests(
    client, case, board, chair, coordinator, agency_a, django_assert_max_num_queries
):
    from scr.accounts.roles import Role
    from scr.cases.services import case_assign, case_create
    from scr.deadlines.services import deadline_open

    for n in range(6):
        other = case_create(board=board, by=coordinator, subject_name=f"P {n}")
        case_assign(case_id=other.pk, user=coordinator, role=Role.OVERVIEW_AUTHOR, by=chair)
        clock = deadline_open(
            case=other,
            kind=Deadline.Kind.IMR_REPORT,
            start=date(2026, 1, 1),
            due=date(2026, 2, 1),
            owner=coordinator,
        )
        extension_request(
            deadline_id=clock.pk, by=coordinator, requested_due=date(2099, 1, 1), reason="Leave."
        )
    client.force_login(chair)
    # 20: the action plans' provider looks once for the chair's cases at the plans (16);
    # 21: the requests for information (s45) waiting on the board's SARs, once;
    # 22: the adults' names of every item's case, once.
    with django_assert_max_num_queries(22):
        text = client.get(reverse("cases:home")).content.decode()
    assert text.count("Decide an extension") == 6


def test_the_person_who_asked_reads_the_decision_and_its_reasons(
    client, case, panel_chair, chair, outsider
):
    from scr.deadlines.services import extension_decide

    clock = meeting(case)
    extension = extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    extension_decide(
        extension_id=extension.pk, by=chair, approve=False, note="The panel can meet with deputies."
    )
    client.force_login(panel_chair)
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "More time refused on" in page
    text = client.get(reverse("deadlines:extension-decide", args=[extension.pk])).content.decode()
    assert "The panel can meet with deputies." in text
    assert "Record decision" not in text
    client.force_login(outsider)
    assert client.get(reverse("deadlines:extension-decide", args=[extension.pk])).status_code == 404


def test_refusing_needs_reasons(client, case, panel_chair, chair):
    clock = meeting(case)
    extension = extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    client.force_login(chair)
    url = reverse("deadlines:extension-decide", args=[extension.pk])
    response = client.post(url, {"decision": "refuse", "note": " "})
    assert response.status_code == 400
    assert "Enter the reasons for refusing" in response.content.decode()
    assert Extension.objects.get().status == Extension.Status.REQUESTED


def test_asking_again_while_a_request_waits_explains_instead_of_offering_a_form(
    client, case, panel_chair
):
    clock = meeting(case)
    extension_request(
        deadline_id=clock.pk,
        by=panel_chair,
        requested_due=clock.due + timedelta(days=3),
        reason="Leave.",
    )
    client.force_login(panel_chair)
    text = client.get(reverse("deadlines:extension-request", args=[clock.pk])).content.decode()
    assert "A request is already waiting for the chair" in text
    assert 'name="requested_due"' not in text


def test_the_coordinators_calendar_holds_the_clocks_nobody_owns(client, case, coordinator):
    Deadline.objects.filter(case=case).update(owner=None)
    client.force_login(coordinator)
    token = _make_feed(client)
    response = client.get(reverse("deadlines:calendar-feed", args=[token]))
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert len(events) == 2
    assert all("DTSTAMP" in event for event in events)
