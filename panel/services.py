"""The chair's decisions on a case (sections 5 and 7) and securing records (section 9)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from panel import access as panel_access
from panel.models import (
    DecisionLetter,
    MediaStatement,
    PanelConsiderations,
    PanelMeeting,
    PanelMeetingAttachment,
    PanelMembership,
    PanelRecommendation,
    RecordsRequest,
    ReviewBasis,
    Term,
    TermsOfReference,
)
from referrals.services import advice
from scr import access, uploads
from scr.accounts.roles import Role, group_name
from scr.audit.services import Action, audit_record
from scr.cases import services as case_services
from scr.cases import status
from scr.cases.models import Case, CasePerm
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.services import deadline_event


class Decision:
    PANEL = "panel"  # 5: the panel discusses the case (the chair's request, 6.1)
    REVIEW = "review"  # 7: conduct a Serious Case Review
    OTHER_REVIEW = "other_review"  # 3, last paragraph: learning through another route
    DECLINE = "decline"  # no further action


# Which decisions the chair can take at each stage, and the transition each takes; a
# case is offered those its review type makes (decisions_open).
DECISIONS = {
    Stage.WITH_CHAIR: {
        Decision.PANEL: "convene_panel",
        # A type with no panel (a Safeguarding Adults Review) decides on the referral.
        Decision.REVIEW: "commission_review",
        Decision.OTHER_REVIEW: "route_other_review",
        Decision.DECLINE: "decline",
    },
    Stage.PANEL_RECOMMENDED: {
        Decision.REVIEW: "commission_review",
        Decision.OTHER_REVIEW: "route_other_review",
        Decision.DECLINE: "decline",
    },
}


def decisions_open(case: Case) -> dict[str, str]:
    """The chair's decisions open on the case now, each with its transition: those of its
    stage that the case's review type makes (a 2009 case with the chair goes to the panel
    first; a SAR is decided on the referral). Empty: nothing to decide."""
    return {
        decision: name
        for decision, name in DECISIONS.get(case.stage, {}).items()
        if status.may_move(case, name)
    }


@transaction.atomic
def chair_decision_record(
    *,
    case_id: int,
    by,
    decision: str,
    reasons: str,
    learning_route: str = "",
    panel_chair=None,
    basis: str = "",
) -> Case:
    """The board chair's decision on a case with the chair (5) or after the panel's
    recommendation (7). Needs the chair's rights on the case.

    Sending the case to the panel appoints its panel chair and, at the same moment,
    asks every key agency to secure its records and start a chronology (9); their
    leads are emailed after commit. Another review needs the route for learning. Where
    the case's type asks on what footing a review is decided (a SAR: `basis` mandatory
    or discretionary), a review needs it, and another review records 'not a SAR'."""
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    choices = decisions_open(case)
    if decision not in choices:
        raise ValidationError("That decision cannot be taken at this stage of the case.")
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": "Enter the reasons for your decision"})
    note = reasons
    if decision == Decision.OTHER_REVIEW:
        if not learning_route.strip():
            raise ValidationError(
                {"learning_route": "Say which review the learning goes through, and who does it"}
            )
        note = f"{reasons}\n\nRoute for learning: {learning_route.strip()}"
    footing = _basis(case, decision, basis)
    if footing:
        note += f"\n\nBasis: {ReviewBasis.Basis(footing).label}."
    recommendation = PanelRecommendation.objects.filter(case=case).first()
    if recommendation is not None:
        follows = FOLLOWS.get(recommendation.choice) == decision
        note += (
            f"\n\n{'Follows' if follows else 'Overrides'} the panel's recommendation: "
            f"{recommendation.get_choice_display()}."
        )
    if decision == Decision.PANEL:
        if panel_chair is None:
            raise ValidationError({"panel_chair": "Choose who chairs the panel for this case"})
        case_services.case_assign(case_id=case.pk, user=panel_chair, role=Role.PANEL_CHAIR, by=by)
    screening = case.stage == Stage.WITH_CHAIR
    event = case_services.case_transition(case, choices[decision], by=by, note=note)
    if screening:
        # 5: the referrer's agency is told the outcome, whichever it is.
        from scr.outbox.services import job_enqueue

        job_enqueue("panel.screening_outcome_notify", event_id=event.pk)
    if footing:
        ReviewBasis.objects.update_or_create(
            case=case,
            defaults={
                "basis": footing,
                "advised": advised_basis(case),
                "recorded_by": by,
                "recorded_at": timezone.now(),
            },
        )
    if decision == Decision.PANEL:
        _request_records(case, by=by)
    if decision == Decision.REVIEW:
        _letters(case, by=by)
    return case


def asks_basis(case: Case) -> bool:
    """Whether the case's type records on what footing a review is decided (a SAR's
    mandatory or discretionary review: its decision's outcomes)."""
    outcomes = case.review_type.parsed.decision.get("outcomes", [])
    return ReviewBasis.Basis.MANDATORY in outcomes


def _basis(case: Case, decision: str, basis: str) -> str:
    """The footing to record with `decision`, or "" where the type records none."""
    if not asks_basis(case):
        return ""
    if decision == Decision.REVIEW:
        if basis not in (ReviewBasis.Basis.MANDATORY, ReviewBasis.Basis.DISCRETIONARY):
            raise ValidationError(
                {"basis": "Select whether the review is mandatory or discretionary"}
            )
        return basis
    if decision == Decision.OTHER_REVIEW:
        return ReviewBasis.Basis.NOT_A_SAR
    return ""


def advised_basis(case: Case) -> str:
    """What the referral's facts advised (referrals.criteria), by its finding's code."""
    referral = getattr(case, "referral", None)
    if referral is None:
        return ""
    findings = advice(referral, case.review_type)
    return findings[0].code if findings else ""


# Which decision of the chair follows each recommendation of the panel (7).
FOLLOWS = {
    "full_review": Decision.REVIEW,
    "smaller": Decision.OTHER_REVIEW,
    "other_route": Decision.OTHER_REVIEW,
    "no_action": Decision.DECLINE,
}


def _letters(case: Case, *, by) -> None:
    """7 a and b: the regulator is notified and the board told of the decision, brief
    circumstances and scope. Recorded now, sent as emails with the PDF after commit."""
    from django.contrib.auth import get_user_model

    board_people = get_user_model().objects.filter(
        board=case.board,
        is_active=True,
        groups__name__in=[
            group_name(role) for role in (Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.COORDINATOR)
        ],
    )
    recipients = {}
    if ("decision", "regulator") in case.review_type.parsed.notify:
        # 7 a: the 2009 procedure tells the regulator; a type that does not, does not.
        recipients[DecisionLetter.Kind.REGULATOR] = case.board.regulator_email
    recipients[DecisionLetter.Kind.BOARD] = ", ".join(sorted({u.email for u in board_people}))
    for kind, to in recipients.items():
        letter, _ = DecisionLetter.objects.get_or_create(
            case=case, kind=kind, defaults={"recipients": to, "created_by": by}
        )
        decision_letter_enqueue(letter=letter)


def decision_letter_enqueue(*, letter: DecisionLetter) -> bool:
    """Write the decision letter's email to the outbox, once (unique per letter and
    recipients); its PDF is made when it is sent, and the letter is marked sent then.
    Returns whether a new email was written."""
    from scr.notify import render_email
    from scr.outbox.services import email_enqueue

    to = [a.strip() for a in letter.recipients.split(",") if a.strip()]
    if letter.sent_at is not None or not to:
        return False
    subject, text, html = render_email(
        "decision_letter",
        {"letter": letter, "reference": letter.case.reference, "board": letter.case.board},
    )
    email = email_enqueue(
        purpose="decision_letter",
        to=", ".join(to),
        subject=subject,
        text=text,
        html=html,
        about=letter,
        board=letter.case.board,
        attachments=[{"renderer": "panel.decision_letter", "args": {"letter_id": letter.pk}}],
    )
    return email.was_created


def decision_letter_pdf(*, letter_id: int) -> tuple[str, bytes, str]:
    """The letter's PDF, made as its email is sent (an outbox attachment)."""
    from scr.documents import registry
    from scr.documents.render import render_pdf

    letter = DecisionLetter.objects.select_related("case__board").get(pk=letter_id)
    document = registry.build(f"letter-{letter.kind}", letter.case)
    return document.filename, render_pdf(document), "application/pdf"


def decision_letter_sent(email) -> None:
    """The outbox sent the letter: record when (run once, after it is marked sent)."""
    DecisionLetter.objects.filter(pk=email.object_id, sent_at=None).update(sent_at=email.sent_at)


@transaction.atomic
def media_statement_record(*, case_id: int, by, text: str, agreed_on) -> MediaStatement:
    """Only the board chair records agreed press statements (8.3 g, 15.4)."""
    case = access.case_for_user(by, case_id, CasePerm.DECIDE, lock=True)
    if not text.strip():
        raise ValidationError({"text": "Enter the statement as agreed"})
    if agreed_on > calendar.today():
        raise ValidationError({"agreed_on": "The date agreed must be today or in the past"})
    statement = MediaStatement.objects.create(
        case=case, text=text.strip(), agreed_on=agreed_on, recorded_by=by
    )
    audit_record(action=Action.CREATE, actor=by, obj=case, detail="media statement recorded")
    return statement


def _request_records(case: Case, *, by) -> None:
    """Section 9: each key agency secures its files and starts a chronology."""
    now = timezone.now()
    created = []
    for agency in case.agencies.all():
        request, new = RecordsRequest.objects.get_or_create(
            case=case, agency=agency, defaults={"requested_by": by, "requested_at": now}
        )
        if new:
            created.append(request.pk)
    from scr.outbox.services import job_enqueue

    for pk in created:
        job_enqueue("panel.records_request_notify", request_id=pk)


def _request_for(by, case_id: int, agency_id: int, perm: str) -> RecordsRequest:
    case = access.case_for_user(by, case_id, perm, lock=True)
    request = RecordsRequest.objects.filter(case=case, agency_id=agency_id).first()
    if request is None:
        raise Http404("No such request")
    return request


@transaction.atomic
def records_confirm(
    *, case_id: int, agency_id: int, by, systems: str, chronology_started: bool
) -> RecordsRequest:
    """The agency's lead confirms its records are secured, what was secured, and that a
    chronology has been started (9). Only the lead of that agency."""
    request = _request_for(by, case_id, agency_id, CasePerm.VIEW)
    if not access.is_agency_lead_of(by, request.agency):
        raise PermissionDenied
    if not systems.strip():
        raise ValidationError({"systems": "Say which records and systems have been secured"})
    if not chronology_started:
        raise ValidationError(
            {"chronology_started": "Confirm that a chronology of involvement has been started"}
        )
    request.systems = systems.strip()
    request.chronology_started = True
    request.confirmed_by = by
    request.confirmed_at = timezone.now()
    request.save(update_fields=["systems", "chronology_started", "confirmed_by", "confirmed_at"])
    audit_record(
        action=Action.CHANGE,
        actor=by,
        obj=request.case,
        detail=f"records secured: agency {agency_id}",
    )
    return request


@transaction.atomic
def records_chase(*, case_id: int, agency_id: int, by) -> RecordsRequest:
    """The coordinator reminds an agency that has not confirmed (one click, 9)."""
    request = _request_for(by, case_id, agency_id, CasePerm.MANAGE)
    if request.confirmed:
        raise ValidationError("This agency has already confirmed.")
    request.last_chased_at = timezone.now()
    request.save(update_fields=["last_chased_at"])
    audit_record(
        action=Action.CHANGE,
        actor=by,
        obj=request.case,
        detail=f"records chased: agency {agency_id}",
    )
    from scr.outbox.services import job_enqueue

    job_enqueue("panel.records_request_notify", request_id=request.pk)
    return request


def records_request_notify(*, request_id: int) -> int:
    """Email the agency's lead(s): secure the records and start a chronology (9)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from scr.notify import notify_people

    request = RecordsRequest.objects.select_related("case__board", "agency").get(pk=request_id)
    if request.confirmed:
        return 0
    leads = get_user_model().objects.filter(
        board_id=request.case.board_id,
        agency_id=request.agency_id,
        is_active=True,
        groups__name=group_name(Role.AGENCY_LEAD),
    )
    return notify_people(
        template="records_request",
        recipients=set(leads),
        context={
            "reference": request.case.reference,
            "agency": request.agency.name,
            "chased": request.last_chased_at is not None,
            "url": reverse(
                "panel:records-confirm", args=[request.case.reference, request.agency_id]
            ),
            "board": request.case.board,
        },
    )


@transaction.atomic
def panel_meeting_record(
    *,
    case_id: int,
    by,
    held_on,
    attendees=(),
    deputies: str = "",
    notes: str = "",
    papers=(),
    papers_panel_only: bool = True,
) -> PanelMeeting:
    """Record a meeting of the panel. The panel chair of the case or the coordinator.
    The first meeting meets the 7-day clock (6.1) on the meeting's date. Its papers
    (checked by scr.uploads.check_upload) must fit the case's quota of uploads; with
    papers_panel_only, only the panel sees them (panel.access.may_see_paper)."""
    case = access.case_for_user(by, case_id, CasePerm.VIEW, lock=True)
    if not panel_access.may_run_panel(by, case):
        raise PermissionDenied
    if case.stage != Stage.PANEL_CONVENED:
        raise ValidationError("Meetings are recorded while the panel is considering the case.")
    if held_on > calendar.today():
        raise ValidationError({"held_on": "The date of the meeting must be today or in the past"})
    started = case.stage_changed_at
    if held_on < calendar.local_date(started):
        raise ValidationError(
            {"held_on": "The meeting cannot be before the chair asked the panel to meet"}
        )
    try:
        uploads.check_case_quota(case.pk, sum(len(paper.data) for paper in papers))
    except ValidationError as error:
        raise ValidationError({"paper": error.messages}) from None
    meeting = PanelMeeting.objects.create(
        case=case,
        held_on=held_on,
        deputies=deputies.strip(),
        notes=notes.strip(),
        recorded_by=by,
    )
    meeting.attendees.set([u for u in attendees if u.board_id == case.board_id])
    for paper in papers:  # already checked by scr.uploads.check_upload
        PanelMeetingAttachment.objects.create(
            meeting=meeting, panel_only=papers_panel_only, **uploads.keep(paper, by=by)
        )
    deadline_event(case=case, event="panel_meeting_recorded", on=held_on)
    audit_record(action=Action.CREATE, actor=by, obj=case, detail="panel meeting recorded")
    return meeting


EDITABLE_TOR_STAGES = (Stage.PANEL_CONVENED, Stage.PANEL_RECOMMENDED, Stage.REVIEW_COMMISSIONED)


def _panel_case(by, case_id: int) -> Case:
    """The case, for the panel chair of the case or the coordinator."""
    case = access.case_for_user(by, case_id, CasePerm.VIEW, lock=True)
    if not panel_access.may_run_panel(by, case):
        raise PermissionDenied
    return case


@transaction.atomic
def terms_of_reference_save(
    *, case_id: int, by, terms: list[str], period_from=None, period_to=None, final: bool = False
) -> TermsOfReference:
    """Draft (or finalise) the terms of reference (6.2 b): the terms numbered in order.
    The panel chair of the case or the coordinator; not once final."""
    case = _panel_case(by, case_id)
    if case.stage not in EDITABLE_TOR_STAGES:
        raise ValidationError("The terms of reference are set before the reviews begin.")
    terms = [t.strip() for t in terms if t.strip()]
    if not terms:
        raise ValidationError({"terms": "Enter at least one term of reference"})
    if period_from and period_to and period_to < period_from:
        raise ValidationError({"period_to": "The end of the period must be after its start"})
    tor, _ = TermsOfReference.objects.get_or_create(case=case, defaults={"updated_by": by})
    if tor.final:
        raise ValidationError("The terms of reference are final.")
    tor.period_from, tor.period_to, tor.final = period_from, period_to, final
    tor.updated_by, tor.updated_at = by, timezone.now()
    tor.save(update_fields=["period_from", "period_to", "final", "updated_by", "updated_at"])
    tor.terms.all().delete()
    Term.objects.bulk_create(
        [Term(terms=tor, number=n, text=text) for n, text in enumerate(terms, start=1)]
    )
    audit_record(
        action=Action.CHANGE,
        actor=by,
        obj=case,
        detail="terms of reference " + ("finalised" if final else "saved"),
    )
    return tor


@transaction.atomic
def panel_recommendation_record(*, case_id: int, by, choice: str, reasons: str):
    """The panel's recommendation to the chair (6.2 a), by the panel chair of the case.
    A full review needs its terms of reference drafted (6.2 b)."""
    case = access.case_for_user(by, case_id, CasePerm.RECOMMEND, lock=True)
    if choice not in PanelRecommendation.Choice.values:
        raise ValidationError({"choice": "Select the panel's recommendation"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter the panel's reasons"})
    if (
        choice == PanelRecommendation.Choice.FULL_REVIEW
        and not Term.objects.filter(terms__case=case).exists()
    ):
        raise ValidationError(
            {"choice": "Draft the terms of reference before recommending a full review (6.2 b)"}
        )
    label = PanelRecommendation.Choice(choice).label
    case_services.case_transition(
        case, "record_recommendation", by=by, note=f"Recommendation: {label}. {reasons.strip()}"
    )
    return PanelRecommendation.objects.create(
        case=case, choice=choice, reasons=reasons.strip(), recorded_by=by
    )


# 5: the panel has a representative of each of these agencies.
REQUIRED_KINDS = {
    "police": "Police",
    "nhs": "NHS",
    "adult_social_care": "Adult Social Care",
}


def missing_representatives(case: Case) -> list[str]:
    """The required agencies (5) with no representative on the case's panel yet."""
    present = set(
        PanelMembership.objects.filter(
            case=case, kind=PanelMembership.Kind.REPRESENTATIVE
        ).values_list("user__agency__kind", flat=True)
    )
    return [label for kind, label in REQUIRED_KINDS.items() if kind not in present]


@transaction.atomic
def panel_member_add(*, case_id: int, by, user, kind: str) -> PanelMembership:
    """Put someone on the case's panel (5): a representative of their agency, or co-opted
    by the panel chair. The panel chair of the case or the coordinator."""
    case = _panel_case(by, case_id)
    if kind not in PanelMembership.Kind.values:
        raise ValidationError(
            {"kind": "Select whether they represent their agency or are co-opted"}
        )
    if kind == PanelMembership.Kind.REPRESENTATIVE and user.agency_id is None:
        raise ValidationError({"user": "A representative must belong to an agency"})
    case_services.case_assign(case_id=case.pk, user=user, role=Role.PANEL_MEMBER, by=by)
    membership, _ = PanelMembership.objects.update_or_create(
        case=case, user=user, defaults={"kind": kind, "added_by": by}
    )
    return membership


@transaction.atomic
def panel_considerations_save(*, case_id: int, by, data: dict) -> PanelConsiderations:
    """The panel's considerations (8.1 to 8.3). The panel chair of the case or the
    coordinator, until the reviews begin."""
    case = _panel_case(by, case_id)
    if case.stage not in EDITABLE_TOR_STAGES:
        raise ValidationError("The considerations are recorded before the reviews begin.")
    record, _ = PanelConsiderations.objects.get_or_create(case=case, defaults={"updated_by": by})
    for name in PanelConsiderations.FIELDS:
        if name in data:
            setattr(record, name, (data[name] or "").strip())
    record.updated_by, record.updated_at = by, timezone.now()
    record.save()
    audit_record(action=Action.CHANGE, actor=by, obj=case, detail="panel considerations saved")
    return record


def screening_outcome_notify(*, event_id: int) -> int:
    """Tell the lead(s) of the referrer's agency what the chair decided on the referral
    (5). The reference and the outcome only: the reasons stay in the service."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from referrals.models import Referral
    from scr.cases.models import CaseEvent
    from scr.notify import notify_people

    event = CaseEvent.objects.select_related("case__board").get(pk=event_id)
    referral = Referral.objects.filter(case=event.case).first()
    if referral is None or referral.agency_id is None:
        return 0
    leads = get_user_model().objects.filter(
        board_id=event.case.board_id,
        agency_id=referral.agency_id,
        is_active=True,
        groups__name=group_name(Role.AGENCY_LEAD),
    )
    return notify_people(
        template="screening_outcome",
        recipients=set(leads),
        context={
            "reference": event.case.reference,
            "outcome": event.get_to_stage_display(),
            "url": reverse("referrals:referral-detail", args=[referral.pk]),
            "board": event.case.board,
        },
    )
