"""The merged chronology drawn as a timeline (13.4 f): one lane per agency, a mark per
day an agency recorded something, the gaps without any contact shaded.

Every coordinate is computed here, so templates/overview/_timeline.svg.html only draws,
and the same include serves the page and the PDF (no script, no external resource).
A chronology may hold 12,000 rows: entries are counted per agency and day in the
database and, past MAX_MARKS, drawn as one bar per week, month or year whose height
is the count, so the drawing stays a few hundred shapes however long the chronology.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from imr.selectors import terms_of_reference
from overview.chronology import MergedGap, merged_gaps
from overview.models import Overview, OverviewEntry
from scr.dates import day_text
from scr.deadlines.calendar import add_months

MAX_MARKS = 400
WIDTH = 960
LABEL_WIDTH = 230  # the agencies' names, left of the plot
RIGHT_MARGIN = 20
TOP = 28  # room for the gaps' labels
LANE_HEIGHT = 40
AXIS_HEIGHT = 34
LABEL_CHARACTERS = 30
MAX_TICKS = 10
GAP_LABEL_WIDTH = 75  # the least width of a shaded gap that holds its label
# Colours against white and the lane stripe (#f3f2f1), for WCAG 1.4.11 (3:1 for shapes):
# a mark #1d70b8 (5.2:1 and 4.6:1); a count #003078 with white figures (13:1). Lanes are
# told apart by position and name, gaps by dashed edges and a label, never by colour.
MARK = "#1d70b8"
COUNT_MARK = "#003078"

Precision = OverviewEntry.Precision


@dataclass(frozen=True)
class Lane:
    name: str
    label: str  # the name, shortened to fit beside the plot
    y: float
    height: float
    text_y: float
    stripe: bool
    count: int  # entries of this agency within the period shown
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Mark:
    """A point (a day), a span (an entry dated by month or year only), or a bar (the
    entries of a week, month or year, its height their count)."""

    shape: str  # "point", "span" or "bar"
    x: float
    y: float
    width: float
    height: float
    r: float
    count: int
    title: str  # shown on hover; the table after the drawing carries the same counts
    fill: str
    label: str  # the count on a point that stands for several entries
    text_y: float


@dataclass(frozen=True)
class Shade:
    x: float
    width: float
    label_x: float
    label: str  # "No contact" where it fits; the title and the list say it anyway
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    uid: str  # prefixes the ids, so a page may hold two timelines
    width: int
    height: int
    plot_left: int
    plot_right: int
    lanes_top: int
    lanes_bottom: int
    lanes_height: int
    axis_y: int
    start: date | None
    end: date | None
    bucket: str  # "day", "week", "month" or "year": what one mark stands for
    lanes: list[Lane]
    marks: list[Mark]
    shades: list[Shade]
    ticks: list[Tick]
    gaps: list[MergedGap]
    total: int
    title: str
    desc: str


BUCKETS = ("day", "week", "month", "year")


def _bucket(day: date, size: str) -> tuple[date, date]:
    """The first and last day of the period of `size` holding `day`."""
    if size == "day":
        return day, day
    if size == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if size == "month":
        first = day.replace(day=1)
        return first, add_months(first, 1) - timedelta(days=1)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _period_text(first: date, last: date, size: str) -> str:
    if size == "day":
        return f"on {day_text(first)}"
    if size == "week":
        return f"in the week beginning {day_text(first)}"
    if size == "month":
        return f"in {first:%B %Y}"
    return f"in {first.year}"


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _ticks(start: date, end: date, x) -> list[Tick]:
    """Axis labels, at most MAX_TICKS: Mondays for a short period, then the first of
    every 1, 2, 3 or 6 months (the year on January's and the first), then years."""
    if (end - start).days <= 62:
        day = start + timedelta(days=(7 - start.weekday()) % 7)
        days = []
        while day <= end:
            days.append(day)
            day += timedelta(weeks=1)
        return [Tick(x(d), day_text(d)) for d in days]
    for step in (1, 2, 3, 6):
        day = start.replace(day=1)
        while day < start or (day.month - 1) % step:
            day = add_months(day, 1)
        days = []
        while day <= end:
            days.append(day)
            day = add_months(day, step)
        if len(days) <= MAX_TICKS:
            return [
                Tick(x(d), d.strftime("%b %Y" if n == 0 or d.month == 1 else "%b"))
                for n, d in enumerate(days)
            ]
    step = math.ceil((end.year - start.year + 1) / MAX_TICKS)
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    first += -first % step
    return [Tick(x(date(year, 1, 1)), str(year)) for year in range(first, end.year + 1, step)]


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1] + "…"


def _day_marks(counts, x, centre) -> list[Mark]:
    """One point per agency and day (the count on it when several), and a thin span
    across the month or year of an entry dated no more exactly."""
    marks = []
    for name, day, precision, n in counts:
        y = centre[name]
        if precision == Precision.DAY:
            r = 5.0 if n == 1 else round(min(9.0, 5 + math.log2(n) * 1.5), 1)
            title = f"{name}: {_entries(n)} on {day_text(day)}"
            label = "" if n == 1 else str(n)
            marks.append(
                Mark(
                    "point",
                    x(day),
                    y,
                    0,
                    0,
                    r,
                    n,
                    title,
                    COUNT_MARK if label else MARK,
                    label,
                    y + 3.5,
                )
            )
        else:
            size = "month" if precision == Precision.MONTH else "year"
            first, last = _bucket(day, size)
            left = x(first)
            title = f"{name}: {_entries(n)} {_period_text(first, last, size)}, no exact day"
            marks.append(
                Mark(
                    "span",
                    left,
                    y - 2,
                    round(max(x(last) - left, 2), 1),
                    4,
                    0,
                    n,
                    title,
                    MARK,
                    "",
                    y,
                )
            )
    # Spans first, so the points of the same days are drawn over them.
    return sorted(marks, key=lambda mark: mark.shape != "span")


def _bar_marks(groups, size: str, x, lanes_by_name) -> list[Mark]:
    """One bar per agency and period, as tall as its count against the largest."""
    largest = max(groups.values())
    marks = []
    for (name, first, last), n in sorted(groups.items(), key=lambda item: item[0][1]):
        lane = lanes_by_name[name]
        height = round(max(3.0, (LANE_HEIGHT - 10) * n / largest), 1)
        left = x(first)
        width = round(max(x(last + timedelta(days=1)) - left - 1, 1.5), 1)
        title = f"{name}: {_entries(n)} {_period_text(first, last, size)}"
        marks.append(
            Mark(
                "bar",
                left,
                lane.y + LANE_HEIGHT - 5 - height,
                width,
                height,
                0,
                n,
                title,
                COUNT_MARK,
                "",
                0,
            )
        )
    return marks


def build_timeline(
    overview: Overview,
    *,
    start: date | None = None,
    end: date | None = None,
    uid: str = "timeline",
) -> Timeline:
    """The timeline of the merged chronology between `start` and `end` (None: from the
    first entry, or the start of the terms of reference's period; to the last, or its
    end). Five queries: the agencies, the entries counted per agency and day, the terms'
    period, and the gaps' dates."""
    entries = OverviewEntry.objects.filter(overview=overview)
    lane_names = sorted(entries.values_list("agency__name", flat=True).order_by().distinct())
    within = entries
    if start is not None:
        within = within.filter(date__gte=start)
    if end is not None:
        within = within.filter(date__lte=end)
    counts = [
        (row["agency__name"], row["date"], row["date_precision"], row["n"])
        for row in within.values("agency__name", "date", "date_precision")
        .annotate(n=Count("pk"))
        .order_by("date")
    ]
    period = terms_of_reference(overview.case)[2]
    known = [row[1] for row in counts] + [d for d in period if d is not None]
    start = start or (min(known) if known else None)
    end = end or (max(known) if known else None)
    drawn = start is not None and end is not None
    gaps = [
        gap
        for gap in merged_gaps(overview, period=period)
        if drawn and gap.end >= start and gap.start <= end
    ]

    by_agency: dict[str, list[tuple[date, int]]] = {name: [] for name in lane_names}
    for name, day, _, n in counts:
        by_agency.setdefault(name, []).append((day, n))
    lanes = []
    for index, name in enumerate(lane_names):
        days = sorted(day for day, _ in by_agency[name])
        y = TOP + index * LANE_HEIGHT
        lanes.append(
            Lane(
                name=name,
                label=_label(name),
                y=y,
                height=LANE_HEIGHT,
                text_y=y + LANE_HEIGHT / 2 + 5,
                stripe=index % 2 == 0,
                count=sum(n for _, n in by_agency[name]),
                first=days[0] if days else None,
                last=days[-1] if days else None,
            )
        )
    lanes_bottom = TOP + len(lanes) * LANE_HEIGHT
    total = sum(row[3] for row in counts)

    marks: list[Mark] = []
    shades: list[Shade] = []
    ticks: list[Tick] = []
    size = "day"
    if drawn:
        # A little room either side, so a mark on the first or last day is not cut.
        pad = max(1, (end - start).days // 50)
        left, right = start - timedelta(days=pad), end + timedelta(days=pad)
        span = (right - left).days

        def x(day: date) -> float:
            clamped = min(max(day, left), right)
            plot = WIDTH - RIGHT_MARGIN - LABEL_WIDTH
            return round(LABEL_WIDTH + (clamped - left).days / span * plot, 1)

        lanes_by_name = {lane.name: lane for lane in lanes}
        if len(counts) <= MAX_MARKS:
            centre = {lane.name: lane.y + LANE_HEIGHT / 2 for lane in lanes}
            marks = _day_marks(counts, x, centre)
        else:
            for size in BUCKETS[1:]:
                groups: dict[tuple[str, date, date], int] = {}
                for name, day, _, n in counts:
                    key = (name, *_bucket(day, size))
                    groups[key] = groups.get(key, 0) + n
                if len(groups) <= MAX_MARKS:
                    break
            marks = _bar_marks(groups, size, x, lanes_by_name)
        for gap in gaps:
            x0, x1 = x(gap.start), x(gap.end)
            shades.append(
                Shade(
                    x=x0,
                    width=round(max(x1 - x0, 1.0), 1),
                    label_x=round((x0 + x1) / 2, 1),
                    label="No contact" if x1 - x0 >= GAP_LABEL_WIDTH else "",
                    title=gap.text,
                )
            )
        ticks = _ticks(start, end, x)

    summary = "; ".join(f"{lane.name}: {lane.count}" for lane in lanes)
    shown = f"from {day_text(start)} to {day_text(end)}" if drawn else "with no entries"
    desc = (
        f"{_entries(total)} {shown}, by agency: {summary or 'none'}. "
        f"{len(gaps)} period{'' if len(gaps) == 1 else 's'} with no agency contact shaded."
        + ("" if size == "day" else f" Each bar counts the entries of one {size}.")
    )
    return Timeline(
        uid=uid,
        width=WIDTH,
        height=lanes_bottom + AXIS_HEIGHT,
        plot_left=LABEL_WIDTH,
        plot_right=WIDTH - RIGHT_MARGIN,
        lanes_top=TOP,
        lanes_bottom=lanes_bottom,
        lanes_height=lanes_bottom - TOP,
        axis_y=lanes_bottom,
        start=start,
        end=end,
        bucket=size,
        lanes=lanes,
        marks=marks,
        shades=shades,
        ticks=ticks,
        gaps=gaps,
        total=total,
        title=f"Timeline of the inter-agency chronology, {shown}",
        desc=desc,
    )
