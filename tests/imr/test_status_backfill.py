"""The reviews' steps taken before their status changed through scr.cases.status get their
event rows from the versions' columns and the audit trail (imr migration 0002), as the
services write them now, so the review's page shows what it showed before."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps as global_apps
from django.utils import timezone

from imr import services
from imr.models import Imr, Part
from scr.cases import status
from scr.cases.models import StatusEvent
from scr.deadlines import calendar
from tests.imr.conftest import write_chronology, write_report

migration = importlib.import_module("imr.migrations.0002_status_events")


def _rows(imr):
    return [
        (e.transition, e.from_status, e.to_status, e.actor_id, e.note, e.at)
        for e in status.status_events(imr)
    ]


def test_the_backfill_writes_the_rows_the_services_write(imr_a, author_a, director_a, panel_chair):
    """Every transition of the review: two returns by the director (one of a revision),
    one by the panel, and the acceptance."""
    key = {"case_id": imr_a.case_id, "agency_id": imr_a.agency_id}
    write_chronology(imr_a, author_a)
    services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    services.imr_director_return(**key, by=director_a, comments="Add the GP's letter.")
    services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    services.imr_countersign(**key, by=director_a)
    write_report(imr_a, author_a)
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_countersign(**key, by=director_a)
    due = calendar.today() + timedelta(weeks=3)
    services.imr_panel_review(
        **key, by=panel_chair, accept=False, comments="Say more on 11.3.", revision_due=due
    )
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_director_return(**key, by=director_a, comments="Answer the panel first.")
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_countersign(**key, by=director_a)
    services.imr_panel_review(**key, by=panel_chair, accept=True, comments="Thorough.")
    imr = Imr.objects.get(pk=imr_a.pk)
    assert imr.status == Imr.Status.ACCEPTED
    written = _rows(imr)
    assert "return_revision" in [row[0] for row in written]
    StatusEvent.objects.filter(subject_id=imr.pk).delete()

    migration.forwards(global_apps, None)

    backfilled = _rows(imr)
    assert [row[:5] for row in backfilled] == [row[:5] for row in written]
    for then, now in zip(written, backfilled, strict=True):
        assert abs(then[5] - now[5]) < timedelta(seconds=5)
    # Run again, it writes nothing more.
    migration.forwards(global_apps, None)
    assert len(_rows(imr)) == len(written)


def test_a_return_dated_only_by_its_old_audit_row():
    """Before the helper a director's return was a plain audit row ('version 1 returned
    to the author'); with none, the return takes its version's submission time."""
    now = timezone.now()
    imr = SimpleNamespace(nominated_at=now, invited_at=now, nominated_by_id=7)
    versions = [
        SimpleNamespace(
            number=1,
            part="chronology",
            status="returned_by_director",
            submitted_at=now + timedelta(hours=1),
            submitted_by_id=8,
            director_comments="Add the GP's letter.",
        ),
        SimpleNamespace(
            number=2,
            part="chronology",
            status="returned_by_director",
            submitted_at=now + timedelta(hours=3),
            submitted_by_id=8,
            director_comments="And the hospital's.",
        ),
    ]
    nominated = "author user 8, director user 9"
    returned = "version 1 returned to the author"
    audit = [
        {"at": now - timedelta(hours=1), "actor_id": 7, "detail": nominated},
        {"at": now + timedelta(hours=2), "actor_id": 9, "detail": returned},
    ]
    steps = migration.imr_steps(imr, versions, audit)
    assert [(s["transition"], s["at"], s["actor_id"], s["note"]) for s in steps] == [
        ("nominate", now - timedelta(hours=1), 7, ""),
        ("submit_chronology", now + timedelta(hours=1), 8, ""),
        ("return_chronology", now + timedelta(hours=2), 9, "Add the GP's letter."),
        ("submit_chronology", now + timedelta(hours=3), 8, ""),
        ("return_chronology", now + timedelta(hours=3), None, "And the hospital's."),
    ]
    assert steps[-1]["from_status"] == "chronology_sign_off"
    assert steps[-1]["to_status"] == "chronology"
