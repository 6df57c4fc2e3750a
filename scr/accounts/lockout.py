"""Refusing sign-ins that look like guessing, without letting anyone lock others out.

- django-axes locks the pair (account, client address) after AXES_FAILURE_LIMIT failures,
  for the cool-off: one person's mistakes lock neither their office (one NAT address for
  everyone) nor, from elsewhere, their colleague's account.
- Guesses at one account from many addresses are slowed down, not locked: past
  SIGN_IN_SLOW_AFTER failures within the cool-off, one attempt at that account per
  SIGN_IN_SLOW_SECONDS (the owner waits seconds, never a lock an attacker can set).
- Guesses at many accounts from one address (password spraying): past
  SIGN_IN_ADDRESS_LIMIT failures within the cool-off that address waits out the cool-off.
Both counts read axes' failure log (every failure, whoever was named, so the answers do
not tell which addresses have accounts)."""

from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from scr.audit.services import Action, Outcome, audit_record, client_ip, typed_username


def sign_in_wait(request: HttpRequest, username: str) -> int:
    """Seconds this sign-in attempt must wait beyond axes' own lock: 0 to go ahead."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    now = timezone.now()
    recent = AccessFailureLog.objects.filter(attempt_time__gte=now - cool_off)
    address = client_ip(request)
    if address and recent.filter(ip_address=address).count() >= settings.SIGN_IN_ADDRESS_LIMIT:
        return int(cool_off.total_seconds())
    if not username:
        return 0
    mine = recent.filter(username=username)
    if mine.count() < settings.SIGN_IN_SLOW_AFTER:
        return 0
    last = mine.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    waited = (now - last).total_seconds()
    return max(0, int(settings.SIGN_IN_SLOW_SECONDS - waited))


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def refusal(request: HttpRequest, seconds: int) -> HttpResponse:
    """The 429 page, saying how long to wait."""
    seconds = max(1, seconds)
    response = render(request, "429.html", {"wait": _wait_text(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The 429 page, saying how long to wait. The attempt that starts a lockout also
    writes one audit row: the username as typed and the client's address, never the
    password. Attempts refused during the lockout are already in the trail as failed
    sign-ins (SignInView.form_invalid)."""
    # axes sets the count only when it recorded this failure; while locked out it
    # records none (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off).
    if getattr(request, "axes_failures_since_start", None) is not None:
        username = get_client_username(request, credentials) or ""
        audit_record(
            action=Action.SIGN_IN_FAILED,
            actor_label=typed_username(username),
            outcome=Outcome.DENIED,
            detail="locked out",
            request=request,
        )
    return refusal(request, int(get_cool_off(request).total_seconds()))
