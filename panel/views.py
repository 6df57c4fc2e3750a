"""The chair's decision page and securing records (sections 5, 7 and 9)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panel import access as panel_access
from panel import services
from panel.forms import (
    ChairDecisionForm,
    ConsiderationsForm,
    MediaStatementForm,
    PanelMeetingForm,
    PanelMemberForm,
    RecommendationForm,
    RecordsConfirmForm,
    TermsOfReferenceForm,
)
from panel.models import (
    PanelConsiderations,
    PanelMeetingAttachment,
    RecordsRequest,
    TermsOfReference,
)
from scr import access
from scr.audit.services import Action, audit_record
from scr.cases.models import CasePerm
from scr.formtools import add_service_errors, form_page, submit


def _panel_case(request, reference: str):
    """The case, for its panel chair or the coordinator (the panel's work)."""
    case = access.case_for_user(request.user, reference, CasePerm.VIEW)
    if not panel_access.may_run_panel(request.user, case):
        raise PermissionDenied
    return case


def _to_case(case) -> str:
    return reverse("cases:case-detail", args=[case.reference])


@require_http_methods(["GET", "POST"])
@login_required
def chair_decision(request, reference: str):
    case = access.case_for_user(request.user, reference, CasePerm.DECIDE)
    if not services.decisions_open(case):
        messages.info(
            request, f"The case is at ‘{case.stage_label}’: there is no decision to take."
        )
        return redirect("cases:case-detail", reference=case.reference)
    form = ChairDecisionForm(request.POST or None, case=case)

    def decide(data):
        services.chair_decision_record(
            case_id=case.pk,
            by=request.user,
            decision=data["decision"],
            reasons=data["reasons"],
            learning_route=data["learning_route"],
            panel_chair=data.get("panel_chair"),
            basis=data.get("basis", ""),
        )
        case.refresh_from_db()

    done = submit(
        request,
        form,
        decide,
        success=lambda _: f"Decision recorded: the case is now at ‘{case.stage_label}’.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request, "panel/chair_decision.html", {"case": case, "form": form, "confidential": True}
    )


@require_http_methods(["GET", "POST"])
@login_required
def records_confirm(request, reference: str, agency_id: int):
    case = access.case_for_user(request.user, reference, CasePerm.VIEW)
    records = RecordsRequest.objects.filter(case=case, agency_id=agency_id).select_related(
        "agency", "confirmed_by"
    )
    records = records.first()
    if records is None:
        return render(request, "404.html", status=404)
    if not access.is_agency_lead_of(request.user, records.agency):
        raise PermissionDenied
    form = RecordsConfirmForm(request.POST or None)
    if request.method == "POST" and not records.confirmed and form.is_valid():
        try:
            services.records_confirm(
                case_id=case.pk,
                agency_id=agency_id,
                by=request.user,
                systems=form.cleaned_data["systems"],
                chronology_started=form.cleaned_data["chronology_started"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: the records are confirmed as secured.")
            return redirect("cases:case-detail", reference=case.reference)
    return render(
        request,
        "panel/records_confirm.html",
        {"case": case, "records": records, "form": form, "confidential": True},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def records_chase(request, reference: str, agency_id: int):
    case = access.case_for_user(request.user, reference, CasePerm.MANAGE)
    try:
        records = services.records_chase(case_id=case.pk, agency_id=agency_id, by=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, f"{records.agency.name} has been reminded by email.")
    return redirect("cases:case-detail", reference=case.reference)


@require_http_methods(["GET", "POST"])
@login_required
def panel_meeting_new(request, reference: str):
    case = _panel_case(request, reference)
    people = get_user_model().objects.filter(case_assignments__case=case).distinct()
    form = PanelMeetingForm(
        request.POST or None, request.FILES or None, people=people.order_by("full_name")
    )
    done = submit(
        request,
        form,
        lambda data: services.panel_meeting_record(
            case_id=case.pk,
            by=request.user,
            held_on=data["held_on"],
            attendees=data["attendees"],
            deputies=data["deputies"],
            notes=data["notes"],
            papers=[data["paper"]] if data["paper"] else [],
            papers_panel_only=data["paper_panel_only"],
        ),
        success="The panel meeting has been recorded.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request, "panel/meeting_form.html", {"case": case, "form": form, "confidential": True}
    )


@require_http_methods(["GET", "POST"])
@login_required
def terms_of_reference_edit(request, reference: str):
    case = _panel_case(request, reference)
    tor = TermsOfReference.objects.filter(case=case).first()
    initial = {}
    if tor is not None:
        initial = {
            "terms": "\n".join(t.text for t in tor.terms.all()),
            "period_from": tor.period_from,
            "period_to": tor.period_to,
        }
    form = TermsOfReferenceForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.terms_of_reference_save(
            case_id=case.pk,
            by=request.user,
            terms=data["terms"].splitlines(),
            period_from=data["period_from"],
            period_to=data["period_to"],
            final=request.POST.get("action") == "final",
        ),
        success="The terms of reference have been saved.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request,
        "panel/terms_form.html",
        {"case": case, "form": form, "tor": tor, "confidential": True},
    )


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_new(request, reference: str):
    case = access.case_for_user(request.user, reference, CasePerm.RECOMMEND)
    form = RecommendationForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.panel_recommendation_record(
            case_id=case.pk, by=request.user, choice=data["choice"], reasons=data["reasons"]
        ),
        success="The panel's recommendation has gone to the chair.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request,
        "panel/recommendation_form.html",
        {
            "case": case,
            "form": form,
            "missing": services.missing_representatives(case),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def media_statement_new(request, reference: str):
    """Only the chair records press statements (8.3 g, 15.4)."""
    case = access.case_for_user(request.user, reference, CasePerm.DECIDE)
    form = MediaStatementForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.media_statement_record(
            case_id=case.pk, by=request.user, text=data["text"], agreed_on=data["agreed_on"]
        ),
        success="The statement has been recorded.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request, "panel/media_form.html", {"case": case, "form": form, "confidential": True}
    )


@require_http_methods(["GET", "POST"])
@login_required
def panel_member_new(request, reference: str):
    case = _panel_case(request, reference)
    form = PanelMemberForm(request.POST or None, board=case.board)
    done = submit(
        request,
        form,
        lambda data: services.panel_member_add(
            case_id=case.pk, by=request.user, user=data["user"], kind=data["kind"]
        ),
        success=lambda membership: f"{membership.user.full_name} is on the panel.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request,
        "panel/member_form.html",
        {
            "case": case,
            "form": form,
            "missing": services.missing_representatives(case),
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def considerations_edit(request, reference: str):
    case = _panel_case(request, reference)
    record = PanelConsiderations.objects.filter(case=case).first()
    form = ConsiderationsForm(request.POST or None, instance=record)
    done = submit(
        request,
        form,
        lambda data: services.panel_considerations_save(
            case_id=case.pk, by=request.user, data=data
        ),
        success="The panel's considerations have been saved.",
        redirect_to=_to_case(case),
    )
    return done or form_page(
        request,
        "panel/considerations_form.html",
        {"case": case, "form": form, "confidential": True},
    )


@require_GET
@login_required
def attachment_download(request, reference: str, attachment_id: int):
    """A meeting paper, to whoever may see the case in full, or to the panel alone for a
    paper marked so (panel.access.may_see_paper); every download audited."""
    case = access.case_for_user(request.user, reference, CasePerm.VIEW)
    paper = (
        PanelMeetingAttachment.objects.filter(pk=attachment_id, meeting__case=case)
        .select_related("meeting__case")
        .first()
    )
    # A paper for the panel only is not there for anyone else.
    if paper is None or not panel_access.may_see_paper(request.user, paper):
        raise Http404("No such file")
    response = paper.download_response()
    audit_record(
        action=Action.DOWNLOAD,
        actor=request.user,
        obj=case,
        request=request,
        detail=f"panel meeting paper {paper.pk}",
    )
    return response
