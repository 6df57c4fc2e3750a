"""The chair's letters (16) and the action plans (Appendix C's template) as PDFs:
render_document REF action-plan [--agency NAME]; the letters from their own page."""

from django.http import Http404

from actionplans.models import ActionPlan, ChairLetter
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.documents.registry import Classification, Document, register


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())[:60]


class NothingToPrint(Http404, LookupError):
    """A 404 on the web; a LookupError, which render_document reports as a clear error."""


@register(
    "chair-letter", title="The chair's letter (16)", available=lambda case: False, own_page=True
)
def chair_letter(case, letter_id: int | None = None, agency: str | None = None, **options):
    letters = ChairLetter.objects.filter(case=case).select_related("agency", "sent_by")
    if letter_id is not None:
        letter = letters.filter(pk=letter_id).first()
    elif agency:
        letter = letters.filter(agency__name__iexact=agency.strip()).first()
    else:
        letter = None
    if letter is None:
        raise NothingToPrint(f"No such letter on case {case.reference} (name the --agency)")
    return Document(
        template="actionplans/documents/letter.html",
        title=f"Letter to {letter.addressee}, {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        version="sent" if letter.status == ChairLetter.Status.SENT else "DRAFT",
        filename=f"{case.reference}-letter-{_slug(letter.addressee)}.pdf",
        context={"case": case, "board": case.board, "letter": letter},
    )


# The case page lists the documents of its case: a query only where the stage allows one.
AFTER_PLANS_BEGIN = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]


def _plans_available(case) -> bool:
    return case.stage in AFTER_PLANS_BEGIN and ActionPlan.objects.filter(case=case).exists()


@register(
    "action-plan",
    title="Action plans (16)",
    available=_plans_available,
    own_page=True,
)
def action_plan(case, agency: str | None = None, plan_id: int | None = None, **options):
    """The board's consolidated plan (every agency's rows with their status), or one
    agency's plan with --agency."""
    plans = (
        ActionPlan.objects.filter(case=case)
        .select_related("agency", "letter")
        .prefetch_related("actions__recommendation")
    )
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    elif agency:
        plans = plans.filter(agency__name__iexact=agency.strip())
    plans = list(plans)
    if not plans:
        raise NothingToPrint(f"No action plan on case {case.reference}")
    one = len(plans) == 1 and (agency or plan_id)
    if not one:
        title = f"Action plans, {case.reference}"
    elif plans[0].agency_id is None:
        title = f"The board's management action plan, {case.reference}"
    else:
        title = f"Action plan of {plans[0].agency.name}, {case.reference}"
    return Document(
        template="actionplans/documents/plans.html",
        title=title,
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        version="1",
        filename=f"{case.reference}-action-plan{'s' if not one else ''}.pdf",
        context={"case": case, "board": case.board, "plans": plans},
    )
