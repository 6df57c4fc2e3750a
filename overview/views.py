"""The overview report's own pages: its start, its contents page, the sections of 13.4,
findings, recommendations and submission. The merged chronology's pages are in
overview/chronology_views.py, the family tree's in overview/family_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from overview import services
from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.formtools import form_page


def load(request, reference: str, *, audit: bool = True):
    """(case, overview, perms) for a user who may read the overview report, 404
    otherwise. Every reading is in the audit trail."""
    case, overview, perms = access.overview_for_user(request.user, reference)
    if audit and request.method == "GET":
        audit_record(
            action=Action.VIEW,
            actor=request.user,
            obj=overview,
            board=case.board,
            detail=request.path[:200],
            request=request,
        )
    return case, overview, perms


def overview_url(case, name: str = "overview:overview-detail", *extra) -> str:
    return reverse(name, args=[case.reference, *extra])


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
    return form_page(
        request,
        "overview/overview_detail.html",
        {"case": case, "overview": overview, "can_write": access.may_write_overview(perms)},
    )
