"""Importing a chronology from a spreadsheet (imr.draft_services.chronology_import)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from imr import draft_services, spreadsheet
from tests.imr.conftest import entry

HEADER = ",".join(f'"{name}"' for name, _ in spreadsheet.COLUMNS)


def rows_for(days: list[str]) -> list:
    lines = [HEADER] + [
        f"{day},,Case notes,HQM,SW1 visited ({n}).,,1" for n, day in enumerate(days)
    ]
    return spreadsheet.read_chronology("\n".join(lines).encode(), "x.csv", term_numbers={1, 2})


def test_imported_entries_follow_the_days_existing_entries(imr_a, author_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    draft_services.chronology_entry_save(**key, values=entry("03/02/2025", "GP1 called."))
    draft_services.chronology_import(
        **key, rows=rows_for(["03/02/2025", "04/02/2025", "03/02/2025"])
    )
    placed = list(
        imr_a.entries.order_by("date", "position").values_list("date", "position", "event")
    )
    assert placed == [
        (date(2025, 2, 3), 0, "GP1 called."),
        (date(2025, 2, 3), 1, "SW1 visited (0)."),
        (date(2025, 2, 3), 2, "SW1 visited (2)."),
        (date(2025, 2, 4), 0, "SW1 visited (1)."),
    ]


def test_the_import_runs_as_many_queries_for_many_days_as_for_a_few(imr_a, author_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    # The first import also starts the IMR: measure the ones after it.
    draft_services.chronology_import(**key, rows=rows_for(["01/01/2019"]))
    counts = []
    for year, days in ((2020, 3), (2021, 60)):
        rows = rows_for([f"{1 + d % 28:02d}/{1 + d // 28:02d}/{year}" for d in range(days)])
        with CaptureQueriesContext(connection) as queries:
            draft_services.chronology_import(**key, rows=rows)
        counts.append(len(queries))
    assert counts[0] == counts[1]
