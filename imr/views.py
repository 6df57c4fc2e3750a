"""The course of a management review: commissioning, nomination, the review's own page,
submission, countersignature, the panel's review, versions and section 12 notes.
The draft's own pages are in imr/draft_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imr import access as imr_access
from imr import sections, services
from imr.forms import (
    AppraisalForm,
    CommissionForm,
    ConcernForm,
    DirectorReturnForm,
    NominateForm,
    PanelReviewForm,
)
from imr.history import RETURNED_BY_DIRECTOR, imr_history
from imr.models import Imr, ImrSubmission, Part, Section
from imr.selectors import content_sections, imr_content, revision_rows
from scr import access
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.deadlines.models import Deadline
from scr.documents.views import rendered_document_response
from scr.formtools import add_service_errors, form_page, submit


def load(request, reference: str, agency_id: int, *, audit: bool = True):
    """(case, imr, roles, perms) for a user who may see the IMR, 404 otherwise. Every
    view of an IMR is in the audit trail (section 'Permissions' of the IMR issue)."""
    case, imr, roles = imr_access.imr_for_user(request.user, reference, agency_id)
    perms = access.case_permissions(request.user, case)
    if audit and request.method == "GET":
        audit_record(
            action=Action.VIEW,
            actor=request.user,
            obj=imr,
            board=case.board,
            detail=request.path[:200],
            request=request,
        )
    return case, imr, roles, perms


def team_only(roles) -> None:
    """The draft is its agency's alone: a reader of signed versions gets 404."""
    if not imr_access.is_imr_team(roles):
        raise Http404("No such IMR")


def imr_url(imr: Imr, name: str = "imr:imr-detail", *extra) -> str:
    return reverse(name, args=[imr.case.reference, imr.agency_id, *extra])


@require_http_methods(["GET", "POST"])
@login_required
def commission(request, reference: str):
    case = access.case_for_user(request.user, reference, CasePerm.MANAGE)
    asked = set(case.imrs.values_list("agency_id", flat=True))
    agencies = [a for a in Agency.objects.filter(board=case.board) if a.pk not in asked]
    involved = set(case.agencies.values_list("pk", flat=True))
    form = CommissionForm(
        request.POST or None,
        agencies=agencies,
        initial={"agencies": [str(a.pk) for a in agencies if a.pk in involved]},
    )
    done = submit(
        request,
        form,
        lambda data: services.imr_commission(
            case_id=case.pk,
            by=request.user,
            agency_ids=[int(pk) for pk in data["agencies"]],
            chronology_due=data["chronology_due"],
            report_due=data["report_due"],
        ),
        success=lambda imrs: (
            f"{len(imrs)} agenc{'y was' if len(imrs) == 1 else 'ies were'} "
            "asked for a management review. Their leads have been emailed."
        ),
        redirect_to=reverse("cases:case-detail", args=[case.reference]),
    )
    return done or form_page(
        request,
        "imr/commission.html",
        {
            "case": case,
            "form": form,
            "asked": case.imrs.select_related("agency"),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def nominate(request, reference: str, agency_id: int):
    case, imr, roles, perms = load(request, reference, agency_id)
    if not imr_access.is_imr_lead(roles):
        raise PermissionDenied
    initial = {
        "author": imr.author_id,
        "author_designation": imr.author_designation,
        "author_suitability": imr.author_suitability,
        "author_independent": imr.author_independent,
        "director": imr.director_id,
        "director_designation": imr.director_designation,
    }
    form = NominateForm(request.POST or None, agency=imr.agency, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.imr_nominate(
            case_id=case.pk, agency_id=imr.agency_id, by=request.user, **data
        ),
        success="The author and the director are nominated and have been emailed.",
        redirect_to=imr_url(imr),
    )
    return done or form_page(request, "imr/nominate.html", {"case": case, "imr": imr, "form": form})


def _clocks(imr: Imr) -> list[Deadline]:
    return list(
        Deadline.objects.filter(case=imr.case, agency=imr.agency)
        .filter(kind__in=[Deadline.Kind.IMR_CHRONOLOGY, Deadline.Kind.IMR_REPORT])
        .order_by("start", "pk")
    )


@require_GET
@login_required
def imr_detail(request, reference: str, agency_id: int):
    """The review's own page. Its agency sees the draft's progress and acts; readers see
    the versions signed off; section 12 notes only for those section 12 names."""
    case, imr, roles, perms = load(request, reference, agency_id)
    team = imr_access.is_imr_team(roles)
    submissions = list(imr.submissions.select_related("submitted_by"))
    submissions = [s for s in submissions if imr_access.may_read_imr_version(roles, s)]
    latest = submissions[-1] if submissions else None
    # Its agency follows the whole course; a reader, the course of the versions they read.
    history = imr_history(imr, None if team else {s.number for s in submissions})
    last = history[-1] if history and team else None
    is_author = imr_access.is_imr_author(roles)
    part = Part.CHRONOLOGY if imr.status == Imr.Status.CHRONOLOGY else Part.REPORT
    context = {
        "case": case,
        "imr": imr,
        "team": team,
        "is_author": is_author,
        "editable": is_author and imr.editable,
        "is_lead": imr_access.is_imr_lead(roles),
        "submissions": submissions,
        "latest": latest,
        "history": history,
        # The draft is open again after a return: the banner says why.
        "returned_by_panel": last if last and last.transition == "panel_return" else None,
        "returned_by_director": last if last and last.transition in RETURNED_BY_DIRECTOR else None,
        "clocks": _clocks(imr) if imr_access.sees_imr_clocks(roles, perms) else [],
        "part": part,
        "may_submit": is_author and imr.status in Imr.SUBMITTABLE,
        "saved_sections": set(imr.sections.values_list("key", flat=True))
        | ({Section.CHRONOLOGY} if imr.entries.exists() else set()),
        "part_label": Part(part).label,
        "may_countersign": imr.director_id == request.user.pk
        and latest is not None
        and latest.status == ImrSubmission.Status.WITH_DIRECTOR,
        "may_review": imr.status == Imr.Status.PANEL_REVIEW
        and imr_access.may_review_imr(request.user, imr, perms),
        "concerns": list(imr.concerns.select_related("recorded_by"))
        if imr_access.may_see_concerns(request.user, imr, perms)
        else None,
        "may_record_concern": imr_access.may_record_concern(request.user, imr, roles, perms),
        "sections": [(d.key.value, d.title) for d in sections.SECTIONS],
        "confidential": True,
    }
    return form_page(request, "imr/imr_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def appraisal(request, reference: str, agency_id: int):
    case, imr, roles, perms = load(request, reference, agency_id)
    if not imr_access.is_imr_author(roles):
        raise PermissionDenied
    initial = {"changes": imr.appraisal_changes}
    if imr.appraisal:
        initial["needed"] = "yes" if imr.appraisal == Imr.Appraisal.NEEDED else "no"
    form = AppraisalForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.imr_appraisal_record(
            case_id=case.pk, agency_id=imr.agency_id, by=request.user, **data
        ),
        success=lambda saved: (
            "Rapid appraisal recorded."
            + (
                " The coordinator and the chair have been told."
                if saved.appraisal == Imr.Appraisal.NEEDED
                else ""
            )
        ),
        redirect_to=imr_url(imr),
    )
    return done or form_page(
        request, "imr/appraisal.html", {"case": case, "imr": imr, "form": form}
    )


@require_POST
@login_required
def submit_part(request, reference: str, agency_id: int, part: str):
    case, imr, roles, perms = load(request, reference, agency_id)
    if part not in Part.values:
        raise Http404("No such part")
    try:
        submission = services.imr_submit(
            case_id=case.pk, agency_id=imr.agency_id, by=request.user, part=part
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(imr_url(imr, "imr:checks"))
    messages.success(
        request,
        f"Version {submission.number} ({Part(part).label.lower()}) is submitted to "
        f"{imr.director.full_name} to countersign.",
    )
    return redirect(imr_url(imr))


def _submission(imr: Imr, roles, number: int) -> ImrSubmission:
    submission = imr.submissions.filter(number=number).select_related("submitted_by").first()
    if submission is None or not imr_access.may_read_imr_version(roles, submission):
        raise Http404("No such version")
    return submission


@require_GET
@login_required
def version_detail(request, reference: str, agency_id: int, number: int):
    """A submitted version, frozen: what the director, the panel and the overview read."""
    case, imr, roles, perms = load(request, reference, agency_id)
    submission = _submission(imr, roles, number)
    return form_page(
        request,
        "imr/version_detail.html",
        {
            "case": case,
            "imr": imr,
            "submission": submission,
            "history": imr_history(imr, {submission.number}),
            "content": submission.content,
            "report": content_sections(submission.content),
            "confidential": True,
        },
    )


@require_GET
@login_required
def draft_preview(request, reference: str, agency_id: int):
    """The draft as the report will read, for its agency."""
    case, imr, roles, perms = load(request, reference, agency_id)
    team_only(roles)
    content = imr_content(imr, Part.REPORT)
    return form_page(
        request,
        "imr/version_detail.html",
        {
            "case": case,
            "imr": imr,
            "content": content,
            "report": content_sections(content),
            "draft": True,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def countersign(request, reference: str, agency_id: int):
    """The director reads the submitted version and signs it off, or returns it."""
    case, imr, roles, perms = load(request, reference, agency_id)
    if not imr_access.is_imr_director(roles):
        raise PermissionDenied
    submission = imr.submissions.order_by("-number").first()
    waiting = submission is not None and submission.status == ImrSubmission.Status.WITH_DIRECTOR
    form = DirectorReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST" and not waiting:
        messages.info(request, "Nothing is waiting for your countersignature.")
        return redirect(imr_url(imr))
    if request.method == "POST" and waiting:
        try:
            if request.POST.get("action") == "countersign" and not request.POST.get("read"):
                messages.error(
                    request,
                    "Confirm that you have read the version before you countersign it.",
                )
                return redirect(imr_url(imr, "imr:countersign"))
            if request.POST.get("action") == "countersign":
                services.imr_countersign(case_id=case.pk, agency_id=imr.agency_id, by=request.user)
                messages.success(request, f"You have countersigned version {submission.number}.")
                return redirect(imr_url(imr))
            if form.is_valid():
                services.imr_director_return(
                    case_id=case.pk,
                    agency_id=imr.agency_id,
                    by=request.user,
                    comments=form.cleaned_data["comments"],
                )
                messages.success(request, f"Version {submission.number} is returned to the author.")
                return redirect(imr_url(imr))
        except ValidationError as error:
            add_service_errors(form, error)
    return form_page(
        request,
        "imr/countersign.html",
        {
            "case": case,
            "imr": imr,
            "submission": submission,
            "waiting": waiting,
            "form": form,
            "report": content_sections(submission.content) if submission else None,
            "content": submission.content if submission else None,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def panel_review(request, reference: str, agency_id: int):
    case, imr, roles, perms = load(request, reference, agency_id)
    if not imr_access.may_review_imr(request.user, imr, perms):
        raise PermissionDenied
    submission = imr.submissions.order_by("-number").first()
    form = PanelReviewForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.imr_panel_review(
            case_id=case.pk,
            agency_id=imr.agency_id,
            by=request.user,
            accept=form.accepted,
            comments=data["comments"],
            revision_due=data["revision_due"],
        ),
        success=lambda s: (
            "The report is accepted."
            if s.status == ImrSubmission.Status.ACCEPTED
            else "The report is returned to the agency for revision."
        ),
        redirect_to=imr_url(imr),
    )
    return done or form_page(
        request,
        "imr/panel_review.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "submission": submission,
            "waiting": imr.status == Imr.Status.PANEL_REVIEW,
            "content": submission.content if submission else None,
            "report": content_sections(submission.content) if submission else None,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def concern_new(request, reference: str, agency_id: int):
    case, imr, roles, perms = load(request, reference, agency_id)
    if not imr_access.may_record_concern(request.user, imr, roles, perms):
        raise PermissionDenied
    form = ConcernForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.imr_concern_record(
            case_id=case.pk, agency_id=imr.agency_id, by=request.user, text=data["text"]
        ),
        success="The note is recorded. Only the agency's lead, the coordinator and the board "
        "chair can read it.",
        redirect_to=imr_url(imr),
    )
    return done or form_page(
        request,
        "imr/concern_form.html",
        {"case": case, "imr": imr, "form": form, "confidential": True},
    )


@require_GET
@login_required
def history(request, reference: str, agency_id: int):
    """Every saved change of the draft, newest first (the agency's own)."""
    case, imr, roles, perms = load(request, reference, agency_id)
    team_only(roles)
    revisions = imr.revisions.select_related("by")
    section = request.GET.get("section", "")
    if section:
        revisions = revisions.filter(section=section)
    return form_page(
        request,
        "imr/history.html",
        {
            "case": case,
            "imr": imr,
            "revisions": revisions[:500],
            "section": section,
            "sections": [*Section.choices, ("glossary", "Glossary")],
            "confidential": True,
        },
    )


@require_GET
@login_required
def revision_detail(request, reference: str, agency_id: int, revision_id: int):
    """One saved revision of the draft, as it was saved (the agency's own)."""
    case, imr, roles, perms = load(request, reference, agency_id)
    team_only(roles)
    revision = imr.revisions.select_related("by").filter(pk=revision_id).first()
    if revision is None:
        raise Http404("No such revision")
    return form_page(
        request,
        "imr/revision_detail.html",
        {
            "case": case,
            "imr": imr,
            "revision": revision,
            "rows": revision_rows(revision.data),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def pdf(request, reference: str, agency_id: int):
    """The report as a PDF: the latest version the user may read or, for its agency, the
    latest version or the draft (marked DRAFT). The worker lays it out, not the request
    (a long chronology takes many seconds); until it is ready this page says how far it
    has got and looks again every few seconds. POST asks again after a failure."""
    from imr.documents import imr_version_to_print

    case, imr, roles, perms = load(request, reference, agency_id, audit=False)
    submission = imr_version_to_print(imr, draft=imr_access.is_imr_team(roles))
    # Looking again does not ask the worker again after a failure; "Try again" (POST) does.
    document = services.imr_pdf_request(
        imr=imr, submission=submission, by=request.user, retry_failed=request.method == "POST"
    )
    return rendered_document_response(
        request,
        document=document,
        obj=imr,
        board=case.board,
        label="imr",
        template="imr/pdf_status.html",
        context={"case": case, "imr": imr, "submission": submission},
    )
