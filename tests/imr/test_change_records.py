"""The change history of an IMR draft (scr.audit ChangeRecord): each field that changed,
before and after, by whom; nothing for a save that changes nothing; the agency's own."""

import pytest

from imr import draft_services, services
from imr.models import Section
from scr.audit.models import ChangeRecord
from tests.imr.conftest import entry

pytestmark = pytest.mark.django_db


def _records(obj):
    return ChangeRecord.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk))


def test_a_section_save_records_the_fields_that_changed(imr_a, author_a, agency_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    section = draft_services.imr_section_update(
        **key,
        section=Section.LESSONS,
        data={"practice": "Visits were missed.", "learning": "Share outcomes."},
        revision=None,
    )
    answers = {"practice": "Three visits were missed.", "learning": "Share outcomes."}
    section = draft_services.imr_section_update(
        **key, section=Section.LESSONS, data=answers, revision=section.revision
    )
    latest = _records(section).first()
    assert (latest.field, latest.before, latest.after) == (
        "practice",
        "Visits were missed.",
        "Three visits were missed.",
    )
    assert (latest.by, latest.board, latest.agency) == (author_a, imr_a.case.board, agency_a)
    assert latest.case_id == imr_a.case_id  # retention deletes it with the case
    assert latest.object_label.startswith(imr_a.case.reference)
    assert _records(section).count() == 3  # two fields first, then one
    draft_services.imr_section_update(**key, section=Section.LESSONS, data=answers, revision=None)
    assert _records(section).count() == 3  # an unchanged save records nothing


def test_a_chronology_entry_changed_and_removed(imr_a, author_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    saved = draft_services.chronology_entry_save(**key, values=entry("03/02/25", "SW1 visited."))
    made = set(_records(saved).values_list("field", flat=True))
    assert {"date", "event", "source", "subject", "terms"} <= made
    assert "explains_gap" not in made  # an unticked box of a new entry is no change
    count = _records(saved).count()
    draft_services.chronology_entry_save(
        **key, values=entry("03/02/25", "SW1 visited."), entry_id=saved.pk
    )
    assert _records(saved).count() == count
    draft_services.chronology_entry_save(
        **key, values=entry("03/02/25", "SW1 visited at home."), entry_id=saved.pk
    )
    change = _records(saved).first()
    assert (change.field, change.before, change.after) == (
        "event",
        "SW1 visited.",
        "SW1 visited at home.",
    )
    draft_services.chronology_entry_remove(**key, entry_id=saved.pk, revision=None)
    removed = _records(saved).filter(after="", field="event").get()
    assert removed.before == "SW1 visited at home."


def test_the_rapid_appraisal_records_its_changes(imr_a, author_a):
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id, "by": author_a}
    services.imr_appraisal_record(**key, needed=True, changes="Double-up visits now.")
    services.imr_appraisal_record(**key, needed=True, changes="Double-up visits now.")
    services.imr_appraisal_record(**key, needed=True, changes="Double-up every visit now.")
    changes = _records(imr_a).filter(field="appraisal_changes")
    assert list(changes.values_list("before", "after")) == [
        ("Double-up visits now.", "Double-up every visit now."),
        ("", "Double-up visits now."),
    ]
