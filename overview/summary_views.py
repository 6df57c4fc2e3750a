"""The executive summary's pages (15): the summary with its identification check, the
author's text, the panel's agreement, the chair's approval and release date, the
family's copies and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from overview import access as overview_access
from overview import redaction
from overview import summary_services as services
from overview.forms import (
    ApproveForm,
    PanelDecisionForm,
    RecipientForm,
    SummaryForm,
    WaiverForm,
    WithdrawForm,
)
from overview.models import ExecutiveSummary
from overview.views import audited
from scr.cases.stages import Stage
from scr.cases.status import status_history
from scr.dates import day_text
from scr.deadlines import calendar
from scr.documents.views import document_page
from scr.formtools import form_page, submit

Status = ExecutiveSummary.Status


def released_course(history: list) -> list:
    """What everyone who reads the released summary sees of its course: the released
    text's own steps, from its last sending to the panel to its release (15.2, 15.3)."""
    sent = [i for i, event in enumerate(history) if event.transition == "send_to_panel"]
    return history[sent[-1] :] if sent else history


def load(request, reference: str):
    case, summary, perms = overview_access.summary_for_user(request.user, reference)
    audited(request, case, summary)
    return case, summary, perms


def summary_url(case, name: str = "overview:summary") -> str:
    return reverse(name, args=[case.reference])


def _page(request, case, summary, perms, **forms):
    """The summary's page, with the form that failed (if any) shown with its errors."""
    released = summary.status == Status.RELEASED
    author = overview_access.may_write_overview(perms)
    panel = overview_access.may_agree_summary(perms)
    chair = overview_access.may_approve_summary(perms)
    manages = overview_access.may_send_summary_copies(perms)
    hits = [] if released else redaction.summary_hits(summary)
    waived = {w.term: w for w in summary.waivers.select_related("by")}
    follows = overview_access.may_follow_summary(request.user, case, perms)
    history = status_history(summary)
    context = {
        "case": case,
        "summary": summary,
        "released": released,
        "hits": [(hit, waived.get(hit.term)) for hit in hits],
        "unresolved": [hit for hit in hits if hit.term not in waived],
        "history": history if follows else released_course(history),
        "follows": follows,
        "can_edit": author and summary.status == Status.DRAFTING,
        "can_waive": author and summary.status in (Status.DRAFTING, Status.WITH_PANEL),
        "can_send": author and summary.status == Status.DRAFTING,
        "can_decide": panel and summary.status == Status.WITH_PANEL,
        "can_approve": chair and summary.status == Status.AGREED,
        "stage_ready": case.stage == Stage.EXECUTIVE_SUMMARY,
        "can_add_recipients": manages and not released,
        "can_withdraw": chair and summary.status in (Status.AGREED, Status.APPROVED),
        # Family members' addresses: for those who send the copies, not the whole panel.
        "recipients": summary.recipients.all() if manages else [],
        "held": summary.status == Status.APPROVED
        and summary.release_date is not None
        and summary.release_date <= calendar.today()
        and any(hit.term not in waived for hit in hits),
        "panel_form": forms.get("panel_form") or PanelDecisionForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "recipient_form": forms.get("recipient_form") or RecipientForm(),
        "waiver_form": forms.get("waiver_form"),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "form": next((f for f in forms.values() if f is not None and f.errors), None),
        # A refusal with no field of its own (sending to the panel) links to the check.
        "error_target": "check" if forms.get("send_form") is not None else "",
        "confidential": not released,
    }
    return form_page(request, "overview/summary.html", context)


@require_http_methods(["GET"])
@login_required
def summary_page(request, reference: str):
    case, summary, perms = load(request, reference)
    return _page(request, case, summary, perms)


@require_POST
@login_required
def summary_start(request, reference: str):
    # 404 for those who may not read the report, 403 for its readers who do not write it.
    case, _, perms = overview_access.overview_for_user(request.user, reference)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    try:
        services.summary_start(case_id=case.pk, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("overview:overview-detail", args=[case.reference]))
    messages.success(request, "The executive summary is drafted from the report: edit it now.")
    return redirect(summary_url(case, "overview:summary-edit"))


@require_http_methods(["GET", "POST"])
@login_required
def summary_edit(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_write_overview(perms) or summary.status != Status.DRAFTING:
        raise PermissionDenied
    form = SummaryForm(
        request.POST or None,
        initial={
            "process": summary.process,
            "key_issues": summary.key_issues,
            "recommendations": summary.recommendations,
            "revision": summary.revision,
        },
    )
    done = submit(
        request,
        form,
        lambda data: services.summary_save(
            case_id=case.pk,
            by=request.user,
            process=data["process"],
            key_issues=data["key_issues"],
            recommendations=data["recommendations"],
            revision=data.get("revision"),
        ),
        success="The executive summary is saved. The identification check has run again.",
        redirect_to=summary_url(case),
    )
    return done or form_page(
        request,
        "overview/summary_form.html",
        {"case": case, "summary": summary, "form": form, "confidential": True},
    )


@require_POST
@login_required
def summary_waive(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    form = WaiverForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.summary_waive(
            case_id=case.pk, by=request.user, term=data["term"], reason=data["reason"]
        ),
        success="The match is marked as not identifying anyone.",
        redirect_to=summary_url(case),
    )
    return done or _page(request, case, summary, perms, waiver_form=form)


@require_POST
@login_required
def summary_send(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    try:
        services.summary_send_to_panel(case_id=case.pk, by=request.user)
    except ValidationError as error:
        # An error summary at the top of the page (GOV.UK), each message leading to the
        # identification check: not a banner after a redirect, which reads as news.
        refused = Form(data={})
        refused.full_clean()
        for message in error.messages:
            refused.add_error(None, message)
        return _page(request, case, summary, perms, send_form=refused)
    messages.success(request, "The executive summary is with the panel to agree.")
    return redirect(summary_url(case))


@require_POST
@login_required
def summary_panel(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_agree_summary(perms):
        raise PermissionDenied
    form = PanelDecisionForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.summary_panel_decide(
            case_id=case.pk,
            by=request.user,
            agree=form.accepted,
            comments=data["comments"],
        ),
        success=lambda s: (
            "The panel agreed the summary."
            if s.status == Status.AGREED
            else "The summary is returned to the author."
        ),
        redirect_to=summary_url(case),
    )
    return done or _page(request, case, summary, perms, panel_form=form)


@require_POST
@login_required
def summary_approve(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_approve_summary(perms):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.summary_approve(
            case_id=case.pk,
            by=request.user,
            criminal_proceedings=data["criminal_proceedings"],
            release_date=data["release_date"],
            media_note=data["media_note"],
        ),
        success=lambda s: f"The summary is approved for release on {day_text(s.release_date)}.",
        redirect_to=summary_url(case),
    )
    return done or _page(request, case, summary, perms, approve_form=form)


@require_POST
@login_required
def summary_withdraw(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_approve_summary(perms):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.summary_withdraw(
            case_id=case.pk, by=request.user, reason=data["reason"]
        ),
        success="The summary is back with its author.",
        redirect_to=summary_url(case),
    )
    return done or _page(request, case, summary, perms, withdraw_form=form)


@require_POST
@login_required
def recipient_add(request, reference: str):
    case, summary, perms = load(request, reference)
    if not overview_access.may_send_summary_copies(perms):
        raise PermissionDenied
    form = RecipientForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.summary_recipient_add(
            case_id=case.pk, by=request.user, name=data["name"], email=data["email"]
        ),
        success="The family member will receive a copy on the release date.",
        redirect_to=summary_url(case),
    )
    return done or _page(request, case, summary, perms, recipient_form=form)


@require_POST
@login_required
def recipient_remove(request, reference: str, recipient_id: int):
    case, summary, perms = load(request, reference)
    if not overview_access.may_send_summary_copies(perms):
        raise PermissionDenied
    if not summary.recipients.filter(pk=recipient_id).exists():
        raise Http404("No such family member")
    services.summary_recipient_remove(case_id=case.pk, by=request.user, recipient_id=recipient_id)
    messages.success(request, "The family member is removed from the list.")
    return redirect(summary_url(case))


@require_http_methods(["GET", "POST"])
@login_required
def summary_pdf(request, reference: str):
    """The summary as a PDF (PUBLIC once released), laid out by the worker."""
    case, summary, perms = overview_access.summary_for_user(request.user, reference)
    if not (summary.process or summary.key_issues):
        raise Http404("Nothing written yet")
    stamp = int(summary.updated_at.timestamp()) if summary.updated_at else 0
    return document_page(
        request,
        case=case,
        kind="executive-summary",
        key=f"summary:{summary.pk}:r{summary.revision}:{summary.status}:{stamp}",
        obj=summary,
        template="overview/pdf_status.html",
        context={
            "case": case,
            "title": "The executive summary as a PDF",
            "back": summary_url(case),
        },
    )
