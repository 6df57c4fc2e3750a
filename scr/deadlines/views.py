"""'My deadlines', the board's clocks, extensions, reminder settings, the calendar feed
and the compliance report."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from icalendar import Calendar, Event

from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.selectors import with_names_shown
from scr.deadlines import calendar, services
from scr.deadlines.forms import (
    ComplianceForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReminderSettingsForm,
)
from scr.deadlines.models import CalendarFeed, Deadline, Extension
from scr.deadlines.selectors import compliance, tagged
from scr.exports import csv_response, xlsx_response

MAX_ROWS = 500


def _reminder_days_text(board) -> str:
    """'7 days and 2 days before a date and on the day', from the board's settings."""
    days = board.reminder_days if board else [7, 2, 0]
    before = [f"{d} day{'s' if d != 1 else ''}" for d in days if d > 0]
    parts = []
    if before:
        parts.append(" and ".join(before) + " before a date")
    if 0 in days:
        parts.append("on the day")
    return " and ".join(parts) or "on the day"


def _live_first(deadlines):
    return deadlines.select_related("case__review_type", "agency", "owner").order_by("due", "pk")


def _named(deadlines: list[Deadline]) -> list[Deadline]:
    """Each clock's case with its adult's name shown: every clock these pages list comes
    from access.deadlines_visible_to, on a case its user sees in full."""
    with_names_shown([d.case for d in deadlines], in_full={d.case_id for d in deadlines})
    return deadlines


@require_GET
@login_required
def my_deadlines(request):
    """What the user owns, soonest first; and what nobody owns, for the coordinator."""
    user = request.user
    today = calendar.today()
    mine = access.deadlines_visible_to(user).filter(owner=user, status__in=Deadline.LIVE)
    unowned = Deadline.objects.none()
    if access.oversees_board_deadlines(user):
        unowned = access.deadlines_visible_to(user).filter(owner=None, status__in=Deadline.LIVE)
    finished = (
        access.deadlines_visible_to(user).filter(owner=user).exclude(status__in=Deadline.LIVE)
    )
    return render(
        request,
        "deadlines/my_deadlines.html",
        {
            "mine": _named(tagged(_live_first(mine)[:MAX_ROWS], today)),
            "unowned": _named(tagged(_live_first(unowned)[:MAX_ROWS], today)),
            "finished": _named(tagged(_live_first(finished).order_by("-due")[:20], today)),
            "oversees": access.oversees_board_deadlines(user),
            "reminder_days": _reminder_days_text(user.board),
            "confidential": True,
        },
    )


@require_GET
@login_required
def board_deadlines(request):
    """Every running clock of the board, overdue first: for the coordinator and the chair."""
    if not access.oversees_board_deadlines(request.user):
        raise PermissionDenied
    today = calendar.today()
    live = access.deadlines_visible_to(request.user).filter(status__in=Deadline.LIVE)
    rows = _named(tagged(_live_first(live)[:MAX_ROWS], today))
    pending = list(
        Extension.objects.filter(
            status=Extension.Status.REQUESTED,
            deadline__in=access.deadlines_visible_to(request.user),
        )
        .select_related("deadline__case__review_type", "requested_by")
        .order_by("requested_at")
    )
    _named([extension.deadline for extension in pending])
    return render(
        request,
        "deadlines/board_deadlines.html",
        {
            "rows": rows,
            "overdue": sum(1 for d in rows if d.is_overdue(today)),
            "due_soon": sum(
                1 for d in rows if not d.is_overdue(today) and (d.due - today).days <= 7
            ),
            "pending": pending,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def extension_request(request, deadline_id: int):
    deadline = access.deadline_for_user(request.user, deadline_id)
    if not access.may_request_extension(request.user, deadline):
        raise PermissionDenied
    waiting = deadline.extensions.filter(status=Extension.Status.REQUESTED).first()
    if waiting is not None or not deadline.is_live:
        # Nothing to ask: say why rather than show a form that will be refused.
        return render(
            request,
            "deadlines/extension_unavailable.html",
            {"deadline": deadline, "waiting": waiting, "confidential": True},
        )
    form = ExtensionRequestForm(request.POST or None, current_due=deadline.due)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                deadline_id=deadline.pk,
                by=request.user,
                requested_due=form.cleaned_data["requested_due"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request has been sent to the chair.")
            return redirect("cases:case-detail", reference=deadline.case.reference)
    return render(
        request,
        "deadlines/extension_request.html",
        {"deadline": deadline, "form": form, "confidential": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def extension_decide(request, extension_id: int):
    """A request for more time: the chair decides it; whoever may see the case in full
    (the person who asked, say) reads it and the decision."""
    extension = get_object_or_404(
        Extension.objects.select_related("requested_by", "decided_by"), pk=extension_id
    )
    deadline = access.deadline_for_user(request.user, extension.deadline_id)
    may_decide = access.may_decide(request.user, deadline.case)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_decide(
                extension_id=extension.pk,
                by=request.user,
                approve=form.accepted,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            extension.refresh_from_db()
            messages.success(request, f"Extension {extension.get_status_display().lower()}.")
            return redirect("cases:case-detail", reference=deadline.case.reference)
    return render(
        request,
        "deadlines/extension_decide.html",
        {
            "extension": extension,
            "deadline": deadline,
            "form": form,
            "may_decide": may_decide,
            "confidential": True,
        },
        status=400 if form is not None and form.errors else 200,
    )


NEW_FEED_SESSION_KEY = "new_calendar_feed"


@require_http_methods(["GET", "POST"])
@login_required
def reminder_settings(request):
    """How the user hears about deadlines, and their calendar feed."""
    user = request.user
    form = ReminderSettingsForm(
        request.POST or None,
        initial={"reminder_digest": "true" if user.reminder_digest else "false"},
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_set(user=user, digest=form.cleaned_data["reminder_digest"])
        messages.success(request, "Your reminder settings have been saved.")
        return redirect("deadlines:settings")
    # The address is shown once, on the page after it was made: only its hash is kept.
    token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    feed_url = (
        request.build_absolute_uri(reverse("deadlines:calendar-feed", args=[token]))
        if token
        else ""
    )
    has_feed = bool(token) or CalendarFeed.objects.filter(user=user).exists()
    return render(
        request,
        "deadlines/settings.html",
        {"form": form, "feed_url": feed_url, "has_feed": has_feed},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def calendar_feed_create(request):
    """Make (or replace) the user's private feed address; the old one stops working."""
    token, replaced = services.calendar_feed_create(user=request.user)
    # Server-side (the session is a database row), read once by the settings page.
    request.session[NEW_FEED_SESSION_KEY] = token
    messages.success(
        request,
        "Your calendar address is ready."
        + (" The older address has stopped working." if replaced else ""),
    )
    return redirect("deadlines:settings")


@require_POST
@login_required
def calendar_feed_revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, "Your calendar address has stopped working.")
    return redirect("deadlines:settings")


@require_GET
def calendar_feed(request, token: str):
    """The ICS feed, authenticated by its secret address alone (calendar programs cannot
    sign in). It carries references, clocks and dates: no case details."""
    feed = (
        CalendarFeed.objects.filter(token_hash=CalendarFeed.hash(token))
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    user = feed.user
    ics = Calendar()
    ics.add("prodid", "-//Serious Case Reviews//Deadlines//EN")
    ics.add("version", "2.0")
    ics.add("x-wr-calname", "Serious Case Review deadlines")
    mine = Q(owner=user)
    if access.is_coordinator(user):
        mine |= Q(owner=None)  # the coordinator is reminded of clocks nobody owns
    deadlines = access.deadlines_visible_to(user).filter(mine, status__in=Deadline.LIVE)
    stamp = timezone.now()
    for deadline in deadlines.select_related("case__review_type", "agency").order_by("due")[
        :MAX_ROWS
    ]:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}-{deadline.due:%Y%m%d}@scr")
        event.add("dtstamp", stamp)
        event.add("summary", f"{deadline.case.reference}: {deadline.label}")
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add(
            "url",
            request.build_absolute_uri(
                reverse("cases:case-detail", args=[deadline.case.reference])
            ),
        )
        ics.add_component(event)
    response = HttpResponse(ics.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def compliance_report(request):
    """Per clock kind: met on time, late, median days late, over a date range."""
    if not access.oversees_board_deadlines(request.user):
        raise PermissionDenied
    today = calendar.today()
    data = request.GET if "start" in request.GET else None
    form = ComplianceForm(data, initial={"start": today.replace(month=1, day=1), "end": today})
    start, end = today.replace(month=1, day=1), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = compliance(request.user.board, start, end, today) if not form.errors else []
    export = request.GET.get("format")
    if export in ("csv", "xlsx") and not form.errors:
        header = [
            "Clock",
            "Due",
            "Met on time",
            "Late",
            "Not yet due",
            "Cancelled",
            "Median days late",
        ]
        table = [
            [
                r.label,
                r.total,
                r.on_time,
                r.late,
                r.still_open,
                r.cancelled,
                r.median_days_late if r.median_days_late is not None else "",
            ]
            for r in rows
        ]
        name = f"deadline-compliance-{start:%Y%m%d}-{end:%Y%m%d}.{export}"
        audit_record(
            action=Action.EXPORT,
            actor=request.user,
            request=request,
            detail=f"compliance report {export}",
        )
        if export == "csv":
            return csv_response(name, header, table)
        return xlsx_response(name, "Compliance", header, table)
    return render(
        request,
        "deadlines/compliance.html",
        {"form": form, "rows": rows, "start": start, "end": end},
        status=400 if form.errors else 200,
    )
