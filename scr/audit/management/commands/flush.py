"""Django's flush, which the database's audit triggers would otherwise refuse.

flush empties every table: the test suite runs it after each transactional test, and a
developer may run it on `make run`'s database. The triggers of migration
audit.0003_append_only_triggers refuse to remove audit rows unless a flag is set in the
same transaction; this command sets it around flush's own statement on the audit tables
and clears it straight after, so nothing else in the transaction is let through.
"""

from django.core.management.commands import flush
from django.db import connections

from scr.audit.services import MAINTENANCE_FLAG

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_changerecord")


def empties_audit_table(sql: str) -> bool:
    """flush's TRUNCATE (PostgreSQL) or DELETE FROM (SQLite) naming an audit table."""
    return sql.lstrip().upper().startswith(("TRUNCATE", "DELETE FROM")) and any(
        f'"{table}"' in sql for table in APPEND_ONLY_TABLES
    )


class Command(flush.Command):
    help = flush.Command.help + " The audit trail is emptied too."

    def handle(self, **options):
        connection = connections[options["database"]]
        flag = MAINTENANCE_FLAG.get(connection.vendor)

        def allow_audit_flush(execute, sql, params, many, context):
            if flag is None or not empties_audit_table(sql):
                return execute(sql, params, many, context)
            cursor = context["cursor"].cursor
            cursor.execute(flag[0])
            result = execute(sql, params, many, context)
            # Not in a finally: after a failure the transaction is rolled back, and the
            # flag with it.
            cursor.execute(flag[1])
            return result

        with connection.execute_wrapper(allow_audit_flush):
            super().handle(**options)
