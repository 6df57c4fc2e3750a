"""python manage.py apply_retention [--execute]

Lists the closed cases whose board's retention period has passed, one line each:
reference, board (short name), date closed and date due. With --execute, deletes each
one's content and files (scr.cases.retention) and keeps an audit row of the deletion.
Without it nothing changes. Never prints the subject's name.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from scr.audit.db_roles import owner_connection
from scr.cases.retention import retention_apply, retention_due
from scr.dates import day_text


class Command(BaseCommand):
    help = (
        "List the closed cases whose retention period has passed; with --execute, "
        "delete their content and files (the audit trail keeps a record)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--execute", action="store_true", help="Delete the cases listed (default: list only)"
        )

    def handle(self, *args, **options):
        # Retention deletes change records: only the tables' owner may (audit.0004).
        with owner_connection():
            self._apply(**options)

    def _apply(self, *, execute=False, **options):
        now = timezone.now()
        due = retention_due(now=now)
        for item in due:
            self.stdout.write(
                f"{item.reference} {item.board} closed {day_text(item.closed_on)} "
                f"due {day_text(item.due_on)}"
            )
        if not execute:
            self.stdout.write(
                f"{len(due)} case(s) due. Dry run: nothing deleted "
                "(run again with --execute to delete them)."
            )
            return
        failed = 0
        for item in due:
            try:
                deleted = retention_apply(case_id=item.case_id, now=now)
            except ValidationError as error:
                reason = " ".join(error.messages)
            except (ProtectedError, RestrictedError) as error:
                # args[0] is the message alone; the objects (args[1]) may print content.
                reason = error.args[0]
            else:
                self.stdout.write(
                    f"deleted {deleted.reference}: {deleted.rows} row(s), {deleted.files} file(s)"
                )
                continue
            failed += 1
            self.stderr.write(f"not deleted {item.reference}: {reason}")
        self.stdout.write(f"Deleted {len(due) - failed} of {len(due)} case(s) due.")
        if failed:
            raise CommandError(f"{failed} case(s) could not be deleted: see above.")
