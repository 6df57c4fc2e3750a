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


# Nobody takes over an account through the administration (#20, item 1) -----------------


def _superuser(board):
    return User.objects.create_superuser("root@example.org", "a-long-root-password", board=board)


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_nobody_sets_another_persons_password(client, request, board, author_a, who):
    """A coordinator used to reset an author's two-factor sign-in, then set a password of
    their choosing here and sign in as the author."""
    admin_user = _superuser(board) if who == "superuser" else request.getfixturevalue(who)
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{author_a.pk}/password/"
    assert client.get(url).status_code == 403
    new = "taken-over-123456"
    assert client.post(url, {"password1": new, "password2": new}).status_code == 403
    author_a.refresh_from_db()
    assert not author_a.check_password(new)
    page = client.get(_change_url(author_a)).content.decode()
    assert "/password/" not in page


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_nobody_changes_another_persons_email_address(client, request, board, author_a, who):
    admin_user = _superuser(board) if who == "superuser" else request.getfixturevalue(who)
    client.force_login(admin_user)
    before = author_a.email
    client.post(_change_url(author_a), _user_form(author_a, email="mine@example.org"))
    author_a.refresh_from_db()
    assert author_a.email == before


def test_a_new_person_sets_their_own_password_from_the_emailed_link(
    client, coordinator, agency_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "newt.person@example.org",
                "full_name": "Newt Person",
                "agency": agency_a.pk,
                "password1": "chosen-by-someone-else",
                "password2": "chosen-by-someone-else",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(email="newt.person@example.org")
    assert not person.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["newt.person@example.org"]
    assert "An account was made for you" in message.subject
    assert "/account/password-reset/" in message.body
    assert AuditEvent.objects.filter(action="create", object_type="user").exists()


def test_a_password_link_goes_to_the_persons_own_address_only(
    client, coordinator, author_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_link", "_selected_action": [author_a.pk]},
        )
    (message,) = mailoutbox
    assert message.to == [author_a.email]
    assert "/account/password-reset/" in message.body
    author_a.refresh_from_db()
    assert author_a.has_usable_password()  # nothing changed until the person uses it
    event = AuditEvent.objects.get(detail="link to set a new password sent")
    assert event.actor == coordinator


def test_changes_to_someone_elses_access_are_audited_and_emailed_to_them(
    client, coordinator, outsider, agency_b, mailoutbox, django_capture_on_commit_callbacks
):
    member = Group.objects.get(name=group_name(Role.BOARD_MEMBER))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _change_url(outsider),
            _user_form(outsider, agency=agency_b.pk, groups=[member.pk]),
        )
    details = set(
        AuditEvent.objects.filter(object_type="user", actor=coordinator).values_list(
            "detail", flat=True
        )
    )
    assert details == {"account changed: agency", "roles added: Board member; removed: -"}
    subjects = sorted(m.subject for m in mailoutbox)
    assert [m.to for m in mailoutbox] == [[outsider.email]] * 2
    assert subjects[0].startswith("Your account's details or access were changed")
    assert subjects[1].startswith("Your roles were changed")
    assert all("Your board's administration made this change" in m.body for m in mailoutbox)
