"""Least privilege on PostgreSQL: the service connects as a role that owns nothing.

Two roles. The owner (DATABASE_OWNER_URL) owns the tables: it runs the migrations and
retention, and only it can drop a table or a trigger or use the audit trail's
maintenance flag (audit migration 0004). The service (DATABASE_URL: web, workers, beat)
reads and writes the tables and appends to the audit trail, and can neither change nor
remove an audit row nor empty the tables: no UPDATE, DELETE or TRUNCATE on them, and the
triggers refuse it even if someone granted those. `manage.py db_roles`, run with the
owner's URL, makes the service role and its grants (again after every migrate: the
grants of new tables come from the default privileges it sets, the audit tables'
refusals from the command itself).
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# Who may only append (migration audit.0003's tables).
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_changerecord")
# What the owner's URL replaces of the connection's settings. The database's name stays:
# under the tests it is the test database's.
OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def connection_as(url: str, using: str = "default"):
    """The connection `using`, closed and opened again as the role of `url` (its user,
    password, host and port) for the duration; afterwards as it was."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise RuntimeError("Cannot change the database role inside a transaction")
    other = environ.Env.db_url_config(url)
    if other["ENGINE"] != connection.settings_dict["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same kind of database")
    saved = {key: connection.settings_dict.get(key) for key in OWNER_KEYS}
    connection.close()
    connection.settings_dict.update({key: other.get(key) or "" for key in OWNER_KEYS})
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@contextmanager
def owner_connection(using: str = "default"):
    """The connection as the owner's role when DATABASE_OWNER_URL is set (migrate,
    retention, db_roles); as it is otherwise (one role for everything, as on SQLite)."""
    if settings.DATABASE_OWNER_URL:
        with connection_as(settings.DATABASE_OWNER_URL, using) as connection:
            yield connection
    else:
        yield connections[using]


@dataclass
class Report:
    created: bool = False
    granted_tables: int = 0
    append_only: list[str] = field(default_factory=list)


def _one(cursor, sql: str, params=()):
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return row[0] if row else None


def service_role_set_up(*, connection, role: str, password: str = "") -> Report:
    """Create the service role if it does not exist (LOGIN, nothing more) and give it
    exactly the rights the service needs, in one transaction; refuse (ValueError) a role
    that is the owner, a superuser, a member of the owner or the owner of anything."""
    qn = connection.ops.quote_name
    report = Report()
    with connection.cursor() as cursor:
        owner = _one(
            cursor,
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)",
            [APPEND_ONLY_TABLES[0]],
        )
        if owner is None:
            raise ValueError("The audit tables do not exist: run `manage.py migrate` first")
        if role == owner:
            raise ValueError(
                f"The service role {role!r} owns the tables. Give the service a role of its "
                "own in DATABASE_URL, and the owner's in DATABASE_OWNER_URL."
            )
        existing = _one(
            cursor,
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication "
            "OR rolbypassrls FROM pg_roles WHERE rolname = %s",
            [role],
        )
        if existing is None:
            cursor.execute(
                f"CREATE ROLE {qn(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOREPLICATION NOBYPASSRLS" + (" PASSWORD %s" if password else ""),
                [password] if password else None,
            )
            report.created = True
        elif existing:
            raise ValueError(
                f"The role {role!r} may do more than the service needs (a superuser, or it "
                "creates roles or databases, replicates or bypasses row security)."
            )
        if _one(cursor, "SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner]):
            raise ValueError(f"The role {role!r} is a member of the owner {owner!r}.")
        owned = _owned_by(cursor, role)
        if owned:
            raise ValueError(
                f"The role {role!r} owns {', '.join(owned[:5])}: the service must own "
                f"nothing. As the owner: REASSIGN OWNED BY {role} TO {owner};"
            )
        database = _one(cursor, "SELECT current_database()")
        schema = _one(cursor, "SELECT current_schema()")
        statements = [
            f"GRANT CONNECT ON DATABASE {qn(database)} TO {qn(role)}",
            f"GRANT USAGE ON SCHEMA {qn(schema)} TO {qn(role)}",
            f"REVOKE CREATE ON SCHEMA {qn(schema)} FROM {qn(role)}",
            # Exactly these, on every table: no TRUNCATE, REFERENCES or TRIGGER.
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {qn(schema)} FROM {qn(role)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {qn(schema)} "
            f"TO {qn(role)}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {qn(schema)} TO {qn(role)}",
            # The tables and sequences later migrations make.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {qn(owner)} IN SCHEMA {qn(schema)} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {qn(role)}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {qn(owner)} IN SCHEMA {qn(schema)} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {qn(role)}",
        ]
        for table in APPEND_ONLY_TABLES:
            statements += [
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {qn(table)} FROM {qn(role)}",
                f"REVOKE ALL ON {qn(table)} FROM PUBLIC",
            ]
            report.append_only.append(table)
        for sql in statements:
            cursor.execute(sql)
        report.granted_tables = _one(
            cursor,
            "SELECT count(*) FROM pg_tables WHERE schemaname = %s "
            "AND has_table_privilege(%s, format('%%I.%%I', schemaname, tablename), 'SELECT')",
            [schema, role],
        )
    return report


def _owned_by(cursor, role: str) -> list[str]:
    """What the role owns in this database: tables, sequences, views, functions,
    schemas, the database itself."""
    cursor.execute(
        """
        SELECT 'table ' || c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
        UNION ALL
        SELECT 'function ' || p.proname FROM pg_proc p
            WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = %s)
        UNION ALL
        SELECT 'schema ' || nspname FROM pg_namespace
            WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = %s)
        UNION ALL
        SELECT 'database ' || datname FROM pg_database
            WHERE datname = current_database()
            AND datdba = (SELECT oid FROM pg_roles WHERE rolname = %s)
        """,
        [role] * 4,
    )
    return [row[0] for row in cursor.fetchall()]
