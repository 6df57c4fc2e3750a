"""The maintenance flag (migration 0003) counts only for the audit tables' owner.

Any role may set a custom setting such as scr.audit_maintenance, so with the flag alone
a service role that had been granted DELETE could still remove change records. The
trigger now honours the flag only when the role running the statement (current_user)
has the privileges of the role that owns the table (pg_has_role: the owner itself, a
role that inherits it, or a superuser). The service runs as a role that owns nothing
and is no member of the owner (manage.py db_roles); retention and flush run as the
owner (DATABASE_OWNER_URL). SQLite has no roles: unchanged.
"""

from django.db import migrations

OWNER_ONLY = r"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('scr.audit_maintenance', true) = 'on'
       AND pg_has_role(
           current_user,
           (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
           'USAGE'
       ) THEN
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

ANY_ROLE = r"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('scr.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' AND TG_NARGS > 0 AND TG_ARGV[0] = 'deletable' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of % refused', TG_OP, TG_TABLE_NAME;
END;
$$;
"""


def _replace(body: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # params=None: the SQL is sent as written (the function body holds % signs).
            schema_editor.execute(body, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [migrations.RunPython(_replace(OWNER_ONLY), _replace(ANY_ROLE))]
