"""python manage.py sweep_deadlines [--at DATETIME] [--inline]

One sweep of the procedure's clocks: for cron-only deployments and for recovery after
an outage. The same send-once rule holds as for the beat sweep.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scr.dates import day_text, moment_text
from scr.deadlines import calendar
from scr.deadlines.models import Digest, Reminder
from scr.deadlines.reminders import deadline_sweep

FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_moment(text: str) -> datetime:
    """A London date or date and time, as dd/mm/yyyy [HH:MM] or ISO 8601."""
    for fmt in FORMATS:
        try:
            moment = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        if fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            moment = moment.replace(hour=9)
        return timezone.make_aware(moment, calendar.LONDON)
    raise CommandError(f"Give --at as dd/mm/yyyy or 'dd/mm/yyyy HH:MM' (London time), not {text!r}")


class Command(BaseCommand):
    help = "Sweep the deadlines once: queue (or with --inline send) the reminders now owed."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Sweep as at this London time: dd/mm/yyyy [HH:MM]")
        parser.add_argument(
            "--inline", action="store_true", help="Send in this process instead of queuing tasks"
        )

    def handle(self, *args, at=None, inline=False, **options):
        moment = parse_moment(at) if at else timezone.now()
        result = deadline_sweep(at=moment, inline=inline)
        verb = "sent" if inline else "queued"
        reminders = Reminder.objects.filter(pk__in=result.reminders).select_related(
            "deadline__case", "recipient"
        )
        for reminder in reminders.order_by("pk"):
            status = verb if not inline or reminder.status == Reminder.Status.SENT else "skipped"
            step = reminder.step.split("@")[0]
            self.stdout.write(
                f"{status} reminder {reminder.deadline.case.reference} "
                f"{reminder.deadline.kind} {step} to {reminder.recipient.email}"
            )
        for digest in Digest.objects.filter(pk__in=result.digests).select_related("recipient"):
            self.stdout.write(f"{verb} digest {day_text(digest.day)} to {digest.recipient.email}")
        self.stdout.write(
            f"Swept {result.clocks_seen} clock(s) as at "
            f"{moment_text(moment)}: {result.total} email(s) {verb}."
        )
