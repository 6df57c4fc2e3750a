"""The change history of the overview report (scr.audit ChangeRecord): sections,
findings and recommendations, before and after, by whom; nothing when nothing changed."""

import pytest

from overview import services
from overview.models import Finding, OverviewSection
from scr.audit.models import ChangeRecord

pytestmark = pytest.mark.django_db


def _records(obj):
    return ChangeRecord.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk))


def test_a_section_save_records_before_and_after(started, overview_author):
    save = services.overview_section_save
    key = {"case_id": started.case_id, "by": overview_author, "key": "facts", "revision": None}
    save(**key, text="She lived alone.")
    save(**key, text="She lived alone. ")  # the same text, once stripped
    save(**key, text="She lived alone; her daughter visited.")
    section = OverviewSection.objects.get(overview=started, key="facts")
    records = list(_records(section).values_list("field", "before", "after", "by"))
    assert records == [
        ("text", "She lived alone.", "She lived alone; her daughter visited.", overview_author.pk),
        ("text", "", "She lived alone.", overview_author.pk),
    ]
    latest = _records(section).first()
    assert latest.agency is None  # the report's readers may see it
    assert latest.case_id == started.case_id


def test_findings_and_recommendations_record_what_changed(written, overview_author):
    finding = Finding.objects.get(overview=written)
    count = _records(finding).count()
    args = {"case_id": written.case_id, "by": overview_author, "finding_id": finding.pk}
    entries = list(finding.entries.values_list("pk", flat=True))
    services.finding_save(**args, text=finding.text, term_numbers=[1], entry_ids=entries)
    assert _records(finding).count() == count
    services.finding_save(**args, text="Nobody followed the visit up.", term_numbers=[1])
    changed = dict(_records(finding)[:2].values_list("field", "after"))
    assert changed == {"text": "Nobody followed the visit up.", "entries": "[]"}
    rec = written.recommendations.get(for_board=True)
    services.recommendation_remove(
        case_id=written.case_id, by=overview_author, recommendation_id=rec.pk
    )
    removed = _records(rec).get(field="text", after="")
    assert removed.before == "The board audits joint visits."
