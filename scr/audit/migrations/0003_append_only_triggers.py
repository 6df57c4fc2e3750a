"""The database itself refuses to change or remove audit rows and change records.

The models already refuse (AppendOnlyModel); these triggers make the refusal hold for
any SQL the service's database role sends, a raw query or a bulk update included.

PostgreSQL: a row trigger refuses every UPDATE, and every DELETE of an audit row. The
row trigger refuses a DELETE of a change record unless the transaction has set
scr.audit_maintenance to 'on' (retention deletes change records: they hold content). A
statement trigger refuses TRUNCATE, except with that flag in a database whose name starts
with test_ (pytest-django's): any role can set the flag, so the flag alone must never let
the audit rows go in a real database.
SQLite: a trigger refuses every UPDATE; another refuses DELETE unless the table
audit_maintenance holds a row.

Why an exception at all. `manage.py flush`, which the test suite runs after every
transactional test (pytest-django's transaction=True, Django's TransactionTestCase),
empties every table: with one TRUNCATE on PostgreSQL and with DELETE FROM each table on
SQLite. And retention (scr/cases/retention.py, an operator's command) deletes a closed
case's content, its change records with it: they hold content. Neither is the web
service's or the worker's code. The flag is set around that one statement and cleared
straight after, inside its own transaction, by the two places that need it:
scr/audit/management/commands/flush.py (standing in for Django's flush) and
scr.audit.services.change_records_delete. An audit row, which holds no content, is
never deleted on PostgreSQL but by flush's TRUNCATE.

What the triggers do not stop: the tables' owner can drop them. In production, run
migrations as the owner and the service as a role that does not own these tables; then
only the owner can remove the trail. On SQLite a later migration that changes one of
these models may rebuild its table, and a rebuilt table has no triggers: re-create them
in that migration (tests/audit/test_database_refuses.py fails until then).
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_changerecord")
# The row trigger's argument: whether the maintenance flag lets a DELETE through.
ROW_ARGUMENT = {"audit_auditevent": "", "audit_changerecord": "'deletable'"}

POSTGRESQL_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('scr.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
            RETURN NULL;
        END IF;
        -- TG_ARGV[0]: 'deletable' on the change records alone.
        IF TG_OP = 'DELETE' AND TG_NARGS > 0 AND TG_ARGV[0] = 'deletable' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of % refused', TG_OP, TG_TABLE_NAME;
END;
$$;
"""
POSTGRESQL_TRIGGERS = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only({argument});
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""
SQLITE_FLAG = "CREATE TABLE audit_maintenance (since TEXT NOT NULL)"
SQLITE_TRIGGERS = (
    """CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE of {table} refused'); END""",
    """CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance)
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE of {table} refused'); END""",
)


def _run(schema_editor, statements) -> None:
    # params=None: the SQL is sent as written (the function body holds % signs).
    for sql in statements:
        schema_editor.execute(sql, params=None)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRESQL_FUNCTION])
        _run(
            schema_editor,
            [POSTGRESQL_TRIGGERS.format(table=t, argument=ROW_ARGUMENT[t]) for t in TABLES],
        )
    elif vendor == "sqlite":
        _run(schema_editor, [SQLITE_FLAG])
        _run(schema_editor, [sql.format(table=t) for t in TABLES for sql in SQLITE_TRIGGERS])


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            _run(
                schema_editor,
                [
                    f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                    f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                ],
            )
        _run(schema_editor, ["DROP FUNCTION IF EXISTS audit_append_only()"])
    elif vendor == "sqlite":
        for table in TABLES:
            _run(
                schema_editor,
                [
                    f"DROP TRIGGER IF EXISTS {table}_no_update",
                    f"DROP TRIGGER IF EXISTS {table}_no_delete",
                ],
            )
        _run(schema_editor, ["DROP TABLE IF EXISTS audit_maintenance"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_changerecord")]

    operations = [migrations.RunPython(create, drop)]
