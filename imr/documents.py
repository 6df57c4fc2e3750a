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


def imr_version_to_print(imr: Imr, *, draft: bool) -> ImrSubmission | None:
    """Which version the PDF prints: the latest the agency signed off; with draft=True
    (the agency's own people) the latest version, or None for the live draft before any."""
    signed = imr.submissions.filter(status__in=ImrSubmission.SIGNED).order_by("-number").first()
    latest = imr.submissions.order_by("-number").first()
    if draft:
        return latest
    if signed is None:
        raise NoSuchImr("The agency has not signed off a version of this review yet")
    return signed


def imr_pdf_key(imr: Imr, submission: ImrSubmission | None) -> str:
    """What a rendered PDF was made from, so that it is made again only when that
    changes: a version and whether it is signed, or the draft at its last save (with
    the nomination and the terms of reference, which the cover and section 1 show)."""
    if submission is not None:
        return f"imr:{imr.pk}:v{submission.number}:{'signed' if submission.signed else 'unsigned'}"
    from panel.models import TermsOfReference

    last = imr.revisions.order_by("-pk").values_list("pk", flat=True).first() or 0
    terms = TermsOfReference.objects.filter(case_id=imr.case_id).values_list(
        "updated_at", flat=True
    )
    stamp = max(
        [t.timestamp() for t in terms] + [imr.nominated_at.timestamp() if imr.nominated_at else 0]
    )
    return f"imr:{imr.pk}:draft:{last}:{int(stamp)}"


@register(
    "imr",
    title="Individual Management Review (Appendix C)",
    # Per agency: each review's page links its own, and render_document takes --agency.
    own_page=True,
)
def imr_report(
    case,
    agency: str | None = None,
    draft: bool = True,
    imr: Imr | None = None,
    submission: ImrSubmission | None = None,
    imr_id: int | None = None,
    submission_id: int | None = None,
    **options,
) -> Document:
    """`imr`: the review already loaded (the web); `agency`: its name (the command);
    `submission` (or `submission_id`): one version to print rather than the one the
    rules choose; with `submission_id=None` and draft=True before any version, the draft."""
    if imr is None and imr_id is not None:
        # From the worker (scr.documents.services.document_render): ids, not objects.
        imr = Imr.objects.filter(pk=imr_id, case=case).select_related("agency").first()
    if imr is None or imr.case_id != case.pk:
        imr = _imr(case, agency)
    if submission is None and submission_id is not None:
        submission = imr.submissions.filter(pk=submission_id).first()
    if submission is None or submission.imr_id != imr.pk:
        submission = imr_version_to_print(imr, draft=draft)
    content = submission.content if submission is not None else imr_content(imr)
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
