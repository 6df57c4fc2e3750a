"""The answer to a sign-in that django-axes refuses (settings.AXES_LOCKOUT_CALLABLE).

axes counts failures by username and, separately, by client address; past the limit it
refuses every attempt, the right password included, until the cool-off has passed."""

from axes.helpers import get_client_username, get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scr.audit.services import Action, Outcome, audit_record, typed_username


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
    seconds = int(get_cool_off(request).total_seconds())
    minutes = max(1, round(seconds / 60))
    response = render(request, "429.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
