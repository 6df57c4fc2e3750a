"""The chair's letters (16) and the case's action plans at a glance."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from actionplans.models import ActionPlan, ChairLetter
from scr import access
from scr.cases.models import CasePerm


@require_GET
@login_required
def plans_overview(request, reference: str):
    """Placeholder until the letters' pages are built: the letters and plans of a case
    for the chair and the coordinator."""
    case = access.case_for_user(request.user, reference, CasePerm.VIEW)
    perms = access.case_permissions(request.user, case)
    if not perms & {CasePerm.MANAGE, CasePerm.DECIDE}:
        raise Http404("No such page")
    return render(
        request,
        "actionplans/overview.html",
        {
            "case": case,
            "letters": ChairLetter.objects.filter(case=case).select_related("agency"),
            "plans": ActionPlan.objects.filter(case=case).select_related("agency"),
            "confidential": True,
        },
    )
