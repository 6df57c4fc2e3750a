"""The board's receipt of the overview report (14): the checklist page, each
contributor's response (14 a) and each step's record."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.http import require_http_methods

from overview import access as overview_access
from overview import receipt_services as receipt
from overview.forms import RECEIPT_HINTS, ReceiptItemForm, ResponseForm
from overview.models import ContributorResponse, ReceiptItem
from overview.views import load, overview_url
from scr.formtools import form_page, submit


def _coordinator(perms) -> None:
    if not overview_access.may_record_receipt(perms):
        raise PermissionDenied


@require_http_methods(["GET"])
@login_required
def receipt_page(request, reference: str):
    case, overview, perms = load(request, reference)
    responses = {
        r.agency_id: r for r in overview.contributor_responses.select_related("recorded_by")
    }
    contributors = [(a, responses.get(a.pk)) for a in receipt.contributor_agencies(overview)]
    return form_page(
        request,
        "overview/receipt.html",
        {
            "case": case,
            "overview": overview,
            "rows": receipt.receipt_rows(overview),
            "contributors": contributors,
            "can_record": overview_access.may_record_receipt(perms)
            and overview.status != overview.Status.DRAFTING,
            "regulator": case.board.regulator_short_name,
            "confidential": True,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def response_edit(request, reference: str, agency_id: int):
    case, overview, perms = load(request, reference)
    _coordinator(perms)
    agency = next((a for a in receipt.contributor_agencies(overview) if a.pk == agency_id), None)
    if agency is None:
        raise Http404("No such contributor")
    current = ContributorResponse.objects.filter(overview=overview, agency=agency).first()
    initial = {"answer": current.answer, "comments": current.comments} if current else {}
    form = ResponseForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: receipt.contributor_response_record(
            case_id=case.pk,
            by=request.user,
            agency_id=agency.pk,
            answer=data["answer"],
            comments=data["comments"],
        ),
        success=f"The response of {agency.name} is recorded.",
        redirect_to=overview_url(case, "overview:receipt"),
    )
    return done or form_page(
        request,
        "overview/response_form.html",
        {"case": case, "overview": overview, "agency": agency, "form": form, "confidential": True},
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_record(request, reference: str, key: str):
    if key not in ReceiptItem.Key.values:
        raise Http404("No such step")
    case, overview, perms = load(request, reference)
    _coordinator(perms)
    form = ReceiptItemForm(request.POST or None)
    label = ReceiptItem.Key(key).label
    form.fields["note"].help_text = RECEIPT_HINTS[key]
    done = submit(
        request,
        form,
        lambda data: receipt.receipt_item_record(
            case_id=case.pk, by=request.user, key=key, note=data["note"]
        ),
        success=lambda item: (
            f"Recorded: {label}."
            + (
                " The board has received the report: the case moves on to the executive summary."
                if item.overview.status == item.overview.Status.RECEIVED
                else ""
            )
        ),
        redirect_to=overview_url(case, "overview:receipt"),
    )
    return done or form_page(
        request,
        "overview/receipt_item_form.html",
        {
            "case": case,
            "overview": overview,
            "form": form,
            "label": label,
            # 14 a: the responses the check rests on, disagreements first.
            "responses": overview.contributor_responses.select_related("agency").order_by(
                "-answer", "agency__name"
            )
            if key == ReceiptItem.Key.CONTRIBUTORS
            else [],
            "confidential": True,
        },
    )
