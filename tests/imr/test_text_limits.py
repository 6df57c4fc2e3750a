"""One limit for each chronology text, wherever it comes from and wherever it goes (#20):
the form and the service refuse more, an export holds every entry whole and imports
again, and a workbook is never cut short without a word."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from imr import draft_services, spreadsheet
from imr.models import ChronologyEntry
from tests.imr.conftest import asked, commissioned, dates, entry, imr_a  # noqa: F401

pytestmark = pytest.mark.django_db

LIMIT = ChronologyEntry.TEXT_MAX_CHARACTERS


def _url(imr, name, *extra):
    return reverse(name, args=[imr.case.reference, imr.agency_id, *extra])


def _key(imr, by) -> dict:
    return {"case_id": imr.case_id, "agency_id": imr.agency_id, "by": by}


def test_the_form_refuses_a_text_over_the_limit_and_saves_nothing(client, imr_a, author_a):
    client.force_login(author_a)
    response = client.post(
        _url(imr_a, "imr:chronology"),
        {
            "date": "3 Feb 2025",
            "source": "Case notes",
            "subject": "HQM",
            "event": "x" * (LIMIT + 1),
            "term_numbers": ["1"],
        },
    )
    assert response.status_code == 400
    assert f"{LIMIT:,}" in response.content.decode()
    assert not imr_a.entries.exists()


def test_the_service_refuses_it_from_any_caller(imr_a, author_a):
    for field in ChronologyEntry.LONG_TEXTS:
        values = entry("03/02/2025", "SW1 visited.")
        setattr(values, field, "y" * (LIMIT + 1))
        with pytest.raises(ValidationError) as refused:
            draft_services.chronology_entry_save(**_key(imr_a, author_a), values=values)
        assert set(refused.value.message_dict) == {field}
    assert not imr_a.entries.exists()
    # At the limit exactly, it is kept whole.
    draft_services.chronology_entry_save(
        **_key(imr_a, author_a), values=entry("03/02/2025", "z" * LIMIT)
    )
    assert len(imr_a.entries.get().event) == LIMIT


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_of_the_longest_entries_imports_again_whole(client, imr_a, author_a, fmt):
    long = "SW1 visited. " + "w" * (LIMIT - 13)
    draft_services.chronology_entry_save(
        **_key(imr_a, author_a),
        values=entry("03/02/2025", long, expected_practice="e" * LIMIT, relevance_note="r" * LIMIT),
    )
    client.force_login(author_a)
    response = client.get(_url(imr_a, "imr:chronology-export", fmt))
    assert response.status_code == 200
    rows = spreadsheet.read_chronology(response.content, f"x.{fmt}", term_numbers={1, 2})
    assert len(rows) == 1
    imr_a.entries.all().delete()
    draft_services.chronology_import(**_key(imr_a, author_a), rows=rows)
    back = imr_a.entries.get()
    assert back.event == long and len(back.expected_practice) == LIMIT


def test_a_workbook_is_refused_rather_than_cut_and_the_csv_holds_it_whole(client, imr_a, author_a):
    """An entry saved before the limit, longer than a spreadsheet cell holds."""
    draft_services.chronology_entry_save(
        **_key(imr_a, author_a), values=entry("03/02/2025", "Short.")
    )
    ChronologyEntry.objects.filter(imr=imr_a).update(event="v" * 40_000)
    client.force_login(author_a)
    response = client.get(_url(imr_a, "imr:chronology-export", "xlsx"), follow=True)
    text = response.content.decode()
    assert "longer than a spreadsheet cell holds" in text and "CSV" in text
    assert response.redirect_chain[-1][0] == _url(imr_a, "imr:chronology")
    response = client.get(_url(imr_a, "imr:chronology-export", "csv"))
    cells = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(cell == "v" * 40_000 for row in cells for cell in row)


def test_write_rows_never_cuts_a_cell():
    from scr.exports import TooLongForXlsx, xlsx_row

    assert xlsx_row(["=1+1", "a" * 32_767], 2) == ["'=1+1", "a" * 32_767]
    with pytest.raises(TooLongForXlsx):
        xlsx_row(["a" * 32_768], 2)
    data = spreadsheet.write_rows_xlsx([], "Chronology")
    assert load_workbook(io.BytesIO(data)).active.max_row == 1
