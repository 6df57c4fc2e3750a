"""python manage.py cases: one line per case, for operators and scripts.

Each line: reference, stage code (as stored), next deadline (dd/mm/yyyy or -), review
type code (scr-2009, sar, cspr, or a board's own), separated by spaces, no header.
"""

from django.core.management.base import BaseCommand

from scr.cases.models import Case
from scr.cases.selectors import with_next_deadline
from scr.dates import day_text


class Command(BaseCommand):
    help = "List every case: reference, stage code, next deadline (dd/mm/yyyy or -), review type."

    def handle(self, *args, **options):
        cases = with_next_deadline(Case.objects.order_by("board_id", "year", "number"))
        rows = cases.values_list("reference", "stage", "next_due", "review_type__code")
        for reference, stage, due, code in rows.iterator():
            self.stdout.write(f"{reference} {stage} {day_text(due) if due else '-'} {code}")
