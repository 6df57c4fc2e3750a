"""Session lifetime: idle and absolute timeouts.

A session is complete once the password and the second factor are both accepted
(scr.accounts.session_services.session_started). From then on it ends after
SESSION_IDLE_MINUTES without a request, and in any case SESSION_ABSOLUTE_HOURS after
sign-in. A session's owner sees it in "Your sessions" and can end it from another browser
(the list and its rows: scr/accounts/session_services.py).
"""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from scr.accounts.models import User

# Unix timestamps kept in the session by the sign-in and the timeout middleware.
SESSION_SIGNED_IN_AT = "signed_in_at"
SESSION_LAST_SEEN = "last_seen"
# Requests within this many seconds of the last recorded one do not write the session
# again: a page with its images and a poll stays at one write a minute at most.
TOUCH_EVERY_SECONDS = 60
# Between the password and the second factor a session may wait this long.
HALF_SIGNED_IN_SECONDS = 10 * 60


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.SESSION_ABSOLUTE_HOURS * 3600


def session_expiry_reason(session: SessionBase, *, verified: bool, now: float) -> str:
    """'idle' or 'absolute' when the session has run out, else ''."""
    last_seen = session.get(SESSION_LAST_SEEN)
    signed_in_at = session.get(SESSION_SIGNED_IN_AT)
    if last_seen is None or signed_in_at is None:
        # A session from before these rules, or one made outside the sign-in: start now.
        return ""
    idle_limit = idle_seconds() if verified else min(idle_seconds(), HALF_SIGNED_IN_SECONDS)
    if now - signed_in_at > absolute_seconds():
        return "absolute"
    if now - last_seen > idle_limit:
        return "idle"
    return ""


def touch_due(session: SessionBase, *, now: float) -> bool:
    last_seen = session.get(SESSION_LAST_SEEN)
    return last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS


def second_factor_gone(session: SessionBase, user: User) -> bool:
    """The device that verified this session was removed (a reset, a replaced app):
    asked at most once a minute, with the session write, so pages keep their queries."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is None or device.user_id != user.pk or not device.confirmed


def session_touch(session: SessionBase, *, now: float, force: bool = False) -> None:
    """Record activity: at most one session write a minute unless forced."""
    session.setdefault(SESSION_SIGNED_IN_AT, now)
    last_seen = session.get(SESSION_LAST_SEEN)
    if force or last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
        session[SESSION_LAST_SEEN] = now


def idle_remaining(session: SessionBase, *, now: float) -> int:
    """Seconds until the idle timeout (or the absolute one, whichever comes first)."""
    last_seen = session.get(SESSION_LAST_SEEN, now)
    signed_in_at = session.get(SESSION_SIGNED_IN_AT, now)
    left = min(idle_seconds() - (now - last_seen), absolute_seconds() - (now - signed_in_at))
    return max(0, int(left))


def password_accepted(request: HttpRequest) -> None:
    """After the password: the clocks start, the second factor is still to come."""
    now = timezone.now().timestamp()
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_LAST_SEEN] = now
