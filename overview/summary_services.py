"""The public executive summary (15): drafted from the overview report, checked for
anything that identifies a person, agreed by the panel, approved by the board chair
with a release date, and released on that date with copies to the family (15.3)."""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from overview import access as overview_access
from overview import redaction
from overview.models import ExecutiveSummary, FamilyRecipient, Overview, RedactionWaiver
from scr import access
from scr.audit.services import Action, audit_record
from scr.cases import services as case_services
from scr.cases.models import CasePerm
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.cases.status import may_move, status_change
from scr.dates import day_text
from scr.deadlines import calendar
from scr.drafting import Conflict

log = logging.getLogger(__name__)
Status = ExecutiveSummary.Status
FIELDS = ("process", "key_issues", "recommendations")


def _audit(summary: ExecutiveSummary, by, detail: str, action: str = Action.CHANGE) -> None:
    audit_record(action=action, actor=by, obj=summary, board=summary.case.board, detail=detail)


def _summary(by, case_id, *, status=None) -> tuple[ExecutiveSummary, frozenset[str]]:
    """The summary, locked, if `by` may read it (404 otherwise) and, with `status`, if it
    is at one of those statuses."""
    _, summary, perms = overview_access.summary_for_user(by, case_id, lock=True)
    if status is not None and summary.status not in status:
        raise ValidationError(f"The executive summary is ‘{summary.status_label}’: not now.")
    return summary, perms


def _author(perms) -> None:
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied


def unresolved(summary: ExecutiveSummary) -> list:
    return redaction.unresolved_hits(summary)


def _refuse_if_identifying(summary: ExecutiveSummary) -> None:
    hits = unresolved(summary)
    if hits:
        raise ValidationError(
            f"The summary still identifies someone: {len(hits)} unresolved "
            f"{'match' if len(hits) == 1 else 'matches'} of the identification check. "
            "Change the text, or say why each match identifies nobody."
        )


def draft_from_overview(overview: Overview) -> dict[str, str]:
    """15.1 a to c drawn from the report; the author edits them before the panel."""
    case = overview.case
    agencies = list(case.imrs.order_by("agency__name").values_list("agency__name", flat=True))
    commissioned = case.events.filter(to_stage=Stage.REVIEW_COMMISSIONED).first()
    when = f" in {calendar.local_date(commissioned.at):%B %Y}" if commissioned is not None else ""
    process = (
        f"{case.board.name} commissioned this Serious Case Review{when}. "
        f"{len(agencies)} agencies wrote Individual Management Reviews of their involvement: "
        f"{', '.join(agencies)}. An overview report brought the reviews together, with an "
        "inter-agency chronology, and was presented to the board."
    )
    findings = "\n\n".join(f"{f.number}. {f.text}" for f in overview.findings.order_by("number"))
    recommendations = "\n\n".join(
        f"{r.number}. {r.text}" for r in overview.recommendations.order_by("number")
    )
    return {"process": process, "key_issues": findings, "recommendations": recommendations}


@transaction.atomic
def summary_start(*, case_id, by) -> ExecutiveSummary:
    """Begin the executive summary (15.1) from the submitted overview report. Needs the
    overview author."""
    _, overview, perms = overview_access.overview_for_user(by, case_id, lock=True)
    _author(perms)
    if overview.status == Overview.Status.DRAFTING:
        raise ValidationError("Submit the overview report before writing its executive summary.")
    summary, created = ExecutiveSummary.objects.get_or_create(
        case=overview.case,
        defaults={**draft_from_overview(overview), "updated_by": by, "revision": 1},
    )
    if created:
        summary.updated_at = timezone.now()
        summary.save(update_fields=["updated_at"])
        _audit(summary, by, "executive summary begun", Action.CREATE)
    return summary


@transaction.atomic
def summary_save(
    *, case_id, by, process: str, key_issues: str, recommendations: str, revision: int | None
) -> ExecutiveSummary:
    """Save the author's text. A save from an older revision raises Conflict."""
    summary, perms = _summary(by, case_id, status=(Status.DRAFTING,))
    _author(perms)
    if revision is not None and revision != summary.revision:
        raise Conflict(by=summary.updated_by, at=summary.updated_at)
    summary.process = process.strip()
    summary.key_issues = key_issues.strip()
    summary.recommendations = recommendations.strip()
    summary.revision += 1
    summary.updated_by = by
    summary.updated_at = timezone.now()
    summary.save(update_fields=[*FIELDS, "revision", "updated_by", "updated_at"])
    _audit(summary, by, "executive summary saved")
    return summary


@transaction.atomic
def summary_waive(*, case_id, by, term: str, reason: str) -> RedactionWaiver:
    """The author says a match of the check does not identify anyone, and why. Shown to
    the panel and the chair, who may disagree by returning the summary."""
    summary, perms = _summary(by, case_id, status=(Status.DRAFTING, Status.WITH_PANEL))
    _author(perms)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this does not identify anyone"})
    if term not in {hit.term for hit in redaction.summary_hits(summary)}:
        raise ValidationError("That match is no longer in the summary.")
    waiver, _ = RedactionWaiver.objects.update_or_create(
        summary=summary, term=term, defaults={"reason": reason.strip(), "by": by}
    )
    _audit(summary, by, "identification check: a match marked as not identifying")
    return waiver


@transaction.atomic
def summary_send_to_panel(*, case_id, by) -> ExecutiveSummary:
    """The author sends the summary to the panel to agree (15.2)."""
    summary, perms = _summary(by, case_id, status=(Status.DRAFTING,))
    _author(perms)
    blank = [
        ExecutiveSummary._meta.get_field(name).verbose_name
        for name in FIELDS
        if not getattr(summary, name).strip()
    ]
    if blank:
        raise ValidationError([f"Write the part ‘{label}’ (15.1)" for label in blank])
    # The author settles every match while the text can still change.
    _refuse_if_identifying(summary)
    status_change(
        summary,
        "send_to_panel",
        by=by,
        fields=("sent_to_panel_at",),
        detail="executive summary sent to the panel",
        case=summary.case,
    )
    return summary


@transaction.atomic
def summary_panel_decide(*, case_id, by, agree: bool, comments: str = "") -> ExecutiveSummary:
    """The panel agrees the summary (15.2) or returns it to the author with comments.
    Needs the panel chair or the coordinator. Nothing that identifies a person may be
    agreed."""
    summary, perms = _summary(by, case_id, status=(Status.WITH_PANEL,))
    if not overview_access.may_agree_summary(perms):
        raise PermissionDenied
    comments = comments.strip()
    if agree:
        _refuse_if_identifying(summary)
        summary.panel_agreed_by = by
    elif not comments:
        raise ValidationError({"comments": "Say what the summary needs"})
    summary.panel_comments = comments
    status_change(
        summary,
        "agree" if agree else "return_to_author",
        by=by,
        note=comments,
        fields=("panel_agreed_by", "panel_agreed_at", "panel_comments"),
        detail="agreed by the panel" if agree else "returned by the panel",
        case=summary.case,
    )
    return summary


@transaction.atomic
def summary_approve(
    *,
    case_id,
    by,
    criminal_proceedings: str,
    release_date: date | None,
    media_note: str = "",
    today: date | None = None,
) -> ExecutiveSummary:
    """The board chair approves the agreed summary (15.2), recording how related
    criminal proceedings were considered, and sets its release date (15.3); media
    interest is coordinated through the chair (15.4). Needs the board to have received
    the report. Moves the case to the action plans (16); on the release date the summary
    is released and the family's copies sent."""
    # The case first, then the summary: the order every stage change takes its locks in.
    case = access.case_for_user(by, case_id, CasePerm.VIEW_STATUS, lock=True)
    summary, perms = _summary(by, case.pk, status=(Status.AGREED,))
    if not overview_access.may_approve_summary(perms):
        raise PermissionDenied
    today = today or calendar.today()
    errors = {}
    if not criminal_proceedings.strip():
        errors["criminal_proceedings"] = (
            "Record the related criminal proceedings considered, or that there are none"
        )
    if release_date is None:
        errors["release_date"] = "Enter the release date"
    elif release_date < today:
        errors["release_date"] = "The release date must be today or in the future"
    if errors:
        raise ValidationError(errors)
    # Approved again after a withdrawal, the case has already moved on to the plans.
    moved_on = case.stage in MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]
    if case.stage != Stage.EXECUTIVE_SUMMARY and not moved_on:
        raise ValidationError(
            f"The case is at ‘{case.stage_label}’: the board receives the overview "
            "report (14) before the chair approves its summary."
        )
    _refuse_if_identifying(summary)
    summary.approved_by = by
    summary.criminal_proceedings = criminal_proceedings.strip()
    summary.release_date = release_date
    summary.media_note = media_note.strip()
    status_change(
        summary,
        "approve",
        by=by,
        fields=("approved_by", "approved_at", "criminal_proceedings", "release_date", "media_note"),
        detail="approved by the chair",
        case=case,
    )
    if not moved_on:
        case_services.case_transition(
            case,
            "approve_summary",
            by=by,
            note=f"Executive summary approved; release date {day_text(release_date)}.",
        )
    if release_date <= today:
        from overview.tasks import summary_release_due_task

        transaction.on_commit(summary_release_due_task.delay)
    return summary


@transaction.atomic
def summary_withdraw(*, case_id, by, reason: str) -> ExecutiveSummary:
    """The chair takes back the panel's agreement or the approval before the release,
    with the reason: the summary goes back to its author, its release date is cleared."""
    summary, perms = _summary(by, case_id, status=(Status.AGREED, Status.APPROVED))
    if not overview_access.may_approve_summary(perms):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the summary goes back to its author"})
    summary.panel_comments = reason.strip()
    status_change(
        summary,
        "withdraw",
        by=by,
        note=reason,
        fields=("release_date", "panel_comments"),
        detail="agreement or approval withdrawn by the chair",
        case=summary.case,
    )
    return summary


@transaction.atomic
def summary_recipient_add(*, case_id, by, name: str, email: str) -> FamilyRecipient:
    """A family member to receive a copy on the release date (15.3). Needs the
    coordinator or the chair, before the release."""
    summary, perms = _summary(
        by, case_id, status=(Status.DRAFTING, Status.WITH_PANEL, Status.AGREED, Status.APPROVED)
    )
    if not overview_access.may_send_summary_copies(perms):
        raise PermissionDenied
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the family member's name"
    try:
        validate_email(email.strip())
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if errors:
        raise ValidationError(errors)
    recipient = FamilyRecipient.objects.create(
        summary=summary, name=name.strip(), email=email.strip(), added_by=by
    )
    _audit(summary, by, "family recipient added")
    return recipient


@transaction.atomic
def summary_recipient_remove(*, case_id, by, recipient_id: int) -> None:
    summary, perms = _summary(
        by, case_id, status=(Status.DRAFTING, Status.WITH_PANEL, Status.AGREED, Status.APPROVED)
    )
    if not overview_access.may_send_summary_copies(perms):
        raise PermissionDenied
    FamilyRecipient.objects.filter(summary=summary, pk=recipient_id, sent_at=None).delete()
    _audit(summary, by, "family recipient removed")


def summary_release_due(*, today: date | None = None) -> int:
    """Release every approved summary whose date has come (15.3) and queue the family's
    copies. A summary that the check now finds identifying (something learnt since its
    approval) is held, and logged. Returns how many were released."""
    today = today or calendar.today()
    released = 0
    due = ExecutiveSummary.objects.filter(status=Status.APPROVED, release_date__lte=today)
    for summary_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            summary = (
                ExecutiveSummary.objects.select_for_update()
                .select_related("case__board")
                .filter(pk=summary_id, status=Status.APPROVED)
                .first()
            )
            if summary is None or not may_move(summary, "release"):
                continue
            if unresolved(summary):
                log.warning("Executive summary %s held: the identification check", summary_id)
                continue
            status_change(
                summary,
                "release",
                by=None,
                fields=("released_at",),
                detail="executive summary released",
                case=summary.case,
            )
            # In the release's transaction: a copy is owed exactly when the summary is out.
            summary_copies_send(summary_id=summary.pk)
            released += 1
    # Copies of summaries released before the outbox kept them: written now, once (the
    # outbox's rows are unique per recipient, and it sends what is unsent).
    unsent = FamilyRecipient.objects.filter(
        summary__status=Status.RELEASED, sent_at=None
    ).values_list("summary_id", flat=True)
    for summary_id in sorted(set(unsent)):
        summary_copies_send(summary_id=summary_id)
    return released


def summary_copies_send(*, summary_id: int) -> int:
    """Write the released summary's copies to the outbox, one per family member (15.3),
    once each; the PDF is attached as each is sent, and the recipient marked sent then.
    Returns how many emails are new."""
    from scr.notify import render_email
    from scr.outbox.services import email_enqueue

    summary = ExecutiveSummary.objects.select_related("case__board").get(pk=summary_id)
    if summary.status != Status.RELEASED:
        return 0
    written = 0
    for recipient in summary.recipients.filter(sent_at=None):
        subject, text, html = render_email(
            "summary_copy",
            # Neither the recipient's name nor the case: an email in transit says only
            # that the board has sent a document (the PDF attached as it is sent).
            {"board": summary.case.board},
        )
        email = email_enqueue(
            purpose="summary_copy",
            to=recipient.email,
            subject=subject,
            text=text,
            html=html,
            about=recipient,
            board=summary.case.board,
            attachments=[{"renderer": "overview.summary", "args": {"summary_id": summary.pk}}],
        )
        written += email.was_created
    return written


def summary_pdf(*, summary_id: int) -> tuple[str, bytes, str]:
    """The released summary as a PDF, made as a copy is sent (an outbox attachment)."""
    from scr.documents import registry
    from scr.documents.render import render_pdf

    summary = ExecutiveSummary.objects.select_related("case").get(pk=summary_id)
    built = registry.build("executive-summary", summary.case)
    return built.filename, render_pdf(built), "application/pdf"


def summary_copy_sent(email) -> None:
    """The outbox sent a family member's copy: record when (run once, after the mark)."""
    FamilyRecipient.objects.filter(pk=email.object_id, sent_at=None).update(sent_at=email.sent_at)
