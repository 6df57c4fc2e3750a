"""The IMR report as a PDF in Appendix C's form (render_document REF imr --agency NAME)."""

from django.http import Http404

from imr.models import Imr, ImrSubmission
from imr.selectors import content_sections, imr_content
from scr.documents.registry import Classification, Document, register


class NoSuchImr(Http404, LookupError):
    """No IMR to print: a 404 on the web, and a LookupError, which render_document
    reports as a clear error instead of a traceback."""


def _imr(case, agency: str | None) -> Imr:
    imrs = Imr.objects.filter(case=case).select_related("agency", "author", "director", "case")
    if not agency:
        raise NoSuchImr("Name the agency whose management review to print (--agency)")
    matches = list(imrs.filter(agency__name__iexact=agency.strip())[:2])
    if len(matches) > 1:
        matches = [i for i in matches if i.agency.name == agency.strip()]
    imr = matches[0] if len(matches) == 1 else None
    if imr is None:
        raise NoSuchImr(f"No management review of '{agency}' on case {case.reference}")
    return imr


def imr_document_version(imr: Imr, *, draft: bool) -> tuple[dict, ImrSubmission | None]:
    """What the PDF prints: the latest version signed off by the agency; with draft=True
    (the agency's own people) the latest version or, before any, the draft."""
    signed = imr.submissions.filter(status__in=ImrSubmission.SIGNED).order_by("-number").first()
    if signed is not None and not (
        draft and imr.submissions.filter(number__gt=signed.number).exists()
    ):
        return signed.content, signed
    if not draft:
        if signed is None:
            raise Http404("The agency has not signed off a version of this review yet")
        return signed.content, signed
    latest = imr.submissions.order_by("-number").first()
    if latest is not None:
        return latest.content, latest
    return imr_content(imr), None


@register(
    "imr",
    title="Individual Management Review (Appendix C)",
    # Per agency: the case page's list of documents cannot offer it; each review's page
    # links its own, and render_document takes --agency.
    available=lambda case: False,
)
def imr_report(
    case,
    agency: str | None = None,
    draft: bool = True,
    imr: Imr | None = None,
    submission: ImrSubmission | None = None,
    **options,
) -> Document:
    """`imr`: the review already loaded (the web); `agency`: its name (the command);
    `submission`: one version to print rather than the latest the rules choose."""
    if imr is None or imr.case_id != case.pk:
        imr = _imr(case, agency)
    if submission is not None and submission.imr_id == imr.pk:
        content = submission.content
    else:
        content, submission = imr_document_version(imr, draft=draft)
    countersigned = submission is not None and submission.signed
    version = f"{submission.number}" if submission else "draft"
    return Document(
        template="imr/documents/imr.html",
        title=f"Individual Management Review: {imr.agency.name}, {case.reference}",
        classification=Classification.CONFIDENTIAL,
        case_reference=case.reference,
        version=version if countersigned else f"{version}, DRAFT",
        filename=f"{case.reference}-imr-{imr.agency.name}.pdf".replace(" ", "-"),
        context={
            "case": case,
            "imr": imr,
            "content": content,
            "report": content_sections(content),
            "submission": submission,
            "countersigned": countersigned,
        },
    )
