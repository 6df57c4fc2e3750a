"""The action plans in the demo (16; fictional people only).

Four of the overview demo's cases (overview/demo.py), two left at 'Action plans':

1. Ernest Pennyworth, whose summary is released: the chair's letters drafted and sent;
   Adult Social Care's plan written and accepted; the NHS trust's plan submitted and
   waiting for the coordinator; the board's own plan (14 b) being written by the
   coordinator. (The overview's recommendations name the trust, Adult Social Care and
   the board: the police have no letter on this case.)
2. Mabel Oddington, whose summary is approved and not yet released: the letters drafted
   and not sent.

and two taken on through the plans to the end of the review:

3. Albert Fennimore, at 'Monitoring': the letters sent; Adult Social Care's, the trust's
   and the board's plans written, submitted and accepted; Adult Social Care's action
   complete, its evidence accepted; the trust's in progress, with an update; the
   board's not started. The coordinator then started the monitoring.
4. Doris Wakefield, 'Closed': both plans accepted, every action's evidence accepted,
   the monitoring started by the coordinator and the case closed by the chair.

Everything goes through the services, each step by the person whose step it is. Running
it twice changes nothing: a case with letters, or past 'Action plans', is left alone.
"""

from datetime import timedelta
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from actionplans import closure_services, services
from actionplans import implementation_services as implementation
from actionplans.models import ActionPlan, ChairLetter, PlanAction
from actionplans.services import ActionValues
from overview.models import ExecutiveSummary
from scr.accounts.models import User
from scr.accounts.roles import Role
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.demo.seed import DemoWorld, register
from scr.documents.registry import Document
from scr.documents.render import render_pdf

ERNEST, MABEL = "Ernest Pennyworth", "Mabel Oddington"
# Days after the summary's release (or, for Mabel's, its approval) on which each step is
# taken: the letters drafted and sent, the plans written, submitted and decided, evidence
# and progress, the monitoring and the close.
DAYS = {
    "letters": 3,
    "sent": 5,
    "written": 10,
    "submitted": 18,
    "decided": 24,
    "evidence": 60,
    "evidence_accepted": 65,
    "monitoring": 80,
    "closed": 100,
}
ALBERT, DORIS = "Albert Fennimore", "Doris Wakefield"

# The plans' invented texts are data: demo/plans.toml, keyed by the plan's owner, an
# agency's key or "board" (None here: the board's own plan).
DATA = demo_data(__file__, "plans")
TEXTS = DATA["texts"]


def _owner_key(key: str) -> str | None:
    return None if key == "board" else key


def _actions(plans: dict) -> dict:
    return {
        _owner_key(key): (p["action"], p["evidence"], p["outcome"], p["weeks"])
        for key, p in plans.items()
    }


# What each plan answers, by the owner's key (None: the board's own plan).
ACTIONS = _actions(DATA["plans"])
# The plans of the two cases taken to the end, as ACTIONS: by case, then by owner.
CARRIED_OUT = {case: _actions(plans) for case, plans in DATA["carried_out"].items()}
EVIDENCE = {_owner_key(key): text for key, text in DATA["evidence"].items()}


def _lead_contact(user: User) -> dict:
    return {"name": user.full_name, "position": user.job_title, "email": user.email}


@register
def demo_action_plans(world: DemoWorld) -> None:
    """The two cases, once each (see the module's docstring)."""
    for subject, send in ((ERNEST, True), (MABEL, False)):
        case = Case.objects.filter(board=world.board, subject_name=subject).first()
        if case is None or case.stage != Stage.ACTION_PLANS:
            continue
        if ChairLetter.objects.filter(case=case).exists():
            continue
        with transaction.atomic():
            _letters(world, case, _summary_timeline(case), send=send)
    for subject, close in ((ALBERT, False), (DORIS, True)):
        case = Case.objects.filter(board=world.board, subject_name=subject).first()
        if case is None or case.stage != Stage.ACTION_PLANS:
            continue
        if ChairLetter.objects.filter(case=case).exists():
            continue
        with transaction.atomic():
            _to_the_end(world, case, _summary_timeline(case), close=close)


def _summary_timeline(case: Case) -> Timeline:
    """The case's history from the release of its executive summary, or from its approval
    while the release date is still to come (the chair writes the letters then)."""
    summary = ExecutiveSummary.objects.get(case=case)
    since = summary.released_at or summary.approved_at
    timeline = Timeline(calendar.local_date(since))
    timeline.after(since)
    return timeline


def _letters(world: DemoWorld, case: Case, timeline: Timeline, *, send: bool) -> None:
    chair = world.people[Role.BOARD_CHAIR]
    with timeline.on(DAYS["letters"]):
        letters = services.letters_draft(case_id=case.pk, by=chair)
    if not send:
        return
    with timeline.on(DAYS["sent"]):
        plans = [
            services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)
            for letter in letters
        ]
    for plan in plans:
        # Each plan goes its own pace from the letters.
        own = Timeline(timeline.start)
        own.after(timeline.last)
        _plan(world, case, plan, own)


def _plan(world: DemoWorld, case: Case, plan: ActionPlan, timeline: Timeline) -> None:
    """Adult Social Care's accepted, the trust's submitted, the board's being written."""
    coordinator = world.people[Role.COORDINATOR]
    if plan.agency_id is None:
        key, writer = None, coordinator
    else:
        key = next(k for k, a in world.agencies.items() if a.pk == plan.agency_id)
        writer = services.agency_leads(plan.agency)[0]
    ids = {"case_id": case.pk, "by": writer, "plan_id": plan.pk}
    with timeline.on(DAYS["written"]):
        _write(ids, plan, ACTIONS[key])
    if key is None:
        return
    with timeline.on(DAYS["submitted"]):
        services.plan_submit(**ids)
    if key == "asc":
        with timeline.on(DAYS["decided"]):
            services.plan_decide(
                case_id=case.pk,
                by=coordinator,
                plan_id=plan.pk,
                accept=True,
                comments=TEXTS["plan_accepted"],
            )


def _write(ids: dict, plan: ActionPlan, action: tuple) -> None:
    """The plan's contacts and an action for each recommendation of its letter, due the
    action's weeks from the day it is written."""
    services.plan_contacts_save(**ids, lead=_lead_contact(ids["by"]), named={}, revision=None)
    text, evidence, outcome, weeks = action
    due = calendar.today() + timedelta(weeks=weeks)
    for rec in plan.letter.recommendations.order_by("number"):
        services.plan_action_save(
            **ids,
            recommendation_id=rec.pk,
            values=ActionValues(text=text, evidence=evidence, outcome=outcome, target_date=due),
        )


def _owner(world: DemoWorld, plan: ActionPlan) -> tuple[str | None, User]:
    """The plan's key in ACTIONS and its writer: the agency's lead, or the coordinator
    for the board's own plan."""
    if plan.agency_id is None:
        return None, world.people[Role.COORDINATOR]
    key = next(k for k, a in world.agencies.items() if a.pk == plan.agency_id)
    return key, services.agency_leads(plan.agency)[0]


@cache
def _evidence_pdf() -> bytes:
    return render_pdf(
        Document(
            template="documents/base.html",
            title="Evidence of an action carried out",
            classification="OFFICIAL",
            case_reference="-",
        )
    )


def _to_the_end(world: DemoWorld, case: Case, timeline: Timeline, *, close: bool) -> None:
    """Letters sent, every plan written, submitted and accepted; then evidence and
    progress, the monitoring started and, with close, every action complete and the
    case closed (see the module's docstring). Each step on its DAYS."""
    chair, coordinator = world.people[Role.BOARD_CHAIR], world.people[Role.COORDINATOR]
    with timeline.on(DAYS["letters"]):
        letters = services.letters_draft(case_id=case.pk, by=chair)
    with timeline.on(DAYS["sent"]):
        plans = [
            services.letter_send(case_id=case.pk, by=chair, letter_id=letter.pk)
            for letter in letters
        ]
    sent = timeline.last
    for plan in plans:
        # Each plan goes its own pace from the letters.
        own = Timeline(timeline.start)
        own.after(sent)
        key, writer = _owner(world, plan)
        ids = {"case_id": case.pk, "by": writer, "plan_id": plan.pk}
        with own.on(DAYS["written"]):
            _write(ids, plan, CARRIED_OUT[case.subject_name][key])
        with own.on(DAYS["submitted"]):
            services.plan_submit(**ids)
        with own.on(DAYS["decided"]):
            services.plan_decide(
                case_id=case.pk,
                by=coordinator,
                plan_id=plan.pk,
                accept=True,
                comments=TEXTS["carried_out_plan_accepted"],
            )
        timeline.after(own.last)
    for plan in plans:
        key, writer = _owner(world, plan)
        ids = {"case_id": case.pk, "plan_id": plan.pk}
        for action in plan.actions.order_by("pk"):
            if close or key == "asc":
                upload = SimpleUploadedFile(
                    "evidence.pdf", _evidence_pdf(), content_type="application/pdf"
                )
                with timeline.on(DAYS["evidence"]):
                    given = implementation.evidence_upload(
                        **ids,
                        by=writer,
                        action_id=action.pk,
                        description=EVIDENCE[key],
                        upload=upload,
                    )
                with timeline.on(DAYS["evidence_accepted"]):
                    implementation.evidence_decide(
                        case_id=case.pk,
                        by=coordinator,
                        evidence_id=given.pk,
                        accept=True,
                        comments=TEXTS["evidence_accepted"],
                    )
            elif key == "nhs":
                with timeline.on(DAYS["evidence"]):
                    implementation.action_update_add(
                        **ids,
                        by=writer,
                        action_id=action.pk,
                        text=TEXTS["nhs_update"],
                        progress=PlanAction.Progress.IN_PROGRESS,
                    )
    with timeline.on(DAYS["monitoring"]):
        closure_services.monitoring_start(
            case_id=case.pk, by=coordinator, note=TEXTS["monitoring_started"]
        )
    if close:
        with timeline.on(DAYS["closed"]):
            closure_services.case_close(case_id=case.pk, by=chair, note=TEXTS["closed"])
