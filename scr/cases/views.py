"""Home ('Needs your attention'), 'My cases', the case page and its documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from scr import access, attention
from scr.audit.services import Action, audit_record
from scr.cases import sections, services
from scr.cases.flow import flow_picture
from scr.cases.forms import CaseSearchForm, TransitionForm
from scr.cases.models import CasePerm
from scr.cases.selectors import case_page_data, with_names_shown, with_next_deadline
from scr.cases.stages import SIDE_ROUTES
from scr.deadlines import calendar
from scr.documents import registry
from scr.documents.render import render_pdf
from scr.exports import content_disposition
from scr.text import name_matches

CASES_PER_PAGE = 25


@require_GET
@login_required
def home(request):
    return render(request, "cases/home.html", {"items": attention.items_for(request.user)})


@require_GET
@login_required
def case_list(request):
    """'My cases', found by reference or by the adult's name."""
    form = CaseSearchForm(request.GET or None)
    # The review type names a stage in its own words ('Not a Safeguarding Adults Review').
    cases = with_next_deadline(access.cases_visible_to(request.user), request.user).select_related(
        "board", "review_type"
    )
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            reference = form.reference()
            found = Q(pk__in=_named(request.user, query))
            cases = cases.filter(found | Q(reference__icontains=reference) if reference else found)
    page = Paginator(cases.order_by("-year", "-number"), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Clocks and the adult's name are for those who may see a case in full, not those
    # who see its stage only.
    full = set(
        access.cases_visible_to(request.user, full=True)
        .filter(pk__in=[case.pk for case in page])
        .values_list("pk", flat=True)
    )
    with_names_shown(page, full)
    today = calendar.today()
    for case in page:
        case.show_deadline = case.pk in full and case.next_due is not None
        case.overdue = case.show_deadline and case.next_due < today
    if query:
        # That a search happened, by whom and what it found; never what was typed (a
        # name is case content).
        audit_record(
            action=Action.VIEW,
            actor=request.user,
            request=request,
            label="case search",
            detail=f"case search: {page.paginator.count} result(s)",
        )
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "query": query, "confidential": True},
    )


def _named(user, query: str) -> list[int]:
    """The cases whose adult `query` names (scr.text.name_matches: case, accents and
    word order do not count), among those the user sees in full only: a name never finds
    a case whose name the user may not read."""
    named = access.cases_visible_to(user, full=True).values_list("pk", "subject_name")
    return [pk for pk, name in named.iterator() if name_matches(query, name)]


def _left_route_from(case) -> str | None:
    """The stage an off-route case left the route from (for the flow picture)."""
    if case.stage not in SIDE_ROUTES:
        return None
    last = case.events.order_by("-at", "-pk").values_list("from_stage", flat=True).first()
    return last


def _case_page(request, case, perms, transition_form=None, status=200):
    may_see_all = access.sees_case_in_full(perms)
    transitions = services.available_transitions(case, perms)
    if transition_form is None and transitions:
        transition_form = TransitionForm(transitions=transitions)
    context = {
        "case": case,
        "may_see_all": may_see_all,
        "flow": flow_picture(case.stage, _left_route_from(case), case.review_type),
        "transition_form": transition_form,
        "form": transition_form,
        "confidential": may_see_all,
        "documents": registry.case_page_choices(case) if may_see_all else [],
        "sections": sections.for_case(case, request.user, perms),
    }
    if may_see_all:
        context.update(case_page_data(case, on=calendar.today(), user=request.user))
        for deadline in context["deadlines"]:
            deadline.may_extend = deadline.is_live and access.may_request_extension(
                request.user, deadline, perms
            )
    return render(request, "cases/case_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def case_detail(request, reference: str):
    case = access.case_for_user(request.user, reference, CasePerm.VIEW_STATUS)
    perms = access.case_permissions(request.user, case)
    if request.method == "POST":
        return _record_decision(request, case, perms)
    audit_record(
        action=Action.VIEW,
        actor=request.user,
        obj=case,
        request=request,
        detail="case page" if access.sees_case_in_full(perms) else "case status",
    )
    return _case_page(request, case, perms)


def _record_decision(request, case, perms):
    """'Record a decision': a transition of the case, with reasons."""
    transitions = services.available_transitions(case, perms)
    if not transitions:
        audit_record(
            action=Action.ACCESS_DENIED,
            actor=request.user,
            obj=case,
            request=request,
            outcome="denied",
            detail="decision",
        )
        raise PermissionDenied
    form = TransitionForm(request.POST, transitions=transitions)
    if form.is_valid():
        try:
            services.case_transition_request(
                case_id=case.pk,
                by=request.user,
                transition=form.cleaned_data["transition"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            case.refresh_from_db()
            messages.success(
                request, f"Decision recorded: the case is now at ‘{case.stage_label}’."
            )
            return redirect("cases:case-detail", reference=case.reference)
    elif refusal := _stage_page_refusal(request.POST.get("transition", "")):
        # Not offered here, so not a valid choice: say which page takes it.
        form.errors["transition"] = form.error_class([refusal])
    return _case_page(request, case, perms, transition_form=form, status=400)


def _stage_page_refusal(name: str) -> str:
    try:
        return services.stage_page_refusal(name)
    except ValueError:
        return ""


@require_GET
@login_required
def case_document(request, reference: str, kind: str):
    case = access.case_for_user(request.user, reference, CasePerm.VIEW)
    # The documents with their own pages and reading rules are not served here.
    if kind not in registry.case_page_kinds():
        raise Http404("No such document")
    document = registry.build(kind, case)
    pdf = render_pdf(document)
    audit_record(
        action=Action.DOWNLOAD,
        actor=request.user,
        obj=case,
        request=request,
        detail=f"document {kind}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(document.filename)
    response["Cache-Control"] = "no-store"
    return response
