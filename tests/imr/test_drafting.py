"""Writing the draft: the chronology's order, the author's own order for a day, the
glossary, and who may write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from imr import draft_services
from imr.entry_parsing import parse_time
from imr.models import ImrRevision, Section
from imr.selectors import entry_date, ordered_entries
from tests.imr.conftest import entry


def _add(imr, author, day, event, time=""):
    return draft_services.chronology_entry_save(
        case_id=imr.case_id,
        agency_id=imr.agency_id,
        by=author,
        values=entry(day, event, time=parse_time(time)),
    )


def _order(imr):
    return [(entry_date(e).display(), e.event) for e in ordered_entries(imr)]


def test_entries_sort_by_date_and_time_with_vague_dates_first(imr_a, author_a):
    _add(imr_a, author_a, "03/02/25", "Timed visit.", "14:30")
    _add(imr_a, author_a, "03/02/25", "Untimed note.")
    _add(imr_a, author_a, "02/2025", "Sometime in February.")
    _add(imr_a, author_a, "?01/02/25", "Possibly the first.")
    _add(imr_a, author_a, "2025", "During the year.")
    _add(imr_a, author_a, "03/02/25", "Early call.", "0900")
    assert _order(imr_a) == [
        ("2025", "During the year."),
        ("02/2025", "Sometime in February."),
        ("?01/02/2025", "Possibly the first."),
        ("03/02/2025", "Untimed note."),
        ("03/02/2025", "Early call."),
        ("03/02/2025", "Timed visit."),
    ]


def test_the_author_orders_same_day_entries_without_times(imr_a, author_a):
    first = _add(imr_a, author_a, "03/02/25", "First written.")
    second = _add(imr_a, author_a, "03/02/25", "Second written.")
    third = _add(imr_a, author_a, "03/02/25", "Third written.")
    draft_services.chronology_entry_move(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, entry_id=third.pk, up=True
    )
    assert [e for _, e in _order(imr_a)] == ["First written.", "Third written.", "Second written."]
    # At the top already: nothing moves.
    draft_services.chronology_entry_move(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, entry_id=first.pk, up=True
    )
    assert [e for _, e in _order(imr_a)][0] == "First written."
    assert second.pk


def test_a_stale_change_of_an_entry_is_refused(imr_a, author_a):
    saved = _add(imr_a, author_a, "03/02/25", "SW1 visited.")
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    draft_services.chronology_entry_save(
        **key, entry_id=saved.pk, revision=1, values=entry("03/02/25", "SW1 visited at home.")
    )
    with pytest.raises(ValidationError, match="after you opened it"):
        draft_services.chronology_entry_save(
            **key, entry_id=saved.pk, revision=1, values=entry("03/02/25", "Stale text.")
        )
    saved.refresh_from_db()
    assert saved.event == "SW1 visited at home."


def test_removing_an_entry_keeps_its_history(imr_a, author_a):
    saved = _add(imr_a, author_a, "03/02/25", "SW1 visited.")
    draft_services.chronology_entry_remove(
        case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, entry_id=saved.pk, revision=1
    )
    assert not imr_a.entries.exists()
    history = ImrRevision.objects.filter(imr=imr_a, entry_id=saved.pk)
    assert list(history.values_list("action", flat=True)) == ["removed", "added"]


def test_an_unknown_term_of_reference_is_refused(imr_a, author_a):
    with pytest.raises(ValidationError, match="no term 7"):
        draft_services.chronology_entry_save(
            case_id=imr_a.case_id,
            agency_id=imr_a.agency_id,
            by=author_a,
            values=entry("03/02/25", "SW1 visited.", term_numbers=[7]),
        )


def test_nobody_but_the_author_writes_the_draft(imr_a, lead_a, director_a, coordinator):
    for person in (lead_a, director_a):
        with pytest.raises(PermissionDenied):
            _add(imr_a, person, "03/02/25", "Not mine to write.")
    from django.http import Http404

    with pytest.raises(Http404):  # the coordinator does not see a draft at all
        _add(imr_a, coordinator, "03/02/25", "Not mine to write.")
    with pytest.raises(PermissionDenied):
        draft_services.imr_section_update(
            case_id=imr_a.case_id,
            agency_id=imr_a.agency_id,
            by=lead_a,
            section=Section.LESSONS,
            data={"learning": "x"},
            revision=None,
        )
    assert not imr_a.entries.exists()


def test_a_glossary_code_is_unique_and_a_worker_needs_a_role(imr_a, author_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    draft_services.glossary_entry_save(**key, kind="worker", code="SW1", meaning="Social worker")
    with pytest.raises(ValidationError) as error:
        draft_services.glossary_entry_save(**key, kind="worker", code="sw1", meaning="")
    assert set(error.value.message_dict) == {"code", "meaning"}
