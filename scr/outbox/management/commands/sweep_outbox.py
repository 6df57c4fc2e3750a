"""python manage.py sweep_outbox [--inline]

One sweep of the outbox, as Celery beat runs every minute: rows of workers that died go
back in the queue, lost or never-published tasks are published again, failed sends due
are retried. With --inline everything owed is sent by this process (cron-only
deployments, recovery after an outage). Running it twice sends nothing twice.
"""

from django.core.management.base import BaseCommand

from scr.outbox.services import outbox_sweep


class Command(BaseCommand):
    help = "Sweep the outbox once: publish (or with --inline send) every email owed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--inline", action="store_true", help="Send in this process instead of queuing tasks"
        )

    def handle(self, *args, inline=False, **options):
        result = outbox_sweep(inline=inline)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
