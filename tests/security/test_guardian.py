"""django-guardian used safely (ASVS 4.1.3, 4.2.1): a case's object permissions live in
its direct foreign-key tables, never in guardian's generic ones; nobody but a
coordinator holds a permission on case models across the board, and a permission held
that way opens no case (scr/access.py reads object permissions, not user.has_perm);
deleting a case takes its permission rows with it; and 'My cases' reads permissions
in a fixed number of queries however many cases a person sees."""

import inspect
from datetime import datetime, time

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from actionplans import closure_services
from actionplans import implementation_services as implementation
from actionplans import services as plans
from scr import access
from scr.accounts.models import User
from scr.accounts.roles import Role, group_name
from scr.cases import services as case_services
from scr.cases.models import (
    Case,
    CaseGroupObjectPermission,
    CasePerm,
    CaseUserObjectPermission,
)
from scr.cases.retention import retention_apply
from scr.deadlines import calendar
from tests.actionplans.test_closure import write_plan
from tests.conftest import _person
from tests.security.world import PDF

pytestmark = pytest.mark.django_db


def test_case_permissions_live_in_the_direct_tables_and_guardians_generic_ones_stay_empty(
    world,
):
    """After the whole procedure on six cases of two boards."""
    assert get_user_obj_perms_model(Case) is CaseUserObjectPermission
    assert get_group_obj_perms_model(Case) is CaseGroupObjectPermission
    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()
    assert not CaseGroupObjectPermission.objects.exists()  # roles on a case are people's
    for case in (world.a.case, world.a.draft_case, world.a.review_case, world.b.case):
        assert CaseUserObjectPermission.objects.filter(content_object=case).exists()


def _case_permissions(user) -> set[str]:
    return {perm for perm in user.get_all_permissions() if perm.startswith("cases.")}


def test_only_coordinators_hold_permissions_on_case_models_across_the_board(world):
    coordinators = Group.objects.get(name=group_name(Role.COORDINATOR))
    case_types = ContentType.objects.filter(app_label="cases")
    holders = Group.objects.filter(permissions__content_type__in=case_types).distinct()
    assert list(holders) == [coordinators]
    assert not Permission.objects.filter(user__isnull=False).exists()
    for user in User.objects.all():
        if user.groups.filter(pk=coordinators.pk).exists():
            # Read-only in the administration (its own board's rows, scr/cases/admin.py).
            assert _case_permissions(user) == {"cases.view_case"}, user
        else:
            assert _case_permissions(user) == set(), user


def test_a_permission_across_the_board_opens_no_case(world, as_user):
    """Every permission on cases, given to a person of the board with no role, and to a
    group they belong to: no case becomes visible, through access or any page."""
    outsider = world.a.people["outsider"]
    every = Permission.objects.filter(content_type__app_label="cases")
    outsider.user_permissions.add(*every)
    group = Group.objects.create(name="Everything on cases")
    group.permissions.add(*every)
    outsider.groups.add(group)
    outsider = User.objects.get(pk=outsider.pk)  # no cached permissions
    assert outsider.has_perm("cases.view_case") and outsider.has_perm("cases.manage_case")

    assert not access.cases_visible_to(outsider).exists()
    for case in (world.a.case, world.a.draft_case, world.a.review_case):
        with pytest.raises(Http404):
            access.case_for_user(outsider, case.reference)
        assert access.case_permissions(outsider, case) == frozenset()
        assert not access.may(outsider, CasePerm.MANAGE, case)
    client = as_user(outsider)
    listed = client.get(reverse("cases:case-list")).content.decode()
    for case in (world.a.case, world.a.draft_case, world.a.review_case):
        assert case.reference not in listed
        assert client.get(reverse("cases:case-detail", args=[case.reference])).status_code == 404
    response = client.get(reverse("overview:summary", args=[world.a.case.reference]))
    assert response.status_code == 404


def test_access_never_asks_for_permissions_across_the_board():
    """A tripwire: scr/access.py answers from object permissions and roles, so a
    permission held across the board can never stand in for one on the case."""
    source = inspect.getsource(access)
    assert "has_perm(" not in source
    assert "get_all_permissions(" not in source


def _close(world) -> Case:
    """Board A's main case through to its closure (16): the board's own plan sent,
    written and accepted, every action's evidence accepted, the case closed."""
    a = world.a
    case, chair, coordinator = a.case, a.people["chair"], a.people["coordinator"]
    plan = plans.letter_send(case_id=case.pk, by=chair, letter_id=a.objects["draft_letter"].pk)
    write_plan(plan, coordinator)
    plans.plan_submit(case_id=case.pk, by=coordinator, plan_id=plan.pk)
    plans.plan_decide(case_id=case.pk, by=coordinator, plan_id=plan.pk, accept=True)
    closure_services.monitoring_start(case_id=case.pk, by=coordinator)
    implementation.evidence_decide(
        case_id=case.pk, by=coordinator, evidence_id=a.objects["evidence"].pk, accept=True
    )
    for action in plan.actions.all():
        evidence = implementation.evidence_upload(
            case_id=case.pk,
            by=coordinator,
            plan_id=plan.pk,
            action_id=action.pk,
            description="Audit report.",
            upload=SimpleUploadedFile("audit.pdf", PDF),
        )
        implementation.evidence_decide(
            case_id=case.pk, by=coordinator, evidence_id=evidence.pk, accept=True
        )
    closure_services.case_close(case_id=case.pk, by=chair, note="Every action done.")
    return Case.objects.get(pk=case.pk)


def test_deleting_a_case_leaves_no_permission_rows(world):
    """Retention deletes a closed case (scr/cases/retention.py): its people's object
    permissions go with it, and the other cases' stay."""
    case = _close(world)
    assert not UserObjectPermission.objects.exists()  # the whole procedure, to its end
    mine = CaseUserObjectPermission.objects.filter(content_object=case)
    assert mine.count() > 10
    others = CaseUserObjectPermission.objects.exclude(content_object=case).count()
    later = calendar.add_months(calendar.today(), 12 * case.board.retention_years + 1)
    retention_apply(case_id=case.pk, now=datetime.combine(later, time(12), tzinfo=calendar.LONDON))
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not CaseUserObjectPermission.objects.filter(content_object_id=case.pk).exists()
    assert CaseUserObjectPermission.objects.count() == others
    assert not UserObjectPermission.objects.filter(object_pk=str(case.pk)).exists()


def test_removing_someone_from_a_case_takes_their_permissions(world):
    a = world.a
    assignment = a.case.assignments.get(user=a.people["overview_author"])
    case_services.case_unassign(assignment_id=assignment.pk, by=a.people["coordinator"])
    assert not CaseUserObjectPermission.objects.filter(
        content_object=a.case, user=a.people["overview_author"]
    ).exists()
    with pytest.raises((Http404, PermissionDenied)):
        access.case_for_user(a.people["overview_author"], a.case.reference)


@pytest.mark.parametrize("page", ["cases:case-list", "cases:home"])
def test_my_cases_reads_permissions_in_a_fixed_number_of_queries(
    world, as_user, page, django_assert_max_num_queries
):
    """A panel member (object permissions) and an agency lead (her agency's cases): the
    queries for 20 cases are no more than for 2."""
    a = world.a
    coordinator, referrer = a.people["coordinator"], a.people["referrer"]
    member = _person(a.board, "Pia Paginated")
    lead = _person(a.board, "Lena Paginated", [Role.AGENCY_LEAD], agency=a.agencies["b"])

    made = []

    def new_case():
        case = case_services.case_create(
            board=a.board, by=referrer, subject_name="Ida Count", agencies=[a.agencies["b"]]
        )
        case_services.case_assign(
            case_id=case.pk, user=member, role=Role.PANEL_MEMBER, by=coordinator
        )
        made.append(case.reference)

    for _ in range(2):
        new_case()
    url = reverse(page)
    counts = {}
    for person in (member, lead):
        client = as_user(person)
        client.get(url)  # the session's first request does its own bookkeeping
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[person.pk] = len(queries)
    for _ in range(18):
        new_case()
    for person in (member, lead):
        with django_assert_max_num_queries(counts[person.pk]):
            page_20 = as_user(person).get(url)
        assert page_20.status_code == 200
    if page == "cases:case-list":
        assert all(reference in page_20.content.decode() for reference in made)
