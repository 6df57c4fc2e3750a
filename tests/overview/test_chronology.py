"""The merged inter-agency chronology (13.4 f): its order, what each row shows, the gaps,
the duplicates and their linking, the filters, the downloads, who may see and do what,
and a page's queries however long the chronology."""

import csv
import io
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from overview import chronology, chronology_services, services
from overview.chronology import Filters, MergedGap, MergedRow
from overview.chronology_views import chronology_page
from overview.models import Overview, OverviewEntry
from scr.audit.models import AuditEvent
from scr.cases import services as case_services
from scr.cases.models import Case
from tests.overview.conftest import write_overview

pytestmark = pytest.mark.django_db

NHS, POLICE, CARE = "Testshire NHS Trust", "Testshire Police", "Testshire Adult Social Care"


def url(overview, name, *extra):
    return reverse(f"overview:{name}", args=[overview.case.reference, *extra])


def rows_of(overview, filters=None) -> list[MergedRow]:
    return chronology.merged_rows(
        chronology.merged_entries(overview, filters),
        previous=None,
        birth=Case.objects.get(pk=overview.case_id).subject_date_of_birth,
    )


def entry(overview, agency_name, day, *, timed=None) -> OverviewEntry:
    return OverviewEntry.objects.get(
        overview=overview, agency__name=agency_name, date=day, time=timed
    )


def shared_visit(overview) -> tuple[OverviewEntry, OverviewEntry]:
    """The joint visit of 03/02/2025: (the Police's, untimed, first; the NHS's, 10:15)."""
    day = date(2025, 2, 3)
    return entry(overview, POLICE, day), entry(overview, NHS, day, timed=time(10, 15))


def add_entries(overview, count: int, *, start=date(2023, 1, 2), step=1) -> None:
    """`count` more entries, one a day from `start` across the three agencies, as if the
    reviews had been longer (reads only: the overview copies rows it never writes)."""
    sources = {
        e.agency_id: e.submission_id for e in OverviewEntry.objects.filter(overview=overview)
    }
    agencies = sorted(sources)
    OverviewEntry.objects.bulk_create(
        OverviewEntry(
            overview=overview,
            agency_id=agencies[n % len(agencies)],
            submission_id=sources[agencies[n % len(agencies)]],
            source_index=100 + n,
            date=start + timedelta(days=n * step),
            subject="HQM",
            event=f"Contact number {n}: telephone call about support.",
            term_numbers=[1],
        )
        for n in range(count)
    )


def set_birth(overview, day: date) -> None:
    # The case's details have no service of their own yet; the referral records them.
    Case.objects.filter(pk=overview.case_id).update(subject_date_of_birth=day)


# Order -----------------------------------------------------------------------------------


def test_the_merged_order_puts_year_before_month_before_day_and_untimed_first(started):
    shown = [(row.date, row.time, row.agency) for row in rows_of(started)]
    assert shown == [
        ("2025", "", CARE),
        ("02/2025", "", POLICE),
        ("01/02/2025", "09:00", CARE),
        ("03/02/2025", "", POLICE),
        ("03/02/2025", "10:15", NHS),
        ("14/03/2025", "", NHS),
        ("20/09/2025", "", NHS),
        ("25/12/2025", "21:40", POLICE),
        ("26/12/2025", "", CARE),
    ]


def test_ties_on_the_same_day_go_by_agency_name_then_the_agencys_own_order(started):
    day = date(2025, 12, 26)
    care = entry(started, CARE, day)
    police_row = entry(started, POLICE, date(2025, 12, 25), timed=time(21, 40))
    OverviewEntry.objects.bulk_create(
        [
            OverviewEntry(
                overview=started,
                agency_id=police_row.agency_id,
                submission_id=police_row.submission_id,
                source_index=7,
                date=day,
                event="Second Police entry of the day.",
            ),
            OverviewEntry(
                overview=started,
                agency_id=police_row.agency_id,
                submission_id=police_row.submission_id,
                source_index=5,
                date=day,
                event="First Police entry of the day.",
            ),
            OverviewEntry(
                overview=started,
                agency_id=care.agency_id,
                submission_id=care.submission_id,
                source_index=9,
                date=day,
                time=time(8, 0),
                event="Timed care entry.",
            ),
        ]
    )
    last = [row.entry.event for row in rows_of(started) if row.entry.date == day]
    assert last == [
        "SW2 arranged respite care.",  # Adult Social Care, untimed
        "First Police entry of the day.",  # Police, untimed, source index 5
        "Second Police entry of the day.",  # source index 7
        "Timed care entry.",  # timed after every untimed entry, whatever the agency
    ]


def test_an_uncertain_date_is_shown_with_a_question_mark():
    assert chronology.date_text(date(2025, 2, 3), "day", True) == "?03/02/2025"
    assert chronology.date_text(date(2025, 2, 1), "month") == "02/2025"
    assert chronology.date_text(date(2025, 1, 1), "year", True) == "?2025"


# Age and interval ------------------------------------------------------------------------


def test_the_adults_age_at_each_event(started):
    assert {row.age for row in rows_of(started)} == {None}  # no date of birth known
    set_birth(started, date(1941, 3, 12))
    ages = {row.entry.date: row.age for row in rows_of(started)}
    assert ages[date(2025, 2, 3)] == 83
    assert ages[date(2025, 3, 14)] == 84  # after the birthday
    assert ages[date(2025, 1, 1)] == 83  # a year-only entry: its first day


def test_age_of_someone_born_on_29_february():
    born = date(1944, 2, 29)
    assert chronology.age_on(born, date(2025, 2, 28)) == 80
    assert chronology.age_on(born, date(2025, 3, 1)) == 81
    assert chronology.age_on(born, date(2024, 2, 29)) == 80
    assert chronology.age_on(born, date(1943, 1, 1)) is None


def test_intervals_are_measured_from_the_row_before(started):
    rows = rows_of(started)
    intervals = [(row.interval_days, row.interval) for row in rows]
    assert intervals[0] == (None, "")
    assert intervals[1] == (31, "about 1 month")  # 2025 to 02/2025: neither an exact day
    assert intervals[2] == (0, "same day")
    assert intervals[3] == (2, "2 days")
    assert intervals[4] == (0, "same day")
    assert intervals[5] == (39, "1 month")
    assert intervals[6] == (190, "6 months")


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (date(2024, 2, 1), date(2024, 3, 1), "1 month"),  # 29 days in a leap year
        (date(2023, 2, 1), date(2023, 3, 1), "1 month"),  # 28 days
        (date(2024, 1, 31), date(2024, 2, 29), "1 month"),  # month end clamped
        (date(2024, 2, 29), date(2025, 2, 28), "1 year"),
        (date(2024, 2, 29), date(2025, 2, 27), "11 months"),
        (date(2023, 1, 5), date(2024, 5, 6), "1 year, 4 months"),
        (date(2024, 3, 1), date(2024, 3, 2), "1 day"),
        (date(2024, 3, 1), date(2024, 3, 31), "30 days"),
    ],
)
def test_interval_in_words(earlier, later, expected):
    assert chronology.interval_text(earlier, later) == expected


def test_the_first_row_of_a_page_measures_from_the_last_row_of_the_page_before(started):
    second = chronology_page(started, Filters(), 2, per_page=5)
    first_row = [item for item in second.items if not item.is_gap][0]
    assert first_row.date == "14/03/2025"
    assert (first_row.interval_days, first_row.interval) == (39, "1 month")  # from 03/02/2025


def test_a_filtered_view_measures_from_the_row_before_in_that_view(started, agency_c):
    rows = rows_of(started, Filters(agency_ids=(agency_c.pk,)))
    assert [(row.date, row.interval_days) for row in rows] == [
        ("2025", None),
        ("01/02/2025", 31),
        ("26/12/2025", 328),
    ]


# Gaps ------------------------------------------------------------------------------------


def test_gaps_are_found_across_all_agencies_together(started):
    gaps = chronology.merged_gaps(started)
    assert [(g.start, g.end, g.months) for g in gaps] == [
        (date(2025, 3, 14), date(2025, 9, 20), 6.2),
        (date(2025, 9, 20), date(2025, 12, 25), 3.2),
    ]
    # Every fixture entry is marked as explaining its agency's quiet period.
    assert gaps[0].explained_by == (NHS,)
    assert gaps[1].explained_by == (NHS, POLICE)
    assert gaps[0].text == "No agency contact for 6.2 months (from 14/03/2025 to 20/09/2025)"


def test_a_gap_with_no_explaining_entry_says_so(started):
    OverviewEntry.objects.filter(overview=started).update(explains_gap=False)
    assert [g.explained_by for g in chronology.merged_gaps(started)] == [(), ()]


def test_one_agencys_contact_closes_another_agencys_quiet_period(started):
    """The Police alone record nothing from 03/02/2025 to 25/12/2025; the NHS's entries
    between close that period in the merged chronology."""
    gaps = chronology.merged_gaps(started)
    assert not any(gap.start in (date(2025, 2, 1), date(2025, 2, 3)) for gap in gaps)
    assert max(gap.months for gap in gaps) == 6.2


def test_the_boards_threshold_decides_the_gaps(started):
    started.case.board.__class__.objects.filter(pk=started.case.board_id).update(
        chronology_gap_months=4
    )
    overview = Overview.objects.select_related("case__board").get(pk=started.pk)
    assert [g.start for g in chronology.merged_gaps(overview)] == [date(2025, 3, 14)]


def test_gap_rows_sit_between_the_rows_where_they_fall(started):
    page = chronology_page(started, Filters(), 1)
    kinds = [item.text if item.is_gap else item.date for item in page.items]
    at = kinds.index("No agency contact for 6.2 months (from 14/03/2025 to 20/09/2025)")
    assert kinds[at - 1] == "14/03/2025" and kinds[at + 1] == "20/09/2025"
    assert isinstance(page.items[at + 2], MergedGap)


def test_gaps_land_on_the_right_page(started):
    first = chronology_page(started, Filters(), 1, per_page=6)
    second = chronology_page(started, Filters(), 2, per_page=6)
    assert not any(item.is_gap for item in first.items)
    assert [item.is_gap for item in second.items] == [True, False, True, False, False]


# Duplicates ------------------------------------------------------------------------------


def test_the_shared_visit_is_suggested_as_a_duplicate(started):
    police, nhs = shared_visit(started)
    pairs = chronology.duplicate_suggestions(started)
    assert [(p.first, p.second) for p in pairs] == [(police, nhs)]
    assert pairs[0].overlap >= 0.3


def test_significant_words_leave_out_codes_initials_and_stop_words():
    words = chronology.significant_words("SW1 visited at home with GP1; HQM said she felt safe.")
    assert words == {"visited", "home", "said", "felt", "safe"}


def test_different_events_on_the_same_day_are_not_suggested(started):
    police, nhs = shared_visit(started)
    OverviewEntry.objects.filter(pk=nhs.pk).update(event="GP1 prescribed antibiotics.")
    assert chronology.duplicate_suggestions(started) == []


def test_the_author_links_the_same_event_and_it_shows_once(started, overview_author):
    police, nhs = shared_visit(started)
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    nhs.refresh_from_db()
    assert nhs.same_event_id == police.pk and nhs.linked_by == overview_author
    assert nhs.linked_at is not None
    rows = rows_of(started)
    assert len(rows) == 8
    visit = [row for row in rows if row.entry.pk == police.pk][0]
    assert visit.agencies == (POLICE, NHS)
    assert [d.pk for d in visit.duplicates] == [nhs.pk]
    assert chronology.duplicate_suggestions(started) == []
    assert AuditEvent.objects.filter(
        object_type="overview", detail__contains=f"entry {nhs.pk} linked"
    ).exists()

    chronology_services.overview_entry_unlink(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk
    )
    nhs.refresh_from_db()
    assert nhs.same_event_id is None and nhs.linked_by is None
    assert len(rows_of(started)) == 9
    assert len(chronology.duplicate_suggestions(started)) == 1


def test_a_link_to_a_linked_entry_goes_to_its_primary(started, overview_author, agency_c):
    police, nhs = shared_visit(started)
    care = entry(started, CARE, date(2025, 2, 1), timed=time(9, 0))
    link = chronology_services.overview_entry_link
    link(case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk)
    link(case_id=started.case_id, by=overview_author, entry_id=care.pk, same_as_id=nhs.pk)
    care.refresh_from_db()
    assert care.same_event_id == police.pk  # no chains


def refused(started, by, entry_id, same_as_id, message):
    with pytest.raises(ValidationError, match=message):
        chronology_services.overview_entry_link(
            case_id=started.case_id, by=by, entry_id=entry_id, same_as_id=same_as_id
        )
    assert not OverviewEntry.objects.filter(same_event__isnull=False).exists()


def test_entries_of_one_agency_are_not_linked(started, overview_author):
    first = entry(started, NHS, date(2025, 3, 14))
    second = entry(started, NHS, date(2025, 9, 20))
    refused(started, overview_author, first.pk, second.pk, "Both entries were recorded by")
    refused(started, overview_author, first.pk, first.pk, "itself")


def test_an_entry_of_another_overview_is_not_linked(
    started, overview_author, board, coordinator, agency_a
):
    other_case = case_services.case_create(
        board=board, by=coordinator, subject_name="Someone Else", agencies=[agency_a]
    )
    other = Overview.objects.create(case=other_case, started_by=coordinator)
    police, nhs = shared_visit(started)
    stranger = OverviewEntry.objects.create(
        overview=other,
        agency_id=police.agency_id,
        submission_id=police.submission_id,
        source_index=0,
        date=nhs.date,
        event="Elsewhere.",
    )
    refused(started, overview_author, nhs.pk, stranger.pk, "not part of this overview")
    refused(started, overview_author, stranger.pk, police.pk, "not part of this overview")


def test_only_the_author_links(started, coordinator, chair, panel_chair, outsider, author_a):
    police, nhs = shared_visit(started)
    for reader in (coordinator, chair, panel_chair):
        with pytest.raises(PermissionDenied):
            chronology_services.overview_entry_link(
                case_id=started.case_id, by=reader, entry_id=nhs.pk, same_as_id=police.pk
            )
    for stranger in (outsider, author_a):
        with pytest.raises(Http404):
            chronology_services.overview_entry_link(
                case_id=started.case_id, by=stranger, entry_id=nhs.pk, same_as_id=police.pk
            )
    assert not OverviewEntry.objects.filter(same_event__isnull=False).exists()


def test_nothing_is_linked_or_unlinked_after_submission(started, overview_author):
    police, nhs = shared_visit(started)
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    write_overview(started, overview_author)
    services.overview_submit(case_id=started.case_id, by=overview_author)
    with pytest.raises(ValidationError, match="cannot change now"):
        chronology_services.overview_entry_unlink(
            case_id=started.case_id, by=overview_author, entry_id=nhs.pk
        )
    care = entry(started, CARE, date(2025, 2, 1), timed=time(9, 0))
    with pytest.raises(ValidationError, match="cannot change now"):
        chronology_services.overview_entry_link(
            case_id=started.case_id, by=overview_author, entry_id=care.pk, same_as_id=police.pk
        )
    nhs.refresh_from_db()
    care.refresh_from_db()
    assert nhs.same_event_id == police.pk and care.same_event_id is None


def test_the_pages_offer_no_buttons_after_submission(client, submitted, overview_author):
    client.force_login(overview_author)
    page = client.get(url(submitted, "duplicates")).content.decode()
    assert "SW1 visited at home with GP1" in page and "Same event<" not in page


def test_an_entry_that_is_not_linked_is_not_unlinked(started, overview_author):
    police, _ = shared_visit(started)
    with pytest.raises(ValidationError, match="not linked"):
        chronology_services.overview_entry_unlink(
            case_id=started.case_id, by=overview_author, entry_id=police.pk
        )


# Filters ---------------------------------------------------------------------------------


def test_each_filter(started, agency_a):
    assert [r.agency for r in rows_of(started, Filters(agency_ids=(agency_a.pk,)))] == [NHS] * 3
    assert [r.date for r in rows_of(started, Filters(subject="rq"))] == ["02/2025"]
    assert len(rows_of(started, Filters(term=2))) == 5
    assert len(rows_of(started, Filters(term=1))) == 5
    assert [r.date for r in rows_of(started, Filters(term=12))] == []
    dated = Filters(date_from=date(2025, 3, 1), date_to=date(2025, 9, 30))
    assert [r.date for r in rows_of(started, dated)] == ["14/03/2025", "20/09/2025"]


def test_a_linked_event_is_kept_when_any_of_its_entries_matches(started, overview_author, agency_a):
    police, nhs = shared_visit(started)
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    rows = rows_of(started, Filters(agency_ids=(agency_a.pk,)))
    assert [r.entry.pk for r in rows][0] == police.pk
    assert rows[0].agencies == (POLICE, NHS)


def test_the_page_filters_and_keeps_the_filters_in_its_links(client, started, overview_author):
    client.force_login(overview_author)
    response = client.get(url(started, "chronology"), {"subject": "RQ", "date_from": "1/2/25"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 event matches the filters" in page
    assert "Daughter reported concerns by telephone." in page
    assert "SW2 assessed care needs." not in page
    assert "chronology.xlsx?subject=RQ&amp;date_from=1%2F2%2F25" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "31/02/2025"}, "Enter the first date as a real date"),
        ({"date_from": "01/03/2025", "date_to": "01/02/2025"}, "The last date must be the same"),
        ({"agency": "999999"}, "Choose agencies of this chronology"),
        ({"term": "12"}, "Choose a term of reference of this review"),
        ({"term": "one"}, "Choose a term of reference of this review"),
    ],
)
def test_bad_filters_show_the_problem_and_no_rows(client, started, overview_author, query, message):
    client.force_login(overview_author)
    response = client.get(url(started, "chronology"), query)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert 'id="E' not in page  # no rows
    for value in query.values():
        if "/" in value:
            assert f'value="{value}"' in page  # what was typed is kept
    assert OverviewEntry.objects.filter(overview=started).count() == 9


# The pages -------------------------------------------------------------------------------


def test_the_chronology_page_shows_agencies_ages_intervals_gaps_and_linked_events(
    client, started, overview_author
):
    set_birth(started, date(1941, 3, 12))
    police, nhs = shared_visit(started)
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    client.force_login(overview_author)
    page = client.get(url(started, "chronology")).content.decode()
    assert "8 events" in page
    assert f"{POLICE}; {NHS}" in page
    assert f"Also recorded by <strong>{NHS}</strong> (E{nhs.pk}" in page
    assert "No agency contact for 6.2 months (from 14/03/2025 to 20/09/2025)" in page
    assert '<td class="govuk-table__cell">84</td>' in page
    assert "6 months" in page
    assert "Show separately" in page
    assert url(started, "timeline") in page


def test_a_finding_reference_opens_the_page_that_holds_the_entry(client, started, overview_author):
    add_entries(started, 150)
    late = entry(started, CARE, date(2025, 12, 26))
    client.force_login(overview_author)
    response = client.get(url(started, "chronology"), {"around": late.pk})
    assert response.context["page"].number == 2
    assert f'id="E{late.pk}"' in response.content.decode()


def test_the_page_boundary_interval_on_the_page(client, started, overview_author):
    add_entries(started, 100, step=2)  # 02/01/2023 onwards, two days apart
    client.force_login(overview_author)
    response = client.get(url(started, "chronology"), {"page": 2})
    first = [item for item in response.context["items"] if not item.is_gap][0]
    # The 101st row: the first of 2025, after the last added entry on page 1.
    last_added = date(2023, 1, 2) + timedelta(days=2 * 99)
    assert first.date == "2025"
    assert first.interval_days == (date(2025, 1, 1) - last_added).days


def test_the_duplicates_page_side_by_side_with_a_button_for_the_author(
    client, started, overview_author, panel_member
):
    police, nhs = shared_visit(started)
    client.force_login(overview_author)
    page = client.get(url(started, "duplicates")).content.decode()
    assert "PC1 visited at home with SW1" in page and "SW1 visited at home with GP1" in page
    assert url(started, "entry-link", nhs.pk) in page and "Same event" in page
    response = client.post(
        url(started, "entry-link", nhs.pk),
        {"same_as": police.pk, "next": url(started, "duplicates")},
    )
    assert response.status_code == 302 and response["Location"] == url(started, "duplicates")
    assert OverviewEntry.objects.get(pk=nhs.pk).same_event_id == police.pk
    page = client.get(url(started, "duplicates")).content.decode()
    assert "No possible duplicates are left" in page and "Show separately" in page

    client.force_login(panel_member)
    page = client.get(url(started, "duplicates")).content.decode()
    assert "Show separately" not in page and url(started, "entry-unlink", nhs.pk) not in page
    client.force_login(overview_author)
    client.post(url(started, "entry-unlink", nhs.pk))
    client.force_login(panel_member)
    page = client.get(url(started, "duplicates")).content.decode()
    assert "SW1 visited at home with GP1" in page  # the pair, side by side
    assert url(started, "entry-link", nhs.pk) not in page and "Same event<" not in page


def test_a_refused_link_says_why_and_changes_nothing(client, started, overview_author):
    first = entry(started, NHS, date(2025, 3, 14))
    second = entry(started, NHS, date(2025, 9, 20))
    client.force_login(overview_author)
    response = client.post(
        url(started, "entry-link", first.pk), {"same_as": second.pk}, follow=True
    )
    assert "Both entries were recorded by" in response.content.decode()
    response = client.post(url(started, "entry-link", first.pk), {"same_as": "x"}, follow=True)
    assert "Choose the entry it is the same event as" in response.content.decode()
    assert not OverviewEntry.objects.filter(same_event__isnull=False).exists()


def test_the_unlink_button_on_the_chronology_page(client, started, overview_author):
    police, nhs = shared_visit(started)
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    client.force_login(overview_author)
    back = url(started, "chronology") + "?subject=HQM"
    response = client.post(url(started, "entry-unlink", nhs.pk), {"next": back})
    assert response["Location"] == back
    assert OverviewEntry.objects.get(pk=nhs.pk).same_event_id is None
    response = client.post(
        url(started, "entry-unlink", police.pk), {"next": "https://elsewhere.example/"}
    )
    assert response["Location"] == url(started, "duplicates")


# Downloads -------------------------------------------------------------------------------


def test_the_xlsx_export_reads_back_with_formulas_neutralised(client, started, overview_author):
    police, nhs = shared_visit(started)
    set_birth(started, date(1941, 3, 12))
    OverviewEntry.objects.filter(pk=police.pk).update(
        event='=HYPERLINK("http://evil.example")', source="+44 1234", subject="@HQM"
    )
    OverviewEntry.objects.filter(pk=nhs.pk).update(expected_practice="-1", event="\tTabbed")
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=nhs.pk, same_as_id=police.pk
    )
    client.force_login(overview_author)
    response = client.get(url(started, "chronology-export", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-inter-agency-chronology.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
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
    assert len(rows) == 1 + 9  # every entry, the linked one under its primary
    visit = rows[4]
    assert visit[:6] == [
        "03/02/2025",
        None,
        POLICE,
        "'+44 1234",
        "'@HQM",
        '\'=HYPERLINK("http://evil.example")',
    ]
    assert visit[8] == 83
    linked = rows[5]
    assert linked[2] == NHS and linked[5] == "'\tTabbed" and linked[6] == "'-1"
    assert linked[9] == f"{visit[10]} ({POLICE}, 03/02/2025)"
    assert linked[10].startswith("E")
    assert AuditEvent.objects.filter(action="export", object_type="overview").count() == 1


def test_the_csv_export_keeps_the_filters(client, started, overview_author, agency_b):
    OverviewEntry.objects.filter(overview=started, subject="RQ").update(event="=1+1")
    client.force_login(overview_author)
    response = client.get(
        url(started, "chronology-export", "csv"), {"agency": agency_b.pk, "term": 2}
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Date" and rows[0][-1] == "Ref"
    assert [(r[0], r[2], r[5]) for r in rows[1:]] == [
        ("02/2025", POLICE, "'=1+1"),
        ("25/12/2025", POLICE, "PC2 attended a call from a neighbour."),
    ]
    assert rows[2][7] == "1, 2"


def test_an_export_with_bad_filters_or_format_is_refused(client, started, overview_author):
    client.force_login(overview_author)
    response = client.get(url(started, "chronology-export", "csv"), {"date_to": "soon"})
    assert response.status_code == 400 and "Enter the last date" in response.content.decode()
    assert client.get(url(started, "chronology-export", "pdf")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


# Who may -----------------------------------------------------------------------------------

READ_PAGES = [("chronology", ()), ("duplicates", ()), ("timeline", ())]
READERS = ["overview_author", "coordinator", "chair", "panel_chair", "panel_member"]
STRANGERS = ["author_a", "lead_a", "board_member", "outsider", "other_coordinator"]


@pytest.mark.parametrize("person", READERS)
def test_the_report_s_readers_read_every_page(client, started, request, person):
    client.force_login(request.getfixturevalue(person))
    for name, extra in [*READ_PAGES, ("chronology-export", ("csv",))]:
        assert client.get(url(started, name, *extra)).status_code == 200, name


@pytest.mark.parametrize("person", STRANGERS)
def test_nobody_else_sees_any_page(client, started, request, person):
    police, nhs = shared_visit(started)
    client.force_login(request.getfixturevalue(person))
    for name, extra in [*READ_PAGES, ("chronology-export", ("xlsx",))]:
        assert client.get(url(started, name, *extra)).status_code == 404, name
    for name in ("entry-link", "entry-unlink"):
        response = client.post(url(started, name, nhs.pk), {"same_as": police.pk})
        assert response.status_code == 404, name
    assert not OverviewEntry.objects.filter(same_event__isnull=False).exists()


@pytest.mark.parametrize("person", ["coordinator", "chair", "panel_chair", "panel_member"])
def test_a_reader_may_not_link_or_unlink(client, started, overview_author, request, person):
    police, nhs = shared_visit(started)
    other = entry(started, CARE, date(2025, 12, 26))
    chronology_services.overview_entry_link(
        case_id=started.case_id, by=overview_author, entry_id=other.pk, same_as_id=police.pk
    )
    client.force_login(request.getfixturevalue(person))
    response = client.post(url(started, "entry-link", nhs.pk), {"same_as": police.pk})
    assert response.status_code == 403
    assert client.post(url(started, "entry-unlink", other.pk)).status_code == 403
    assert OverviewEntry.objects.get(pk=nhs.pk).same_event_id is None
    assert OverviewEntry.objects.get(pk=other.pk).same_event_id == police.pk


def test_signing_in_comes_first(client, started):
    response = client.get(url(started, "chronology"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_link_pages_take_posts_only(client, started, overview_author):
    police, _ = shared_visit(started)
    client.force_login(overview_author)
    assert client.get(url(started, "entry-link", police.pk)).status_code == 405


def test_every_reading_is_audited(client, started, panel_member):
    client.force_login(panel_member)
    before = AuditEvent.objects.filter(action="view", object_type="overview").count()
    for name, _ in READ_PAGES:
        client.get(url(started, name))
    assert AuditEvent.objects.filter(action="view", object_type="overview").count() == before + 3


# Queries ---------------------------------------------------------------------------------


def queries(client, address, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, data or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["chronology", "duplicates", "timeline"])
def test_a_pages_queries_do_not_grow_with_the_chronology(
    client, started, overview_author, django_assert_max_num_queries, name
):
    client.force_login(overview_author)
    add_entries(started, 10)
    small = queries(client, url(started, name))
    add_entries(started, 290, start=date(2024, 1, 2))
    with django_assert_max_num_queries(small):
        client.get(url(started, name))


def test_a_later_page_costs_one_query_more_than_the_first(
    client, started, overview_author, django_assert_num_queries
):
    client.force_login(overview_author)
    add_entries(started, 300)
    first = queries(client, url(started, "chronology"))
    with django_assert_num_queries(first + 1):  # the row before the page
        client.get(url(started, "chronology"), {"page": 3})
    filtered = {"subject": "hqm", "term": 1, "date_from": "01/01/2023"}
    with django_assert_num_queries(first + 1):
        client.get(url(started, "chronology"), {**filtered, "page": 2})
