"""Django's migrate, as the tables' owner when DATABASE_OWNER_URL is set (the service's
own role, DATABASE_URL, owns nothing and cannot create or alter a table)."""

from django.core.management.commands import migrate

from scr.audit.db_roles import owner_connection


class Command(migrate.Command):
    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
