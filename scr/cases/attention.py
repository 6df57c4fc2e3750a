"""The core's entries in 'Needs your attention': decisions waiting on the user."""

from django.urls import reverse

from scr import access
from scr.attention import AttentionItem, register
from scr.cases.services import available_transitions
from scr.cases.stages import FINAL_STAGES
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import decision_clock_keys


@register
def decisions_waiting(user):
    """Every live case whose next step is this user's to take, dated by the clock that
    step is due by, as the case's review type says (the 4-week clock for the panel's
    recommendation, say)."""
    cases = list(
        access.cases_visible_to(user)
        .exclude(stage__in=FINAL_STAGES)
        .select_related("review_type")
        .prefetch_related("deadlines")
    )
    # One parsed definition per review type, not per case.
    types = {}
    for case in cases:
        case.review_type = types.setdefault(case.review_type_id, case.review_type)
    perms = access.permissions_for_cases(user, cases)
    today = calendar.today()
    for case in cases:
        transitions = available_transitions(case, perms[case.pk])
        if not transitions:
            continue
        satisfies = set().union(*(decision_clock_keys(case, t.name) for t in transitions))
        due = min(
            (
                d.due
                for d in case.deadlines.all()
                if d.status in Deadline.LIVE and d.kind in satisfies
            ),
            default=None,
        )
        hint = f"Stage: {case.stage_label}"
        if due is not None and due < today:
            hint += ". Overdue"
        yield AttentionItem(
            case_reference=case.reference,
            title=" or ".join(t.custom["label"].lower() for t in transitions).capitalize(),
            url=reverse("cases:case-detail", args=[case.reference]),
            due=due,
            hint=hint,
        )
