"""Reads for the board's monitoring of the action plans (16): the open actions across
cases and agencies, each plan's progress, the overdue count per agency, the outcomes
still to evaluate, and what stands between a case and its next stage (monitoring,
closing). Writes are in actionplans.closure_services.

The case page's section below registers when the actionplans URLs import this module,
before any page renders. (Listing the module in ActionplansConfig.ready() would make
that explicit.)

The dashboard is the coordinator's and the board chair's: they see every case of their
board in full. Board members see only the stage of cases, and an action's text is the
case's confidential detail, so they do not see the dashboard.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from actionplans import access as actionplans_access
from actionplans.models import ActionPlan, ChairLetter, PlanAction
from overview.models import Recommendation
from scr import access
from scr.cases import sections
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.dates import day_text

# Actions are carried out from the plan's acceptance (at 'action plans') through the
# monitoring, until the case closes.
OPEN_STAGES = (Stage.ACTION_PLANS, Stage.MONITORING)
# An outcome may still be evaluated after the case has closed.
EVALUATION_STAGES = (*OPEN_STAGES, Stage.CLOSED)

# Filter values of the dashboard.
STATE_OVERDUE = "overdue"
STATES = (
    (STATE_OVERDUE, "Overdue"),
    (PlanAction.Progress.NOT_STARTED.value, PlanAction.Progress.NOT_STARTED.label),
    (PlanAction.Progress.IN_PROGRESS.value, PlanAction.Progress.IN_PROGRESS.label),
)
BOARD_PLAN = "board"  # the agency filter's value for the board's own plan (14 b)
# The agencies' plans (and letters) by name, the board's own last, on every database.
BY_OWNER = (F("agency__name").asc(nulls_last=True), "pk")


def _accepted_actions(user, stages) -> QuerySet[PlanAction]:
    cases = access.cases_visible_to(user, full=True).filter(stage__in=stages)
    return PlanAction.objects.filter(
        plan__status=ActionPlan.Status.ACCEPTED, plan__case__in=cases.values("pk")
    )


def open_actions(user, *, today: date, agency: str = "", state: str = "") -> QuerySet[PlanAction]:
    """Every action of an accepted plan not yet complete, on the open cases the user sees
    in full; `agency`: an agency's id or BOARD_PLAN; `state`: one of STATES. Overdue:
    past its date and not complete (read from the date, never stored)."""
    actions = (
        _accepted_actions(user, OPEN_STAGES)
        .exclude(progress=PlanAction.Progress.COMPLETE)
        .select_related("plan__case", "plan__agency", "recommendation")
    )
    if agency == BOARD_PLAN:
        actions = actions.filter(plan__agency__isnull=True)
    elif agency:
        actions = actions.filter(plan__agency_id=int(agency))
    if state == STATE_OVERDUE:
        actions = actions.filter(target_date__lt=today)
    elif state:
        actions = actions.filter(progress=state)
    # Soonest date first, undated last; then a stable order for the pages.
    return actions.order_by(
        "target_date", "plan__case__year", "plan__case__number", "recommendation__number", "pk"
    )


def is_overdue(action: PlanAction, today: date) -> bool:
    return (
        action.target_date is not None
        and action.target_date < today
        and action.progress != PlanAction.Progress.COMPLETE
    )


def state_label(action: PlanAction, today: date) -> str:
    return "Overdue" if is_overdue(action, today) else action.get_progress_display()


def overdue_by_agency(user, today: date) -> list[tuple[str, int]]:
    """(agency name, overdue actions), most first; the board's own plan as 'The board'.
    One query."""
    rows = (
        _accepted_actions(user, OPEN_STAGES)
        .exclude(progress=PlanAction.Progress.COMPLETE)
        .filter(target_date__lt=today)
        .values("plan__agency__name")
        .annotate(n=Count("pk"))
    )
    counts = [(r["plan__agency__name"] or "The board", r["n"]) for r in rows]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def outcomes_to_evaluate(user, limit: int) -> list[PlanAction]:
    """Complete actions whose outcome the board has not evaluated yet, longest complete
    first (at most `limit`). One query."""
    actions = (
        _accepted_actions(user, EVALUATION_STAGES)
        .filter(progress=PlanAction.Progress.COMPLETE, outcome_evaluated="")
        .select_related("plan__case", "plan__agency", "recommendation")
        .order_by("completed_at", "pk")
    )
    return list(actions[:limit])


@dataclass
class CaseProgress:
    case: Case
    plans: list[ActionPlan]  # each accepted one with .done and .total


def plans_progress(user) -> list[CaseProgress]:
    """The open cases the user sees in full with their plans, each with its count of
    complete actions out of all. Two queries."""
    cases = list(
        access.cases_visible_to(user, full=True)
        .filter(stage__in=OPEN_STAGES)
        .order_by("year", "number")
    )
    plans = (
        ActionPlan.objects.filter(case__in=cases)
        .select_related("agency")
        .annotate(
            total=Count("actions"),
            done=Count("actions", filter=Q(actions__progress=PlanAction.Progress.COMPLETE)),
        )
        .order_by(*BY_OWNER)
    )
    by_case: dict[int, list[ActionPlan]] = {case.pk: [] for case in cases}
    for plan in plans:
        by_case[plan.case_id].append(plan)
    return [CaseProgress(case, by_case[case.pk]) for case in cases]


def recently_closed(user, limit: int = 10) -> list[Case]:
    """The cases closed last, for the chair to reopen one if needed. One query."""
    cases = access.cases_visible_to(user, full=True).filter(stage=Stage.CLOSED)
    return list(cases.order_by("-stage_changed_at")[:limit])


# What stands in the way ------------------------------------------------------------------


def letters_missing(case: Case, letters: list[ChairLetter]) -> list[str]:
    """16: what the recommendations name and has no letter at all (not even a draft)."""
    have = {letter.agency_id for letter in letters}
    wanted: dict[int | None, str] = {}
    rows = Recommendation.objects.filter(overview__case=case).values_list(
        "for_board", "agencies", "agencies__name"
    )
    for for_board, agency_id, name in rows:
        if agency_id is not None:
            wanted[agency_id] = name
        if for_board:
            wanted[None] = "the board"
    return sorted(name for key, name in wanted.items() if key not in have)


def _plan_problems(case: Case, *, lock: bool) -> tuple[list[str], list[ActionPlan]]:
    """The letters not sent and the plans not accepted; and the plans. With lock=True the
    letters and plans are locked for the rest of the transaction."""
    letters = ChairLetter.objects.filter(case=case).select_related("agency").order_by(*BY_OWNER)
    plans = ActionPlan.objects.filter(case=case).select_related("agency").order_by(*BY_OWNER)
    if lock:
        letters = letters.select_for_update(of=("self",))
        plans = plans.select_for_update(of=("self",))
    letters, plans = list(letters), list(plans)
    problems = [
        f"No letter has been written to {name} yet" for name in letters_missing(case, letters)
    ]
    problems += [
        f"The letter to {letter.addressee} has not been sent"
        for letter in letters
        if letter.status != ChairLetter.Status.SENT
    ]
    problems += [
        f"The action plan of {plan.owner_name} is ‘{plan.status_label}’, not accepted"
        for plan in plans
        if plan.status != ActionPlan.Status.ACCEPTED
    ]
    return problems, plans


def monitoring_blockers(case: Case, *, lock: bool = False) -> list[str]:
    """What stops the coordinator starting the monitoring (16): every agency the
    recommendations name has been sent its letter, and every plan is accepted."""
    return _plan_problems(case, lock=lock)[0]


def closure_blockers(case: Case, *, lock: bool = False, today: date | None = None) -> list[str]:
    """What stops the chair closing the case: a plan not accepted, a letter not sent, an
    action not complete. With lock=True the rows are locked, so nothing changes between
    the check and the close."""
    problems, plans = _plan_problems(case, lock=lock)
    actions = (
        PlanAction.objects.filter(plan__in=[p.pk for p in plans])
        .exclude(progress=PlanAction.Progress.COMPLETE)
        .select_related("plan__agency", "recommendation")
        .order_by(
            F("plan__agency__name").asc(nulls_last=True), "recommendation__number", "position"
        )
    )
    if lock:
        actions = actions.select_for_update(of=("self",))
    for action in actions:
        due = f", due {day_text(action.target_date)}" if action.target_date else ""
        overdue = " (overdue)" if today and is_overdue(action, today) else ""
        problems.append(
            f"Action {action.number} of {action.plan.owner_name} is "
            f"‘{action.get_progress_display()}’{due}{overdue}"
        )
    return problems


def unevaluated_count(case: Case) -> int:
    """Complete actions of the case whose outcome has not been evaluated (information on
    the close page; it does not stop the close)."""
    return PlanAction.objects.filter(
        plan__case=case,
        plan__status=ActionPlan.Status.ACCEPTED,
        progress=PlanAction.Progress.COMPLETE,
        outcome_evaluated="",
    ).count()


# The case page: where the stage's own pages are (no query) --------------------------------


@sections.register
def monitoring_section(case, user, perms):
    """Links to the monitoring start, close and reopen pages for whoever takes them."""
    links = []
    if case.stage == Stage.ACTION_PLANS and actionplans_access.may_start_monitoring(perms):
        links.append(
            (
                "Start monitoring the action plans",
                reverse("actionplans:monitoring-start", args=[case.reference]),
            )
        )
    if case.stage == Stage.MONITORING and actionplans_access.may_close_case(perms):
        links.append(("Close the case", reverse("actionplans:case-close", args=[case.reference])))
    if case.stage == Stage.CLOSED and actionplans_access.may_close_case(perms):
        links.append(("Reopen the case", reverse("actionplans:case-reopen", args=[case.reference])))
    if not links:
        return None
    if case.stage in EVALUATION_STAGES and actionplans_access.sees_evaluation(perms):
        links.append(("The board's monitoring of every action", reverse("actionplans:monitoring")))
    return "actionplans/monitoring_case_section.html", {"links": links}
