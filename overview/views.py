"""The overview report's own pages: its start, its contents page, the sections of 13.4,
findings, recommendations, submission and the PDF. The merged chronology's pages are
in overview/chronology_views.py, the family tree's in overview/family_views.py, the
board's receipt in overview/receipt_views.py, the executive summary in
overview/summary_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from overview import access as overview_access
from overview import services
from overview.forms import FindingForm, RecommendationForm, SectionForm
from overview.models import Finding, OverviewSection, Recommendation
from overview.report_sections import lettered, report_sections, text_sections
from scr import access
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.cases.status import status_history
from scr.deadlines.models import Deadline
from scr.formtools import add_service_errors, form_page

Key = OverviewSection.Key
HINTS = {
    Key.INTRODUCTION: "A summary of the circumstances of the case being reviewed (13.4 a).",
    Key.CONTRIBUTORS: "Drafted from the management reviews: each agency, its author and the "
    "director who countersigned. Add other contributors' reports (13.4 c).",
    Key.SOURCES: "Drafted from section 1 of each management review. Add other sources used "
    "(13.4 d).",
    Key.FACTS: "The facts of the case (13.4 e). The family tree, built from the reviews' family "
    "compositions, is printed with this section.",
    Key.CHRONOLOGY: "Optional commentary printed before the merged inter-agency chronology "
    "(13.4 f).",
    Key.KNOWN: "What each agency knew, and what was shared (13.4 g).",
    Key.ANALYSIS: "Analysis across the agencies against the terms of reference (13.4 h).",
    Key.THE_PERSON: "Who the person was: their life, what mattered to them, and their "
    "family's and friends' view of them, as they wish it told.",
    Key.THE_CHILD: "Who the child was: their life and their experience, as those close to "
    "them wish it told.",
    Key.SCOPE_AND_METHOD: "The period reviewed, the terms of reference, how the review was "
    "done (agency reports, a learning event, interviews) and who took part.",
}


def audited(request, case, obj) -> None:
    """Every reading of the report or the summary is in the audit trail (ids only)."""
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            actor=request.user,
            obj=obj,
            board=case.board,
            detail=request.path[:200],
            request=request,
        )


def load(request, reference: str, *, audit: bool = True):
    """(case, overview, perms) for a user who may read the overview report, 404
    otherwise. Every reading is in the audit trail."""
    case, overview, perms = overview_access.overview_for_user(request.user, reference)
    if audit:
        audited(request, case, overview)
    return case, overview, perms


def overview_url(case, name: str = "overview:overview-detail", *extra) -> str:
    return reverse(name, args=[case.reference, *extra])


def _writer(overview, perms) -> None:
    """Pages that change the report: its author, while it is being written."""
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    if not overview.editable:
        raise PermissionDenied


def _terms(case) -> list[dict]:
    from imr.selectors import terms_of_reference

    return terms_of_reference(case)[0]


def returned_versions(case):
    """Appendix C: the overview lists the reviews the panel returned for revision: the
    panel's returns in the reviews' event rows (imr.history), with its comments."""
    from imr.history import returned_by_panel
    from imr.models import Imr

    return returned_by_panel(Imr.objects.filter(case=case).select_related("agency"))


def contents(overview) -> list[dict]:
    """The report's sections (13.4 a to j, or the case's type's) with where each stands,
    for the contents page."""
    reference = overview.case.reference
    texts = {s.key: s for s in overview.sections.all()}
    counts = {
        Key.FINDINGS: overview.findings.count(),
        Key.RECOMMENDATIONS: overview.recommendations.count(),
    }
    rows = []
    for key, label in report_sections(overview.case):
        section = texts.get(key)
        if key == Key.TERMS:
            state, url = "From the panel's terms of reference", ""
        elif key in counts:
            n = counts[key]
            state = f"{n} recorded" if n else "Not started"
            name = "overview:findings" if key == Key.FINDINGS else "overview:recommendations"
            url = reverse(name, args=[reference])
        else:
            state = "Written" if section and section.text else "Not started"
            if key == Key.CHRONOLOGY:
                state = "Merged from the reviews"
            url = reverse("overview:section-edit", args=[reference, key])
        rows.append({"key": key, "label": label, "state": state, "url": url})
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def start(request, reference: str):
    """13.1: the coordinator begins the report once every review is accepted."""
    case = access.case_for_user(request.user, reference, CasePerm.MANAGE)
    if request.method == "POST":
        try:
            services.overview_start(case_id=case.pk, by=request.user)
        except ValidationError as error:
            context = {"case": case, "errors": [{"text": m} for m in error.messages]}
            return render(request, "overview/start.html", context, status=400)
        messages.success(request, "The overview report has begun.")
        return redirect(overview_url(case))
    return render(request, "overview/start.html", {"case": case})


@require_GET
@login_required
def overview_detail(request, reference: str):
    case, overview, perms = load(request, reference)
    can_write = overview_access.may_write_overview(perms) and overview.editable
    clock = (
        Deadline.objects.filter(case=case, kind=Deadline.Kind.OVERVIEW_REPORT)
        .order_by("-pk")
        .first()
    )
    return render(
        request,
        "overview/overview_detail.html",
        {
            "case": case,
            "overview": overview,
            "rows": contents(overview),
            # 13.4's letters, for the 2009 procedure's report; another type's are its own.
            "lettered": lettered(case),
            # Its submission and receipt, from the report's event rows.
            "history": status_history(overview),
            "terms": _terms(case),
            "returned": returned_versions(case),
            "clock": clock,
            # 13.3: more time needs the chair's agreement, through the clock's extension.
            "may_extend": clock is not None
            and clock.is_live
            and access.may_request_extension(request.user, clock, perms),
            "can_write": can_write,
            "problems": services.overview_problems(overview) if can_write else [],
            "can_receive": overview_access.may_record_receipt(perms)
            and overview.status != overview.Status.DRAFTING,
            "summary": getattr(case, "executive_summary", None),
            "may_start_summary": overview_access.may_write_overview(perms)
            and overview.status != overview.Status.DRAFTING,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, reference: str, key: str):
    case, overview, perms = load(request, reference)
    label = text_sections(case).get(key)
    if label is None:
        raise Http404("No such section")
    section = OverviewSection.objects.filter(overview=overview, key=key).first()
    editable = overview_access.may_write_overview(perms) and overview.editable
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = SectionForm(
        request.POST or None,
        initial={
            "text": section.text if section else "",
            "revision": section.revision if section else 0,
        },
    )
    form.fields["text"].label = label
    if request.method == "POST" and form.is_valid():
        autosave = bool(request.POST.get("autosave"))
        try:
            saved = services.overview_section_save(
                case_id=case.pk,
                by=request.user,
                key=key,
                text=form.cleaned_data["text"],
                revision=form.cleaned_data.get("revision"),
            )
        except ValidationError as error:
            if autosave:
                return JsonResponse({"error": " ".join(error.messages)}, status=409)
            add_service_errors(form, error)
        else:
            if autosave:
                at = timezone.localtime(saved.updated_at).strftime("%H:%M")
                return JsonResponse({"revision": saved.revision, "saved": at})
            messages.success(request, f"Section {label} is saved.")
            return redirect(overview_url(case))
    return form_page(
        request,
        "overview/section_form.html",
        {
            "case": case,
            "overview": overview,
            "form": form,
            "key": key,
            "title": label,
            "hint": HINTS.get(key, ""),
            "section": section,
            "editable": editable,
            "confidential": True,
        },
    )


@require_GET
@login_required
def findings(request, reference: str):
    case, overview, perms = load(request, reference)
    rows = overview.findings.prefetch_related("entries__agency")
    return render(
        request,
        "overview/findings.html",
        {
            "case": case,
            "overview": overview,
            "findings": rows,
            "editable": overview_access.may_write_overview(perms) and overview.editable,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def finding_edit(request, reference: str, finding_id: int | None = None):
    case, overview, perms = load(request, reference)
    _writer(overview, perms)
    finding = None
    initial = {}
    if finding_id is not None:
        finding = Finding.objects.filter(overview=overview, pk=finding_id).first()
        if finding is None:
            raise Http404("No such finding")
        initial = {
            "text": finding.text,
            "term_numbers": [str(n) for n in finding.term_numbers],
            "entry_refs": ", ".join(
                f"E{pk}" for pk in finding.entries.values_list("pk", flat=True)
            ),
        }
    form = FindingForm(
        request.POST or None,
        initial=initial,
        terms=_terms(case),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.finding_save(
                case_id=case.pk,
                by=request.user,
                finding_id=finding.pk if finding else None,
                text=data["text"],
                term_numbers=[int(n) for n in data["term_numbers"]],
                entry_ids=data["entry_refs"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"entry_ids": "entry_refs"})
        else:
            messages.success(request, f"Finding {saved.number} is saved.")
            return redirect(overview_url(case, "overview:findings"))
    return form_page(
        request,
        "overview/finding_form.html",
        {
            "case": case,
            "overview": overview,
            "form": form,
            "finding": finding,
            "confidential": True,
        },
    )


@require_POST
@login_required
def finding_remove(request, reference: str, finding_id: int):
    case, overview, perms = load(request, reference)
    _writer(overview, perms)
    if not overview.findings.filter(pk=finding_id).exists():
        raise Http404("No such finding")
    services.finding_remove(case_id=case.pk, by=request.user, finding_id=finding_id)
    messages.success(request, "The finding is removed.")
    return redirect(overview_url(case, "overview:findings"))


@require_GET
@login_required
def recommendations(request, reference: str):
    case, overview, perms = load(request, reference)
    rows = overview.recommendations.prefetch_related("agencies")
    return render(
        request,
        "overview/recommendations.html",
        {
            "case": case,
            "overview": overview,
            "recommendations": rows,
            "editable": overview_access.may_write_overview(perms) and overview.editable,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_edit(request, reference: str, recommendation_id: int | None = None):
    case, overview, perms = load(request, reference)
    _writer(overview, perms)
    rec = None
    initial = {}
    if recommendation_id is not None:
        rec = Recommendation.objects.filter(overview=overview, pk=recommendation_id).first()
        if rec is None:
            raise Http404("No such recommendation")
        initial = {
            "text": rec.text,
            "for_board": rec.for_board,
            "agency_ids": [str(pk) for pk in rec.agencies.values_list("pk", flat=True)],
            "term_numbers": [str(n) for n in rec.term_numbers],
        }
    agencies = Agency.objects.filter(board=case.board).order_by("name")
    form = RecommendationForm(
        request.POST or None, initial=initial, terms=_terms(case), agencies=agencies
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.recommendation_save(
                case_id=case.pk,
                by=request.user,
                recommendation_id=rec.pk if rec else None,
                text=data["text"],
                for_board=data["for_board"],
                agency_ids=[int(n) for n in data["agency_ids"]],
                term_numbers=[int(n) for n in data["term_numbers"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recommendation {saved.number} is saved.")
            return redirect(overview_url(case, "overview:recommendations"))
    return form_page(
        request,
        "overview/recommendation_form.html",
        {"case": case, "overview": overview, "form": form, "rec": rec, "confidential": True},
    )


@require_POST
@login_required
def recommendation_remove(request, reference: str, recommendation_id: int):
    case, overview, perms = load(request, reference)
    _writer(overview, perms)
    if not overview.recommendations.filter(pk=recommendation_id).exists():
        raise Http404("No such recommendation")
    services.recommendation_remove(
        case_id=case.pk, by=request.user, recommendation_id=recommendation_id
    )
    messages.success(request, "The recommendation is removed.")
    return redirect(overview_url(case, "overview:recommendations"))


@require_http_methods(["GET", "POST"])
@login_required
def submit(request, reference: str):
    """13.2, 14: the author checks the report, then submits it to the board. The check
    page names what is still open (possible duplicates, people to merge) so nothing is
    left by accident: they are the author's call, not a bar."""
    from overview.chronology import duplicate_suggestions
    from overview.family import merge_suggestions

    case, overview, perms = load(request, reference)
    _writer(overview, perms)
    if request.method == "POST":
        try:
            services.overview_submit(case_id=case.pk, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(overview_url(case))
        messages.success(request, "The overview report is submitted to the board.")
        return redirect(overview_url(case))
    return render(
        request,
        "overview/submit.html",
        {
            "case": case,
            "overview": overview,
            "problems": services.overview_problems(overview),
            "duplicates": len(duplicate_suggestions(overview)),
            "merges": len(merge_suggestions(overview)),
            "findings": overview.findings.count(),
            "recommendations": overview.recommendations.count(),
            "confidential": True,
        },
    )


def overview_pdf_key(overview) -> str:
    """What the PDF was made from: the report changes only through the services, each of
    which leaves an audit row, so the last of those (with the status) names the content."""
    from scr.audit.models import AuditEvent

    last = (
        AuditEvent.objects.filter(
            object_type="overview",
            object_id=str(overview.pk),
            action__in=[Action.CHANGE, Action.CREATE],
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    # Printed too, though changed elsewhere: the panel's terms, the adult's dates (ages)
    # and the board's gap threshold.
    from panel.models import TermsOfReference

    case = overview.case
    terms = TermsOfReference.objects.filter(case=case).values_list("updated_at", flat=True)
    stamp = max([int(t.timestamp()) for t in terms] or [0])
    facts = f"{case.subject_date_of_birth}:{case.board.chronology_gap_months}"
    return f"overview:{overview.pk}:{overview.status}:{last or 0}:{stamp}:{facts}"


@require_http_methods(["GET", "POST"])
@login_required
def pdf(request, reference: str):
    """The report as a PDF (STRICTLY CONFIDENTIAL). The worker lays it out (a long merged
    chronology takes many seconds); until it is ready the page says how far it has got."""
    from scr.documents.views import document_page

    case, overview, perms = load(request, reference, audit=False)
    return document_page(
        request,
        case=case,
        kind="overview",
        key=overview_pdf_key(overview),
        obj=overview,
        template="overview/pdf_status.html",
        context={
            "case": case,
            "title": "The overview report as a PDF",
            "back": overview_url(case),
            "confidential": True,
        },
    )
