"""python manage.py seed_demo: the fictional demo board, people and cases (idempotent)."""

import os

from django.core.management.base import BaseCommand

from scr.accounts.models import User
from scr.demo.seed import DEFAULT_PASSWORD, PEOPLE, seed_demo


class Command(BaseCommand):
    help = "Create the demo board, agencies, one person per role and demo cases (idempotent)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        world = seed_demo(password=password)
        self.stdout.write(f"Demo board: {world.board.name} ({len(world.cases)} cases)")
        self.stdout.write(f"Demo sign-ins (password: {password}):")
        for email, name, _title, _agency, role in PEOPLE:
            self.stdout.write(f"  {role.label:<26} {email:<30} {name}")
        # The second board (Safeguarding Adults Reviews): its people, the stages' too.
        other = world.other_board
        self.stdout.write(f"{other.name} (Safeguarding Adults Reviews), same password:")
        for user in User.objects.filter(board=other).order_by("email"):
            self.stdout.write(f"  {user.email:<38} {user.full_name}, {user.job_title}")
