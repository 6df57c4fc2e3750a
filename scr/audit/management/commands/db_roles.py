"""python manage.py db_roles [--service-role NAME]

Run by the tables' owner (DATABASE_OWNER_URL, or DATABASE_URL when that is the owner's)
on PostgreSQL, after `migrate`: creates the service's role if it does not exist and
gives it the rights the service needs and no more (scr/audit/db_roles.py). The role
and its password are DATABASE_URL's unless --service-role names another. Safe to run
again: it changes only what differs.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scr.audit.db_roles import owner_connection, service_role_set_up


class Command(BaseCommand):
    help = (
        "Create the service's database role (owns nothing, cannot change or remove the "
        "audit trail) and its grants. Run as the tables' owner, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--service-role", default="", help="The role to set up (default: DATABASE_URL's)"
        )
        parser.add_argument(
            "--service-password",
            default=None,
            help="Its password when it is created (default: DATABASE_URL's)",
        )

    def handle(self, *args, service_role="", service_password=None, **options):
        default = settings.DATABASES["default"]
        role = service_role or default.get("USER") or ""
        password = default.get("PASSWORD") or "" if service_password is None else service_password
        if not role:
            raise CommandError("No service role: DATABASE_URL names no user")
        with owner_connection() as connection:
            if connection.vendor != "postgresql":
                raise CommandError("Database roles are for PostgreSQL only")
            try:
                with transaction.atomic(using=connection.alias):
                    report = service_role_set_up(
                        connection=connection, role=role, password=password
                    )
            except ValueError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            f"Service role {role}: {'created' if report.created else 'already there'}; "
            f"reads and writes {report.granted_tables} table(s); "
            f"append only: {', '.join(report.append_only)}."
        )
