import pytest
from django.urls import reverse

from scr.audit.models import AuditEvent
from scr.audit.services import NOT_AN_ACCOUNT
from tests.accounts.two_factor import totp_code, totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def test_sign_in_with_email_in_any_case_and_audit(client, coordinator):
    totp_device(coordinator)
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "  Cora.Ordinator@Example.org ", "password": PASSWORD},
    )
    assert response.status_code == 302
    # The password is half of it: the code page comes next.
    assert response["Location"] == reverse("accounts:two-factor")
    event = AuditEvent.objects.get(action="sign_in")
    assert event.actor == coordinator
    assert event.ip_address == "127.0.0.1"


def test_failed_sign_in_is_one_message_and_audited(client, coordinator):
    for username in ("cora.ordinator@example.org", "nobody@example.org"):
        response = client.post(
            reverse("accounts:sign-in"), {"username": username, "password": "wrong-password"}
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "There is a problem" in text
        assert "Enter a correct email address and password" in text
        assert username in text  # what was typed is kept
    failed = AuditEvent.objects.filter(action="sign_in_failed", outcome="failed")
    # Only an address that names an account is kept: what else was typed could be anything.
    assert sorted(failed.values_list("actor_label", flat=True)) == [
        NOT_AN_ACCOUNT,
        "cora.ordinator@example.org",
    ]


def test_a_password_typed_into_the_email_box_never_reaches_the_audit_trail(client):
    client.post(reverse("accounts:sign-in"), {"username": "Secret-Passw0rd!", "password": "x" * 12})
    client.post(reverse("accounts:sign-in"), {"username": "a@b", "password": "x" * 12})
    # A password can have the shape of an address: kept only if it names an account.
    client.post(reverse("accounts:sign-in"), {"username": "Pa55@word.uk", "password": "x" * 12})
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {NOT_AN_ACCOUNT}


def test_blank_sign_in_shows_field_errors(client):
    text = client.post(reverse("accounts:sign-in"), {"username": "", "password": ""}).content
    assert b"Enter your email address" in text
    assert b"Enter your password" in text
    assert not AuditEvent.objects.exists()


def test_sign_out_needs_post_and_is_audited(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="sign_out", actor=coordinator).exists()
    assert client.get(reverse("cases:home")).status_code == 302


def test_next_parameter_cannot_send_people_elsewhere(client, coordinator):
    device = totp_device(coordinator)
    response = client.post(
        reverse("accounts:sign-in") + "?next=https://evil.example.net/",
        {"username": coordinator.email, "password": PASSWORD, "next": "https://evil.example.net/"},
    )
    assert response["Location"] == reverse("accounts:two-factor")
    response = client.post(
        reverse("accounts:two-factor"),
        {"code": totp_code(device), "next": "https://evil.example.net/"},
    )
    assert response["Location"] == reverse("cases:home")


def test_password_reset_link_uses_site_url(
    client, coordinator, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://scr.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-reset"), {"email": coordinator.email}, HTTP_HOST="127.0.0.1"
        )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert "https://scr.example.org/account/password-reset/" in message.body
    # An unknown address gets the same answer and no email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_password_reset_full_journey(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": coordinator.email})
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mailoutbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "a-new-long-passphrase-2026"
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert b"There is a problem" in response.content
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(new)


def test_password_reset_emails_are_limited_per_account_with_the_same_answer(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    """20 requests for one address used to send 20 emails (#20)."""
    url = reverse("accounts:password-reset")
    with django_capture_on_commit_callbacks(execute=True):
        answers = {client.post(url, {"email": coordinator.email}).url for _ in range(6)}
    assert answers == {reverse("accounts:password-reset-sent")}
    assert len(mailoutbox) == 3
    held = AuditEvent.objects.filter(detail__startswith="password reset held back")
    assert held.count() == 3 and set(held.values_list("actor_label", flat=True)) == {
        coordinator.email
    }


def test_password_reset_emails_are_limited_per_client_address(
    client, board, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.conftest import _person

    url = reverse("accounts:password-reset")
    people = [_person(board, f"Person {n}") for n in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            client.post(url, {"email": person.email}, REMOTE_ADDR="198.51.100.7")
    assert len(mailoutbox) == 10
    # Another client is not held back by this one.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": people[-1].email}, REMOTE_ADDR="203.0.113.5")
    assert len(mailoutbox) == 11
