"""The course of a management review: commissioning (10), nomination, the rapid
appraisal, the two submissions and their countersignature (Appendix C), the panel's
quality review, and section 12's confidential note. Writes to the draft itself are in
imr/draft_services.py."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from imr import access as imr_access
from imr.models import DisciplinaryConcern, Imr, ImrSubmission, Part
from imr.selectors import imr_content, imr_problems
from scr import access
from scr.accounts.models import Agency
from scr.accounts.roles import Role
from scr.audit.services import Action, audit_record, change_record, field_values
from scr.cases import services as case_services
from scr.cases import status
from scr.cases.models import Case, CaseAgency, CasePerm
from scr.cases.stages import FINAL_STAGES, Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_event

COMMISSION_STAGES = (Stage.REVIEW_COMMISSIONED, Stage.IMRS_IN_PROGRESS)
# The events this stage records for the clocks of the case's review type (IMRs.apps).
PART_COUNTERSIGNED = {
    Part.CHRONOLOGY: "imr_chronology_countersigned",
    Part.REPORT: "imr_report_countersigned",
}


def _notify(imr: Imr, event: str, **extra) -> None:
    from scr.outbox.services import job_enqueue

    job_enqueue("imr.imr_notify", imr_id=imr.pk, event=event, **extra)


def _audit(imr: Imr, by, detail: str, action: str = Action.CHANGE) -> None:
    audit_record(action=action, actor=by, obj=imr, board=imr.case.board, detail=detail)


def imr_changed(imr: Imr, by, obj, what: str, before: dict, after: dict) -> None:
    """The change history (scr.audit ChangeRecord) of the review and its draft: the
    agency's alone, as its draft is (imr.access)."""
    change_record(
        obj=obj,
        by=by,
        board=imr.case.board,
        case_id=imr.case_id,
        agency=imr.agency,
        before=before,
        after=after,
        label=f"{imr.case.reference} {imr.agency.name} IMR: {what}",
    )


def _move(
    imr: Imr, name: str, *, by, detail: str, note: str = "", at: datetime | None = None
) -> None:
    """The review's status changes here (scr.cases.status): one event row, one audit row."""
    status.status_change(
        imr,
        name,
        by=by,
        note=note,
        at=at,
        detail=detail,
        case=imr.case,
        refused=f"This review is ‘{imr.status_label}’: that step is not open.",
    )


@transaction.atomic
def imr_commission(
    *,
    case_id: int,
    by,
    agency_ids: list[int],
    chronology_due: date,
    report_due: date,
    today: date | None = None,
) -> list[Imr]:
    """Ask key agencies for their management reviews (10). Needs the coordinator.

    Each agency gets the clocks the case's review type opens on a commission, due on the
    dates given (the 2009 procedure's two submission dates of Appendix C); the case moves to
    'IMRs in progress' with the first; each lead is invited by email after commit to
    nominate an author and a countersigning director."""
    case = access.case_for_user(by, case_id, CasePerm.MANAGE, lock=True)
    if case.stage not in COMMISSION_STAGES:
        raise ValidationError(
            f"The case is at ‘{case.stage_label}’: management reviews are commissioned once "
            "the chair has decided to hold a Serious Case Review."
        )
    today = today or calendar.today()
    errors = {}
    if not agency_ids:
        errors["agencies"] = "Select the agencies that must write a management review"
    if chronology_due <= today:
        errors["chronology_due"] = "The chronology date must be in the future"
    if report_due <= chronology_due:
        errors["report_due"] = "The full report is due after the chronology"
    if errors:
        raise ValidationError(errors)
    agencies = list(Agency.objects.filter(pk__in=agency_ids, board_id=case.board_id))
    if len(agencies) != len(set(agency_ids)):
        raise ValidationError({"agencies": "Choose agencies of this board"})
    already = set(Imr.objects.filter(case=case).values_list("agency_id", flat=True))
    new = [agency for agency in agencies if agency.pk not in already]
    if not new:
        raise ValidationError({"agencies": "Those agencies have already been asked"})
    imrs = []
    for agency in new:
        CaseAgency.objects.get_or_create(case=case, agency=agency)
        imr = Imr.objects.create(case=case, agency=agency, invited_by=by)
        deadline_event(
            case=case,
            event="imr_commissioned",
            agency=agency,
            on=today,
            dues={
                PART_COUNTERSIGNED[Part.CHRONOLOGY]: chronology_due,
                PART_COUNTERSIGNED[Part.REPORT]: report_due,
            },
        )
        _audit(imr, by, "IMR commissioned", Action.CREATE)
        _notify(imr, "invited")
        imrs.append(imr)
    if case.stage == Stage.REVIEW_COMMISSIONED:
        names = ", ".join(agency.name for agency in new)
        case_services.case_transition(
            case, "start_imrs", by=by, note=f"Management reviews asked of: {names}."
        )
    return imrs


def _imr(by, case_id: int, agency_id: int, role: str | None = None) -> Imr:
    """The IMR, locked, if `by` may see it at all (404 otherwise), is `role` to it
    (imr.access.IMR_AUTHOR and the like; 403 otherwise), and its case still runs."""
    _, imr, roles = imr_access.imr_for_user(by, case_id, agency_id, lock=True)
    if role is not None:
        imr_access.require_imr_role(roles, role)
    case_still_open(imr)
    return imr


def case_still_open(imr: Imr) -> None:
    """Nothing more happens to the reviews of a case that has left the procedure."""
    if imr.case.stage in FINAL_STAGES:
        raise ValidationError(
            f"The case is ‘{imr.case.stage_label}’: its management reviews cannot change."
        )


def _agency_person(user, imr: Imr, what: str):
    if user is None:
        raise ValidationError({what: "Choose a person"})
    if not user.is_active or user.board_id != imr.case.board_id or user.agency_id != imr.agency_id:
        raise ValidationError({what: f"Choose a person who works for {imr.agency.name}"})
    return user


@transaction.atomic
def imr_nominate(
    *,
    case_id: int,
    agency_id: int,
    by,
    author,
    author_designation: str,
    author_suitability: str,
    author_independent: bool,
    director,
    director_designation: str,
) -> Imr:
    """The agency's lead nominates the author and the countersigning director (10;
    Appendix C's cover). The author states their role, why it equips them, and that
    they had no operational involvement in the case. Both are put on the case and
    emailed after commit; the agency's clocks pass to the author."""
    imr = _imr(by, case_id, agency_id, imr_access.IMR_LEAD)
    if imr.status == Imr.Status.ACCEPTED:
        raise ValidationError("The panel has accepted this review: its author cannot change.")
    errors = {}
    for name, value in (
        ("author_designation", author_designation),
        ("author_suitability", author_suitability),
        ("director_designation", director_designation),
    ):
        if not value.strip():
            errors[name] = {
                "author_designation": "Enter the author's job title",
                "author_suitability": "Say how the author's role equips them for this review",
                "director_designation": "Enter the director's job title",
            }[name]
    if not author_independent:
        errors["author_independent"] = (
            "The author must have had no operational involvement in the case (Appendix C)"
        )
    try:
        _agency_person(author, imr, "author")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _agency_person(director, imr, "director")
    except ValidationError as error:
        errors.update(error.message_dict)
    if author is not None and director is not None and author.pk == director.pk:
        errors["director"] = "The director who countersigns cannot be the author"
    if (
        author is not None
        and "author" not in errors
        and imr.case.assignments.filter(user=author, role=Role.REFERRER).exists()
    ):
        # Appendix C: the author had no operational involvement; the referrer did.
        errors["author"] = (
            f"{author.full_name} referred this case: choose someone with no operational "
            "involvement in it"
        )
    if errors:
        raise ValidationError(errors)
    case = imr.case
    replaced = []
    for role, old, new in (
        (Role.IMR_AUTHOR, imr.author_id, author),
        (Role.COUNTERSIGNING_DIRECTOR, imr.director_id, director),
    ):
        if old and old != new.pk:
            replaced.append((role, old))
        case_services.case_assign(case_id=case.pk, user=new, role=role, by=by)
    first = imr.status == Imr.Status.NOMINATING
    imr.author = author
    imr.author_designation = author_designation.strip()
    imr.author_suitability = author_suitability.strip()
    imr.author_independent = True
    imr.director = director
    imr.director_designation = director_designation.strip()
    imr.nominated_by = by
    imr.nominated_at = timezone.now()
    imr.save(
        update_fields=[
            "author",
            "author_designation",
            "author_suitability",
            "author_independent",
            "director",
            "director_designation",
            "nominated_by",
            "nominated_at",
        ]
    )
    for role, old in replaced:
        # Whoever is replaced leaves the case unless they hold the role for another IMR.
        if not Imr.objects.filter(case=case).filter(**{_ROLE_FIELD[role]: old}).exists():
            assignment = case.assignments.filter(user_id=old, role=role).first()
            if assignment is not None:
                case_services.case_unassign(assignment_id=assignment.pk, by=by)
    # The agency's submission clocks are the author's from now on (Appendix C): those the
    # case's type gives the author's role.
    authors_clocks = [c.key for c in case.review_type.parsed.clocks if c.owner == Role.IMR_AUTHOR]
    Deadline.objects.live().filter(case=case, agency=imr.agency, kind__in=authors_clocks).update(
        owner=author
    )
    nominated = f"author user {author.pk}, director user {director.pk}"
    if first:
        _move(imr, "nominate", by=by, detail=nominated)
    else:
        _audit(imr, by, nominated)
    _notify(imr, "nominated")
    return imr


_ROLE_FIELD = {Role.IMR_AUTHOR: "author_id", Role.COUNTERSIGNING_DIRECTOR: "director_id"}


def imr_started(imr: Imr, *, by, now: datetime | None = None) -> None:
    """10: a review has begun once its author records anything. When every agency's
    review has begun, the 6-week clock is met. Called by the drafting services."""
    if imr.started_at is not None:
        return
    # Two agencies beginning at once must not both miss that every agency has begun:
    # the case row serialises the check.
    Case.objects.select_for_update().filter(pk=imr.case_id).first()
    imr.started_at = now or timezone.now()
    imr.save(update_fields=["started_at"])
    _audit(imr, by, "IMR begun")
    if not Imr.objects.filter(case_id=imr.case_id, started_at=None).exists():
        deadline_event(
            case=imr.case, event="imrs_all_begun", on=calendar.local_date(imr.started_at)
        )


@transaction.atomic
def imr_appraisal_record(
    *, case_id: int, agency_id: int, by, needed: bool, changes: str = ""
) -> Imr:
    """The author's rapid appraisal (10): are immediate changes to practice needed, and
    what. A 'yes' tells the coordinator and the board chair at once (after commit)."""
    imr = _imr(by, case_id, agency_id, imr_access.IMR_AUTHOR)
    if imr.status == Imr.Status.ACCEPTED:
        raise ValidationError("The panel has accepted this review.")
    changes = changes.strip()
    if needed and not changes:
        raise ValidationError({"changes": "Say what changes to practice are needed now"})
    appraisal_fields = ["appraisal", "appraisal_changes"]
    before = field_values(imr, appraisal_fields)
    imr.appraisal = Imr.Appraisal.NEEDED if needed else Imr.Appraisal.NOT_NEEDED
    imr.appraisal_changes = changes if needed else ""
    imr.appraisal_by = by
    imr.appraisal_at = timezone.now()
    imr.save(update_fields=["appraisal", "appraisal_changes", "appraisal_by", "appraisal_at"])
    imr_changed(imr, by, imr, "rapid appraisal", before, field_values(imr, appraisal_fields))
    imr_started(imr, by=by)
    _audit(imr, by, f"rapid appraisal: {imr.appraisal}")
    if needed:
        _notify(imr, "appraisal_needed")
    return imr


def _latest(imr: Imr) -> ImrSubmission | None:
    return imr.submissions.order_by("-number").first()


@transaction.atomic
def imr_submit(*, case_id: int, agency_id: int, by, part: str) -> ImrSubmission:
    """The author submits the chronology and family composition, or the full report,
    for the director's countersignature (Appendix C). Refused while the checks find a
    problem (imr.selectors.imr_problems). Freezes the report as a new version."""
    imr = _imr(by, case_id, agency_id, imr_access.IMR_AUTHOR)
    part = Part(part)
    name = "submit_chronology" if part == Part.CHRONOLOGY else "submit_report"
    if not status.may_move(imr, name):
        raise ValidationError(f"This review is ‘{imr.status_label}’: it cannot be submitted now.")
    problems = imr_problems(imr, part)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    number = (imr.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    submission = ImrSubmission.objects.create(
        imr=imr, number=number, part=part, content=imr_content(imr, part), submitted_by=by
    )
    _move(imr, name, by=by, detail=f"version {number} submitted ({part})")
    _notify(imr, "submitted", submission_id=submission.pk)
    return submission


def _with_director(imr: Imr) -> ImrSubmission:
    submission = _latest(imr)
    if submission is None or submission.status != ImrSubmission.Status.WITH_DIRECTOR:
        raise ValidationError("Nothing is waiting for your countersignature.")
    return submission


@transaction.atomic
def imr_countersign(
    *, case_id: int, agency_id: int, by, now: datetime | None = None
) -> ImrSubmission:
    """The countersigning director signs the submitted version off for the agency
    (Appendix C's cover). Meets the part's clock; the board's readers see the version
    from now on; the author and the coordinator (and, for the full report, the panel
    chair) are told after commit."""
    imr = _imr(by, case_id, agency_id, imr_access.IMR_DIRECTOR)
    submission = _with_director(imr)
    now = now or timezone.now()
    submission.status = ImrSubmission.Status.COUNTERSIGNED
    submission.countersigned_by = by
    submission.countersigned_at = now
    submission.save(update_fields=["status", "countersigned_by", "countersigned_at"])
    _move(
        imr,
        "countersign_chronology" if submission.part == Part.CHRONOLOGY else "countersign_report",
        by=by,
        at=now,
        detail=f"version {submission.number} countersigned",
    )
    deadline_event(
        case=imr.case,
        event=PART_COUNTERSIGNED[Part(submission.part)],
        agency=imr.agency,
        on=calendar.local_date(now),
    )
    _notify(imr, "countersigned", submission_id=submission.pk)
    # The signed version's PDF is laid out now, by the worker, for its readers.
    imr_pdf_request(imr=imr, submission=submission, by=by)
    return submission


@transaction.atomic
def imr_director_return(*, case_id: int, agency_id: int, by, comments: str) -> ImrSubmission:
    """The director returns the submitted version to the author, saying what to change.
    The version stays on record; the author's draft opens again."""
    imr = _imr(by, case_id, agency_id, imr_access.IMR_DIRECTOR)
    submission = _with_director(imr)
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Say what the author needs to change"})
    submission.status = ImrSubmission.Status.RETURNED_BY_DIRECTOR
    submission.director_comments = comments
    submission.save(update_fields=["status", "director_comments"])
    if submission.part == Part.CHRONOLOGY:
        name = "return_chronology"
    elif imr.submissions.filter(status=ImrSubmission.Status.RETURNED_BY_PANEL).exists():
        name = "return_revision"
    else:
        name = "return_report"
    _move(
        imr,
        name,
        by=by,
        note=comments,
        detail=f"version {submission.number} returned to the author",
    )
    _notify(imr, "director_returned", submission_id=submission.pk)
    return submission


@transaction.atomic
def imr_panel_review(
    *,
    case_id: int,
    agency_id: int,
    by,
    accept: bool,
    comments: str = "",
    revision_due: date | None = None,
    today: date | None = None,
) -> ImrSubmission:
    """The panel accepts the countersigned report or returns it for revision (Appendix
    C: a report not of sufficient quality goes back to the agency, and the overview
    report says so). A return needs the panel's comments and a date for the revised
    report, which opens a new clock for the agency."""
    imr = _imr(by, case_id, agency_id)
    if not imr_access.may_review_imr(by, imr):
        raise PermissionDenied
    submission = _latest(imr)
    if imr.status != Imr.Status.PANEL_REVIEW or submission is None:
        raise ValidationError("This review is not waiting for the panel.")
    comments = comments.strip()
    today = today or calendar.today()
    if not accept:
        errors = {}
        if not comments:
            errors["comments"] = "Say why the report is returned and what it needs"
        if revision_due is None:
            errors["revision_due"] = "Enter the date the revised report is due"
        elif revision_due <= today:
            errors["revision_due"] = "The revised report must be due in the future"
        if errors:
            raise ValidationError(errors)
    submission.status = (
        ImrSubmission.Status.ACCEPTED if accept else ImrSubmission.Status.RETURNED_BY_PANEL
    )
    submission.panel_comments = comments
    submission.panel_decided_by = by
    submission.panel_decided_at = timezone.now()
    submission.save(
        update_fields=["status", "panel_comments", "panel_decided_by", "panel_decided_at"]
    )
    _move(
        imr,
        "panel_accept" if accept else "panel_return",
        by=by,
        note=comments,
        detail=f"version {submission.number} {'accepted' if accept else 'returned'}",
    )
    if not accept:
        deadline_event(
            case=imr.case,
            event="imr_report_returned",
            agency=imr.agency,
            on=today,
            owner=imr.author,
            dues={PART_COUNTERSIGNED[Part.REPORT]: revision_due},
        )
    _notify(imr, "panel_accepted" if accept else "panel_returned", submission_id=submission.pk)
    return submission


@transaction.atomic
def imr_concern_record(*, case_id: int, agency_id: int, by, text: str) -> DisciplinaryConcern:
    """Section 12: record, confidentially, that information suggests disciplinary action
    may be needed in the agency. By the author or the panel. Only the agency's lead, the
    coordinator and the chair see it; they are told that a note exists (not what it says)."""
    case, imr, roles = imr_access.imr_for_user(by, case_id, agency_id, lock=True)
    perms = access.case_permissions(by, case)
    if not imr_access.may_record_concern(by, imr, roles, perms):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Describe the information and why it matters"})
    concern = DisciplinaryConcern.objects.create(imr=imr, text=text, recorded_by=by)
    _audit(imr, by, "section 12 note recorded", Action.CREATE)
    _notify(imr, "concern_recorded")
    return concern


def imr_pdf_request(*, imr: Imr, submission: ImrSubmission | None, by, retry_failed: bool = True):
    """The PDF of this version (or of the draft, with None), made by the worker once and
    kept (scr.documents). The caller has checked that `by` may read it."""
    from imr.documents import imr_pdf_key
    from scr.documents.services import document_request

    return document_request(
        case=imr.case,
        kind="imr",
        key=imr_pdf_key(imr, submission),
        options={
            "imr_id": imr.pk,
            "submission_id": submission.pk if submission else None,
            "draft": submission is None or not submission.signed,
        },
        by=by,
        retry_failed=retry_failed,
    )
