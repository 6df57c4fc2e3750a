"""The change history of an action plan's key actions (scr.audit ChangeRecord)."""

from datetime import timedelta

import pytest

from actionplans import services
from actionplans.services import ActionValues
from scr.audit.models import ChangeRecord
from scr.deadlines import calendar

pytestmark = pytest.mark.django_db

SOON = calendar.today() + timedelta(days=90)


def _records(obj):
    return ChangeRecord.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk))


def test_a_key_action_records_its_changed_fields(planning, chair, lead_c):
    letter = next(
        letter
        for letter in services.letters_draft(case_id=planning.pk, by=chair)
        if letter.agency is not None
    )
    plan = services.letter_send(case_id=planning.pk, by=chair, letter_id=letter.pk)
    key = {
        "case_id": planning.pk,
        "by": lead_c,
        "plan_id": plan.pk,
        "recommendation_id": plan.letter.recommendations.get().pk,
    }
    values = {"text": "Train every team.", "evidence": "Records", "outcome": "Shared outcomes."}
    action = services.plan_action_save(**key, values=ActionValues(**values, target_date=SOON))
    count = _records(action).count()
    assert count == 4  # text, evidence, outcome, date: a box left unticked is no change
    services.plan_action_save(
        **key, action_id=action.pk, values=ActionValues(**values, target_date=SOON)
    )
    assert _records(action).count() == count
    later = SOON + timedelta(days=7)
    services.plan_action_save(
        **key, action_id=action.pk, values=ActionValues(**values, target_date=later)
    )
    change = _records(action).first()
    assert (change.field, change.before, change.after, change.by) == (
        "target_date",
        SOON.isoformat(),
        later.isoformat(),
        lead_c,
    )
    assert change.board == planning.board and change.agency is None
    assert change.case_id == planning.pk
