"""The panel's documents: the terms of reference (6.2 b)."""

from django.http import Http404

from panel.models import TermsOfReference
from scr.dates import day_text
from scr.documents.registry import Classification, Document, register


@register(
    "terms-of-reference",
    title="Terms of reference",
    available=lambda case: TermsOfReference.objects.filter(case=case).exists(),
)
def terms_of_reference(case, **options) -> Document:
    tor = TermsOfReference.objects.filter(case=case).first()
    if tor is None:
        raise Http404("The panel has not drafted terms of reference for this case")
    terms = list(tor.terms.all())
    return Document(
        template="panel/documents/terms_of_reference.html",
        title=f"Terms of reference {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        version="final" if tor.final else f"draft {day_text(tor.updated_at)}",
        filename=f"{case.reference}-terms-of-reference.pdf",
        context={"case": case, "tor": tor, "terms": terms},
    )


def _letter_context(case, kind) -> dict:
    from panel.models import DecisionLetter, PanelRecommendation, ReviewBasis

    letter = DecisionLetter.objects.filter(case=case, kind=kind).first()
    if letter is None:
        raise Http404("No such letter")
    tor = TermsOfReference.objects.filter(case=case).first()
    decision = case.events.filter(transition="commission_review").order_by("-at").first()
    return {
        "case": case,
        "board": case.board,
        "letter": letter,
        "terms": list(tor.terms.all()) if tor else [],
        "tor": tor,
        "recommendation": PanelRecommendation.objects.filter(case=case).first(),
        # The footing of a review whose type records one (a SAR's mandatory review).
        "basis": ReviewBasis.objects.filter(case=case).first(),
        "decided_at": decision.at if decision else letter.created_at,
        "decided_by": decision.actor if decision else letter.created_by,
    }


def _has_letter(kind):
    def available(case) -> bool:
        from panel.models import DecisionLetter

        return DecisionLetter.objects.filter(case=case, kind=kind).exists()

    return available


@register(
    "letter-regulator",
    title="Notification to the regulator (7 a)",
    available=_has_letter("regulator"),
)
def regulator_letter(case, **options) -> Document:
    return Document(
        template="panel/documents/letter_regulator.html",
        title=f"Notification of a Serious Case Review {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        filename=f"{case.reference}-notification-to-regulator.pdf",
        context=_letter_context(case, "regulator"),
    )


@register("letter-board", title="Notice to the board (7 b)", available=_has_letter("board"))
def board_letter(case, **options) -> Document:
    return Document(
        template="panel/documents/letter_board.html",
        title=f"Decision to conduct a {case.wording['review']} {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        filename=f"{case.reference}-notice-to-board.pdf",
        context=_letter_context(case, "board"),
    )
