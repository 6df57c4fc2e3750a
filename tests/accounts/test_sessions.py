"""Sessions: idle and absolute timeouts, the list of one's sessions, and a password
change that ends the others."""

import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scr.accounts.models import UserSession
from scr.audit.models import AuditEvent
from tests.accounts.two_factor import totp_code, totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
minutes = timezone.timedelta(minutes=1)


def _sign_in(client, user, **extra):
    device = totp_device(user)
    client.post(
        reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD}, **extra
    )
    response = client.post(reverse("accounts:two-factor"), {"code": totp_code(device)}, **extra)
    assert response.status_code == 302, response.content
    return client


def test_idle_session_ends_after_30_minutes_and_says_why(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, coordinator)
    with time_machine.travel(start + 29 * minutes, tick=False):
        assert client.get(reverse("cases:home")).status_code == 200
    # Activity moved the clock: 29 minutes after that request is still fine.
    with time_machine.travel(start + 58 * minutes, tick=False):
        assert client.get(reverse("cases:home")).status_code == 200
    with time_machine.travel(start + 89 * minutes, tick=False):
        response = client.get(reverse("cases:case-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in") + "?timeout=idle")
        page = client.get(response["Location"])
    assert "had not done anything for 30 minutes" in page.content.decode()
    assert AuditEvent.objects.filter(actor=coordinator, detail="idle timeout").exists()
    assert not UserSession.objects.filter(user=coordinator).exists()


def test_idle_timeout_is_configurable(client, coordinator, settings):
    settings.SESSION_IDLE_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, coordinator)
    with time_machine.travel(start + 6 * minutes, tick=False):
        assert client.get(reverse("cases:home")).status_code == 302


def test_session_ends_12_hours_after_sign_in_however_busy(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, coordinator)
    for step in range(1, 30):
        with time_machine.travel(start + 29 * step * minutes, tick=False):
            response = client.get(reverse("cases:home"))
        if response.status_code == 302:
            break
    assert 29 * step > 12 * 60 - 29
    assert response["Location"].startswith(reverse("accounts:sign-in") + "?timeout=absolute")


def test_asking_how_long_is_left_is_not_activity(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, coordinator)
    with time_machine.travel(start + 20 * minutes, tick=False):
        status = client.get(reverse("accounts:session-status")).json()
        assert status == {"signed_in": True, "remaining": 600}
    with time_machine.travel(start + 29 * minutes, tick=False):
        assert client.get(reverse("accounts:session-status")).json()["remaining"] == 60
        kept = client.post(reverse("accounts:keep-alive"), HTTP_ACCEPT="application/json")
        assert kept.json() == {"signed_in": True, "remaining": 1800}
    with time_machine.travel(start + 31 * minutes, tick=False):
        assert client.get(reverse("cases:home")).status_code == 200
    with time_machine.travel(start + 90 * minutes, tick=False):
        gone = client.get(reverse("accounts:session-status"), HTTP_ACCEPT="application/json")
    assert gone.status_code == 401


def test_keep_alive_needs_post(client, coordinator):
    _sign_in(client, coordinator)
    assert client.get(reverse("accounts:keep-alive")).status_code == 405


def test_pages_carry_the_timeout_warning_after_the_second_factor_only(client, coordinator):
    totp_device(coordinator)
    client.post(reverse("accounts:sign-in"), {"username": coordinator.email, "password": PASSWORD})
    assert "timeout-warning" not in client.get(reverse("accounts:two-factor")).content.decode()
    client.post(reverse("accounts:two-factor"), {"code": totp_code(totp_device(coordinator))})
    text = client.get(reverse("cases:home")).content.decode()
    assert 'data-idle-seconds="1800"' in text and 'data-warning-seconds="120"' in text


def test_people_see_their_sessions_and_end_one_elsewhere(client, coordinator):
    laptop = _sign_in(Client(HTTP_USER_AGENT="Laptop browser"), coordinator)
    _sign_in(client, coordinator, HTTP_USER_AGENT="Office browser")
    page = client.get(reverse("accounts:sessions")).content.decode()
    assert "Laptop browser" in page and "Office browser" in page
    assert "This session" in page
    laptop_row = UserSession.objects.get(user_agent="Laptop browser")
    response = client.post(reverse("accounts:sessions"), {"end": laptop_row.pk})
    assert response.status_code == 302
    assert laptop.get(reverse("cases:home")).status_code == 302
    assert client.get(reverse("cases:home")).status_code == 200
    assert not UserSession.objects.filter(pk=laptop_row.pk).exists()


def test_nobody_can_end_someone_elses_session(client, coordinator, chair):
    chairs = _sign_in(Client(), chair)
    _sign_in(client, coordinator)
    row = UserSession.objects.get(user=chair)
    assert client.post(reverse("accounts:sessions"), {"end": row.pk}).status_code == 404
    assert client.post(reverse("accounts:sessions"), {"end": "x"}).status_code == 404
    assert chairs.get(reverse("cases:home")).status_code == 200
    assert "Cora" not in chairs.get(reverse("accounts:sessions")).content.decode()


def test_password_change_ends_other_sessions_and_emails(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    other = _sign_in(Client(), coordinator)
    _sign_in(client, coordinator)
    url = reverse("accounts:password-change")
    bad = client.post(
        url, {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    ).content.decode()
    assert "There is a problem" in bad and "Your current password is not right" in bad
    short = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    ).content.decode()
    assert "too short" in short
    common = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    ).content.decode()
    assert "too common" in common
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)
    new = "seven-lighthouse-orchards"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
    assert response.status_code == 302
    assert other.get(reverse("cases:home")).status_code == 302
    assert client.get(reverse("cases:home")).status_code == 200
    (message,) = mailoutbox
    assert message.subject.startswith("Your password was changed")
    assert "not you" in message.body and PASSWORD not in message.body and new not in message.body


def test_password_reset_ends_every_session(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in = _sign_in(Client(), coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": coordinator.email})
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "seven-lighthouse-orchards"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, {"new_password1": new, "new_password2": new})
    assert signed_in.get(reverse("cases:home")).status_code == 302
    assert not UserSession.objects.filter(user=coordinator).exists()
    assert mailoutbox[-1].subject.startswith("Your password was changed")


def test_signing_out_removes_the_session_row(client, coordinator):
    _sign_in(client, coordinator)
    assert UserSession.objects.filter(user=coordinator).count() == 1
    client.post(reverse("accounts:sign-out"))
    assert not UserSession.objects.exists()
    assert not Session.objects.filter(session_key=client.session.session_key).exists()


def test_session_cookie_is_httponly_and_samesite(client, coordinator):
    _sign_in(client, coordinator)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_account_page_sums_up_sign_in(client, coordinator):
    from scr.accounts.two_factor_services import backup_codes_make

    _sign_in(client, coordinator)
    backup_codes_make(user=coordinator, notify=False)
    text = client.get(reverse("accounts:account")).content.decode()
    assert "10 left" in text and "1 session" in text and "Set up" in text


def test_password_change_keeps_this_session_listed_and_ends_none_when_alone(
    client, coordinator, django_capture_on_commit_callbacks
):
    _sign_in(client, coordinator)
    new = "seven-lighthouse-orchards"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
            follow=True,
        )
    text = response.content.decode()
    assert "Your password was changed." in text and "other sessions" not in text
    (row,) = UserSession.objects.filter(user=coordinator)
    assert row.session_key == client.session.session_key
    assert "This session" in client.get(reverse("accounts:sessions")).content.decode()


def test_a_session_ends_within_a_minute_of_its_second_factor_being_removed(client, coordinator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, coordinator)
    # A session nobody listed (as if its row were lost) still ends: the device is checked.
    UserSession.objects.filter(user=coordinator).delete()
    TOTPDevice.objects.filter(user=coordinator).delete()
    with time_machine.travel(start + 2 * minutes, tick=False):
        response = client.get(reverse("cases:home"))
    assert response["Location"].startswith(reverse("accounts:sign-in") + "?timeout=factor")
    assert AuditEvent.objects.filter(actor=coordinator, detail="second factor removed").exists()
