"""The board's receipt of the overview report (14): a checklist with who and when for
each step, and each contributor's response to the contents (14 a)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imr.models import Imr
from overview import access as overview_access
from overview.models import ContributorResponse, Overview, ReceiptItem
from overview.services import overview_audit
from scr import access
from scr.cases import services as case_services
from scr.cases import status
from scr.cases.models import CasePerm

Item = ReceiptItem.Key
# 14 a to e complete the receipt; copies to the regulator (14 f) include the executive
# summary and the action plan, which come later, so it is recorded when they are sent.
NEEDED = (Item.CONTRIBUTORS, Item.ACTION_PLAN, Item.AVAILABILITY, Item.DISSEMINATION, Item.FEEDBACK)


def _overview(by, case_id) -> Overview:
    """The overview, locked, for the coordinator, once it is with the board."""
    _, overview, perms = overview_access.overview_for_user(by, case_id, lock=True)
    if not overview_access.may_record_receipt(perms):
        raise PermissionDenied
    if overview.status == Overview.Status.DRAFTING:
        raise ValidationError("The board receives the report once its author submits it.")
    return overview


def contributor_agencies(overview: Overview):
    """The agencies whose management reviews the report brings together (14 a)."""
    return [imr.agency for imr in Imr.objects.filter(case=overview.case).select_related("agency")]


def missing_responses(overview: Overview) -> list[str]:
    answered = set(overview.contributor_responses.values_list("agency_id", flat=True))
    return [a.name for a in contributor_agencies(overview) if a.pk not in answered]


def receipt_rows(overview: Overview) -> list[dict]:
    """Each step of 14 with its record, for the checklist page and the case page."""
    done = {item.key: item for item in overview.receipt.select_related("done_by")}
    return [
        {"key": key, "label": key.label, "item": done.get(key), "needed": key in NEEDED}
        for key in Item
    ]


@transaction.atomic
def contributor_response_record(
    *, case_id, by, agency_id: int, answer: str, comments: str = ""
) -> ContributorResponse:
    """Record a contributor's response to the report's contents (14 a). Needs the
    coordinator. A disagreement needs its comments."""
    overview = _overview(by, case_id)
    if ReceiptItem.objects.filter(overview=overview, key=Item.CONTRIBUTORS).exists():
        raise ValidationError(
            "14 a is recorded: the contents were checked with every contributor on the "
            "responses recorded then."
        )
    agencies = {a.pk: a for a in contributor_agencies(overview)}
    if agency_id not in agencies:
        raise ValidationError({"agency": "Choose an agency that contributed to the review"})
    if answer not in ContributorResponse.Answer.values:
        raise ValidationError({"answer": "Choose the agency's response"})
    comments = comments.strip()
    if answer != ContributorResponse.Answer.AGREED and not comments:
        raise ValidationError({"comments": "Enter the agency's comments"})
    response, _ = ContributorResponse.objects.update_or_create(
        overview=overview,
        agency_id=agency_id,
        defaults={
            "answer": answer,
            "comments": comments,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    overview_audit(overview, by, f"14 a response of agency {agency_id}")
    return response


@transaction.atomic
def receipt_item_record(*, case_id, by, key: str, note: str) -> ReceiptItem:
    """Record one step of the board's receipt (14 a to f), with who and when. Needs the
    coordinator. 14 a needs every contributor's response first. When 14 a to e are all
    recorded the board has received the report: the case moves to the executive summary
    (15)."""
    # The case first, then the report: the order every stage change takes its locks in.
    case = access.case_for_user(by, case_id, CasePerm.VIEW_STATUS, lock=True)
    overview = _overview(by, case.pk)
    if key not in Item.values:
        raise ValidationError("Choose a step of the board's receipt.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what was done"})
    if key == Item.CONTRIBUTORS and (missing := missing_responses(overview)):
        raise ValidationError(
            {"note": "Record the response of every contributor first: " + ", ".join(missing)}
        )
    if ReceiptItem.objects.filter(overview=overview, key=key).exists():
        raise ValidationError("That step has already been recorded.")
    item = ReceiptItem.objects.create(overview=overview, key=key, note=note, done_by=by)
    overview_audit(overview, by, f"14 {key} recorded")
    recorded = set(overview.receipt.values_list("key", flat=True))
    if set(NEEDED) <= recorded and status.may_move(overview, "receive"):
        status.status_change(
            overview,
            "receive",
            by=by,
            fields=("received_at",),
            detail="steps 14 a to e recorded",
            case=case,
        )
        case_services.case_transition(
            case, "receive_overview", by=by, note="Steps 14 a to e recorded."
        )
    return item
