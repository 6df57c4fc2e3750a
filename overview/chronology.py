"""The merged inter-agency chronology of the overview report (13.4 f): its order, its
filters, what each row shows (age, interval, duplicates folded), the gaps in contact,
and the suggestions of duplicates. The page, the export and the PDF read it;
overview/chronology_views.py assembles a page, and overview/chronology_services.py holds
the two writes of this noun: linking an entry as the same event as another, and undoing
that.

The rows were copied from the accepted reviews when the overview began
(overview.services.overview_start); nothing here changes what an agency recorded.
"""

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Regex

from imr import checks
from imr.selectors import terms_of_reference
from overview.models import FamilyMember, Overview, OverviewEntry
from scr.dates import FuzzyDate, chronology_order, day_text
from scr.deadlines.calendar import add_months

Precision = OverviewEntry.Precision

# 13.4 f: one chronology in date order, the order of an agency's own
# (scr.dates.chronology_order), then by agency and the agency's own order.
MERGED_ORDER = chronology_order("agency__name", "source_index", "pk")


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the chronology to; empty values filter nothing."""

    agency_ids: tuple[int, ...] = ()
    subject: str = ""
    term: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.agency_ids or self.subject or self.term or self.date_from or self.date_to)


def _term_condition(number: int) -> Regex:
    # term_numbers is a JSON list. JSON 'contains' is not available on SQLite, so match
    # the number in the list's text, which both SQLite (as Django stored it) and
    # PostgreSQL (jsonb's canonical text) write as "[1, 2]".
    return Regex(Cast("term_numbers", TextField()), rf'(\[|, )"?{int(number)}"?(,|\])')


def _condition(filters: Filters) -> Q:
    condition = Q()
    if filters.agency_ids:
        condition &= Q(agency_id__in=filters.agency_ids)
    if filters.subject:
        condition &= Q(subject__icontains=filters.subject)
    if filters.term:
        condition &= Q(_term_condition(filters.term))
    if filters.date_from:
        condition &= Q(date__gte=filters.date_from)
    if filters.date_to:
        condition &= Q(date__lte=filters.date_to)
    return condition


def merged_entries(
    overview: Overview, filters: Filters | None = None, *, fold: bool = True
) -> QuerySet[OverviewEntry]:
    """The merged chronology in its order (13.4 f), with each entry's agency.

    With fold=True (the page, the export, the PDF) an entry linked as the same event as
    another is left out and listed on its primary as `folded`, so the event shows once
    with every agency that recorded it; a filter then keeps an event when the primary or
    any entry folded under it matches. fold=False gives every entry, linked or not."""
    entries = OverviewEntry.objects.filter(overview=overview).select_related("agency")
    condition = _condition(filters or Filters())
    if fold:
        entries = entries.filter(same_event__isnull=True)
        if condition:
            matching_duplicate = OverviewEntry.objects.filter(same_event=OuterRef("pk")).filter(
                condition
            )
            entries = entries.filter(condition | Q(Exists(matching_duplicate)))
        folded = OverviewEntry.objects.select_related("agency").order_by(*MERGED_ORDER)
        entries = entries.prefetch_related(Prefetch("duplicates", folded, to_attr="folded"))
    elif condition:
        entries = entries.filter(condition)
    return entries.order_by(*MERGED_ORDER)


# What a row shows ------------------------------------------------------------------------


def date_text(day: date, precision: str, uncertain: bool = False) -> str:
    """The service's one display of an agency's date (scr.dates.FuzzyDate.display):
    dd/mm/yyyy for a day, mm/yyyy for a month, yyyy for a year; '?' first when the agency
    marked the date approximate (Appendix C's marker)."""
    return FuzzyDate(day, Precision(precision), uncertain).display()


def subject_birth(overview: Overview) -> date | None:
    """The adult's date of birth: the case's, or else as the agencies' records give it
    (the adult of the family tree, filled from the reviews when the overview began)."""
    if overview.case.subject_date_of_birth:
        return overview.case.subject_date_of_birth
    return (
        FamilyMember.objects.filter(overview=overview, is_subject=True)
        .values_list("date_of_birth", flat=True)
        .first()
    )


def age_on(birth: date | None, day: date) -> int | None:
    """Whole years of age on `day` (the first day of a month or year entry). Someone born
    on 29 February is a year older on 1 March in a common year, as in English law."""
    if birth is None or day < birth:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def whole_months(earlier: date, later: date) -> int:
    """Calendar months from `earlier` to `later`, the month end clamped as the gap check
    counts them (31/01 to 28/02 is one month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if months > 0 and add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def interval_text(earlier: date, later: date, *, approximate: bool = False) -> str:
    """The time since the previous row, as a reader says it: "same day", "3 days",
    "2 months", "1 year, 4 months"; "about" when either date is not an exact day."""
    days = (later - earlier).days
    months = whole_months(earlier, later)
    if days == 0:
        text = "same day"
    elif months == 0:
        text = _plural(days, "day")
    elif months < 12:
        text = _plural(months, "month")
    else:
        years, rest = divmod(months, 12)
        text = _plural(years, "year") + (f", {_plural(rest, 'month')}" if rest else "")
    return f"about {text}" if approximate and days else text


@dataclass(frozen=True)
class Previous:
    """The row before: its date and whether that date is inexact."""

    date: date
    approximate: bool


def _approximate(precision: str, uncertain: bool) -> bool:
    return uncertain or precision != Precision.DAY


@dataclass(frozen=True)
class MergedRow:
    """One event of the merged chronology as a page or the PDF shows it."""

    entry: OverviewEntry
    agencies: tuple[str, ...]  # the recording agency, then those of the folded entries
    date: str
    time: str
    age: int | None
    interval_days: int | None
    interval: str
    duplicates: tuple[OverviewEntry, ...]
    is_gap = False

    @property
    def agency(self) -> str:
        return self.agencies[0]


@dataclass(frozen=True)
class MergedGap:
    """13.4 f: a period in which no agency recorded any contact, longer than the board's
    threshold, and the agencies with an entry explaining it (dated within it)."""

    start: date
    end: date
    months: float
    explained_by: tuple[str, ...]
    is_gap = True

    @property
    def text(self) -> str:
        return (
            f"No agency contact for {self.months:g} month{'' if self.months == 1 else 's'} "
            f"(from {day_text(self.start)} to {day_text(self.end)})"
        )


def merged_rows(
    entries: Iterable[OverviewEntry], *, previous: Previous | None, birth: date | None
) -> list[MergedRow]:
    """The rows of `entries` (from merged_entries), each interval measured from the row
    before it in the same view: `previous` is the row before the first one."""
    rows = []
    for entry in entries:
        duplicates = tuple(getattr(entry, "folded", ()))
        approximate = _approximate(entry.date_precision, entry.date_uncertain)
        if previous is None:
            days, interval = None, ""
        else:
            days = (entry.date - previous.date).days
            interval = interval_text(
                previous.date, entry.date, approximate=approximate or previous.approximate
            )
        rows.append(
            MergedRow(
                entry=entry,
                agencies=(entry.agency.name, *(d.agency.name for d in duplicates)),
                date=date_text(entry.date, entry.date_precision, entry.date_uncertain),
                time=entry.time.strftime("%H:%M") if entry.time else "",
                age=age_on(birth, entry.date),
                interval_days=days,
                interval=interval,
                duplicates=duplicates,
            )
        )
        previous = Previous(entry.date, approximate)
    return rows


def row_before(entries: QuerySet[OverviewEntry], offset: int) -> Previous | None:
    """The row at `offset` (zero-based) of a merged view: one query for one row, so the
    first row of a page measures its interval from the last row of the page before."""
    if offset < 0:
        return None
    found = list(
        entries.prefetch_related(None).values_list("date", "date_precision", "date_uncertain")[
            offset : offset + 1
        ]
    )
    if not found:
        return None
    day, precision, uncertain = found[0]
    return Previous(day, _approximate(precision, uncertain))


# Gaps ------------------------------------------------------------------------------------


def merged_gaps(overview: Overview, *, period: tuple | None = None) -> list[MergedGap]:
    """Periods longer than the board's chronology_gap_months in which no agency recorded
    anything (13.4 f; Appendix C's gap rule, over all agencies together). Every entry
    counts as contact; one marked as explaining a gap within the period, edges included,
    is named on it. `period`: the terms of reference's (from, to), if the caller has it.
    One query over the distinct dates, not the rows."""
    if period is None:
        period = terms_of_reference(overview.case)[2]
    dated = (
        OverviewEntry.objects.filter(overview=overview)
        .values_list("date", "explains_gap", "agency__name")
        .order_by()  # no default ordering: DISTINCT over these three columns alone
        .distinct()
    )
    contacts, explanations = set(), []
    for day, explains, agency in dated:
        contacts.add(day)
        if explains:
            explanations.append((day, agency))
    found = checks.gaps(
        contacts,
        [],  # every gap is shown; whether one is explained is said on it
        threshold_months=overview.case.board.chronology_gap_months,
        period=period,
    )
    return [
        MergedGap(
            start=gap.start,
            end=gap.end,
            months=gap.months,
            explained_by=tuple(
                sorted({agency for day, agency in explanations if gap.start <= day <= gap.end})
            ),
        )
        for gap in found
    ]


def place_gaps(
    rows: Sequence[MergedRow],
    gaps: Sequence[MergedGap],
    *,
    previous: Previous | None,
    last_page: bool,
    filters: Filters | None = None,
) -> list[MergedRow | MergedGap]:
    """The rows with each gap between the rows where it falls: before the first row
    dated on or after the gap's end (on the last page, gaps after every row close it).
    A gap outside the filtered dates is left out."""
    filters = filters or Filters()
    shown = [
        gap
        for gap in gaps
        if (filters.date_from is None or gap.end >= filters.date_from)
        and (filters.date_to is None or gap.start <= filters.date_to)
    ]
    before = previous.date if previous else None
    items: list[MergedRow | MergedGap] = []
    for row in rows:
        items.extend(
            g for g in shown if (before is None or g.end > before) and g.end <= row.entry.date
        )
        items.append(row)
        before = row.entry.date
    if last_page:
        items.extend(g for g in shown if before is None or g.end > before)
    return items


# Duplicates ------------------------------------------------------------------------------

SIMILAR = 0.3  # Jaccard overlap of significant words at which two entries are suggested
_STOP_TEXT = (
    "a about after again all also an and any are as at be been before being but by can "
    "could did do does during for from had has have he her here him his how into is it its "
    "no nor not of off on once only or other our out over own she should so some such than "
    "that the their them then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_TOKEN = re.compile(r"[A-Za-z0-9]+")
# Worker codes (SW1, GP12) and initials (HQM, RQ) name people, not what happened: two
# agencies write different codes for the same visit.
_CODE = re.compile(r"[A-Za-z]{1,4}\d{1,3}|[A-Z]{2,4}")


def significant_words(text: str) -> frozenset[str]:
    return frozenset(
        token.lower()
        for token in _TOKEN.findall(text)
        if not _CODE.fullmatch(token)
        and not token.isdigit()
        and len(token) > 2
        and token.lower() not in STOP_WORDS
    )


def overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """Jaccard: shared words over all words of the two."""
    union = first | second
    return len(first & second) / len(union) if union else 0.0


@dataclass(frozen=True)
class DuplicatePair:
    first: OverviewEntry  # the one kept when linked: the earlier, or one already linked to
    second: OverviewEntry
    overlap: float


def duplicate_suggestions(overview: Overview) -> list[DuplicatePair]:
    """Possible duplicates (13.4 f): entries of two agencies on the same exact day whose
    words overlap by SIMILAR or more, not yet linked. Two queries: the days two agencies
    share, and their entries."""
    shared_days = (
        OverviewEntry.objects.filter(overview=overview, date_precision=Precision.DAY)
        .values("date")
        .annotate(agencies=Count("agency", distinct=True))
        .filter(agencies__gte=2)
        .values("date")
    )
    candidates = (
        merged_entries(overview, fold=False)
        .filter(date_precision=Precision.DAY, same_event__isnull=True, date__in=shared_days)
        .annotate(linked_to=Exists(OverviewEntry.objects.filter(same_event=OuterRef("pk"))))
    )
    by_day: dict[date, list[OverviewEntry]] = defaultdict(list)
    for entry in candidates:
        by_day[entry.date].append(entry)
    pairs = []
    for entries in by_day.values():
        words = {entry.pk: significant_words(entry.event) for entry in entries}
        for first, second in itertools.combinations(entries, 2):
            if first.agency_id == second.agency_id:
                continue
            score = overlap(words[first.pk], words[second.pk])
            if score >= SIMILAR:
                # The entry others are already linked to is the one kept (no chains).
                if second.linked_to and not first.linked_to:
                    first, second = second, first
                pairs.append(DuplicatePair(first, second, round(score, 2)))
    return pairs
