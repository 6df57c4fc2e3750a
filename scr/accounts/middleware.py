"""Every signed-in request: end a session that has run out, and send a person who has
given their password but not yet their second factor to the code page."""

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from scr.accounts.session_services import session_forget
from scr.accounts.sessions import (
    second_factor_gone,
    session_expiry_reason,
    session_touch,
    touch_due,
)
from scr.audit.services import Action, audit_record

# Pages a half-signed-in person may open: the second factor itself, signing out, and
# pages that hold no case data.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two-factor",
    "accounts:two-factor-setup",
    "accounts:backup-codes",
    "accounts:sign-out",
    "accounts:sign-in",
    "accounts:session-status",
    "guide-index",
    "guide-page",
}
# Asked by the page's timeout warning: answering must not count as activity.
NOT_ACTIVITY = {"accounts:session-status"}


def is_verified(request) -> bool:
    """The session passed the second factor (a request built without sessions has not)."""
    return bool(getattr(request, "session", {}).get(DEVICE_ID_SESSION_KEY))


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = timezone.now().timestamp()
        verified = is_verified(request)
        reason = session_expiry_reason(request.session, verified=verified, now=now)
        due = not reason and verified and touch_due(request.session, now=now)
        if due and second_factor_gone(request.session, user):
            reason = "factor"
        if reason:
            detail = "second factor removed" if reason == "factor" else f"{reason} timeout"
            audit_record(action=Action.SIGN_OUT, actor=user, detail=detail, request=request)
            session_forget(request)
            logout(request)
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"signed_in": False, "remaining": 0}, status=401)
            next_url = request.get_full_path() if request.method == "GET" else ""
            url = f"{reverse('accounts:sign-in')}?{urlencode({'timeout': reason})}"
            if next_url:
                url += "&" + urlencode({"next": next_url})
            return HttpResponseRedirect(url)
        request.session_now = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name not in NOT_ACTIVITY:
            now = getattr(request, "session_now", None) or timezone.now().timestamp()
            session_touch(request.session, now=now)
        return None


class TwoFactorMiddleware:
    """Deny by default: every page but OPEN_BEFORE_SECOND_FACTOR needs the second factor,
    the administration pages included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        next_url = request.get_full_path() if request.method == "GET" else ""
        return HttpResponseRedirect(_with_next(reverse("accounts:two-factor"), next_url))
