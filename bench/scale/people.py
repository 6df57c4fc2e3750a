"""The boards, their agencies and people, with their groups and authenticators."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.scale.fiction import (
    AGENCIES,
    BATCH,
    DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    SCALE_PASSWORD,
)
from bench.scale.rows import _at, _create
from bench.scale.world import _Board
from scr.accounts.models import Agency, Board, User
from scr.accounts.roles import BOARD_ROLES, Role, group_name
from scr.accounts.services import role_groups_sync


class People:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def boards(self) -> None:
        role_groups_sync()
        self.groups = {role: Group.objects.get(name=group_name(role)) for role in BOARD_ROLES}
        first = Board.objects.filter(coordinator_email__endswith=f"@{DOMAIN}").count()
        password = make_password(SCALE_PASSWORD)
        users, memberships = [], []
        for index in range(first, first + self.n_boards):
            place = PLACES[index % len(PLACES)]
            if index >= len(PLACES):
                place = f"{place} {index // len(PLACES) + 1}"
            tag = f"b{index + 1:02d}"
            board = Board.objects.create(
                name=f"{place} Safeguarding Adults Board",
                short_name=f"{''.join(w[0] for w in place.split())}SAB"[:20],
                coordinator_name="",
                coordinator_email=f"coordinator.{tag}@{DOMAIN}",
                coordinator_phone="01632 960 000",
                coordinator_address=f"{place} Civic Centre",
            )
            agencies = _create(
                [Agency(board=board, name=f"{place} {name}", kind=kind) for name, kind in AGENCIES]
            )

            def person(key, agency=None, groups=(), title="", email=None, _tag=tag, _board=board):
                name = self._name()
                number = len(users) + 1
                user = User(
                    email=email or f"{key}.{number}.{_tag}@{DOMAIN}",
                    full_name=name,
                    job_title=title,
                    board=_board,
                    agency=agency,
                    password=password,
                    is_staff=Role.COORDINATOR in groups,
                    date_joined=_at(self.today - timedelta(days=900)),
                )
                users.append(user)
                memberships.extend((user, self.groups[role]) for role in groups)
                return user

            coordinator = person(
                "coordinator",
                groups=[Role.COORDINATOR],
                title="Safeguarding Adults Coordinator",
                email=f"coordinator.{tag}@{DOMAIN}",
            )
            board.coordinator_name = coordinator.full_name
            chair = person("chair", groups=[Role.BOARD_CHAIR], title="Independent Chair")
            world = _Board(
                board=board,
                place=place,
                agencies=agencies,
                coordinator=coordinator,
                chair=chair,
                members=[
                    person("member", groups=[Role.BOARD_MEMBER], title="Board Member")
                    for _ in range(2)
                ],
                overview_authors=[
                    person("reviewer", title="Independent Reviewer") for _ in range(4)
                ],
                leads={},
                authors={},
                directors={},
                referrers={},
                panel={},
            )
            for agency in agencies:
                world.leads[agency.pk] = person(
                    "lead", agency, [Role.AGENCY_LEAD], "Head of Safeguarding"
                )
                world.authors[agency.pk] = [
                    person("author", agency, title="Safeguarding Practice Lead") for _ in range(3)
                ]
                world.directors[agency.pk] = person("director", agency, title="Director")
                world.referrers[agency.pk] = [
                    person("referrer", agency, [Role.REFERRER], "Practitioner") for _ in range(2)
                ]
                world.panel[agency.pk] = person("panel", agency, title="Named Professional")
            board.save(update_fields=["coordinator_name"])
            self.worlds.append(world)
        _create(users)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=g.pk) for u, g in memberships],
            batch_size=BATCH,
        )
        # Each person's authenticator, with a key from the seed (benchmarks compute codes).
        _create(
            [
                TOTPDevice(
                    user=user,
                    name="Authenticator app",
                    confirmed=True,
                    key=self.rng.randbytes(20).hex(),
                )
                for user in users
            ]
        )
        self.counts["boards"] = len(self.worlds)
        self.counts["agencies"] = len(self.worlds) * len(AGENCIES)
        self.counts["users"] = len(users)
