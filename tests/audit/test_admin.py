"""The audit trail and the change history in the administration: read-only, filtered,
the coordinator's own board, and an audited CSV export of the filtered rows."""

import csv
import io

import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent, ChangeRecord
from scr.audit.services import audit_record, change_record

pytestmark = pytest.mark.django_db


def _export_url() -> str:
    return reverse("admin:audit_auditevent_export")


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def trail(coordinator, other_coordinator, case):
    """A view and a refusal on board A; a failed sign-in with a formula for a name; a
    view on board B."""
    audit_record(action="view", actor=coordinator, obj=case, detail="case page")
    audit_record(
        action="access_denied", actor=coordinator, obj=case, outcome="denied", detail="403"
    )
    audit_record(
        action="sign_in_failed",
        outcome="failed",
        actor_label='=HYPERLINK("http://evil.example","x")',
        board=case.board,
    )
    audit_record(action="view", actor=other_coordinator, detail="elsewhere")


def test_the_list_filters_by_action_outcome_type_date_and_board(client, coordinator, trail):
    client.force_login(coordinator)
    url = reverse("admin:audit_auditevent_changelist")
    specs = client.get(url).context["cl"].filter_specs
    assert [spec.field_path for spec in specs] == [
        "action",
        "outcome",
        "object_type",
        "at",
        "board",
    ]
    filtered = client.get(
        url,
        {
            "action": "access_denied",
            "outcome": "denied",
            "object_type": "case",
            "board__id__exact": coordinator.board_id,
            "at__gte": "2000-01-01 00:00:00+00:00",
        },
    )
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == 1


def test_the_board_filter_offers_only_the_coordinators_board(client, coordinator, trail):
    client.force_login(coordinator)
    specs = client.get(reverse("admin:audit_auditevent_changelist")).context["cl"].filter_specs
    (board,) = [spec for spec in specs if spec.field_path == "board"]
    assert [pk for pk, _ in board.lookup_choices] == [coordinator.board_id]


def test_export_is_the_filtered_rows_of_the_own_board_neutralised_and_audited(
    client, coordinator, trail
):
    client.force_login(coordinator)
    changelist = client.get(reverse("admin:audit_auditevent_changelist"), {"outcome": "failed"})
    assert f"{_export_url()}?outcome=failed" in changelist.content.decode()
    response = client.get(_export_url(), {"outcome": "failed"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "no-store" in response["Cache-Control"]
    header, *rows = _rows(response)
    assert header[0] == "Time (UTC)"
    assert len(rows) == 1
    (row,) = rows
    assert row[1] == '\'=HYPERLINK("http://evil.example","x")'  # not a formula
    assert row[0].endswith("Z") and "T" in row[0]
    export = AuditEvent.objects.get(action="export")
    assert export.actor == coordinator and export.board == coordinator.board
    assert export.detail == "audit trail CSV: 1 rows; filters: outcome"


def test_export_without_filters_has_every_own_row_and_no_other_boards(client, coordinator, trail):
    client.force_login(coordinator)
    rows = _rows(client.get(_export_url()))[1:]
    assert "elsewhere" not in {row[8] for row in rows}
    own = AuditEvent.objects.filter(board=coordinator.board).exclude(action="export")
    assert len(rows) == own.count()


def test_people_who_are_not_staff_cannot_export(client, outsider, trail):
    client.force_login(outsider)
    response = client.get(_export_url())
    assert response.status_code == 302  # to the admin's sign-in
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_wrong_filter_goes_back_to_the_list(client, coordinator, trail):
    client.force_login(coordinator)
    response = client.get(_export_url(), {"no_such_field": "1"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()


# Change records -------------------------------------------------------------------------


@pytest.fixture
def records(case, coordinator, author_a, agency_a, other_coordinator):
    """On board A: a record anyone reading the case's overview may read, and one of
    agency A's own draft. On board B: one more."""
    board_record = change_record(
        obj=case,
        by=coordinator,
        board=case.board,
        case_id=case.pk,
        before={"text": "old"},
        after={"text": "new"},
    )
    agency_record = change_record(
        obj=case,
        by=author_a,
        board=case.board,
        case_id=case.pk,
        agency=agency_a,
        before={"draft": "before"},
        after={"draft": "private words"},
    )
    other = change_record(
        obj=other_coordinator,
        by=other_coordinator,
        board=other_coordinator.board,
        case_id=None,
        before={},
        after={"note": "otherton words"},
    )
    return board_record[0], agency_record[0], other[0]


def test_the_coordinator_sees_their_boards_records_but_not_an_agencys_own(
    client, coordinator, records
):
    client.force_login(coordinator)
    response = client.get(reverse("admin:audit_changerecord_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [records[0]]
    detail = client.get(reverse("admin:audit_changerecord_change", args=[records[0].pk]))
    assert detail.status_code == 200
    assert "new" in detail.content.decode()
    hidden = client.get(reverse("admin:audit_changerecord_change", args=[records[1].pk]))
    assert "private words" not in hidden.content.decode()


@pytest.mark.parametrize("who", ["chair", "outsider", "superuser"])
def test_nobody_but_the_coordinator_sees_change_records(
    client, records, chair, outsider, django_user_model, who
):
    person = {
        "chair": chair,
        "outsider": outsider,
        "superuser": django_user_model.objects.create_superuser("root@example.org", "x" * 16),
    }[who]
    client.force_login(person)
    response = client.get(reverse("admin:audit_changerecord_changelist"))
    assert response.status_code in (302, 403)
    assert "words" not in response.content.decode()


def test_change_records_are_read_only_in_the_admin(client, coordinator, records):
    client.force_login(coordinator)
    record = records[0]
    assert client.get(reverse("admin:audit_changerecord_add")).status_code == 403
    delete = reverse("admin:audit_changerecord_delete", args=[record.pk])
    assert client.post(delete).status_code == 403
    change = reverse("admin:audit_changerecord_change", args=[record.pk])
    assert client.post(change, {"after": "tampered"}).status_code == 403
    assert ChangeRecord.objects.get(pk=record.pk).after == "new"
