"""The data migration that gave the action plans' stage its event rows (issue 16 item 3,
actionplans/migrations/0002_status_events.py): a plan's history of returns and
resubmissions, kept until then only in its audit rows, becomes the event rows its page
lists; a plan with no audit rows gets what its columns kept."""

import importlib
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from actionplans import services
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.cases.models import StatusEvent
from tests.actionplans.test_flow import _sent_plan, _write

pytestmark = pytest.mark.django_db

migration = importlib.import_module("actionplans.migrations.0002_status_events")

# What the plan's services wrote in the audit trail before the event rows.
OLD_DETAIL = {
    "submit": "action plan submitted",
    "return_to_agency": "action plan returned",
    "accept": "action plan accepted",
}


def _rows(obj) -> list[tuple]:
    return [
        (e.transition, e.from_status, e.to_status, e.actor_id, e.case_id, e.at)
        for e in status.status_events(obj)
    ]


def test_a_plans_returns_and_resubmissions_come_back_from_its_audit_rows(
    planning, chair, lead_c, coordinator
):
    plan = _sent_plan(planning, chair)
    _write(plan, lead_c)
    ids = {"case_id": planning.pk, "plan_id": plan.pk}
    services.plan_submit(**ids, by=lead_c)
    services.plan_decide(**ids, by=coordinator, accept=False, comments="Add an audit.")
    services.plan_submit(**ids, by=lead_c)
    services.plan_decide(**ids, by=coordinator, accept=True, comments="Thank you.")
    written = {"plan": _rows(plan), "letter": _rows(plan.letter)}
    assert len(written["plan"]) == 4
    # The rows as they stood before the migration: the plan's audit rows in their old
    # words, and no event rows.
    for event in status.status_events(plan):
        AuditEvent.objects.create(
            action="change",
            actor=event.actor,
            object_type="actionplan",
            object_id=str(plan.pk),
            detail=OLD_DETAIL[event.transition],
            at=event.at,
        )
    StatusEvent.objects.all().delete()

    migration.backfill_events(apps, None)

    assert {"plan": _rows(plan), "letter": _rows(plan.letter)} == written
    # The comments of the return were overwritten by the acceptance's.
    assert [e.note for e in status.status_events(plan)] == ["", "", "", "Thank you."]


AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
LATER = AT + timedelta(days=5)


def _plan(state: str, submitted_at=None, decided_at=None):
    return SimpleNamespace(
        status=state,
        submitted_at=submitted_at,
        submitted_by_id=1,
        decided_at=decided_at,
        decided_by_id=2,
    )


@pytest.mark.parametrize(
    ("plan", "steps"),
    [
        (_plan("drafting"), []),
        (_plan("submitted", AT), [("submit", "submitted", 1, AT)]),
        # Returned, then submitted again: the return's columns are still there.
        (
            _plan("submitted", LATER, AT),
            [("return_to_agency", "returned", 2, AT), ("submit", "submitted", 1, LATER)],
        ),
        (
            _plan("returned", AT, LATER),
            [("submit", "submitted", 1, AT), ("return_to_agency", "returned", 2, LATER)],
        ),
        (
            _plan("accepted", AT, LATER),
            [("submit", "submitted", 1, AT), ("accept", "accepted", 2, LATER)],
        ),
    ],
    ids=["drafting", "submitted", "resubmitted", "returned", "accepted"],
)
def test_a_plan_without_audit_rows_gets_what_its_columns_kept(plan, steps):
    assert migration._plan_steps(plan, []) == steps


def test_audit_rows_that_do_not_lead_to_the_plans_status_are_not_trusted():
    plan = _plan("accepted", AT, LATER)
    assert migration._plan_steps(plan, [("action plan submitted", 9, AT)]) == [
        ("submit", "submitted", 1, AT),
        ("accept", "accepted", 2, LATER),
    ]
