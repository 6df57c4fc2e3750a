"""The primitives of "may this user do X to this case": every stage's rules are built on
them, in that stage's own access module (referrals/access.py ...), and nothing else tests
a permission by hand (tests/test_no_raw_permission_checks.py).

Three sources of permission on a case, all within the user's own board:
- board-wide roles (groups): the coordinator and the board chair on every case of
  their board, board members on the stage of every case;
- the agency lead on the cases their agency is involved in;
- roles on one case (CaseAssignment), held as django-guardian object permissions.

Cannot see: 404. Can see but cannot act: 403 (PermissionDenied).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from scr.accounts.roles import Role
from scr.cases.models import Case, CaseAgency, CasePerm, CaseUserObjectPermission

SEE = frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS})

BOARD_ROLE_PERMS: dict[Role, frozenset[str]] = {
    Role.COORDINATOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.MANAGE}),
    Role.BOARD_CHAIR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.DECIDE}),
    Role.BOARD_MEMBER: frozenset({CasePerm.VIEW_STATUS}),
}
# On the cases that involve the lead's own agency.
AGENCY_LEAD_PERMS = frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.ENDORSE_REFERRAL})
# Granted as object permissions when a person is assigned to a case.
CASE_ROLE_PERMS: dict[Role, frozenset[str]] = {
    Role.PANEL_CHAIR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.RECOMMEND}),
    Role.PANEL_MEMBER: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.IMR_AUTHOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.COUNTERSIGNING_DIRECTOR: frozenset({CasePerm.VIEW, CasePerm.VIEW_STATUS}),
    Role.OVERVIEW_AUTHOR: frozenset(
        {CasePerm.VIEW, CasePerm.VIEW_STATUS, CasePerm.SUBMIT_OVERVIEW}
    ),
    Role.REFERRER: frozenset({CasePerm.VIEW_STATUS}),
}
# Who may put people on a case or take them off.
ASSIGNING_PERMS = frozenset({CasePerm.MANAGE, CasePerm.DECIDE})


def is_active_board_user(user) -> bool:
    """Signed in, active and of a board: nobody else has any permission."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.board_id)


def cases_visible_to(user, *, full: bool = False) -> QuerySet[Case]:
    """Every case the user may at least see the stage of, in one query; with full=True,
    only those they may see in full (details, clocks, people, documents)."""
    if not is_active_board_user(user):
        return Case.objects.none()
    cases = Case.objects.filter(board_id=user.board_id)
    needed = CasePerm.VIEW if full else CasePerm.VIEW_STATUS
    if any(needed in BOARD_ROLE_PERMS.get(role, ()) for role in user.board_roles):
        return cases
    condition = Q(
        Exists(
            CaseUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename=needed
            )
        )
    )
    if user.has_board_role(Role.AGENCY_LEAD) and user.agency_id:
        condition |= Q(
            Exists(CaseAgency.objects.filter(case=OuterRef("pk"), agency_id=user.agency_id))
        )
    return cases.filter(condition)


def permissions_for_cases(user, cases: Iterable[Case]) -> dict[int, frozenset[str]]:
    """What the user may do on each case: two queries, however many cases."""
    cases = list(cases)
    result: dict[int, set[str]] = {case.pk: set() for case in cases}
    if not is_active_board_user(user):
        return {pk: frozenset() for pk in result}
    own = [case.pk for case in cases if case.board_id == user.board_id]
    board_perms = set().union(*(BOARD_ROLE_PERMS.get(r, ()) for r in user.board_roles))
    for pk in own:
        result[pk] |= board_perms
    if user.has_board_role(Role.AGENCY_LEAD) and user.agency_id and own:
        involved = CaseAgency.objects.filter(case_id__in=own, agency_id=user.agency_id)
        for pk in involved.values_list("case_id", flat=True):
            result[pk] |= AGENCY_LEAD_PERMS
    if own:
        granted = CaseUserObjectPermission.objects.filter(
            user=user, content_object_id__in=own
        ).values_list("content_object_id", "permission__codename")
        for pk, codename in granted:
            result[pk].add(codename)
    return {pk: frozenset(perms) for pk, perms in result.items()}


def case_permissions(user, case: Case) -> frozenset[str]:
    return permissions_for_cases(user, [case])[case.pk]


# What a set of permissions on a case allows, by name. A caller that has the user's
# permissions (case_permissions, permissions_for_cases) asks these, never `CasePerm.X in`.


def sees_case(perms: frozenset[str]) -> bool:
    """At least the case's stage."""
    return bool(perms & SEE)


def sees_case_status(perms: frozenset[str]) -> bool:
    return CasePerm.VIEW_STATUS in perms


def sees_case_in_full(perms: frozenset[str]) -> bool:
    """Its details, clocks, people and documents."""
    return CasePerm.VIEW in perms


def manages_case(perms: frozenset[str]) -> bool:
    """The coordinator's work: the case's business and clocks."""
    return CasePerm.MANAGE in perms


def decides_case(perms: frozenset[str]) -> bool:
    """The board chair's decisions (5, 7, 15, 16)."""
    return CasePerm.DECIDE in perms


def chairs_panel(perms: frozenset[str]) -> bool:
    """The panel chair of the case: records the panel's recommendation (6.2)."""
    return CasePerm.RECOMMEND in perms


def writes_overview(perms: frozenset[str]) -> bool:
    """The overview author of the case (13, 15.1)."""
    return CasePerm.SUBMIT_OVERVIEW in perms


def board_side(perms: frozenset[str]) -> bool:
    """The coordinator or the board chair: the board's own side of a case."""
    return bool(perms & ASSIGNING_PERMS)


def may(user, perm: str, case: Case) -> bool:
    return perm in case_permissions(user, case)


def may_decide(user, case: Case) -> bool:
    """The board chair's decisions on this case, an extension of its clocks included."""
    return decides_case(case_permissions(user, case))


def may_see_in_full(user, case: Case) -> bool:
    return sees_case_in_full(case_permissions(user, case))


def case_for_user(user, key: int | str, perm: str = CasePerm.VIEW, lock: bool = False) -> Case:
    """The case with this id (int) or reference (str) if the user may do `perm` to it.

    404 if the user may not see it at all; 403 if they may see it but not do `perm`.
    With lock=True the row is locked for the rest of the transaction.
    """
    cases = cases_visible_to(user)
    lookup = {"pk": key} if isinstance(key, int) else {"reference": str(key).upper()}
    if lock:
        # Lock the row alone: FOR UPDATE on a query with EXISTS conditions is refused
        # by PostgreSQL when joins are nullable, and the visible check already ran.
        if not cases.filter(**lookup).exists():
            raise Http404("No such case")
        case = Case.objects.select_for_update().get(board_id=user.board_id, **lookup)
    else:
        # The case's review type names its clocks and (issue 17) its wording: one join.
        case = cases.filter(**lookup).select_related("review_type").first()
        if case is None:
            raise Http404("No such case")
    perms = case_permissions(user, case)
    if not perms & SEE:
        raise Http404("No such case")
    if perm not in perms:
        raise PermissionDenied
    return case


def may_assign(user, case: Case, role: str | None = None, agency_id: int | None = None) -> bool:
    """The coordinator and the chair put people on a case; the panel chair of the case
    co-opts panel members (5); an agency lead nominates its IMR author and director (10),
    people of its own agency (`agency_id`: the agency of the person assigned)."""
    perms = case_permissions(user, case)
    if perms & ASSIGNING_PERMS:
        return True
    if role in (Role.IMR_AUTHOR, Role.COUNTERSIGNING_DIRECTOR):
        # 10: each agency's lead nominates its own author and director (the IMR
        # service checks that the people nominated belong to the lead's agency).
        return (
            CasePerm.ENDORSE_REFERRAL in perms
            and user.has_board_role(Role.AGENCY_LEAD)
            and agency_id is not None
            and agency_id == user.agency_id
        )
    return role == Role.PANEL_MEMBER and CasePerm.RECOMMEND in perms


# Roles on a case and on an agency.


def is_agency_lead_of(user, agency) -> bool:
    """The agency's representative on the board (5)."""
    return (
        agency is not None
        and is_active_board_user(user)
        and user.has_board_role(Role.AGENCY_LEAD)
        and user.agency_id == agency.pk
        and user.board_id == agency.board_id
    )


def is_an_agency_lead(user) -> bool:
    """A lead of some agency of the board (which one: user.agency_id)."""
    return bool(user.agency_id and user.has_board_role(Role.AGENCY_LEAD))


def is_coordinator(user) -> bool:
    """The board's coordinator (by role, board-wide)."""
    return user.has_board_role(Role.COORDINATOR)


def configures_board(user, board_id: int) -> bool:
    """Sets up how the board works (its review types): a superuser, or that board's
    coordinator."""
    return user.is_superuser or (user.board_id == board_id and is_coordinator(user))


def is_board_officer(user) -> bool:
    """The coordinator or the board chair, board-wide (by their roles, not on one case)."""
    return bool(user.board_roles & {Role.COORDINATOR, Role.BOARD_CHAIR})


def holds_case_role(user, case: Case, roles: Iterable[str]) -> bool:
    """The user is assigned to the case in one of these roles (one query)."""
    return case.assignments.filter(user=user, role__in=list(roles)).exists()


def is_panel_member(user, case: Case) -> bool:
    return holds_case_role(user, case, [Role.PANEL_MEMBER])


# Deadlines: a clock is seen by whoever may see its case in full.


def deadline_for_user(user, deadline_id: int, lock: bool = False):
    """The clock if the user may see its case in full; 404 otherwise."""
    from scr.deadlines.models import Deadline

    deadlines = Deadline.objects.select_related(
        "case__board", "case__review_type", "owner", "agency"
    )
    if lock:
        deadlines = deadlines.select_for_update(of=("self",))
    deadline = deadlines.filter(pk=deadline_id, case__board_id=getattr(user, "board_id", None))
    deadline = deadline.first() if is_active_board_user(user) else None
    if deadline is None or CasePerm.VIEW not in case_permissions(user, deadline.case):
        raise Http404("No such deadline")
    if not clock_visible(user, deadline):
        raise Http404("No such deadline")
    return deadline


def may_request_extension(user, deadline, perms: frozenset[str] | None = None) -> bool:
    """The clock's owner, or the coordinator for a clock nobody owns or on their behalf.
    `perms`: the user's permissions on the clock's case, where the caller has them."""
    if perms is None:
        perms = case_permissions(user, deadline.case)
    return CasePerm.VIEW in perms and (deadline.owner_id == user.pk or CasePerm.MANAGE in perms)


def oversees_board_deadlines(user) -> bool:
    """The coordinator and the chair see every clock of their board."""
    return is_active_board_user(user) and bool(
        user.board_roles & {Role.COORDINATOR, Role.BOARD_CHAIR}
    )


def deadlines_visible_to(user):
    """Every clock on a case the user may see in full (one query), less the private
    clocks of agencies other than theirs (clocks_visible)."""
    from scr.deadlines.models import Deadline

    return Deadline.objects.filter(
        clocks_visible(user), case__in=cases_visible_to(user, full=True).values("pk")
    )


def clocks_visible(user) -> Q:
    """The clocks the user may know of, as a filter on Deadline: every clock but a private
    one (scr.registry.PRIVATE_CLOCKS), which only the board's coordinator and chair and
    the lead of the clock's agency see. None: nobody's (a document any reader of the
    case may open shows no private clock)."""
    from scr import registry

    private = list(registry.PRIVATE_CLOCKS.keys())
    if not private or (user is not None and oversees_board_deadlines(user)):
        return Q()
    visible = ~Q(kind__in=private)
    if user is not None and is_an_agency_lead(user):
        visible |= Q(agency_id=user.agency_id)
    return visible


def clock_visible(user, deadline) -> bool:
    """clocks_visible for one clock already read."""
    from scr import registry

    if deadline.kind not in registry.PRIVATE_CLOCKS:
        return True
    if oversees_board_deadlines(user):
        return True
    return is_an_agency_lead(user) and deadline.agency_id == user.agency_id


def may_read_change_records(user) -> bool:
    """The change history holds content (before and after): the board's coordinator
    reads their own board's. Nobody else, a superuser as such included."""
    return bool(user.is_active and user.board_id and user.has_board_role(Role.COORDINATOR))


def change_records_visible_to(user) -> QuerySet:
    """The change records the user may read: their board's, less an agency's own work on
    its review (agency set), which is that agency's alone."""
    from scr.audit.models import ChangeRecord

    if not may_read_change_records(user):
        return ChangeRecord.objects.none()
    return ChangeRecord.objects.filter(board_id=user.board_id, agency=None)
