"""The page of a document the worker lays out: the file once it is ready, until then how
far it has got (the page looks again every few seconds). Shared by every stage."""

from django.shortcuts import redirect, render

from scr import uploads
from scr.audit.services import Action, audit_record


def rendered_document_response(
    request, *, document, obj, board, label: str, template: str, context: dict
):
    """The PDF with an audit row when `document` is done; after a POST ("Try again")
    back to the same address; otherwise the status page `template`. The caller has
    checked that the user may read the document."""
    document.refresh_from_db()
    if document.ready:
        response = uploads.download_response(
            document.file_name, content_type="application/pdf", filename=document.filename
        )
        audit_record(
            action=Action.DOWNLOAD,
            actor=request.user,
            obj=obj,
            board=board,
            label=label,
            detail=f"PDF, {document.key}",
            request=request,
        )
        return response
    if request.method == "POST":
        return redirect(request.path)
    return render(request, template, {**context, "document": document})


def document_page(
    request, *, case, kind: str, key: str, obj, template: str, context: dict, options=None
):
    """Ask the worker for the document `kind` of `case` made from `key` (the one made or
    being made is reused), then answer as rendered_document_response does. Looking again
    does not ask again after a failure; "Try again" (POST) does."""
    from scr.documents.services import document_request

    document = document_request(
        case=case,
        kind=kind,
        key=key,
        options=options or {},
        by=request.user,
        retry_failed=request.method == "POST",
    )
    return rendered_document_response(
        request,
        document=document,
        obj=obj,
        board=case.board,
        label=kind,
        template=template,
        context=context,
    )
