"""The writes of sessions: a signed-in session's row in its owner's list (scr.accounts
.models.UserSession), made after the second factor, following a new key, and removed with
the session when it ends, is ended elsewhere or is found ended. The timeouts themselves
are scr/accounts/sessions.py."""

from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from scr.accounts.models import User, UserSession
from scr.accounts.sessions import SESSION_LAST_SEEN, SESSION_SIGNED_IN_AT, session_expiry_reason
from scr.audit.services import client_ip


def _store(session_key: str | None = None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_started(request: HttpRequest) -> UserSession:
    """After the second factor: a new session key (nothing set before it carries over to
    an attacker who planted the old one) and a row in the user's list of sessions."""
    request.session.cycle_key()
    now = timezone.now()
    request.session[SESSION_LAST_SEEN] = now.timestamp()
    request.session.setdefault(SESSION_SIGNED_IN_AT, now.timestamp())
    request.session.save()
    return UserSession.objects.create(
        user=request.user,
        session_key=request.session.session_key,
        created_at=now,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def session_rekeyed(*, old_key: str | None, new_key: str | None) -> None:
    """Django gave a session a new key (a password change does): its row follows."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def sessions_of(user: User, *, current_key: str | None) -> list[dict]:
    """The user's live sessions, newest first, with when each was last used. Rows whose
    session has ended (signed out, expired, ended elsewhere) are removed on the way."""
    live, gone = [], []
    now = timezone.now().timestamp()
    for row in UserSession.objects.filter(user=user):
        store = _store(row.session_key)
        data = store.load() if store.exists(row.session_key) else {}
        if not data or session_expiry_reason(data, verified=True, now=now):
            gone.append(row.pk)
            continue
        live.append(
            {
                "row": row,
                "current": row.session_key == current_key,
                "last_seen": datetime.fromtimestamp(data.get(SESSION_LAST_SEEN, now), tz=UTC),
            }
        )
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return live


def session_end(*, user: User, session_id: int) -> bool:
    """End one of the user's own sessions. False if it is not theirs or already gone."""
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _store(row.session_key).delete(row.session_key)
    row.delete()
    return True


def sessions_end_others(*, user: User, keep_key: str | None) -> int:
    """End every session of the user but the one in use (all of them if keep_key is None):
    after a password or second-factor change, a stolen session must not live on."""
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep_key or "")
    ended = 0
    for row in rows:
        _store(row.session_key).delete(row.session_key)
        ended += 1
    rows.delete()
    return ended


def session_forget(request: HttpRequest) -> None:
    """At sign-out: the row goes with the session."""
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()
