"""The case summary document: where a case stands, for the file or a meeting."""

from django.utils import timezone

from scr.cases.models import Case
from scr.cases.selectors import case_page_data
from scr.deadlines import calendar
from scr.documents.registry import Classification, Document, register


@register("case-summary", title="Case summary")
def case_summary(case: Case, **options) -> Document:
    data = case_page_data(case, on=calendar.today())
    return Document(
        template="cases/documents/case_summary.html",
        title=f"Case summary {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        # One version per recorded stage of the case: the referral, then each change.
        version=str(len(data["events"]) + 1),
        filename=f"{case.reference}-case-summary.pdf",
        context={"case": case, "produced_at": timezone.now(), **data},
    )
