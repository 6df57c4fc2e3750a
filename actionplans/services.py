"""From the overview's recommendations to accepted action plans (16; Appendix C's
action plan template): the chair's letters, each agency's plan, its SMART checks, and
the coordinator's acceptance."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actionplans import access as actionplans_access
from actionplans.models import ActionPlan, ChairLetter, PlanAction
from overview.models import Overview, Recommendation
from scr import access
from scr.accounts.models import User
from scr.accounts.roles import Role, group_name
from scr.audit.services import Action, audit_record, change_record, field_values
from scr.cases import status
from scr.cases.models import Case, CaseAgency, CasePerm
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.deadlines import calendar
from scr.deadlines.services import deadline_event
from scr.drafting import Conflict

# Letters are written once the chair has approved the executive summary (15, 16), and
# until the case closes.
PLAN_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) : MAIN_ROUTE.index(Stage.CLOSED)]


def _audit(obj, by, detail: str, action: str = Action.CHANGE) -> None:
    audit_record(action=action, actor=by, obj=obj, board=obj.case.board, detail=detail)


ACTION_FIELDS = ["text", "evidence", "outcome", "target_date", "vague_confirmed"]


def _action_changed(plan, by, action, before: dict, after: dict) -> None:
    """The change history (scr.audit ChangeRecord). A plan is read by the board (16), so
    the coordinator sees it in the admin."""
    change_record(
        obj=action,
        by=by,
        board=plan.case.board,
        case_id=plan.case_id,
        before=before,
        after=after,
        label=f"{plan.case.reference} action plan {plan.pk}: action {action.number}",
    )


# The chair's letters (16) ---------------------------------------------------------------


def agency_leads(agency) -> list[User]:
    """The agency's leads on the board: who receive its letter and own its clock."""
    return list(
        User.objects.filter(
            agency=agency,
            board_id=agency.board_id,
            is_active=True,
            groups__name=group_name(Role.AGENCY_LEAD),
        ).order_by("full_name")
    )


def letter_text(case: Case, agency, recommendations: list[Recommendation], chair) -> str:
    """The letter as the service drafts it; the chair edits it before sending."""
    board = case.board
    weeks = board.action_plan_weeks
    addressee = agency.name if agency is not None else "the board"
    leads = agency_leads(agency) if agency is not None else []
    greeting = f"Dear {leads[0].full_name}," if len(leads) == 1 else "Dear colleague,"
    items = "\n".join(f"{r.number}. {r.text}" for r in recommendations)
    return (
        f"{greeting}\n\n"
        f"Serious Case Review {case.reference}\n\n"
        f"{board.name} has received the overview report of this Serious Case Review. It "
        f"identifies the following areas for improvement for {addressee}:\n\n"
        f"{items}\n\n"
        "Please formulate an action plan to deal with these, with the timescale you propose "
        f"for completing each action, and return it to the board within {weeks} weeks of "
        "this letter. The action plan is written and submitted in the Serious Case Review "
        "service, in the form of the board's action plan template; the board will then ask "
        "for evidence that it is being, or has been, carried out.\n\n"
        "Yours sincerely,\n\n"
        f"{chair.full_name}\nChair, {board.name}"
    )


def _overview_recommendations(case: Case) -> list[Recommendation]:
    overview = Overview.objects.filter(case=case).first()
    if overview is None:
        return []
    return list(overview.recommendations.prefetch_related("agencies").order_by("number"))


@transaction.atomic
def letters_draft(*, case_id: int | str, by) -> list[ChairLetter]:
    """Draft the chair's letter to each agency the overview's recommendations name, and
    one for the board's own plan (14 b) where a recommendation is for the board. Needs
    the chair. Drafting again adds letters for agencies not yet written to and leaves the
    others as they are."""
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    if case.stage not in PLAN_STAGES:
        raise ValidationError(
            f"The case is at ‘{case.stage_label}’: the letters follow the chair's approval "
            "of the executive summary (16)."
        )
    recommendations = _overview_recommendations(case)
    wanted: dict[int | None, list[Recommendation]] = {}
    agencies = {}
    for rec in recommendations:
        for agency in rec.agencies.all():
            wanted.setdefault(agency.pk, []).append(rec)
            agencies[agency.pk] = agency
        if rec.for_board:
            wanted.setdefault(None, []).append(rec)
    if not wanted:
        raise ValidationError("The overview report makes no recommendations to write about.")
    existing = set(ChairLetter.objects.filter(case=case).values_list("agency_id", flat=True))
    made = []
    for agency_id, recs in wanted.items():
        if agency_id in existing:
            continue
        agency = agencies.get(agency_id)
        letter = ChairLetter.objects.create(
            case=case,
            agency=agency,
            body=letter_text(case, agency, recs, by),
            updated_by=by,
        )
        letter.recommendations.set(recs)
        _audit(letter, by, "chair's letter drafted", Action.CREATE)
        made.append(letter)
    return made


def _letter(by, case_id, letter_id: int) -> ChairLetter:
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    letter = (
        ChairLetter.objects.select_for_update(of=("self",))
        .select_related("agency", "case__board")
        .filter(case=case, pk=letter_id)
        .first()
    )
    if letter is None:
        raise ValidationError("That letter is not part of this case.")
    return letter


@transaction.atomic
def letter_save(*, case_id, by, letter_id: int, body: str, revision: int | None) -> ChairLetter:
    """The chair's changes to a draft letter. A save from an older revision raises
    Conflict."""
    letter = _letter(by, case_id, letter_id)
    if letter.status != ChairLetter.Status.DRAFT:
        raise ValidationError("The letter has been sent: it cannot change.")
    if not body.strip():
        raise ValidationError({"body": "Enter the letter"})
    if revision is not None and revision != letter.revision:
        raise Conflict(by=letter.updated_by, at=letter.sent_at or letter.drafted_at)
    letter.body = body.strip()
    letter.revision += 1
    letter.updated_by = by
    letter.save(update_fields=["body", "revision", "updated_by"])
    _audit(letter, by, "chair's letter changed")
    return letter


@transaction.atomic
def letter_send(*, case_id, by, letter_id: int, today: date | None = None) -> ActionPlan:
    """The chair approves and sends a letter (16): it is emailed with its PDF to the
    agency's leads after commit, the agency's plan is opened for it to write, and the
    board's period for the plan (4 weeks by default) starts. The board's own letter
    opens the board's plan, written by the coordinator."""
    letter = _letter(by, case_id, letter_id)
    if not status.may_move(letter, "send_letter"):
        raise ValidationError("The letter has already been sent.")
    leads = agency_leads(letter.agency) if letter.agency_id else []
    if letter.agency_id and not leads:
        raise ValidationError(
            f"{letter.agency.name} has no agency lead in the service to send the letter to. "
            "Ask the board's administrator to give the agency's representative that role."
        )
    letter.sent_by = by
    letter.sent_at = timezone.now()
    letter.sent_to = [u.email for u in leads]
    status.status_change(
        letter,
        "send_letter",
        by=by,
        at=letter.sent_at,
        case=letter.case,
        fields=["sent_by", "sent_at", "sent_to"],
        detail="chair's letter sent",
    )
    if letter.agency_id:
        # A recommendation may name an agency that wrote no review: once written to, it
        # is involved in the case, so its lead sees the case and its plan (scr.access).
        CaseAgency.objects.get_or_create(case=letter.case, agency=letter.agency)
    plan = ActionPlan.objects.create(case=letter.case, agency=letter.agency, letter=letter)
    deadline_event(
        case=letter.case,
        event="chair_letter_sent",
        agency=letter.agency,
        on=today or calendar.today(),
        owner=leads[0] if len(leads) == 1 else None,
    )
    if leads:
        letter_email(letter_id=letter.pk)
    return plan


def letter_email(*, letter_id: int) -> int:
    """Write the sent letter's emails to the outbox, one per address it was sent to,
    once each; the PDF is attached as each is sent. The email says only the reference;
    the letter is the attachment. Returns how many emails are new."""
    from scr.notify import render_email
    from scr.outbox.services import email_enqueue

    letter = ChairLetter.objects.select_related("case__board", "agency").get(pk=letter_id)
    if letter.status != ChairLetter.Status.SENT or not letter.sent_to:
        return 0
    subject, text, html = render_email(
        "chair_letter",
        {
            "letter": letter,
            "case": letter.case,
            "board": letter.case.board,
            "weeks": letter.case.board.action_plan_weeks,
        },
    )
    written = 0
    for address in letter.sent_to:
        email = email_enqueue(
            purpose="chair_letter",
            to=address,
            subject=subject,
            text=text,
            html=html,
            about=letter,
            board=letter.case.board,
            attachments=[
                {"renderer": "actionplans.chair_letter", "args": {"letter_id": letter.pk}}
            ],
        )
        written += email.was_created
    return written


def letter_pdf(*, letter_id: int) -> tuple[str, bytes, str]:
    """The chair's letter as a PDF, made as its email is sent (an outbox attachment)."""
    from scr.documents import registry
    from scr.documents.render import render_pdf

    letter = ChairLetter.objects.select_related("case").get(pk=letter_id)
    built = registry.build("chair-letter", letter.case, letter_id=letter.pk)
    return built.filename, render_pdf(built), "application/pdf"


def letter_emailed(email) -> None:
    """The outbox sent the letter to one address: note it on the letter (run once, after
    the email is marked sent)."""
    letter = ChairLetter.objects.select_for_update(of=("self",)).get(pk=email.object_id)
    if email.to not in letter.emailed_to:
        letter.emailed_to = [*letter.emailed_to, email.to]
        letter.save(update_fields=["emailed_to"])


# The agency's plan (Appendix C) --------------------------------------------------------


def _plan(by, case_id, plan_id: int, role: str) -> ActionPlan:
    _, plan, roles = actionplans_access.plan_for_user(by, case_id, plan_id, lock=True)
    actionplans_access.require_plan_role(roles, role)
    return plan


def _writable(by, case_id, plan_id: int) -> ActionPlan:
    plan = _plan(by, case_id, plan_id, actionplans_access.PLAN_WRITER)
    if not plan.editable:
        raise ValidationError(f"The plan is ‘{plan.status_label}’: it cannot change now.")
    return plan


CONTACT_KEYS = ("name", "position", "phone", "email", "address")


@transaction.atomic
def plan_contacts_save(
    *, case_id, by, plan_id: int, lead: dict, named: dict, revision: int | None
) -> ActionPlan:
    """The lead person and, if different, the named person (Appendix C)."""
    plan = _writable(by, case_id, plan_id)
    if revision is not None and revision != plan.revision:
        raise Conflict(by=plan.updated_by, at=plan.updated_at)
    plan.lead = {k: (lead.get(k) or "").strip() for k in CONTACT_KEYS}
    plan.named = {k: (named.get(k) or "").strip() for k in CONTACT_KEYS if named.get(k)}
    plan.revision += 1
    plan.updated_by = by
    plan.updated_at = timezone.now()
    plan.save(update_fields=["lead", "named", "revision", "updated_by", "updated_at"])
    _audit(plan, by, "lead and named person saved")
    return plan


@dataclass(frozen=True)
class ActionValues:
    text: str
    evidence: str
    outcome: str
    target_date: date | None
    vague_confirmed: bool = False


@transaction.atomic
def plan_action_save(
    *,
    case_id,
    by,
    plan_id: int,
    recommendation_id: int,
    values: ActionValues,
    action_id: int | None = None,
) -> PlanAction:
    """Add a key action under one of the letter's recommendations (numbered 1.1, 1.2 ...
    by the recommendation's number), or change one. Its date must be in the future."""
    plan = _writable(by, case_id, plan_id)
    rec = plan.letter.recommendations.filter(pk=recommendation_id).first()
    if rec is None:
        raise ValidationError({"recommendation": "Choose a recommendation of the chair's letter"})
    errors = {}
    if not values.text.strip():
        errors["text"] = "Enter the key action"
    # SMART: a date to work towards, so one still to come (the checks say the same).
    if values.target_date is not None and values.target_date <= calendar.today():
        errors["target_date"] = "The date must be in the future"
    if errors:
        raise ValidationError(errors)
    if action_id is None:
        top = plan.actions.filter(recommendation=rec).aggregate(top=Max("position"))["top"]
        action = PlanAction(plan=plan, recommendation=rec, position=(top or 0) + 1)
    else:
        action = plan.actions.filter(pk=action_id).first()
        if action is None:
            raise ValidationError("That action has been removed.")
    before = field_values(action, ACTION_FIELDS) if action.pk else {}
    action.text = values.text.strip()
    action.evidence = values.evidence.strip()
    action.outcome = values.outcome.strip()
    action.target_date = values.target_date
    action.vague_confirmed = values.vague_confirmed
    action.updated_by = by
    action.updated_at = timezone.now()
    action.save()
    _action_changed(plan, by, action, before, field_values(action, ACTION_FIELDS))
    _audit(plan, by, f"action {action.number} saved")
    return action


@transaction.atomic
def plan_action_remove(*, case_id, by, plan_id: int, action_id: int) -> None:
    """Remove a key action; those after it under the same recommendation move up."""
    plan = _writable(by, case_id, plan_id)
    action = plan.actions.filter(pk=action_id).first()
    if action is None:
        return
    rec, number = action.recommendation_id, action.number
    _action_changed(plan, by, action, field_values(action, ACTION_FIELDS), {})
    action.delete()
    for position, later in enumerate(
        plan.actions.filter(recommendation_id=rec).order_by("position"), start=1
    ):
        if later.position != position:
            later.position = position
            later.save(update_fields=["position"])
    _audit(plan, by, f"action {number} removed")


# SMART checks (Appendix C guidance notes) -----------------------------------------------

# Verbs that, alone, do not say what will be done ('consider', 'review'): flagged for
# the author to make specific, or to confirm.
VAGUE_VERBS = ("consider", "review", "look at", "look into", "explore", "discuss", "reflect on")
_VAGUE = re.compile(r"^\s*(?:to\s+)?(?:" + "|".join(VAGUE_VERBS) + r")\b", re.IGNORECASE)
# Words that name something specific a vague verb may still be tied to.
_SPECIFIC = re.compile(r"\b(?:by|and (?:produce|publish|deliver|agree|issue|implement))\b", re.I)


@dataclass(frozen=True)
class PlanProblem:
    message: str
    action: PlanAction | None = None
    vague: bool = False  # the author may confirm it instead of changing it
    recommendation: Recommendation | None = None  # a recommendation with no action yet


def is_vague(text: str) -> bool:
    """A vague verb alone: 'Review the policy.', not 'Review the policy and publish a
    revised one by March'."""
    return bool(_VAGUE.match(text)) and not _SPECIFIC.search(text)


def plan_problems(plan: ActionPlan, today: date | None = None) -> list[PlanProblem]:
    """What stops the plan being submitted: SMART (specific, measurable, achievable,
    realistic, timed) and outcome focused, as the template's guidance asks."""
    today = today or calendar.today()
    problems = []
    if not (plan.lead or {}).get("name") or not (plan.lead or {}).get("email"):
        problems.append(PlanProblem("Give the lead person's name and email address"))
    actions = list(plan.actions.select_related("recommendation"))
    covered = {a.recommendation_id for a in actions}
    for rec in plan.letter.recommendations.order_by("number"):
        if rec.pk not in covered:
            problems.append(
                PlanProblem(
                    f"Add at least one key action for recommendation {rec.number}",
                    recommendation=rec,
                )
            )
    for action in actions:
        label = f"Action {action.number}"
        if action.target_date is None:
            problems.append(PlanProblem(f"{label}: give the date it will be completed by", action))
        elif action.target_date <= today:
            problems.append(PlanProblem(f"{label}: the date must be in the future", action))
        if not action.outcome.strip():
            problems.append(PlanProblem(f"{label}: say what outcome it will bring about", action))
        if not action.evidence.strip():
            problems.append(
                PlanProblem(f"{label}: say what evidence you will provide to the board", action)
            )
        if is_vague(action.text) and not action.vague_confirmed:
            problems.append(
                PlanProblem(
                    f"{label}: ‘{action.text.split()[0]}’ alone may not say what will be done. "
                    "Make the action specific, or confirm it is specific enough",
                    action,
                    vague=True,
                )
            )
    return problems


@transaction.atomic
def plan_submit(*, case_id, by, plan_id: int) -> ActionPlan:
    """The agency submits its plan to the board (16). Refused with the SMART checks'
    problems while any remain."""
    plan = _writable(by, case_id, plan_id)
    problems = plan_problems(plan)
    if problems:
        raise ValidationError([p.message for p in problems])
    plan.submitted_by = by
    plan.submitted_at = timezone.now()
    status.status_change(
        plan,
        "submit",
        by=by,
        at=plan.submitted_at,
        case=plan.case,
        fields=["submitted_at", "submitted_by"],
        detail="action plan submitted",
    )
    return plan


@transaction.atomic
def plan_decide(*, case_id, by, plan_id: int, accept: bool, comments: str = "") -> ActionPlan:
    """The coordinator accepts a submitted plan, which meets the agency's clock (16), or
    returns it with comments (the clock runs on)."""
    plan = _plan(by, case_id, plan_id, actionplans_access.PLAN_DECIDER)
    comments = comments.strip()
    if not status.may_move(plan, "accept"):
        raise ValidationError("The plan is not waiting for a decision.")
    if not accept and not comments:
        raise ValidationError({"comments": "Say what the plan needs"})
    plan.decided_by = by
    plan.decided_at = timezone.now()
    plan.comments = comments
    status.status_change(
        plan,
        "accept" if accept else "return_to_agency",
        by=by,
        note=comments,
        at=plan.decided_at,
        case=plan.case,
        fields=["decided_at", "decided_by", "comments"],
        detail="action plan accepted" if accept else "action plan returned",
    )
    if accept:
        deadline_event(case=plan.case, event="action_plan_accepted", agency=plan.agency)
        from actionplans.implementation_services import action_clocks_open  # imports this module

        action_clocks_open(plan=plan)
    return plan
