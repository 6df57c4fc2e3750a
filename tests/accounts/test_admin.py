"""The administration pages: a coordinator manages their own board and cannot raise
anyone's powers, their own included."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from scr.accounts.models import User
from scr.accounts.roles import Role, group_name
from scr.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def _user_form(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "agency": user.agency_id or "",
        "groups": [g.pk for g in user.groups.all()],
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_coordinator_cannot_touch_a_superuser(client, coordinator, board):
    root = User.objects.create_superuser("root@example.org", "a-long-root-password", board=board)
    client.force_login(coordinator)
    # The admin answers an object outside the coordinator's list by sending them home.
    response = client.get(_change_url(root))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "taken-over-123456", "password2": "taken-over-123456"},
    )
    root.refresh_from_db()
    assert root.check_password("a-long-root-password")


def test_coordinator_cannot_leave_their_board_to_see_boardless_rows(client, coordinator):
    User.objects.create_superuser("root@example.org", "a-long-root-password")
    AuditEvent.objects.create(action="sign_in_failed", actor_label="someone@elsewhere.org")
    client.force_login(coordinator)
    response = client.post(_change_url(coordinator), _user_form(coordinator, board=""))
    assert response.status_code == 403  # their own account is not theirs to change
    coordinator.refresh_from_db()
    assert coordinator.board_id is not None
    coordinator.board = None
    coordinator.save(update_fields=["board"])
    text = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert "someone@elsewhere.org" not in text
    assert (
        "root@example.org"
        not in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    )


def test_coordinator_cannot_give_themselves_or_others_the_chairs_powers(
    client, coordinator, outsider
):
    chair_group = Group.objects.get(name=group_name(Role.BOARD_CHAIR))
    client.force_login(coordinator)
    client.post(_change_url(coordinator), _user_form(coordinator, groups=[chair_group.pk]))
    client.post(_change_url(outsider), _user_form(outsider, groups=[chair_group.pk]))
    assert not User.objects.filter(groups=chair_group).exists()


def test_coordinator_cannot_change_the_chairs_account(client, coordinator, chair):
    client.force_login(coordinator)
    response = client.post(_change_url(chair), _user_form(chair, email="mine@example.org"))
    assert response.status_code == 403
    chair.refresh_from_db()
    assert chair.email == "chas.chairman@example.org"


def test_coordinator_gives_ordinary_roles_and_it_is_audited(client, coordinator, outsider):
    member = Group.objects.get(name=group_name(Role.BOARD_MEMBER))
    client.force_login(coordinator)
    response = client.post(_change_url(outsider), _user_form(outsider, groups=[member.pk]))
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert list(outsider.groups.values_list("name", flat=True)) == [group_name(Role.BOARD_MEMBER)]
    event = AuditEvent.objects.get(action="change", object_type="user")
    assert event.actor == coordinator
    assert event.detail == "roles added: Board member; removed: -"


def test_coordinator_sees_only_their_boards_people(client, coordinator, other_coordinator):
    client.force_login(coordinator)
    text = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Cora Ordinator" in text
    assert "Oona Elsewhere" not in text
    response = client.get(_change_url(other_coordinator))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_ordinary_people_have_no_administration(client, panel_member):
    client.force_login(panel_member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
