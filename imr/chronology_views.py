"""The author's chronology (section 3): its entries one by one, their order within a day,
and the chronology as a spreadsheet (import and export). Only the author writes; the
agency's lead and director read; the board's readers never see a draft (404)."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imr import access as imr_access
from imr import draft_services, spreadsheet, template
from imr.draft_views import PAGE_SIZE, _draft, _posted_revision, _refused
from imr.entry_parsing import relevance_text
from imr.forms import (
    EntryForm,
    ImportForm,
)
from imr.models import ChronologyEntry
from imr.selectors import (
    chronology_gaps,
    entry_date,
    ordered_entries,
    terms_of_reference,
)
from imr.views import imr_url
from scr import uploads
from scr.deadlines import calendar
from scr.exports import XLSX, TooLongForXlsx, download_response
from scr.formtools import add_service_errors, form_page


def _entry_values(form) -> draft_services.EntryValues:
    d = form.cleaned_data
    return draft_services.EntryValues(
        date=d["date"],
        time=d["time"],
        source=d["source"],
        subject=d["subject"],
        event=d["event"],
        expected_practice=d["expected_practice"],
        term_numbers=[int(n) for n in d["term_numbers"]],
        relevance_note=d["relevance_note"],
        explains_gap=d["explains_gap"],
    )


@require_http_methods(["GET", "POST"])
@login_required
def chronology(request, reference: str, agency_id: int):
    """Section 3: the chronology a page at a time, newest changes kept in order, with the
    form to add an entry beneath."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    terms = terms_of_reference(case)[0]
    form = EntryForm(request.POST or None, terms=terms)
    if request.method == "POST" and form.is_valid():
        try:
            entry = draft_services.chronology_entry_save(
                case_id=case.pk,
                agency_id=imr.agency_id,
                by=request.user,
                values=_entry_values(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Entry for {entry_date(entry).display()} added.")
            position = imr.entries.filter(date__lt=entry.date).count()
            page = position // PAGE_SIZE + 1
            return redirect(f"{imr_url(imr, 'imr:chronology')}?page={page}#entry-{entry.pk}")
    entries = ordered_entries(imr).select_related("updated_by")
    year = request.GET.get("year", "")
    if year.isdigit():
        entries = entries.filter(date__year=int(year))
    paginator = Paginator(entries, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries_shown = list(page.object_list)
    # The author orders a day's untimed entries only where the day has more than one.
    untimed = Counter((e.date, e.date_precision) for e in entries_shown if e.time is None)
    rows = [
        {
            "entry": entry,
            "date": entry_date(entry).display(),
            "movable": entry.time is None and untimed[(entry.date, entry.date_precision)] > 1,
        }
        for entry in entries_shown
    ]
    years = imr.entries.dates("date", "year")
    return form_page(
        request,
        "imr/chronology.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "page": page,
            "rows": rows,
            "total": imr.entries.count(),
            "years": [d.year for d in years],
            "year": year,
            "gaps": chronology_gaps(imr),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "hint": template.CHRONOLOGY_HINT,
            "confidential": True,
        },
    )


def _entry(imr, entry_id: int) -> ChronologyEntry:
    entry = imr.entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    return entry


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request, reference: str, agency_id: int, entry_id: int):
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    entry = _entry(imr, entry_id)
    terms = terms_of_reference(case)[0]
    initial = {
        "revision": entry.revision,
        "date": entry_date(entry).appendix_c(),  # as the author may type it back
        "time": entry.time.strftime("%H:%M") if entry.time else "",
        "source": entry.source,
        "subject": entry.subject,
        "event": entry.event,
        "expected_practice": entry.expected_practice,
        "term_numbers": [str(n) for n in entry.term_numbers],
        "relevance_note": entry.relevance_note,
        "explains_gap": entry.explains_gap,
    }
    back = imr_url(imr, "imr:chronology")
    if request.method == "POST" and request.POST.get("remove"):
        form = EntryForm(initial=initial, terms=terms)
        try:
            draft_services.chronology_entry_remove(
                case_id=case.pk,
                agency_id=imr.agency_id,
                by=request.user,
                entry_id=entry.pk,
                revision=_posted_revision(request),
            )
        except ValidationError as error:
            return _refused(request, error)
        else:
            messages.success(request, f"The entry for {entry_date(entry).display()} is removed.")
            return redirect(back)
    else:
        form = EntryForm(request.POST or None, initial=initial, terms=terms)
        if request.method == "POST" and form.is_valid():
            try:
                draft_services.chronology_entry_save(
                    case_id=case.pk,
                    agency_id=imr.agency_id,
                    by=request.user,
                    values=_entry_values(form),
                    entry_id=entry.pk,
                    revision=form.cleaned_data["revision"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The entry is saved.")
                if request.GET.get("next") == "checks":
                    return redirect(imr_url(imr, "imr:checks"))
                return redirect(f"{back}#entry-{entry.pk}")
    return form_page(
        request,
        "imr/entry_form.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "entry": entry,
            "is_author": imr_access.is_imr_author(roles),
            "editable": imr_access.is_imr_author(roles) and imr.editable,
            "confidential": True,
        },
    )


@require_POST
@login_required
def entry_move(request, reference: str, agency_id: int, entry_id: int):
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    _entry(imr, entry_id)  # an entry of another review is not found here
    try:
        draft_services.chronology_entry_move(
            case_id=case.pk,
            agency_id=imr.agency_id,
            by=request.user,
            entry_id=entry_id,
            up=request.POST.get("direction") == "up",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{imr_url(imr, 'imr:chronology')}?{request.GET.urlencode()}#entry-{entry_id}")


@require_http_methods(["GET", "POST"])
@login_required
def chronology_import(request, reference: str, agency_id: int):
    """Import a spreadsheet of entries: every row checked, nothing added unless all are
    right, and each problem shown with its row as the spreadsheet numbers it."""
    case, imr, roles = _draft(request, reference, agency_id, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(uploads.MAX_UPLOAD_BYTES + 1)
        if len(data) > uploads.MAX_UPLOAD_BYTES:
            form.add_error("file", uploads.too_big_message())
        else:
            numbers = {t["number"] for t in terms_of_reference(case)[0]}
            try:
                rows = spreadsheet.read_chronology(
                    data, upload.name, term_numbers=numbers, today=calendar.today()
                )
                count = draft_services.chronology_import(
                    case_id=case.pk, agency_id=imr.agency_id, by=request.user, rows=rows
                )
            except spreadsheet.SpreadsheetError as error:
                row_errors = error.errors
                count = len(row_errors)
                form.add_error(
                    "file",
                    f"The file was not imported: {count} problem{'s' if count != 1 else ''} "
                    "to fix, listed below",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{count} entries imported into the chronology.")
                return redirect(imr_url(imr, "imr:chronology"))
    return form_page(
        request,
        "imr/chronology_import.html",
        {
            "case": case,
            "imr": imr,
            "form": form,
            "row_errors": row_errors,
            "columns": spreadsheet.COLUMNS,
            "confidential": True,
        },
    )


def export_rows(imr) -> list[list]:
    """The chronology in the spreadsheet's columns: what the import reads back."""
    return [
        [
            entry_date(entry),
            entry.time,
            entry.source,
            entry.subject,
            entry.event,
            entry.expected_practice,
            relevance_text(entry.term_numbers, entry.relevance_note),
            entry.explains_gap,
        ]
        for entry in ordered_entries(imr)
    ]


@require_GET
@login_required
def chronology_export(request, reference: str, agency_id: int, fmt: str):
    """The chronology as XLSX or CSV, every cell made safe from formula injection."""
    case, imr, roles = _draft(request, reference, agency_id, write=False)
    name = f"{case.reference}-{imr.agency.name}-chronology".replace(" ", "-")
    from scr.audit.services import Action, audit_record

    audit_record(
        action=Action.EXPORT,
        actor=request.user,
        obj=imr,
        board=case.board,
        detail=f"chronology {fmt}",
        request=request,
    )
    if fmt == "csv":
        data, content_type = spreadsheet.write_rows_csv(export_rows(imr)), "text/csv"
    elif fmt == "xlsx":
        try:
            data = spreadsheet.write_rows_xlsx(export_rows(imr), "Chronology")
        except TooLongForXlsx as refused:
            messages.error(request, str(refused))
            return redirect(imr_url(imr, "imr:chronology"))
        content_type = XLSX
    else:
        raise Http404("No such format")
    return download_response(data, f"{name}.{fmt}", content_type)
