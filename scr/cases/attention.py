"""The core's entries in 'Needs your attention': decisions waiting on the user."""

from django.urls import reverse

from scr import access
from scr.attention import AttentionItem, register
from scr.cases.services import available_transitions
from scr.cases.stages import FINAL_STAGES
from scr.deadlines.models import Deadline


@register
def decisions_waiting(user):
    """Every live case whose next step is this user's to take."""
    cases = list(
        access.cases_visible_to(user).exclude(stage__in=FINAL_STAGES).prefetch_related("deadlines")
    )
    perms = access.permissions_for_cases(user, cases)
    for case in cases:
        transitions = available_transitions(case, perms[case.pk])
        if not transitions:
            continue
        due = min((d.due for d in case.deadlines.all() if d.status in Deadline.LIVE), default=None)
        yield AttentionItem(
            case_reference=case.reference,
            title=" or ".join(t.custom["label"].lower() for t in transitions).capitalize(),
            url=reverse("cases:case-detail", args=[case.reference]),
            due=due,
            hint=f"Stage: {case.stage_label}",
        )
