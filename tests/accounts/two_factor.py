"""Helpers for tests that need a signed-in session with its second factor done."""

import time

from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.accounts.models import UserSession
from scr.accounts.sessions import SESSION_LAST_SEEN, SESSION_SIGNED_IN_AT


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app")


def totp_code(device: TOTPDevice) -> str:
    """The code the person's app shows: now, or the next one if now's was already used
    (a code is accepted once; the device tolerates one step ahead)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def mark_session_verified(client, user) -> None:
    """Record in the client's session what a real sign-in records after the second factor."""
    device = totp_device(user)
    session = client.session
    now = timezone.now().timestamp()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_SIGNED_IN_AT] = now
    session[SESSION_LAST_SEEN] = now
    session.save()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})
