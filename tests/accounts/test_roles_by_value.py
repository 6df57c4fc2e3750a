"""Board-wide roles are groups named by the role's stored value, not its label: rewording
a label (a choice of words) must not cut anyone off (issue 16, item 7)."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from scr import access
from scr.accounts.models import User
from scr.accounts.roles import BOARD_ROLES, Role, group_name
from scr.cases.models import CaseEvent
from scr.cases.services import case_event_notify
from scr.deadlines.reminders import _board_people
from scr.outbox.models import Email

migration = importlib.import_module("scr.accounts.migrations.0005_role_groups_by_value")


def _what_people_may_do(board, people, case) -> dict:
    """What every board-wide role decides, read fresh from the database each time."""
    fresh = {person.email: User.objects.get(pk=person.pk) for person in people}
    Email.objects.all().delete()
    event = CaseEvent.objects.filter(case=case).latest("pk")
    case_event_notify(event_id=event.pk)
    return {
        "roles": {email: sorted(user.board_roles) for email, user in fresh.items()},
        "oversees deadlines": {e: access.oversees_board_deadlines(u) for e, u in fresh.items()},
        "change records": {e: access.may_read_change_records(u) for e, u in fresh.items()},
        "cases seen": {
            e: list(access.cases_visible_to(u).values_list("pk", flat=True))
            for e, u in fresh.items()
        },
        "reminded": {key: sorted(pks) for key, pks in _board_people({board.pk}).items()},
        "told of a stage": sorted(Email.objects.values_list("to", flat=True)),
    }


@pytest.mark.django_db
def test_rewording_every_role_label_changes_nobodys_access(
    monkeypatch, board, case, coordinator, chair, lead_a, board_member, referrer, outsider
):
    people = [coordinator, chair, lead_a, board_member, referrer, outsider]
    before = _what_people_may_do(board, people, case)
    assert before["roles"][coordinator.email] == [Role.COORDINATOR]
    assert before["reminded"]  # the comparison below would be empty otherwise
    assert coordinator.email in before["told of a stage"]

    for role in Role:
        # Django keeps a choice's label on the member: this is what rewording it in
        # scr/accounts/roles.py amounts to at run time.
        monkeypatch.setattr(role, "_label_", f"Renamed {role.label}")
    assert Role.COORDINATOR.label == "Renamed Safeguarding coordinator"

    assert _what_people_may_do(board, people, case) == before


@pytest.mark.django_db
def test_groups_are_named_by_value():
    assert {g.name for g in Group.objects.all()} >= {role.value for role in BOARD_ROLES}
    assert not Group.objects.filter(name__in=[role.label for role in BOARD_ROLES]).exists()
    assert group_name(Role.BOARD_CHAIR) == "board_chair"


@pytest.mark.django_db
def test_migration_renames_label_groups_to_values_and_back(board):
    Group.objects.filter(name__in=[group_name(role) for role in BOARD_ROLES]).delete()
    chair = User.objects.create(email="old.chair@example.org", board=board)
    Group.objects.create(name="Board chair").user_set.add(chair)
    coordinators = Group.objects.create(name="Safeguarding coordinator")
    coordinators.user_set.add(chair)
    # A group already made under the new name (a sync ran first): the two are merged.
    Group.objects.create(name="coordinator")

    migration.forwards(global_apps, None)

    assert set(Group.objects.values_list("name", flat=True)) == {"board_chair", "coordinator"}
    assert set(chair.groups.values_list("name", flat=True)) == {"board_chair", "coordinator"}

    migration.backwards(global_apps, None)

    assert set(chair.groups.values_list("name", flat=True)) == {
        "Board chair",
        "Safeguarding coordinator",
    }
