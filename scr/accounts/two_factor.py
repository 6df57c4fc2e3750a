"""The second factor: an authenticator app (TOTP) and single-use backup codes.

Every user signs in with both their password and a code (NCSC and the Data Security and
Protection Toolkit expect multi-factor authentication for special-category data). The
first sign-in sets up the app from a QR code; backup codes cover a lost phone. Each
device throttles wrong codes itself (django-otp doubles the wait after each failure);
the sign-in session also ends after MAX_CODE_FAILURES wrong codes in a row. The writes
(setting up, backup codes, a reset) are scr/accounts/two_factor_services.py.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.accounts.models import User
from scr.notify import notify_people

BACKUP_CODE_COUNT = 10
MAX_CODE_FAILURES = 5
APP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def manual_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG (no image request, nothing sent elsewhere).
    The SVG is drawn by qrcode from our own key: paths only, no user text."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - generated paths, no user content  # nosec B308 B703


def code_problem(user: User) -> str:
    """Why no code can be tried now ('' when one can): a device waiting out its throttle."""
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            wait = max(1, int((data["locked_until"] - timezone.now()).total_seconds()))
            return f"Too many wrong codes. Wait {wait} seconds, then try again."
        if not allowed:
            return "Too many wrong codes. Wait a minute, then try again."
    return ""


def code_match(user: User, code: str) -> Device | None:
    """The device that accepts the code (an app code or an unused backup code), or None.
    A backup code is used up by matching."""
    code = "".join(code.split()).replace("-", "").lower()
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


CHANGES = {
    "password": "Your password was changed",
    "second_factor": "Your authenticator app was changed",
    "second_factor_reset": "Your two-factor sign-in was reset",
    "backup_codes": "New backup codes were made for your account",
    # Made by someone else in the administration (scr/accounts/admin.py).
    "account_created": "An account was made for you",
    "password_link": "A link to set a new password was sent to you",
    "account_changed": "Your account's details or access were changed",
    "roles_changed": "Your roles were changed",
}
# The changes whose email carries a link to set a password (to the person's own address),
# and what the person does with it.
LINK_CHANGES = {
    "second_factor_reset": "To sign in again, set a new password, then set up your "
    "authenticator app.",
    "account_created": "To sign in, set your password, then set up an authenticator app.",
    "password_link": "Set a new password, then sign in with your authenticator app as usual.",
}
# Changes made by someone else: the person did not do it themselves.
BY_OTHERS = {"account_created", "password_link", "account_changed", "roles_changed"}


def security_change_notify(*, user: User, change: str) -> None:
    """Tell the person, after commit, that their sign-in details changed: if it was not
    them, they can tell the board at once."""
    from scr.outbox.services import job_enqueue

    job_enqueue("accounts.security_change_email", user_id=user.pk, change=change)


def security_change_email(*, user_id: int, change: str) -> int:
    user = User.objects.filter(pk=user_id, is_active=True).select_related("board").first()
    if user is None or change not in CHANGES:
        return 0
    reset_url = ""
    needs_link = change != "second_factor_reset" or not user.has_usable_password()
    if change in LINK_CHANGES and needs_link:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        reset_url = settings.SITE_URL + reverse(
            "accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token}
        )
    return notify_people(
        template="security_changed",
        recipients=[user],
        context={
            "change": CHANGES[change],
            "at": timezone.now(),
            "board_email": user.board.coordinator_email if user.board else "",
            "reset_url": reset_url,
            "link_text": LINK_CHANGES.get(change, ""),
            "by_others": change in BY_OTHERS,
        },
    )
