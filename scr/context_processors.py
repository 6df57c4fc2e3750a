"""What every page needs: the board's name, the navigation and the board's contact."""

from django.conf import settings
from django.urls import reverse

from scr import registry
from scr.accounts.middleware import is_verified

SERVICE_NAME = "Serious Case Reviews"


def service(request) -> dict:
    user = getattr(request, "user", None)
    # Signed in means both factors: between the password and the code the page shows no
    # name, board or navigation.
    signed_in = bool(user is not None and user.is_authenticated and is_verified(request))
    board = user.board if signed_in else None
    context = {
        "service_name": SERVICE_NAME,
        "board_name": board.name if board else "Safeguarding Adults Board",
        "board_contact": "",
        "nav_items": [],
        "signed_in": signed_in,
    }
    if not signed_in:
        return context
    context["session_timeout"] = {
        "idle": int(settings.SESSION_IDLE_MINUTES * 60),
        "warning": int(settings.SESSION_IDLE_WARNING_MINUTES * 60),
    }
    if board and board.coordinator_email:
        context["board_contact"] = f"Contact the board: {board.coordinator_email}"
    path = request.path
    items = [
        (10, "Needs your attention", reverse("cases:home"), path == reverse("cases:home")),
        (20, "My cases", reverse("cases:case-list"), path.startswith("/cases/")),
        (30, "My deadlines", reverse("deadlines:my-deadlines"), path.startswith("/deadlines/")),
    ]
    if user.is_staff:
        items.append((90, "Administration", reverse("admin:index"), False))
    # The stages' own links (registry.NAVIGATION, from their AppConfig.ready()).
    for link in registry.NAVIGATION.values():
        if link.shown_to is None or link.shown_to(user):
            active = bool(link.active_under) and path.startswith(reverse(link.active_under))
            items.append((link.order, link.label, reverse(link.url_name), active))
    items.sort(key=lambda item: item[0])
    context["nav_items"] = [{"label": b, "url": c, "active": d} for _, b, c, d in items]
    return context
