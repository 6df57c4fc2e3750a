"""Writes to boards, agencies and people."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from scr.accounts.roles import BOARD_ROLES, Role, group_name

# What the coordinator may do in the administration pages (their own board only:
# scr/accounts/admin.py scopes every list). Case stages are never edited there.
COORDINATOR_ADMIN_PERMS = [
    ("accounts", "view_board"),
    ("accounts", "change_board"),
    ("accounts", "view_agency"),
    ("accounts", "add_agency"),
    ("accounts", "change_agency"),
    ("accounts", "view_user"),
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("auth", "view_group"),
    ("cases", "view_case"),
    ("reviewtypes", "view_reviewtype"),
    ("reviewtypes", "add_reviewtype"),
    ("reviewtypes", "change_reviewtype"),
    ("audit", "view_auditevent"),
]


@transaction.atomic
def role_groups_sync() -> None:
    """Create the group of every board-wide role and give the coordinator's group its
    administration permissions. Safe to run any number of times."""
    for role in BOARD_ROLES:
        Group.objects.get_or_create(name=group_name(role))
    coordinator = Group.objects.get(name=group_name(Role.COORDINATOR))
    perms = [
        Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        for app, codename in COORDINATOR_ADMIN_PERMS
    ]
    coordinator.permissions.add(*[p for p in perms if p is not None])


@transaction.atomic
def role_grant(*, user, role: Role) -> None:
    """Give a person a board-wide role."""
    role = Role(role)
    if role not in BOARD_ROLES:
        raise ValueError(f"{role.label} is held on one case, not across the board")
    group, _ = Group.objects.get_or_create(name=group_name(role))
    user.groups.add(group)
    user.__dict__.pop("board_roles", None)
    if role == Role.COORDINATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
