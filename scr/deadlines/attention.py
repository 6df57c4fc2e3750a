"""The deadlines' entries in 'Needs your attention'."""

from datetime import timedelta

from django.urls import reverse

from scr import access
from scr.attention import AttentionItem, register
from scr.dates import day_text
from scr.deadlines import calendar
from scr.deadlines.models import Deadline, Extension
from scr.deadlines.steps import CHAIR_AFTER_DAYS


@register
def clocks_due(user):
    """The user's own clocks due within 7 days or overdue."""
    today = calendar.today()
    owned = (
        access.deadlines_visible_to(user)
        .filter(owner=user, status__in=Deadline.LIVE, due__lte=today + timedelta(days=7))
        .select_related("case__review_type")
    )
    for deadline in owned:
        if deadline.is_overdue(today):
            state = "Overdue"
        elif deadline.due == today:
            state = "Due today"
        else:
            state = "Due soon"
        yield AttentionItem(
            case_reference=deadline.case.reference,
            title=deadline.label,
            url=reverse("cases:case-detail", args=[deadline.case.reference]),
            due=deadline.due,
            hint=state,
        )


@register
def clocks_overdue_on_the_board(user):
    """Overdue clocks the user oversees but does not own: every one for the coordinator,
    those a week or more overdue for the chair (as the escalation emails say)."""
    if not access.oversees_board_deadlines(user):
        return
    today = calendar.today()
    latest_due = today - timedelta(days=1)
    if not access.is_coordinator(user):
        latest_due = today - timedelta(days=CHAIR_AFTER_DAYS)
    overdue = (
        access.deadlines_visible_to(user)
        .filter(status__in=Deadline.LIVE, due__lte=latest_due)
        .exclude(owner=user)
        .select_related("case__review_type", "owner", "agency")
        .order_by("due", "pk")
    )
    for deadline in overdue[:50]:
        who = deadline.owner.full_name if deadline.owner else "nobody"
        yield AttentionItem(
            case_reference=deadline.case.reference,
            title=f"Overdue: {deadline.label}",
            url=reverse("cases:case-detail", args=[deadline.case.reference]),
            due=deadline.due,
            hint=f"Owned by {who}. {(today - deadline.due).days} days overdue",
        )


@register
def extensions_to_decide(user):
    """Extension requests waiting for the chair."""
    if not access.oversees_board_deadlines(user):
        return
    waiting = list(
        Extension.objects.filter(
            status=Extension.Status.REQUESTED,
            deadline__in=access.deadlines_visible_to(user),
        ).select_related("deadline__case__review_type")
    )
    perms = access.permissions_for_cases(user, {e.deadline.case for e in waiting})
    for extension in waiting:
        if not access.decides_case(perms[extension.deadline.case_id]):
            continue
        yield AttentionItem(
            case_reference=extension.deadline.case.reference,
            title=f"Decide an extension: {extension.deadline.label}",
            url=reverse("deadlines:extension-decide", args=[extension.pk]),
            due=extension.deadline.due,
            hint=f"Asked for {day_text(extension.requested_due)}",
        )
