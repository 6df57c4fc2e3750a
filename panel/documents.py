"""The panel's documents: the terms of reference (6.2 b)."""

from django.http import Http404

from panel.models import TermsOfReference
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
        version="final" if tor.final else f"draft {tor.updated_at:%d/%m/%Y}",
        filename=f"{case.reference}-terms-of-reference.pdf",
        context={"case": case, "tor": tor, "terms": terms},
    )
