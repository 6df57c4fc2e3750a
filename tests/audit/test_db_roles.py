"""Least privilege on PostgreSQL (scr/audit/db_roles.py, `manage.py db_roles`): the
service's role owns nothing, cannot change, remove or empty the audit trail even with
raw SQL, cannot use the maintenance flag to get around it, and still does the service's
work. Runs when DATABASE_URL points at PostgreSQL (CI); skipped on SQLite.

The roles are the cluster's, not the test database's: each test makes one with a name of
its own and drops it afterwards. The service role logs in over a connection of its own,
as the web service would."""

import io
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from scr.audit.db_roles import connection_as, owner_connection
from scr.audit.models import AuditEvent, ChangeRecord
from scr.audit.services import audit_record, change_record, change_records_delete

PASSWORD = "service-role-test-password"
APPEND_ONLY = ("audit_auditevent", "audit_changerecord")


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Database roles are PostgreSQL's (DATABASE_URL=postgres://...)")


def _drop_role(name: str) -> None:
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {quoted}")
            cursor.execute(f"DROP ROLE {quoted}")


@pytest.fixture
def service_role(postgresql):
    name = f"scr_test_service_{uuid.uuid4().hex[:12]}"
    out = io.StringIO()
    call_command("db_roles", service_role=name, service_password=PASSWORD, stdout=out)
    assert "created" in out.getvalue()
    yield name
    _drop_role(name)


@pytest.fixture
def as_service(service_role):
    """A connection of the service role's own (autocommit: each statement stands alone)."""
    settings = connection.settings_dict
    conn = psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=service_role,
        password=PASSWORD,
    )
    conn.autocommit = True
    yield conn
    conn.close()


@pytest.fixture
def rows(postgresql, coordinator, case):
    audit_record(action="view", actor=coordinator, obj=case)
    change_record(
        obj=case,
        by=coordinator,
        board=case.board,
        case_id=case.pk,
        before={"note": "old"},
        after={"note": "new"},
    )
    return AuditEvent.objects.count(), ChangeRecord.objects.count()


def _url(role: str) -> str:
    """A URL for `role` on the test database's server (connection_as keeps the name)."""
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = connection.settings_dict["PORT"] or 5432
    return f"postgres://{role}:{PASSWORD}@{host}:{port}/same"


def _refused(conn, sql: str, match: str) -> None:
    with conn.cursor() as cursor, pytest.raises(psycopg2.Error, match=match):
        cursor.execute(sql)


def _flagged(conn, sql: str, match: str) -> None:
    """`sql` in a transaction that sets the maintenance flag first."""
    conn.autocommit = False
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config('scr.audit_maintenance', 'on', true)")
            with pytest.raises(psycopg2.Error, match=match):
                cursor.execute(sql)
    finally:
        conn.rollback()
        conn.autocommit = True


def test_the_service_role_cannot_change_remove_or_empty_the_audit_trail(rows, as_service):
    denied = "permission denied"
    for table in APPEND_ONLY:
        _refused(as_service, f"UPDATE {table} SET id = id", denied)  # noqa: S608
        _refused(as_service, f"DELETE FROM {table}", denied)  # noqa: S608
        _refused(as_service, f"TRUNCATE {table} CASCADE", denied)
        # The flag set, by the service role: no different.
        _flagged(as_service, f"DELETE FROM {table}", denied)  # noqa: S608
        _flagged(as_service, f"TRUNCATE {table} CASCADE", denied)
        # Nor can it take the triggers or the table away.
        _refused(as_service, f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
        _refused(as_service, f"DROP TRIGGER {table}_append_only ON {table}", "must be owner")
        _refused(as_service, f"DROP TABLE {table} CASCADE", "must be owner")
    _refused(as_service, "SET session_replication_role = replica", "permission denied")
    _refused(as_service, "DROP FUNCTION audit_append_only() CASCADE", "must be owner")
    assert (AuditEvent.objects.count(), ChangeRecord.objects.count()) == rows
    assert ChangeRecord.objects.get().after == "new"


def test_the_flag_lets_nothing_through_for_a_role_that_is_not_the_owner(
    rows, service_role, as_service
):
    """Even a service role that had been granted DELETE on the change records by mistake
    meets the trigger, the flag set or not: the flag counts for the owner only."""
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT DELETE ON audit_changerecord TO {service_role}")
    _refused(as_service, "DELETE FROM audit_changerecord", "append-only")
    _flagged(as_service, "DELETE FROM audit_changerecord", "append-only")
    assert ChangeRecord.objects.count() == rows[1]
    # The owner, with the flag (retention's one statement), still can.
    case_id = ChangeRecord.objects.get().case_id
    assert change_records_delete(case_id=case_id) == 1


def test_the_service_role_does_the_services_work(rows, as_service, service_role, coordinator, case):
    with as_service.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, outcome, object_type,"
            " object_id, object_label, detail) VALUES (CURRENT_TIMESTAMP, '', 'view',"
            " 'success', '', '', '', 'by the service role')"
        )
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == rows[0] + 1
        cursor.execute(
            "UPDATE accounts_user SET full_name = full_name WHERE id = %s", [coordinator.pk]
        )
        assert cursor.rowcount == 1
    # And the service's own code, through Django, as that role.
    with connection_as(_url(service_role)):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == service_role
        audit_record(action="view", actor=coordinator, obj=case, detail="through Django")
        change_record(
            obj=case,
            by=coordinator,
            board=case.board,
            case_id=case.pk,
            before={"note": "new"},
            after={"note": "newer"},
        )
        coordinator.full_name = "Cora Ordinator-Smith"
        coordinator.save(update_fields=["full_name"])
        assert AuditEvent.objects.filter(detail="through Django").count() == 1
        assert ChangeRecord.objects.count() == rows[1] + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != service_role


def test_db_roles_is_idempotent_and_the_role_owns_nothing(service_role):
    out = io.StringIO()
    call_command("db_roles", service_role=service_role, stdout=out)
    assert "already there" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolcanlogin "
            "FROM pg_roles WHERE rolname = %s",
            [service_role],
        )
        assert cursor.fetchone() == (False, False, False, False, True)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = %s)",
            [service_role],
        )
        assert cursor.fetchone()[0] == 0
        for table in APPEND_ONLY:
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'INSERT'), "
                "has_table_privilege(%s, %s, 'SELECT'), "
                "has_table_privilege(%s, %s, 'UPDATE'), "
                "has_table_privilege(%s, %s, 'DELETE'), "
                "has_table_privilege(%s, %s, 'TRUNCATE')",
                [service_role, table] * 5,
            )
            assert cursor.fetchone() == (True, True, False, False, False)


def test_db_roles_refuses_the_owner_and_a_role_that_owns_something(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owns the tables"):
        call_command("db_roles", service_role=owner, stdout=io.StringIO())
    name = f"scr_test_owning_{uuid.uuid4().hex[:12]}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {name} LOGIN")
            cursor.execute(f"CREATE TABLE {name}_table (id int)")
            cursor.execute(f"ALTER TABLE {name}_table OWNER TO {name}")
        with pytest.raises(CommandError, match="must own nothing"):
            call_command("db_roles", service_role=name, stdout=io.StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}_table")
        _drop_role(name)


def test_migrate_and_retention_run_as_the_owner(service_role, settings, monkeypatch):
    """With DATABASE_OWNER_URL set, the owner's commands connect as the role it names
    (here, to see the switch, the service role), and the connection is as it was after."""
    settings.DATABASE_OWNER_URL = _url(service_role)
    seen = []

    def who(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])
        return []

    monkeypatch.setattr("scr.cases.management.commands.apply_retention.retention_due", who)
    call_command("apply_retention", stdout=io.StringIO())
    with owner_connection():
        who()
    call_command("migrate", "--check", verbosity=0)  # reads as the owner, changes nothing
    who()
    assert seen[:2] == [service_role, service_role]
    assert seen[2] != service_role
