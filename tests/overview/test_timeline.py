"""The timeline of the inter-agency chronology (13.4 f): lanes, marks and gaps laid out
in Python, drawn by one include for the page and the PDF, bounded however long the
chronology, and the period chosen on the page."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from overview import timeline as timeline_module
from overview.timeline import build_timeline
from tests.overview.test_chronology import CARE, NHS, POLICE, add_entries

pytestmark = pytest.mark.django_db


def url(overview):
    return reverse("overview:timeline", args=[overview.case.reference])


def test_one_lane_per_agency_and_a_mark_per_day(started):
    drawn = build_timeline(started)
    assert [lane.name for lane in drawn.lanes] == [CARE, NHS, POLICE]
    assert [lane.count for lane in drawn.lanes] == [3, 3, 3]
    assert (drawn.start, drawn.end, drawn.bucket, drawn.total) == (
        date(2025, 1, 1),
        date(2025, 12, 26),
        "day",
        9,
    )
    # The year-only and month-only entries span their period; the rest are points.
    spans = [mark.title for mark in drawn.marks if mark.shape == "span"]
    assert spans == [
        f"{CARE}: 1 entry in 2025, no exact day",
        f"{POLICE}: 1 entry in February 2025, no exact day",
    ]
    points = [mark for mark in drawn.marks if mark.shape == "point"]
    assert len(points) == 7
    lane_centres = {lane.name: lane.y + lane.height / 2 for lane in drawn.lanes}
    visit = [m for m in points if m.title == f"{NHS}: 1 entry on 03/02/2025"][0]
    assert visit.y == lane_centres[NHS]
    later = [m for m in points if m.title == f"{CARE}: 1 entry on 26/12/2025"][0]
    assert drawn.plot_left < visit.x < later.x <= drawn.plot_right


def test_the_gaps_are_shaded_across_every_lane(started):
    drawn = build_timeline(started)
    assert [shade.title for shade in drawn.shades] == [
        "No agency contact for 6.2 months (from 14/03/2025 to 20/09/2025)",
        "No agency contact for 3.2 months (from 20/09/2025 to 25/12/2025)",
    ]
    first = drawn.shades[0]
    assert drawn.plot_left < first.x < first.x + first.width < drawn.plot_right


def test_the_drawing_is_accessible_and_self_contained(started):
    svg = render_to_string("overview/_timeline.svg.html", {"timeline": build_timeline(started)})
    assert 'role="img"' in svg and 'aria-labelledby="timeline-title timeline-desc"' in svg
    title = re.search(r'<title id="timeline-title">(.*?)</title>', svg)[1]
    assert title == "Timeline of the inter-agency chronology, from 01/01/2025 to 26/12/2025"
    desc = re.search(r'<desc id="timeline-desc">(.*?)</desc>', svg)[1]
    assert f"{CARE}: 3; {NHS}: 3; {POLICE}: 3" in desc
    assert "2 periods with no agency contact shaded" in desc
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    # The text alternative: a table of the counts by agency, and the gaps in words.
    assert f'<th scope="row" class="govuk-table__header">{NHS}</th>' in svg
    assert "No agency contact for 6.2 months (from 14/03/2025 to 20/09/2025)" in svg
    assert svg.count("<circle") == 7 and svg.count("No contact</text>") == 2


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_marks_meet_contrast_on_both_lane_colours():
    for background in ("#ffffff", "#f3f2f1", "#fff7bf"):
        assert contrast(timeline_module.MARK, background) >= 3
        assert contrast(timeline_module.COUNT_MARK, background) >= 3
    assert contrast(timeline_module.COUNT_MARK, "#ffffff") >= 4.5  # the white figures


def test_a_long_chronology_is_drawn_in_a_bounded_number_of_marks(started):
    add_entries(started, 1500, start=date(2020, 1, 6))
    drawn = build_timeline(started)
    assert drawn.bucket in ("week", "month")
    assert len(drawn.marks) <= timeline_module.MAX_MARKS
    assert sum(mark.count for mark in drawn.marks) == drawn.total == 1509
    assert {mark.shape for mark in drawn.marks} == {"bar"}
    assert "Each bar counts the entries of one" in drawn.desc
    assert all(0 < mark.height <= timeline_module.LANE_HEIGHT for mark in drawn.marks)


def test_a_chosen_period_zooms_in(started):
    drawn = build_timeline(started, start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert drawn.total == 4 and [lane.count for lane in drawn.lanes] == [1, 1, 2]
    assert drawn.shades == []
    assert drawn.ticks and all("/02/2025" in tick.label for tick in drawn.ticks)
    empty = build_timeline(started, start=date(2010, 1, 1), end=date(2010, 12, 31))
    assert empty.total == 0 and empty.marks == [] and len(empty.lanes) == 3


def test_the_page_offers_the_whole_period_a_year_or_dates(client, started, panel_member):
    client.force_login(panel_member)
    page = client.get(url(started))
    assert page.status_code == 200
    assert page.context["timeline"].start == date(2025, 1, 1)
    year = client.get(url(started), {"year": 2025})
    assert year.context["timeline"].end == date(2025, 12, 31)
    dated = client.get(url(started), {"date_from": "1/3/2025", "date_to": "30/9/2025"})
    assert dated.context["timeline"].total == 2
    assert 'role="img"' in dated.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "2025", "date_from": "01/03/2025"}, "Choose a year or the dates, not both"),
        ({"year": "1999"}, "Choose a year of this chronology"),
        ({"date_from": "01/03/2025", "date_to": "01/01/2025"}, "The last date must be"),
        ({"date_to": "31/13/2025"}, "Enter the last date as a real date"),
    ],
)
def test_a_bad_period_shows_the_problem(client, started, overview_author, query, message):
    client.force_login(overview_author)
    response = client.get(url(started), query)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert 'role="img"' not in page
