"""An action plan's pages (Appendix C): placeholder until built."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from scr import access


@require_GET
@login_required
def plan_detail(request, reference: str, plan_id: int):
    case, plan, roles = access.plan_for_user(request.user, reference, plan_id)
    return render(
        request,
        "actionplans/plan_detail.html",
        {"case": case, "plan": plan, "roles": roles, "confidential": True},
    )
