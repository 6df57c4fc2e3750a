"""The database refuses to change or remove audit rows and change records, whatever SQL
the service sends (migration audit.0003). Runs on the database DATABASE_URL names: CI
runs it on PostgreSQL; `pytest` without it on SQLite."""

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DatabaseError, connection, transaction

from scr.audit.models import AuditEvent, ChangeRecord
from scr.audit.services import (
    MAINTENANCE_FLAG,
    audit_record,
    change_record,
    change_records_delete,
)

TABLES = ("audit_auditevent", "audit_changerecord")


@pytest.fixture
def rows(coordinator, case):
    audit_record(action="view", actor=coordinator, obj=case)
    change_record(
        obj=case,
        by=coordinator,
        board=case.board,
        case_id=case.pk,
        before={"note": "old"},
        after={"note": "new"},
    )
    return {"audit_auditevent": "detail", "audit_changerecord": "after"}


def _refused(sql: str) -> None:
    # A savepoint of its own: on PostgreSQL a refused statement aborts the transaction.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_raw_update_and_delete_are_refused(rows, table):
    counts = AuditEvent.objects.count(), ChangeRecord.objects.count()
    _refused(f"UPDATE {table} SET {rows[table]} = 'tampered'")  # noqa: S608
    _refused(f"DELETE FROM {table}")  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table})")  # noqa: S608
    assert AuditEvent.objects.filter(detail="tampered").count() == 0
    assert (AuditEvent.objects.count(), ChangeRecord.objects.count()) == counts
    assert ChangeRecord.objects.get().after == "new"


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(rows):
    """Committed rows: PostgreSQL will not truncate a table this transaction wrote to."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    counts = AuditEvent.objects.count(), ChangeRecord.objects.count()
    for table in TABLES:
        _refused(f"TRUNCATE {table} CASCADE")
    assert (AuditEvent.objects.count(), ChangeRecord.objects.count()) == counts


@pytest.mark.django_db
def test_the_maintenance_flag_stays_with_flush(rows):
    """Setting nothing, a transaction is refused; the flag lives in flush's transaction
    alone, so after a flush the next statement is refused again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('scr.audit_maintenance', true)")
            assert cursor.fetchone()[0] in (None, "", "off")
        else:
            cursor.execute("SELECT count(*) FROM audit_maintenance")
            assert cursor.fetchone()[0] == 0
    _refused("DELETE FROM audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_and_nothing_else_gets_through(coordinator, case):
    """What the teardown of every transactional test does: flush is let through; after
    it, the triggers are back in force."""
    audit_record(action="view", actor=coordinator, obj=case)
    with pytest.raises(CommandError):  # Django's own flush, without the flag
        call_command(DjangoFlush(), verbosity=0, interactive=False)
    assert AuditEvent.objects.exists()
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, outcome, object_type,"
            " object_id, object_label, detail) VALUES (CURRENT_TIMESTAMP, '', 'view',"
            " 'success', '', '', '', '')"
        )
    _refused("DELETE FROM audit_auditevent")
    _refused("UPDATE audit_auditevent SET detail = 'tampered'")


@pytest.mark.django_db
def test_retention_deletes_a_cases_change_records_and_nothing_else(rows, case, coordinator):
    """Change records hold content: a case's go when retention deletes it, through the
    one function that sets the flag around its statement."""
    change_record(
        obj=coordinator, by=coordinator, board=case.board, case_id=None, before={}, after={"x": 1}
    )
    events = AuditEvent.objects.count()
    assert change_records_delete(case_id=case.pk) == 1
    assert list(ChangeRecord.objects.values_list("case_id", flat=True)) == [None]
    assert AuditEvent.objects.count() == events
    _refused("DELETE FROM audit_changerecord")  # the flag went with the statement


@pytest.mark.django_db
def test_the_flag_never_lets_an_audit_row_go_on_postgresql(rows):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's flush deletes row by row: there the flag lets DELETE through")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(MAINTENANCE_FLAG["postgresql"][0])
        _refused("DELETE FROM audit_auditevent")
        _refused("UPDATE audit_changerecord SET after = 'tampered'")
