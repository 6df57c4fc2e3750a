"""Reads of a case used by more than one page or document."""

from collections.abc import Iterable
from datetime import date

from django.db.models import OuterRef, Subquery

from scr.access import clocks_visible
from scr.cases.models import Case
from scr.cases.stages import STAGE_DESCRIPTIONS, Stage, stage_words
from scr.deadlines.models import Deadline, Extension


def with_next_deadline(cases, user=None):
    """Annotate each case with the due date of its soonest running clock the user may
    know of (scr.access.clocks_visible; without a user, no private clock): one subquery."""
    soonest = (
        Deadline.objects.filter(clocks_visible(user), case=OuterRef("pk"), status__in=Deadline.LIVE)
        .order_by("due")
        .values("due")[:1]
    )
    return cases.annotate(next_due=Subquery(soonest))


def with_names_shown(cases: Iterable[Case], in_full: Iterable[int]) -> list[Case]:
    """Give each case `name_shown`: the adult's name on the cases the user sees in full
    (`in_full`: their ids, from access.sees_case_in_full or access.cases_visible_to(user,
    full=True)), '' on the others, where the user sees the reference and stage alone.
    The name is a detail of the case like the others: whoever sees the case in full reads
    it on its referral's page already; nobody else is shown it, in a list or a search."""
    in_full = set(in_full)
    cases = list(cases)
    for case in cases:
        case.name_shown = case.subject_name if case.pk in in_full else ""
    return cases


def stage_description(case: Case) -> str:
    """What the case's stage means, in its review type's words where the type gives them
    (`[descriptions]`), else the 2009 procedure's."""
    own = case.review_type.parsed.descriptions.get(case.stage)
    return own or STAGE_DESCRIPTIONS[Stage(case.stage)]


def case_page_data(case: Case, *, on: date, user=None) -> dict:
    """History, clocks, agencies and people of a case, with their tags as of `on`."""
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.from_label = stage_words(event.from_stage, case.wording)
        event.to_label = stage_words(event.to_stage, case.wording)
    deadlines = list(
        case.deadlines.filter(clocks_visible(user))
        .select_related("owner", "agency")
        .annotate(
            latest_extension=Subquery(
                Extension.objects.filter(deadline=OuterRef("pk"))
                .order_by("-requested_at", "-pk")
                .values("pk")[:1]
            )
        )
        .order_by("due", "pk")
    )
    extensions = Extension.objects.in_bulk(
        [d.latest_extension for d in deadlines if d.latest_extension]
    )
    for deadline in deadlines:
        deadline.tag_text, deadline.tag_class = deadline.tag(on)
        deadline.extension = extensions.get(deadline.latest_extension)
    assignments = list(case.assignments.select_related("user", "agency").order_by("role", "pk"))
    # 'What happens next': the stage's next step and its soonest running clock.
    live = [deadline for deadline in deadlines if deadline.is_live]
    return {
        "next_deadline": live[0] if live else None,
        "next_overdue": bool(live) and live[0].is_overdue(on),
        "other_live_clocks": max(len(live) - 1, 0),
        "events": events,
        "deadlines": deadlines,
        "assignments": assignments,
        "agencies": list(case.agencies.order_by("name")),
        "stage_description": stage_description(case),
    }
