"""python manage.py seed_scale: the large fictional dataset for benchmarks (issue 9).

For benchmarks only: every seeded person signs in with the published password
bench.scale.SCALE_PASSWORD. Never run it against a database with real cases.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bench.scale import SCALE_PASSWORD, AlreadySeeded, scale_personas, seed_scale


class Command(BaseCommand):
    help = (
        "Create a large fictional dataset for benchmarks (boards, agencies, people, cases at "
        "every stage, chronologies, clocks, action plans), in bulk. Refuses a database that "
        "has boards already unless --force. All passwords: " + SCALE_PASSWORD
    )

    def add_arguments(self, parser):
        parser.add_argument("--boards", type=int, default=20)
        parser.add_argument("--cases", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026, help="The same seed, the same rows.")
        parser.add_argument(
            "--entries-scale",
            type=float,
            default=1.0,
            help="Multiply every chronology's length (50 to 2,000 entries) by this, e.g. 0.05.",
        )
        parser.add_argument(
            "--actions", type=int, default=None, help="Action plan actions (4 per case)."
        )
        parser.add_argument(
            "--open-clocks",
            type=int,
            default=None,
            help="Running clocks wanted (10 per case); the procedure's own are topped up.",
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the boards beside those already in the database.",
        )
        parser.add_argument(
            "--personas", action="store_true", help="Print the benchmark personas as JSON."
        )

    def handle(self, *args, **options):
        try:
            result = seed_scale(
                boards=options["boards"],
                cases=options["cases"],
                seed=options["seed"],
                entries_scale=options["entries_scale"],
                actions=options["actions"],
                open_clocks=options["open_clocks"],
                today=options["today"],
                force=options["force"],
                log=self.stdout.write,
            )
        except (AlreadySeeded, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Seeded in {result.seconds:.1f} s (benchmark data only):")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<22} {count:>10,}")
        if result.padding_clocks:
            self.stdout.write(
                f"  of the running clocks, {result.padding_clocks:,} are padding "
                "(subject 'scale-padding:<n>')"
            )
        self.stdout.write(f"Every seeded person's password: {SCALE_PASSWORD}")
        if options["personas"]:
            self.stdout.write(json.dumps(scale_personas(result.boards[0]), indent=2))
