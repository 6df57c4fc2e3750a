"""The roles people hold in the procedure.

Board-wide roles are Django groups (a user holds them on the board they belong to).
Roles on one case are CaseAssignment rows, which grant django-guardian object
permissions on that case (scr/cases/services.py grants and revokes them).
"""

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Safeguarding coordinator"
    BOARD_CHAIR = "board_chair", "Board chair"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    IMR_AUTHOR = "imr_author", "IMR author"
    COUNTERSIGNING_DIRECTOR = "countersigning_director", "Countersigning director"
    OVERVIEW_AUTHOR = "overview_author", "Overview author"
    BOARD_MEMBER = "board_member", "Board member"
    REFERRER = "referrer", "Referrer"


# Held across the board, as groups named by the role's stored value.
BOARD_ROLES = (
    Role.COORDINATOR,
    Role.BOARD_CHAIR,
    Role.AGENCY_LEAD,
    Role.BOARD_MEMBER,
    Role.REFERRER,
)

# Held on one case, as assignments. Those marked with an agency act for that agency.
CASE_ROLES = (
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.IMR_AUTHOR,
    Role.COUNTERSIGNING_DIRECTOR,
    Role.OVERVIEW_AUTHOR,
    Role.REFERRER,
)
AGENCY_CASE_ROLES = (Role.IMR_AUTHOR, Role.COUNTERSIGNING_DIRECTOR)


def group_name(role: Role) -> str:
    """The name of a board-wide role's group: the role's stored value, never its label,
    so rewording a label cuts nobody off (accounts migration 0005 renamed the groups)."""
    return Role(role).value


ROLE_BY_GROUP_NAME = {group_name(role): role for role in BOARD_ROLES}


def group_label(name: str) -> str:
    """What people read for a group: the role's label, or the group's own name when it
    is not a role's group."""
    role = ROLE_BY_GROUP_NAME.get(name)
    return role.label if role is not None else name
