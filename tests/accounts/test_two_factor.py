"""Two-factor sign-in: every person, every page (the administration included), set up
from a QR code with backup codes, throttled on its own."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.audit.models import AuditEvent
from tests.accounts.two_factor import totp_code, totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def _password(client, user, next_url=""):
    url = reverse("accounts:sign-in") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": PASSWORD})


def _key_from_setup_page(text: str) -> bytes:
    from base64 import b32decode

    key = re.search(r'id="manual-key">([A-Z2-7 ]+)<', text).group(1).replace(" ", "")
    return b32decode(key + "=" * (-len(key) % 8))


def _code_for_key(key: bytes) -> str:
    from django_otp.oath import totp

    return f"{totp(key):06d}"


@pytest.mark.parametrize(
    "url_name",
    ["cases:home", "cases:case-list", "deadlines:my-deadlines", "admin:index", "accounts:account"],
)
def test_password_alone_opens_no_page(client, coordinator, url_name):
    totp_device(coordinator)
    _password(client, coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))


def test_password_alone_cannot_post_either(client, coordinator, case):
    totp_device(coordinator)
    _password(client, coordinator)
    response = client.post(reverse("accounts:backup-codes"))
    assert response.status_code == 404
    assert not StaticToken.objects.exists()


def test_first_sign_in_sets_up_the_app_from_a_qr_code_and_shows_backup_codes(client, coordinator):
    response = _password(client, coordinator, next_url="/deadlines/")
    setup_url = reverse("accounts:two-factor-setup")
    assert response["Location"].startswith(setup_url)
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "<svg" in text and "Set up your authenticator app" in text
    # The QR code is drawn in the page: nothing about the account goes to another site.
    assert "otpauth" not in text and "http" not in text.split("<svg", 1)[1].split("</svg>")[0][:0]
    key = _key_from_setup_page(text)

    wrong = client.post(response["Location"], {"code": "12345"})
    assert wrong.status_code == 400
    assert "Enter the 6 digits the app shows" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()

    done = client.post(response["Location"], {"code": _code_for_key(key), "next": "/deadlines/"})
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("accounts:backup-codes"))
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert 'href="/deadlines/"' in codes_page
    # Shown once.
    assert client.get(reverse("accounts:backup-codes")).status_code == 302
    assert client.get(reverse("cases:home")).status_code == 200
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert AuditEvent.objects.filter(actor=coordinator, detail="second factor set up").exists()


def test_someone_with_only_the_password_cannot_replace_the_app(client, coordinator):
    device = totp_device(coordinator)
    _password(client, coordinator)
    response = client.get(reverse("accounts:two-factor-setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]


def test_code_from_the_app_completes_sign_in_with_a_new_session_key(client, coordinator):
    device = totp_device(coordinator)
    _password(client, coordinator)
    key_after_password = client.session.session_key
    page = client.get(reverse("accounts:two-factor"))
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in page.content.decode()
    response = client.post(reverse("accounts:two-factor"), {"code": totp_code(device)})
    assert response["Location"] == reverse("cases:home")
    assert client.session.session_key != key_after_password
    assert client.get(reverse("cases:home")).status_code == 200
    assert AuditEvent.objects.filter(actor=coordinator, detail="second factor accepted").exists()


def test_a_code_works_once(client, coordinator, django_user_model):
    device = totp_device(coordinator)
    code = totp_code(device)
    _password(client, coordinator)
    client.post(reverse("accounts:two-factor"), {"code": code})
    client.post(reverse("accounts:sign-out"))
    _password(client, coordinator)
    again = client.post(reverse("accounts:two-factor"), {"code": code})
    assert again.status_code == 400


def test_a_backup_code_works_once_and_the_count_is_shown(client, coordinator):
    from scr.accounts.two_factor_services import backup_codes_make

    totp_device(coordinator)
    codes = backup_codes_make(user=coordinator, notify=False)
    _password(client, coordinator)
    response = client.post(reverse("accounts:two-factor"), {"code": codes[0]}, follow=True)
    assert "You used a backup code. You have 9 left." in response.content.decode()
    client.post(reverse("accounts:sign-out"))
    _password(client, coordinator)
    assert client.post(reverse("accounts:two-factor"), {"code": codes[0]}).status_code == 400


def test_wrong_codes_are_throttled_then_end_the_sign_in(client, coordinator):
    device = totp_device(coordinator)
    _password(client, coordinator)
    first = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    assert first.status_code == 400
    # After a failure the device makes people wait: even the right code is refused now.
    refused = client.post(reverse("accounts:two-factor"), {"code": totp_code(device)})
    assert refused.status_code == 400
    assert "Too many wrong codes. Wait" in refused.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    start = timezone.now()
    for step in range(1, 5):
        # Each wait doubles (1, 2, 4, 8 seconds): 20 seconds later the next try is let in.
        with time_machine.travel(start + timezone.timedelta(seconds=20 * step), tick=False):
            last = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    assert last.status_code == 302
    assert last["Location"] == reverse("accounts:sign-in")
    assert client.get(reverse("cases:home"))["Location"].startswith(reverse("accounts:sign-in"))
    assert AuditEvent.objects.filter(actor=coordinator, action="sign_in_failed").count() == 5


def test_replacing_the_app_needs_the_second_factor_ends_other_sessions_and_emails(
    client, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    old = totp_device(coordinator)
    other = Client()
    other.force_login(coordinator)
    _password(client, coordinator)
    client.post(reverse("accounts:two-factor"), {"code": totp_code(old)})
    # The other browser's session is in the list too (made by a real sign-in).
    page = client.get(reverse("accounts:two-factor-setup"))
    assert "Set up a new authenticator app" in page.content.decode()
    key = _key_from_setup_page(page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:two-factor-setup"), {"code": _code_for_key(key)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    (message,) = mailoutbox
    assert message.subject.startswith("Your authenticator app was changed")
    assert client.get(reverse("cases:home")).status_code == 200


def test_admin_sign_in_goes_through_the_service_sign_in(client, coordinator):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in") + "?next=%2Fadmin%2F"
    totp_device(coordinator)
    _password(client, coordinator)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:two-factor"))


def test_demo_code_is_shown_only_when_configured(client, coordinator, settings):
    totp_device(coordinator)
    _password(client, coordinator)
    assert "demo-code" not in client.get(reverse("accounts:two-factor")).content.decode()
    settings.DEMO_SECOND_FACTOR = True
    # Never without DEBUG: in production the setting would switch the second factor off.
    assert "demo-code" not in client.get(reverse("accounts:two-factor")).content.decode()
    settings.DEBUG = True
    assert "demo-code" in client.get(reverse("accounts:two-factor")).content.decode()


def test_coordinator_resets_a_lost_phone_from_the_administration(
    client,
    coordinator,
    author_a,
    chair,
    other_coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from django.test import Client

    from scr.accounts.models import User

    for person in (author_a, chair):
        totp_device(person)
    phone_gone = Client()
    phone_gone.force_login(author_a)
    client.force_login(coordinator)
    url = reverse("admin:accounts_user_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "reset_second_factor", "_selected_action": [author_a.pk, chair.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=author_a).exists()
    # The chair's account is protected from a coordinator.
    assert TOTPDevice.objects.filter(user=chair).exists()
    assert phone_gone.get(reverse("cases:home")).status_code == 302
    assert [m.to for m in mailoutbox] == [[author_a.email]]
    # The old password no longer opens the account: only the emailed link does.
    author_a.refresh_from_db()
    assert not author_a.has_usable_password()
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "seven-lighthouse-orchards"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    fresh = Client()
    response = fresh.post(
        reverse("accounts:sign-in"), {"username": author_a.email, "password": new}
    )
    assert response["Location"] == reverse("accounts:two-factor-setup")
    # Another board's coordinator cannot reach this board's people at all.
    other = Client()
    other.force_login(other_coordinator)
    other.post(url, {"action": "reset_second_factor", "_selected_action": [chair.pk]})
    assert TOTPDevice.objects.filter(user=User.objects.get(pk=chair.pk)).exists()


def test_between_password_and_code_the_page_shows_no_name_or_navigation(client, coordinator):
    totp_device(coordinator)
    _password(client, coordinator)
    text = client.get(reverse("accounts:two-factor")).content.decode()
    assert coordinator.full_name not in text
    assert coordinator.board.name not in text
    assert "My cases" not in text
    assert "Cancel and sign out" in text
