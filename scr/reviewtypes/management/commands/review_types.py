"""One line per review type available to each board:
board, code, version, name, stages in order, clocks as amount and unit."""

from django.core.management.base import BaseCommand

from scr.accounts.models import Board
from scr.reviewtypes.services import review_types_available


class Command(BaseCommand):
    help = "List the review types available to each board."

    def handle(self, *args, **options):
        for board in Board.objects.order_by("short_name", "pk"):
            for review_type in review_types_available(board):
                definition = review_type.parsed
                clocks = ", ".join(f"{clock.key} {clock.period}" for clock in definition.clocks)
                self.stdout.write(
                    f"{board.short_name} | {definition.code} | {definition.version} | "
                    f"{definition.name} | {' > '.join(definition.stages)} | {clocks}"
                )
