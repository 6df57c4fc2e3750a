"""The merged inter-agency chronology's pages (13.4 f): the chronology a page at a time
with its filters, its download, the possible duplicates side by side, the author's
linking of two entries as one event, and the timeline.

Everyone who reads the overview report reads these pages; only its author links and
unlinks, while the report is being written."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imr.selectors import terms_of_reference
from overview import access as overview_access
from overview import chronology as merged
from overview import chronology_services
from overview.models import Overview, OverviewEntry
from overview.timeline import build_timeline
from overview.views import load, overview_url
from scr.accounts.models import Agency
from scr.audit.services import Action, audit_record
from scr.exports import TooLongForXlsx, csv_response, xlsx_response
from scr.fields import PAST, GovukDateField
from scr.formtools import form_page

PAGE_SIZE = 100
DUPLICATES_PER_PAGE = 50
EXPORT_COLUMNS = [
    "Date",
    "Time",
    "Agency",
    "Source",
    "Subject",
    "Event",
    "Expected practice",
    "Terms of reference",
    "Age",
    "Same event as",
    "Ref",
]


def position_of(overview: Overview, filters: merged.Filters, entry_id: int) -> int | None:
    """The zero-based place in the filtered merged view of an entry, or of the event it
    is folded under; None if the view does not hold it. Reads the ordered ids alone."""
    found = (
        OverviewEntry.objects.filter(overview=overview, pk=entry_id)
        .values_list("pk", "same_event_id")
        .first()
    )
    if found is None:
        return None
    target = found[1] or found[0]
    ids = (
        merged.merged_entries(overview, filters).prefetch_related(None).values_list("pk", flat=True)
    )
    for position, pk in enumerate(ids.iterator(chunk_size=2000)):
        if pk == target:
            return position
    return None


@dataclass(frozen=True)
class ChronologyPage:
    page: Page
    items: list[merged.MergedRow | merged.MergedGap]


def chronology_page(
    overview: Overview,
    filters: merged.Filters,
    page_number: int | str | None,
    *,
    period: tuple | None = None,
    per_page: int = PAGE_SIZE,
) -> ChronologyPage:
    """One page of the merged chronology: a fixed number of queries however long the
    chronology (the count, the page, its folded entries, the row before, the gaps)."""
    entries = merged.merged_entries(overview, filters)
    page = Paginator(entries, per_page).get_page(page_number)
    previous = merged.row_before(entries, page.start_index() - 2) if page.number > 1 else None
    rows = merged.merged_rows(
        page.object_list, previous=previous, birth=merged.subject_birth(overview)
    )
    items = merged.place_gaps(
        rows,
        merged.merged_gaps(overview, period=period),
        previous=previous,
        last_page=not page.has_next(),
        filters=filters,
    )
    return ChronologyPage(page=page, items=items)


class DateRangeForm(forms.Form):
    date_from = GovukDateField(required=False, name="the first date", label="From", when=PAST)
    date_to = GovukDateField(required=False, name="the last date", label="To", when=PAST)

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last date must be the same as or after the first date")
        return data


class ChronologyFilterForm(DateRangeForm):
    """The reader's filters; a GET form, so a filtered page can be bookmarked."""

    agency = forms.TypedMultipleChoiceField(
        label="Agency",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose agencies of this chronology"},
    )
    subject = forms.CharField(
        label="Subject of recording",
        required=False,
        max_length=200,
        help_text="Initials as the agencies recorded them, for example HQM",
        error_messages={"max_length": "Enter 200 characters or fewer for the subject"},
    )
    term = forms.TypedChoiceField(
        label="Term of reference",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a term of reference of this review"},
    )

    field_order = ["agency", "subject", "term", "date_from", "date_to"]

    def __init__(self, data, *, agencies, terms):
        super().__init__(data)
        self.fields["agency"].choices = [(agency.pk, agency.name) for agency in agencies]
        self.fields["term"].choices = [("", "Any term")] + [
            (t["number"], f"{t['number']}. {t['text'][:70]}") for t in terms
        ]

    def filters(self) -> merged.Filters:
        data = self.cleaned_data
        return merged.Filters(
            agency_ids=tuple(data.get("agency") or ()),
            subject=(data.get("subject") or "").strip(),
            term=data.get("term"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class TimelineForm(DateRangeForm):
    """The timeline's period: the whole chronology, one year, or from and to."""

    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a year of this chronology"},
    )

    field_order = ["year", "date_from", "date_to"]

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["year"].choices = [("", "The whole period")] + [(y, str(y)) for y in years]

    def clean(self):
        data = super().clean()
        if data.get("year") and (data.get("date_from") or data.get("date_to")):
            self.add_error("year", "Choose a year or the dates, not both")
        return data

    def period(self) -> tuple[date | None, date | None]:
        data = self.cleaned_data
        if data.get("year"):
            return date(data["year"], 1, 1), date(data["year"], 12, 31)
        return data.get("date_from"), data.get("date_to")


def _query(request) -> str:
    """The filters as a query string, without the page or the entry to show: for paging
    and the downloads."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("around", None)
    return params.urlencode()


def _filter_form(request, case, overview) -> tuple[ChronologyFilterForm, tuple]:
    terms, _, period = terms_of_reference(case)
    agencies = Agency.objects.filter(
        pk__in=OverviewEntry.objects.filter(overview=overview).values("agency_id")
    ).order_by("name")
    return ChronologyFilterForm(request.GET, agencies=list(agencies), terms=terms), period


def _chronology_context(request, case, overview, perms, form) -> dict:
    query = _query(request)
    return {
        "case": case,
        "overview": overview,
        "confidential": True,
        "form": form,
        "query": query,
        "page_prefix": f"{query}&" if query else "",
        "gap_months": case.board.chronology_gap_months,
        "can_write": overview_access.may_write_overview(perms) and overview.editable,
    }


@require_GET
@login_required
def chronology(request, reference: str):
    """13.4 f: the merged chronology, 100 events a page, with the filters; bad filters
    show their errors (400) and no rows, keeping what was typed."""
    case, overview, perms = load(request, reference)
    form, period = _filter_form(request, case, overview)
    context = _chronology_context(request, case, overview, perms, form)
    if form.is_valid():
        filters = form.filters()
        number = request.GET.get("page")
        around = request.GET.get("around", "")
        if around.isdigit() and not number:
            # A finding's reference (E12) opens the page that holds the entry.
            position = position_of(overview, filters, int(around))
            number = 1 if position is None else position // PAGE_SIZE + 1
        page = chronology_page(overview, filters, number, period=period)
        context.update(page=page.page, items=page.items, filtered=filters.active)
    return form_page(request, "overview/chronology.html", context)


def _cell(value) -> str:
    # Control characters pasted from Word cannot be stored in XLSX.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _export_row(entry: OverviewEntry, birth, same_as: str) -> list:
    age = merged.age_on(birth, entry.date)
    return [
        _cell(value)
        for value in (
            merged.date_text(entry.date, entry.date_precision, entry.date_uncertain),
            entry.time.strftime("%H:%M") if entry.time else "",
            entry.agency.name,
            entry.source,
            entry.subject,
            entry.event,
            entry.expected_practice,
            ", ".join(str(n) for n in entry.term_numbers),
            "" if age is None else age,
            same_as,
            f"E{entry.pk}",
        )
    ]


def export_rows(overview, filters: merged.Filters) -> Iterator[list]:
    """The filtered chronology in EXPORT_COLUMNS, an entry a row: each event's primary
    entry, then the entries linked to it, which name it under 'Same event as'. Read in
    chunks, so a 12,000-row chronology is never all in memory as objects."""
    birth = merged.subject_birth(overview)
    for entry in merged.merged_entries(overview, filters).iterator(chunk_size=500):
        yield _export_row(entry, birth, "")
        label = (
            f"E{entry.pk} ({entry.agency.name}, "
            f"{merged.date_text(entry.date, entry.date_precision, entry.date_uncertain)})"
        )
        for duplicate in entry.folded:
            yield _export_row(duplicate, birth, label)


@require_GET
@login_required
def chronology_export(request, reference: str, fmt: str):
    """The filtered chronology as XLSX or CSV (every cell through safe_cell against
    formula injection), audited as an export."""
    if fmt not in ("xlsx", "csv"):
        raise Http404("No such format")
    case, overview, perms = load(request, reference, audit=False)
    form, _ = _filter_form(request, case, overview)
    if not form.is_valid():
        context = _chronology_context(request, case, overview, perms, form)
        return form_page(request, "overview/chronology.html", context)
    filters = form.filters()
    audit_record(
        action=Action.EXPORT,
        actor=request.user,
        obj=overview,
        board=case.board,
        # Which filters, never what was typed in them (a subject may be initials).
        detail=f"inter-agency chronology {fmt}; filtered by: "
        f"{', '.join(sorted(k for k, v in request.GET.items() if v and k != 'page')) or '-'}",
        request=request,
    )
    name = f"{case.reference}-inter-agency-chronology.{fmt}"
    rows = export_rows(overview, filters)
    if fmt == "csv":
        return csv_response(name, EXPORT_COLUMNS, rows)
    try:
        return xlsx_response(name, "Inter-agency chronology", EXPORT_COLUMNS, rows)
    except TooLongForXlsx as refused:
        messages.error(request, str(refused))
        return redirect(
            f"{reverse('overview:chronology', args=[case.reference])}?{request.GET.urlencode()}"
        )


@require_GET
@login_required
def duplicates(request, reference: str):
    """13.4 f: entries two agencies made of what may be one event, side by side; the
    author links them so the chronology shows the event once. Readers see the pairs."""
    case, overview, perms = load(request, reference)
    pairs = Paginator(merged.duplicate_suggestions(overview), DUPLICATES_PER_PAGE)
    linked = merged.merged_entries(overview).filter(
        Exists(OverviewEntry.objects.filter(same_event=OuterRef("pk")))
    )
    birth = merged.subject_birth(overview)
    page = pairs.get_page(request.GET.get("page"))
    shown = []
    for pair in page.object_list:
        first, second = merged.merged_rows([pair.first, pair.second], previous=None, birth=birth)
        shown.append(
            {
                "first": first,
                "second": second,
                "sides": (first, second),
                "percent": round(pair.overlap * 100),
            }
        )
    return form_page(
        request,
        "overview/duplicates.html",
        {
            "case": case,
            "overview": overview,
            "confidential": True,
            "page": page,
            "pairs": shown,
            "linked": merged.merged_rows(linked, previous=None, birth=birth),
            "can_write": overview_access.may_write_overview(perms) and overview.editable,
        },
    )


def _back(request, case) -> str:
    """Where to go after a link: the chronology or duplicates page it came from."""
    pages = (overview_url(case, "overview:chronology"), overview_url(case, "overview:duplicates"))
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) and (
        wanted.startswith(pages)
    ):
        return wanted
    return pages[1]


def _author(request, reference: str, entry_id: int):
    """404 for those who may not read the report, 403 for readers who may not write, and
    404 for an entry of another report, whatever its id."""
    case, overview, perms = load(request, reference, audit=False)
    if not overview_access.may_write_overview(perms):
        raise PermissionDenied
    if not OverviewEntry.objects.filter(overview=overview, pk=entry_id).exists():
        raise Http404("No such entry")
    return case


@require_POST
@login_required
def entry_link(request, reference: str, entry_id: int):
    """The author says an entry is the same event as another (13.4 f)."""
    case = _author(request, reference, entry_id)
    try:
        same_as_id = int(request.POST.get("same_as", ""))
        chronology_services.overview_entry_link(
            case_id=case.pk, by=request.user, entry_id=entry_id, same_as_id=same_as_id
        )
    except ValueError:
        messages.error(request, "Choose the entry it is the same event as.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The two entries are shown as one event.")
    return redirect(_back(request, case))


@require_POST
@login_required
def entry_unlink(request, reference: str, entry_id: int):
    """The author shows a linked entry as its own event again (13.4 f)."""
    case = _author(request, reference, entry_id)
    try:
        chronology_services.overview_entry_unlink(
            case_id=case.pk, by=request.user, entry_id=entry_id
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The entry is shown as its own event again.")
    return redirect(_back(request, case))


@require_GET
@login_required
def timeline(request, reference: str):
    """13.4 f: the chronology as a timeline, one lane per agency, for the whole period,
    a year, or chosen dates."""
    case, overview, perms = load(request, reference)
    years = [d.year for d in OverviewEntry.objects.filter(overview=overview).dates("date", "year")]
    form = TimelineForm(request.GET, years=years)
    context = {
        "case": case,
        "overview": overview,
        "form": form,
        "years": years,
        "confidential": True,
    }
    if form.is_valid():
        start, end = form.period()
        context["timeline"] = build_timeline(overview, start=start, end=end)
        context["year"] = form.cleaned_data.get("year")
    return form_page(request, "overview/timeline.html", context)
