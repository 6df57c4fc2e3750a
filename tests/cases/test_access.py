"""Who may see and do what on a case: one table for every persona."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from scr import access
from scr.accounts.roles import Role
from scr.cases.models import CasePerm, CaseUserObjectPermission
from scr.cases.services import case_assign, case_unassign

pytestmark = pytest.mark.django_db

V, S = CasePerm.VIEW, CasePerm.VIEW_STATUS
# persona: the permissions they hold on the `case` fixture (agencies A and C involved)
EXPECTED = {
    "coordinator": {V, S, CasePerm.MANAGE},
    "chair": {V, S, CasePerm.DECIDE},
    "panel_chair": {V, S, CasePerm.RECOMMEND},
    "panel_member": {V, S},
    "lead_a": {V, S, CasePerm.ENDORSE_REFERRAL},
    "lead_b": set(),  # agency B is not involved in the case
    "author_a": {V, S},
    "author_b": set(),
    "director_a": {V, S},
    "overview_author": {V, S, CasePerm.SUBMIT_OVERVIEW},
    "board_member": {S},
    "referrer": {S},
    "outsider": set(),
    "other_coordinator": set(),
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_permission_table(request, case, persona, expected):
    user = request.getfixturevalue(persona)
    assert access.case_permissions(user, case) == expected
    assert (case in access.cases_visible_to(user)) == bool(expected)


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_case_for_user_answers_404_for_hidden_and_403_for_forbidden(
    request, case, persona, expected
):
    user = request.getfixturevalue(persona)
    if not expected:
        with pytest.raises(Http404):
            access.case_for_user(user, case.reference, S)
        with pytest.raises(Http404):
            access.case_for_user(user, case.pk, V)
        return
    assert access.case_for_user(user, case.reference.lower(), S) == case
    if V in expected:
        assert access.case_for_user(user, case.pk, V) == case
    else:
        with pytest.raises(PermissionDenied):
            access.case_for_user(user, case.pk, V)


def test_visible_cases_are_one_query(case, panel_member, django_assert_num_queries):
    with django_assert_num_queries(2):  # the user's groups, then the cases
        assert list(access.cases_visible_to(panel_member)) == [case]


def test_permissions_for_many_cases_take_a_fixed_number_of_queries(
    case, board, coordinator, lead_a, agency_a, django_assert_max_num_queries
):
    from scr.cases.services import case_create

    cases = [case] + [
        case_create(board=board, by=coordinator, subject_name=f"Person {n}", agencies=[agency_a])
        for n in range(10)
    ]
    lead_a.__dict__.pop("board_roles", None)
    with django_assert_max_num_queries(3):
        perms = access.permissions_for_cases(lead_a, cases)
    assert all(CasePerm.ENDORSE_REFERRAL in p for p in perms.values())


def test_inactive_users_lose_every_permission(case, coordinator):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    coordinator.__dict__.pop("board_roles", None)
    assert access.case_permissions(coordinator, case) == frozenset()
    assert not access.cases_visible_to(coordinator).exists()


def test_global_model_permissions_do_not_open_cases(case, outsider):
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(*Permission.objects.filter(codename__in=[V, CasePerm.MANAGE]))
    assert access.case_permissions(outsider, case) == frozenset()


def test_unassigning_revokes_only_what_no_other_role_needs(case, coordinator, author_b):
    assignment = case_assign(case_id=case.pk, user=author_b, role=Role.IMR_AUTHOR, by=coordinator)
    case_assign(case_id=case.pk, user=author_b, role=Role.OVERVIEW_AUTHOR, by=coordinator)
    case_unassign(assignment_id=assignment.pk, by=coordinator)
    assert access.case_permissions(author_b, case) == {V, S, CasePerm.SUBMIT_OVERVIEW}
    other = case.assignments.get(user=author_b)
    case_unassign(assignment_id=other.pk, by=coordinator)
    assert access.case_permissions(author_b, case) == frozenset()
    assert not CaseUserObjectPermission.objects.filter(user=author_b).exists()


def test_only_the_coordinator_and_chair_assign_people(case, panel_chair, author_b, coordinator):
    with pytest.raises(PermissionDenied):
        case_assign(case_id=case.pk, user=author_b, role=Role.IMR_AUTHOR, by=panel_chair)
    assert not case.assignments.filter(user=author_b).exists()
    # The panel chair co-opts panel members (5), and nothing else.
    case_assign(case_id=case.pk, user=author_b, role=Role.PANEL_MEMBER, by=panel_chair)
    assert case.assignments.filter(user=author_b, role=Role.PANEL_MEMBER).exists()


def test_people_of_another_board_cannot_be_assigned(case, coordinator, other_coordinator):
    with pytest.raises(ValidationError):
        case_assign(case_id=case.pk, user=other_coordinator, role=Role.PANEL_MEMBER, by=coordinator)


def test_an_inactive_person_cannot_be_assigned_and_nothing_changes(case, coordinator, author_b):
    from scr.audit.models import AuditEvent

    author_b.is_active = False
    author_b.save(update_fields=["is_active"])
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        case_assign(case_id=case.pk, user=author_b, role=Role.PANEL_MEMBER, by=coordinator)
    assert refused.value.messages == ["Only active members of the case's board can be assigned."]
    assert not case.assignments.filter(user=author_b).exists()
    assert not CaseUserObjectPermission.objects.filter(user=author_b).exists()
    assert AuditEvent.objects.count() == audit_rows
    # The same person, active again, is assigned: the refusal was for the inactivity.
    author_b.is_active = True
    author_b.save(update_fields=["is_active"])
    case_assign(case_id=case.pk, user=author_b, role=Role.PANEL_MEMBER, by=coordinator)
    assert case.assignments.filter(user=author_b, role=Role.PANEL_MEMBER).exists()


def test_board_wide_roles_are_not_case_roles(case, coordinator, outsider):
    with pytest.raises(ValidationError):
        case_assign(case_id=case.pk, user=outsider, role=Role.BOARD_CHAIR, by=coordinator)


def test_an_imr_author_must_belong_to_an_agency(case, coordinator, overview_author):
    with pytest.raises(ValidationError):
        case_assign(case_id=case.pk, user=overview_author, role=Role.IMR_AUTHOR, by=coordinator)


def test_a_clock_follows_the_people_on_the_case(case, chair, coordinator, panel_chair, author_b):
    from scr.deadlines.models import Deadline

    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    assert meeting.owner == panel_chair
    assignment = case.assignments.get(user=panel_chair, role=Role.PANEL_CHAIR)
    case_unassign(assignment_id=assignment.pk, by=coordinator)
    meeting.refresh_from_db()
    assert meeting.owner is None  # the coordinator is reminded until someone takes it
    case_assign(case_id=case.pk, user=author_b, role=Role.PANEL_CHAIR, by=chair)
    meeting.refresh_from_db()
    assert meeting.owner == author_b


def test_unknown_assignments_and_agencies_are_refused_cleanly(case, coordinator):
    from scr.cases.services import case_agency_add

    with pytest.raises(Http404):
        case_unassign(assignment_id=999_999, by=coordinator)
    with pytest.raises(ValidationError):
        case_agency_add(case_id=case.pk, agency_id=999_999, by=coordinator)
